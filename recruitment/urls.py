from django.contrib.auth.decorators import login_not_required
from django.urls import path

from recruitment.views import exam_marking, exam_sessions, exams, papers, portal, rounds

app_name = "recruitment"

urlpatterns = [
    # HR and the exam board
    path("", rounds.RoundListView.as_view(), name="round_list"),
    path("new/", rounds.RoundCreateView.as_view(), name="round_create"),
    path("<int:pk>/", rounds.RoundDetailView.as_view(), name="round_detail"),
    path("<int:pk>/edit/", rounds.RoundUpdateView.as_view(), name="round_update"),
    path("<int:pk>/status/", rounds.RoundStatusView.as_view(), name="round_status"),
    path("<int:pk>/vacancies/", rounds.VacancyCreateView.as_view(), name="vacancy_create"),
    path("<int:pk>/board/", rounds.BoardGrantView.as_view(), name="board_grant"),
    path(
        "<int:pk>/board/<int:user_pk>/revoke/", rounds.BoardRevokeView.as_view(),
        name="board_revoke",
    ),
    path("<int:pk>/applications/", rounds.ApplicationListView.as_view(), name="application_list"),
    path("<int:pk>/numbers/", rounds.NumbersAssignView.as_view(), name="numbers_assign"),
    path("<int:pk>/admission/", rounds.AdmissionListView.as_view(), name="admission_list"),
    path("<int:pk>/rooms/", papers.RoomListView.as_view(), name="room_list"),
    path("<int:pk>/admission/paper/", papers.AdmissionPaperView.as_view(), name="admission_paper"),
    path("<int:pk>/round1/", rounds.Round1View.as_view(), name="round1"),
    path("<int:pk>/marks/", rounds.MarksView.as_view(), name="marks"),
    path("<int:pk>/results/", rounds.ResultsView.as_view(), name="results"),
    path("<int:pk>/results.xlsx", rounds.ResultsExportView.as_view(), name="results_export"),
    path("<int:pk>/results/paper/", papers.ResultsPaperView.as_view(), name="results_paper"),
    path("<int:pk>/publish/", rounds.ResultsPublishView.as_view(), name="results_publish"),
    path("<int:pk>/appeals/", rounds.AppealListView.as_view(), name="appeal_list"),
    path("appeals/<int:pk>/answer/", rounds.AppealAnswerView.as_view(), name="appeal_answer"),
    path(
        "applications/<int:pk>/", rounds.ApplicationDetailView.as_view(), name="application_detail"
    ),
    path(
        "applications/<int:pk>/review/", rounds.ApplicationReviewView.as_view(),
        name="application_review",
    ),
    path("applications/<int:pk>/fee/", rounds.ApplicationFeeView.as_view(), name="application_fee"),
    path(
        "applications/<int:pk>/hire/", rounds.ApplicationHireView.as_view(), name="application_hire"
    ),
    path(
        "applications/<int:pk>/documents/<int:doc_pk>/", rounds.DocumentDownloadView.as_view(),
        name="document_download",
    ),
    # The exam engine
    path("rounds/<int:pk>/banks/", rounds.RoundBanksView.as_view(), name="round_banks"),
    path("banks/", exams.BankListView.as_view(), name="bank_list"),
    path("banks/<int:pk>/", exams.BankDetailView.as_view(), name="bank_detail"),
    path("banks/<int:pk>/moodle.xml", exams.BankExportView.as_view(), name="bank_export"),
    path(
        "questions/<int:pk>/images/<str:name>", exams.QuestionImageView.as_view(),
        name="question_image",
    ),
    path("questions/<int:pk>/", exams.QuestionDetailView.as_view(), name="question_detail"),
    path(
        "questions/<int:pk>/<str:action>/", exams.QuestionStatusView.as_view(),
        name="question_status",
    ),
    path("blueprints/", exams.BlueprintListView.as_view(), name="blueprint_list"),
    path("sessions/", exam_sessions.SessionListView.as_view(), name="session_list"),
    path("sessions/<int:pk>/", exam_sessions.SessionDetailView.as_view(), name="session_detail"),
    path("sessions/<int:pk>/seat/", exam_sessions.SessionSeatView.as_view(), name="session_seat"),
    path(
        "sessions/<int:pk>/papers/", exam_sessions.SessionPapersView.as_view(),
        name="session_papers",
    ),
    path(
        "sessions/<int:pk>/passwords/", exam_sessions.SessionPasswordsView.as_view(),
        name="session_passwords",
    ),
    path("sessions/<int:pk>/proctor/", exam_sessions.ProctorView.as_view(), name="proctor"),
    path(
        "sessions/<int:pk>/incident/", exam_sessions.SessionIncidentView.as_view(),
        name="session_incident",
    ),
    path(
        "sessions/<int:pk>/unlock/", exam_sessions.SessionUnlockView.as_view(),
        name="session_unlock",
    ),
    path("sessions/<int:pk>/analysis/", exam_sessions.AnalysisView.as_view(), name="analysis"),
    path(
        "sessions/<int:pk>/marking/", exam_marking.SessionNegativeMarkingView.as_view(),
        name="session_marking",
    ),
    path(
        "sessions/<int:pk>/essays/", exam_marking.SessionEssaysView.as_view(), name="session_essays"
    ),
    path(
        "attempts/<int:pk>/<str:action>/", exam_sessions.AttemptActionView.as_view(),
        name="attempt_action",
    ),
    # Candidates
    path("register/", login_not_required(portal.RegisterView.as_view()), name="register"),
    path("verify/<str:token>/", login_not_required(portal.VerifyView.as_view()), name="verify"),
    path(
        "register/resend/",
        login_not_required(portal.ResendConfirmationView.as_view()),
        name="resend_confirmation",
    ),
    path("portal/", portal.PortalView.as_view(), name="portal"),
    path("portal/rounds/<int:pk>/apply/", portal.ApplyView.as_view(), name="apply"),
    path(
        "portal/applications/<int:pk>/", portal.MyApplicationView.as_view(), name="my_application"
    ),
    path(
        "portal/applications/<int:pk>/documents/", portal.DocumentUploadView.as_view(),
        name="my_document_upload",
    ),
    path(
        "portal/applications/<int:pk>/documents/<int:doc_pk>/", portal.MyDocumentView.as_view(),
        name="my_document",
    ),
    path(
        "portal/applications/<int:pk>/appeal/", portal.AppealCreateView.as_view(), name="my_appeal"
    ),
    path("portal/applications/<int:pk>/receipt/", portal.ReceiptView.as_view(), name="my_receipt"),
    path("portal/applications/<int:pk>/summons/", portal.SummonsView.as_view(), name="my_summons"),
]
