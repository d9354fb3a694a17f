from django.contrib.auth import views as auth_views
from django.urls import path

from core.views import (
    access,
    audit,
    auth,
    dashboard,
    imports,
    notifications,
    security,
    tokens,
    units,
)

app_name = "core"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("units/", units.UnitListView.as_view(), name="unit_list"),
    path("units/new/", units.UnitCreateView.as_view(), name="unit_create"),
    path("units/reorganize/", units.UnitReorganizeView.as_view(), name="unit_reorganize"),
    path("units/<int:pk>/", units.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", units.UnitUpdateView.as_view(), name="unit_update"),
    path("units/<int:pk>/dissolve/", units.UnitDissolveView.as_view(), name="unit_dissolve"),
    path("imports/", imports.ImportListView.as_view(), name="import_list"),
    path("imports/<slug:kind>/new/", imports.ImportCreateView.as_view(), name="import_create"),
    path("imports/<slug:kind>/template.xlsx", imports.ImportTemplateView.as_view(),
         name="import_template"),
    path("imports/<uuid:pk>/", imports.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<uuid:pk>/confirm/", imports.ImportConfirmView.as_view(), name="import_confirm"),
    path("imports/<uuid:pk>/errors.xlsx", imports.ImportErrorSheetView.as_view(),
         name="import_errors"),
    path("access/", access.AccessListView.as_view(), name="access_list"),
    path("access/new/", access.AccountCreateView.as_view(), name="account_create"),
    path("access/<int:pk>/", access.AccessUserView.as_view(), name="access_user"),
    path("access/<int:pk>/active/", access.AccountActiveView.as_view(), name="account_active"),
    path("access/<int:pk>/revoke/<int:unit_pk>/", access.AccessRevokeView.as_view(),
         name="access_revoke"),
    path("audit/", audit.AuditListView.as_view(), name="audit_list"),
    path("api-tokens/", tokens.ApiTokenListView.as_view(), name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", tokens.ApiTokenRevokeView.as_view(),
         name="api_token_revoke"),
    path("notifications/", notifications.NotificationListView.as_view(), name="notification_list"),
    path("notifications/bell/", notifications.NotificationBellView.as_view(),
         name="notification_bell"),
    path("notifications/read/", notifications.NotificationReadView.as_view(),
         name="notification_read"),
    path("security/lockouts/", security.LockoutListView.as_view(), name="lockout_list"),
    path("security/lockouts/clear/", security.LockoutClearView.as_view(), name="lockout_clear"),
    path("security/access-records/", security.AccessRecordListView.as_view(),
         name="access_record_list"),
    # Two-factor sign-in (core/two_factor.py): the code after the password, one's own device, the
    # reset.
    path("login/code/", auth.LoginCodeView.as_view(), name="login_code"),
    path("security/two-factor/", auth.TwoFactorView.as_view(), name="two_factor"),
    path("security/two-factor/reset/<int:pk>/", auth.TwoFactorResetView.as_view(),
         name="two_factor_reset"),
    # Password reset by e-mail (Django's views are login_not_required).
    path("password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
]
