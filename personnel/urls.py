from django.urls import path

from personnel.views import accounts, lists, record_parts, reports, servants, verification
from personnel.views.ministry import MinistryReportView

app_name = "personnel"

urlpatterns = [
    path("", lists.ServantListView.as_view(), name="servant_list"),
    path("accounts/", accounts.AccountsCreateView.as_view(), name="accounts_create"),
    path("export.xlsx", lists.ServantExportView.as_view(), name="servant_export"),
    path("new/", servants.ServantCreateView.as_view(), name="servant_create"),
    path("<int:pk>/", servants.ServantDetailView.as_view(), name="servant_detail"),
    path("<int:pk>/edit/", servants.ServantUpdateView.as_view(), name="servant_update"),
    path("<int:pk>/assign/", servants.ServantAssignView.as_view(), name="servant_assign"),
    path("<int:pk>/salary/", servants.ServantSalaryView.as_view(), name="servant_salary"),
    path("<int:pk>/leave/", servants.ServantLeaveView.as_view(), name="servant_leave"),
    path("<int:pk>/event/", servants.ServantEventView.as_view(), name="servant_event"),
    path("<int:pk>/discipline/", servants.DisciplineCreateView.as_view(), name="discipline_create"),
    path("<int:pk>/reward/", servants.RewardCreateView.as_view(), name="reward_create"),
    path("<int:pk>/training/", servants.TrainingCreateView.as_view(), name="training_create"),
    path("<int:pk>/events/<int:event_pk>/correct/", servants.EventCorrectView.as_view(), name="event_correct"),
    path("<int:pk>/resume/", servants.ServantResumeView.as_view(), name="servant_resume"),
    path("<int:pk>/resume.xlsx", servants.ServantResumeXlsxView.as_view(), name="servant_resume_xlsx"),
    path("<int:pk>/verify/", verification.ServantVerifyView.as_view(), name="servant_verify"),
    path("readiness/", verification.ReadinessView.as_view(), name="readiness"),
    path("readiness.xlsx", verification.ReadinessExportView.as_view(), name="readiness_export"),
    path("readiness/verify/", verification.ReadinessVerifyView.as_view(), name="readiness_verify"),
    path("retirement/", reports.RetirementView.as_view(), name="retirement"),
    path("raises/", reports.RaisesDueView.as_view(), name="raises"),
    path("training/", reports.TrainingPlanView.as_view(), name="training_plan"),
    path("stats/", reports.StatsView.as_view(), name="stats"),
    path("staffing/", reports.StaffingView.as_view(), name="staffing"),
    path("ministry-report/", MinistryReportView.as_view(), name="ministry_report"),
    path("training-needs/", reports.TrainingNeedsView.as_view(), name="training_needs"),
    path("<int:pk>/competencies/", servants.AssessmentCreateView.as_view(), name="assessment_create"),
]
    # Parts of the record beside the career (issue 17): personnel.views.record_parts
    path("<int:pk>/family/add/", record_parts.FamilyMemberCreateView.as_view(), name="family_create"),
    path("<int:pk>/family/<int:part_pk>/", record_parts.FamilyMemberUpdateView.as_view(), name="family_update"),
    path("<int:pk>/documents/add/", record_parts.AttachmentCreateView.as_view(), name="attachment_create"),
    path("<int:pk>/documents/<int:part_pk>/", record_parts.AttachmentDownloadView.as_view(),
         name="attachment_download"),
    path("<int:pk>/documents/<int:part_pk>/withdraw/", record_parts.AttachmentWithdrawView.as_view(),
         name="attachment_withdraw"),
    path("<int:pk>/photo/", record_parts.PhotoView.as_view(), name="servant_photo"),
    path("<int:pk>/photo/edit/", record_parts.PhotoUpdateView.as_view(), name="servant_photo_update"),
    path("<int:pk>/allowances/add/", record_parts.AllowanceCreateView.as_view(), name="allowance_create"),
    path("<int:pk>/allowances/<int:part_pk>/end/", record_parts.AllowanceEndView.as_view(), name="allowance_end"),
    path("<int:pk>/absences/add/", record_parts.LeaveRecordCreateView.as_view(), name="leave_record_create"),
    path("<int:pk>/absences/<int:part_pk>/cancel/", record_parts.LeaveRecordCancelView.as_view(),
         name="leave_record_cancel"),
    path("<int:pk>/contracts/add/", record_parts.ContractCreateView.as_view(), name="contract_create"),
    path("<int:pk>/contracts/<int:part_pk>/end/", record_parts.ContractEndView.as_view(), name="contract_end"),
