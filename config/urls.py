from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from appraisal.api import AppraisalResultViewSet, PeriodScoreViewSet
from core.api import OrgUnitViewSet
from core.views.auth import LoginView, set_language
from core.views.dashboard import healthz
from personnel.api import PersonViewSet
from positions.api import PositionViewSet
from recruitment.api import RoundViewSet

router = DefaultRouter()
router.register("units", OrgUnitViewSet, basename="unit")
router.register("appraisal/scores", PeriodScoreViewSet, basename="appraisal-score")
router.register("appraisal/results", AppraisalResultViewSet, basename="appraisal-result")
router.register("people", PersonViewSet, basename="person")
router.register("positions", PositionViewSet, basename="position")
router.register("recruitment/rounds", RoundViewSet, basename="recruitment-round")

urlpatterns = [
    path("login/", LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", login_not_required(healthz), name="healthz"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # Swagger UI from drf-spectacular-sidecar's static files, its start script a file of its own
    # (CSP).
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"),
         name="api_docs"),
    path("api/v1/", include((router.urls, "api"))),
    path("admin/", admin.site.urls),
    path("positions/", include("positions.urls")),
    path("people/", include("personnel.urls")),
    path("appraisal/", include("appraisal.urls")),
    path("recruitment/", include("recruitment.urls")),
    path("exam/", include("recruitment.exam.urls")),
    path("streamlining/", include("streamlining.urls")),
    path("", include("core.urls")),
]
