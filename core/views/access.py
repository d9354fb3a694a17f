"""Grant and revoke unit access (provincial HR); create staff accounts."""
from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.access import MANAGE, VIEW
from core.forms import AccountForm, GrantForm
from core.models import OrgUnit, OrgUnitUserObjectPermission, User
from core.roles import user_roles
from core.services.accounts import account_create, account_set_active
from core.services.units import unit_grant, unit_revoke
from core.text import unaccent
from core.views.generic import UnitScopedMixin

LEVEL_OF_PERM = {"view_unit_data": VIEW, "manage_unit_data": MANAGE}


def user_grants(users) -> dict[int, list[dict]]:
    """Unit grants of many users in one query: {user id: [{"unit", "level"}]}."""
    rows = OrgUnitUserObjectPermission.objects.filter(user__in=users).select_related("content_object", "permission")
    grants: dict[int, list[dict]] = {}
    for row in rows:
        level = LEVEL_OF_PERM.get(row.permission.codename)
        if level:
            grants.setdefault(row.user_id, []).append({"unit": row.content_object, "level": level})
    return grants


class AccessMixin(UnitScopedMixin):
    permission_required = "core.manage_grants"


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
            users = [u for u in users if all(w in unaccent(f"{u.username} {u.full_name}") for w in words)]
        grants = user_grants(users)
        context.update(query=query, rows=[{"user": u, "roles": user_roles(u), "grants": grants.get(u.pk, [])}
                                          for u in users], form=AccountForm(scope=self.scope))
        return context


class AccountCreateView(AccessMixin, FormView):
    template_name = "core/account_form.html"
    form_class = AccountForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def form_valid(self, form):
        data = form.cleaned_data
        user = account_create(actor=self.request.user, username=data["username"], full_name=data["full_name"],
                              password=data["password"], role=data["role"], email=data.get("email", ""),
                              unit=data.get("unit"))
        messages.success(self.request, _("Account %(name)s created.") % {"name": user.username})
        return redirect("core:access_user", pk=user.pk)


class AccessUserView(AccessMixin, FormView):
    """One account: its roles, its unit grants, add or revoke a grant."""

    template_name = "core/access_user.html"
    form_class = GrantForm

    def get_account(self) -> User:
        return get_object_or_404(User, pk=self.kwargs["pk"], account_type=User.AccountType.STAFF)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def get_context_data(self, **kwargs):
        account = self.get_account()
        return super().get_context_data(account=account, roles=user_roles(account),
                                        grants=user_grants([account]).get(account.pk, []), **kwargs)

    def form_valid(self, form):
        account = self.get_account()
        unit_grant(actor=self.request.user, unit=form.cleaned_data["unit"], level=form.cleaned_data["level"],
                   user=account)
        messages.success(self.request, _("Access granted."))
        return redirect("core:access_user", pk=account.pk)


class AccessRevokeView(AccessMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, unit_pk):
        account = get_object_or_404(User, pk=pk, account_type=User.AccountType.STAFF)
        unit = get_object_or_404(OrgUnit, pk=unit_pk)
        unit_revoke(actor=request.user, unit=unit, user=account)
        messages.success(request, _("Access to %(unit)s revoked.") % {"unit": unit.name})
        return redirect("core:access_user", pk=account.pk)


class AccountActiveView(AccessMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        account = get_object_or_404(User, pk=pk, account_type=User.AccountType.STAFF)
        if account.pk != request.user.pk:
            account_set_active(actor=request.user, user=account, active=request.POST.get("active") == "1")
        return redirect("core:access_user", pk=account.pk)
