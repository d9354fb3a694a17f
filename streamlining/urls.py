from django.urls import path

from streamlining import views

app_name = "streamlining"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/approve/", views.PlanApproveView.as_view(), name="plan_approve"),
    path("screening/", views.ScreenView.as_view(), name="screen"),
    path("reorganisation/", views.ReorganisationView.as_view(), name="reorganisation"),
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/new/", views.CaseCreateView.as_view(), name="case_create"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/propose/", views.CaseProposeView.as_view(), name="case_propose"),
    path("cases/<int:pk>/review/", views.CaseReviewView.as_view(), name="case_review"),
    path("cases/<int:pk>/decide/", views.CaseDecideView.as_view(), name="case_decide"),
    path("cases/<int:pk>/stop/", views.CaseRefuseView.as_view(), name="case_refuse"),
    path("cases/<int:pk>/payment/", views.CasePayView.as_view(), name="case_pay"),
    path("report/", views.ReportView.as_view(), name="report"),
    path("refund-watch/", views.RefundWatchView.as_view(), name="refund_watch"),
]
