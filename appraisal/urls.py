from django.urls import path

from appraisal import ledger_views, progress_views, self_views, unit_result_views, views, workflow_views
from appraisal.views_export import CycleExportView

app_name = "appraisal"

urlpatterns = [
    path("", views.CycleListView.as_view(), name="cycle_list"),
    path("open/", views.CycleOpenView.as_view(), name="cycle_open"),
    path("<int:pk>/", views.CycleBoardView.as_view(), name="board"),
    path("<int:pk>/close/", views.CycleCloseView.as_view(), name="cycle_close"),
    path("<int:pk>/export.xlsx", CycleExportView.as_view(), name="cycle_export"),
    path("<int:pk>/opening/", progress_views.OpenProgressView.as_view(), name="open_progress"),
    path("<int:pk>/progress/", progress_views.CycleProgressView.as_view(), name="progress"),
    path("unit-results/", unit_result_views.UnitResultListView.as_view(), name="unit_results"),
    # One name for the form, with no pk to record a unit's result and with one to correct it.
    path("unit-results/add/", unit_result_views.UnitResultEditView.as_view(), name="unit_result_edit"),
    path("unit-results/<int:pk>/", unit_result_views.UnitResultEditView.as_view(), name="unit_result_edit"),
    path("appraisals/<int:pk>/committee/", views.CommitteeDecideView.as_view(), name="committee_decide"),
    path("people/<int:pk>/", views.PersonScoresView.as_view(), name="person_scores"),
    path("appraisals/<int:pk>/period/", ledger_views.PeriodScoreView.as_view(), name="period_score"),
    path("appraisals/<int:pk>/form/", self_views.AppraisalFormView.as_view(), name="appraisal_form"),
    path("catalogue/", ledger_views.CatalogueView.as_view(), name="catalogue"),
    path("catalogue/add/", ledger_views.WorkItemEditView.as_view(), name="work_item_add"),
    path("catalogue/<int:pk>/edit/", ledger_views.WorkItemEditView.as_view(), name="work_item_edit"),
    path("catalogue/<int:pk>/withdraw/", ledger_views.WorkItemWithdrawView.as_view(), name="work_item_withdraw"),
    path("ledger/", ledger_views.LedgerView.as_view(), name="ledger"),
    path("ledger/assign/", ledger_views.WorkAssignView.as_view(), name="work_assign"),
    path("ledger/<int:pk>/review/", ledger_views.WorkReviewView.as_view(), name="work_review"),
    path("ledger/<int:pk>/exempt/", ledger_views.WorkExemptView.as_view(), name="work_exempt"),
    path("ledger/<int:pk>/cancel/", ledger_views.WorkCancelView.as_view(), name="work_cancel"),
    path("ledger/<int:pk>/file/", ledger_views.AttachmentView.as_view(), name="work_file"),
    path("<int:pk>/workflow/", workflow_views.WorkflowView.as_view(), name="workflow"),
    path("<int:pk>/meeting/", workflow_views.MeetingView.as_view(), name="meeting"),
    path("<int:pk>/consolidate/", workflow_views.ConsolidateView.as_view(), name="consolidate"),
    path("<int:pk>/decision/", workflow_views.DecisionView.as_view(), name="decision"),
    path("<int:pk>/publish/", workflow_views.PublishView.as_view(), name="publish"),
    path("appraisals/<int:pk>/party/", workflow_views.PartyOpinionView.as_view(), name="party_opinion"),
    path("appraisals/<int:pk>/petition/", workflow_views.PetitionFileView.as_view(), name="petition_file"),
    path("petitions/<int:pk>/answer/", workflow_views.PetitionAnswerView.as_view(), name="petition_answer"),
    path("me/<int:pk>/petition/", workflow_views.MyPetitionView.as_view(), name="my_petition"),
    path("me/", self_views.MyAppraisalView.as_view(), name="me"),
    path("me/work/<int:pk>/report/", self_views.MyReportView.as_view(), name="my_report"),
    path("me/<int:pk>/score/", self_views.MySelfScoreView.as_view(), name="my_score"),
    path("me/<int:pk>/self-assessment/", self_views.MySelfAssessView.as_view(), name="my_self_assess"),
]
