"""View machinery shared by every app: staff-only pages, unit scope, HTMX partials.

Deny by default: the login middleware turns anonymous visitors away from every page not marked
``login_not_required``; these mixins turn candidates away from staff pages and narrow every
object lookup to the user's units (out of scope → 404, visible but not editable → 403).
"""
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from core.access import MANAGE, VIEW, UnitScope, unit_scope


class StaffRequiredMixin:
    """Staff pages: candidates get 403; ``permission_required`` (model-level) is checked too."""

    permission_required: str | tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if getattr(user, "is_candidate", False):
            raise PermissionDenied
        perms = (self.permission_required,) if isinstance(self.permission_required,
                                                          str) else self.permission_required
        if perms and not user.has_perms(perms):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UnitScopedMixin(StaffRequiredMixin):
    """Gives the view ``scope`` (units the user may see) and ``manage_scope`` (may edit)."""

    require_scope = True

    @cached_property
    def scope(self) -> UnitScope:
        return unit_scope(self.request.user, VIEW)

    @cached_property
    def manage_scope(self) -> UnitScope:
        return unit_scope(self.request.user, MANAGE)

    def dispatch(self, request, *args, **kwargs):
        if (not getattr(request.user, "is_candidate", False)
                and self.require_scope and not self.scope):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_scoped_object(self, queryset, unit_field: str | None = "unit", manage: bool = False,
                          **lookup):
        """Fetch one object inside the user's scope: 404 outside it, 403 if ``manage`` and only
        viewable."""
        scoped = queryset if unit_field is None else self.scope.filter(queryset, unit_field)
        obj = get_object_or_404(scoped, **lookup)
        if manage:
            unit = obj
            for name in (unit_field or "").split("__") if unit_field else ():
                unit = getattr(unit, name)
            if not self.manage_scope.contains(unit):
                raise PermissionDenied
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("scope", self.scope)
        context.setdefault("manage_scope", self.manage_scope)
        return context


class ManagedUnitFormMixin(UnitScopedMixin):
    """A form that creates something in one of the units the user may edit: refused (403) to a
    staff member who may edit none; the form gets the edit scope for its unit choices."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not getattr(request.user, "is_candidate", False) \
                and not self.manage_scope:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.manage_scope}


class HtmxPartialMixin:
    """Render only ``partial_template_name`` for HTMX requests (same view, same context)."""

    partial_template_name: str = ""

    def get_template_names(self):
        if self.partial_template_name and getattr(self.request, "htmx", False) and \
                not self.request.htmx.boosted:
            return [self.partial_template_name]
        return super().get_template_names()
