from django.urls import path

from appraisal import views
from appraisal.views_export import CycleExportView

app_name = "appraisal"

urlpatterns = [
    path("", views.CycleListView.as_view(), name="cycle_list"),
    path("open/", views.CycleOpenView.as_view(), name="cycle_open"),
    path("<int:pk>/", views.CycleBoardView.as_view(), name="board"),
    path("<int:pk>/close/", views.CycleCloseView.as_view(), name="cycle_close"),
    path("<int:pk>/export.xlsx", CycleExportView.as_view(), name="cycle_export"),
    path("appraisals/<int:pk>/committee/", views.CommitteeDecideView.as_view(), name="committee_decide"),
    path("people/<int:pk>/", views.PersonScoresView.as_view(), name="person_scores"),
]
