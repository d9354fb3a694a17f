"""The exam site: the candidate's pages and the exam API (candidates are not users of the site,
so none of these need a login; each checks the attempt's token)."""
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from recruitment.exam import api, views

app_name = "exam"

urlpatterns = [
    path("", views.ExamLoginView.as_view(), name="login"),
    path("paper/", views.PaperView.as_view(), name="paper"),
    path("submit/", views.SubmitView.as_view(), name="submit"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("api/login", login_not_required(api.LoginView.as_view()), name="api_login"),
    path(
        "api/attempts/<int:attempt>", login_not_required(api.AttemptView.as_view()),
        name="api_attempt",
    ),
    path(
        "api/attempts/<int:attempt>/answers/<int:n>", login_not_required(api.AnswerView.as_view()),
        name="api_answer",
    ),
    path(
        "api/attempts/<int:attempt>/images/<int:n>/<str:name>",
        login_not_required(api.ImageView.as_view()), name="api_image",
    ),
    path(
        "api/attempts/<int:attempt>/submit", login_not_required(api.SubmitView.as_view()),
        name="api_submit",
    ),
]
