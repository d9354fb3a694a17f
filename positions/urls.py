from django.urls import path

from positions import views

app_name = "positions"

urlpatterns = [
    path("", views.PositionListView.as_view(), name="position_list"),
    path("new/", views.PositionCreateView.as_view(), name="position_create"),
    path("export.xlsx", views.PositionExportView.as_view(), name="position_export"),
    path("<int:pk>/", views.PositionDetailView.as_view(), name="position_detail"),
    path("<int:pk>/edit/", views.PositionUpdateView.as_view(), name="position_update"),
    path("<int:pk>/print/", views.PositionPrintView.as_view(), name="position_print"),
    path("<int:pk>/description/", views.DescriptionUpdateView.as_view(), name="description_update"),
    path("<int:pk>/framework/", views.FrameworkUpdateView.as_view(), name="framework_update"),
    path("<int:pk>/new-version/", views.DescriptionNewVersionView.as_view(),
         name="description_new_version"),
    path("dossiers/", views.DossierListView.as_view(), name="dossier_list"),
    path("dossiers/new/", views.DossierCreateView.as_view(), name="dossier_create"),
    path("dossiers/<int:pk>/", views.DossierDetailView.as_view(), name="dossier_detail"),
    path("quotas/", views.QuotaListView.as_view(), name="quota_list"),
    path("catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("ratio-caps/", views.RatioCapView.as_view(), name="ratio_caps"),
    path("catalogue/competencies/new/", views.CompetencyEditView.as_view(),
         name="competency_create"),
    path("catalogue/competencies/<int:pk>/", views.CompetencyEditView.as_view(),
         name="competency_update"),
]
