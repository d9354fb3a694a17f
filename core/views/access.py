"""Grant and revoke unit access (provincial HR); create staff accounts.

The writes go through core's edit view. An account is not in a unit (it reaches units through its
grants), so the units a write touches are what is re-checked against the units the user manages:
a crafted form cannot grant, or give a new account, a unit outside them.
"""
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.access import MANAGE, VIEW
from core.forms import AccountActiveForm, AccountForm, GrantForm
from core.models import OrgUnit, OrgUnitUserObjectPermission, User
from core.roles import user_roles
from core.services.accounts import account_create, account_set_active
from core.services.units import unit_grant, unit_revoke
from core.text import unaccent
from core.views.edit import ObjectActionView, ObjectEditView
from core.views.generic import UnitScopedMixin

LEVEL_OF_PERM = {"view_unit_data": VIEW, "manage_unit_data": MANAGE}


def user_grants(users) -> dict[int, list[dict]]:
    """Unit grants of many users in one query: {user id: [{"unit", "level"}]}."""
    rows = (OrgUnitUserObjectPermission.objects.filter(user__in=users)
            .select_related("content_object", "permission"))
    grants: dict[int, list[dict]] = {}
    for row in rows:
        level = LEVEL_OF_PERM.get(row.permission.codename)
        if level:
            grants.setdefault(row.user_id, []).append({"unit": row.content_object, "level": level})
    return grants


class AccessMixin(UnitScopedMixin):
    permission_required = "core.manage_grants"


class AccountWriteMixin(AccessMixin):
    """A write about a staff account: the account is found by its id (not through a unit), the
    units the write gives are re-checked (``unit_field = None``: each target is a unit)."""

    unit_field = None

    @cached_property
    def object(self) -> User:
        account = get_object_or_404(User, pk=self.kwargs["pk"], account_type=User.AccountType.STAFF)
        self.check_object(account)
        return account

    def scope_targets(self, result) -> list:
        return []  # nothing of a unit is written; a view that grants one says which

    def get_success_url(self) -> str:
        return reverse("core:access_user", args=[self.object.pk])


class AccessListView(AccessMixin, TemplateView):
    template_name = "core/access_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        users = User.objects.filter(account_type=User.AccountType.STAFF).prefetch_related(
            Prefetch("groups")).order_by("username")
        users = list(users)
        if query:
            words = unaccent(query).split()
            users = [u for u in users
                         if all(w in unaccent(f"{u.username} {u.full_name}") for w in words)]
        grants = user_grants(users)
        context.update(query=query,
                       rows=[{"user": u, "roles": user_roles(u), "grants": grants.get(u.pk, [])}
                                          for u in users], form=AccountForm(scope=self.scope))
        return context


class AccountCreateView(AccessMixin, ObjectEditView):
    template_name = "core/account_form.html"
    form_class = AccountForm
    form_scope = True
    unit_field = None
    service = account_create

    def scope_targets(self, result: User) -> list[OrgUnit]:
        # The new account's grants, read back: all inside the units the creator manages.
        return [grant["unit"] for grant in user_grants([result]).get(result.pk, [])]

    def get_success_message(self, result: User) -> str:
        return _("Account %(name)s created.") % {"name": result.username}

    def get_success_url(self) -> str:
        return reverse("core:access_user", args=[self.result.pk])


class AccessUserView(AccountWriteMixin, ObjectEditView):
    """One account: its roles, its unit grants, add or revoke a grant."""

    template_name = "core/access_user.html"
    form_class = GrantForm
    form_scope = True
    service = unit_grant
    success_message = gettext_lazy("Access granted.")

    def service_kwargs(self, form) -> dict:
        return {**form.cleaned_data, "user": self.object}

    def perform(self, form) -> OrgUnit:
        super().perform(form)
        return form.cleaned_data["unit"]

    def scope_targets(self, result: OrgUnit) -> list[OrgUnit]:
        return [result]  # the unit granted

    def get_context_data(self, **kwargs):
        account = self.object
        return super().get_context_data(account=account, roles=user_roles(account),
                                        grants=user_grants([account]).get(account.pk, []), **kwargs)


class AccessRevokeView(AccessMixin, ObjectActionView):
    """Revoke an account's grant on one unit: the unit is the object, so one outside the units the
    user manages is 404/403 like any other record."""

    model = OrgUnit
    unit_field = None
    pk_url_kwarg = "unit_pk"
    service = unit_revoke
    http_method_names = ["post"]  # the access page posts the button; no page of its own

    def get_queryset(self):
        return self.scope.units()

    @cached_property
    def account(self) -> User:
        return get_object_or_404(User, pk=self.kwargs["pk"], account_type=User.AccountType.STAFF)

    def service_kwargs(self, form) -> dict:
        return {"unit": self.object, "user": self.account, "reason": form.cleaned_data["reason"]}

    def get_success_message(self, result) -> str:
        return _("Access to %(unit)s revoked.") % {"unit": self.object.name}

    def get_success_url(self) -> str:
        return reverse("core:access_user", args=[self.account.pk])


class AccountActiveView(AccountWriteMixin, ObjectEditView):
    form_class = AccountActiveForm
    service = account_set_active
    success_message = ""
    http_method_names = ["post"]  # the access page posts the button; no page of its own

    def check_object(self, account: User) -> None:
        if account.pk == self.request.user.pk:
            raise PermissionDenied  # one does not lock oneself out

    def service_kwargs(self, form) -> dict:
        return {"user": self.object, "active": form.cleaned_data["active"]}
