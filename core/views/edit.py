"""The one write path of every screen (the shape of NetBox's ObjectEditView, written for this
project).

A write view declares its form, its service, where the unit of the object is, and its message;
the base does the rest, the same way everywhere:

1. fetch the object inside the user's scope (404 outside, 403 when only viewable);
2. call the service inside one transaction;
3. re-check, before the commit, that the result is still inside the units the user may edit
   (a form must not move a record out of scope: the transaction is rolled back and the answer
   is 403);
4. map a ``ValidationError`` of the service onto the form (field errors on their fields);
5. answer with a redirect, or with the HTMX partial when one is declared.

A view whose write is something else than "this form, this service" says so in a comment and
overrides :meth:`ObjectEditView.perform`.
"""
from collections.abc import Callable
from functools import cached_property

from django import forms
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from core.views.generic import UnitScopedMixin


def form_errors_from(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where the field exists, else on
    top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def unit_of(obj, unit_field: str | None):
    """Follow ``unit_field`` ("unit", "servant__unit"; None: the object is a unit)."""
    if unit_field is None:
        return obj
    for name in unit_field.split("__"):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


class OutOfScope(Exception):
    """Raised inside the write transaction to roll it back: the result left the user's units."""


class ObjectEditView(UnitScopedMixin, FormView):
    """Create (no ``pk`` in the URL) or edit one object through its service.

    Declare ``model`` (or override ``get_queryset``), ``unit_field``, ``form_class``, ``service``
    and ``success_message``. The service is called as ``service(actor=user, **service_kwargs())``
    and returns the object written (or None, then the edited object is re-checked).
    """

    model: type[models.Model] | None = None
    unit_field: str | None = "unit"
    pk_url_kwarg = "pk"
    service: Callable | None = None
    success_message = gettext_lazy("Saved.")
    partial_template_name = ""
    # An object needs MANAGE on its unit to be edited; a read-only form (none here) would say False.
    manage = True
    form_scope = False  # the form takes ``scope=`` (the units the user may edit) for its choices
    object_kwarg = ""  # the service's name for the object (default: the model's name)

    # --- the object -------------------------------------------------------------------------------
    def get_queryset(self) -> models.QuerySet:
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a model or get_queryset()")
        return self.model._default_manager.all()

    @cached_property
    def object(self):
        if self.pk_url_kwarg not in self.kwargs:
            return None
        obj = self.get_scoped_object(self.get_queryset(), self.unit_field, manage=self.manage,
                                     pk=self.kwargs[self.pk_url_kwarg])
        self.check_object(obj)
        return obj

    def check_object(self, obj) -> None:
        """Refuse (PermissionDenied) an object in scope that this action does not apply to."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not getattr(user, "is_candidate", False) and self.scope:
            perms = (self.permission_required,) if isinstance(self.permission_required, str) \
                else self.permission_required
            if perms and not user.has_perms(perms):
                raise PermissionDenied  # no right to this action at all: 403 before any lookup
            if self.pk_url_kwarg in kwargs:
                self.object  # noqa: B018 - 404/403 before the form is even built
            elif not (self.manage_scope if self.manage else self.scope):
                raise PermissionDenied  # may create nowhere
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.object is not None and issubclass(self.get_form_class(), forms.ModelForm):
            kwargs["instance"] = self.object
        if self.form_scope:
            kwargs["scope"] = self.manage_scope
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)

    # --- the write --------------------------------------------------------------------------------
    def service_kwargs(self, form) -> dict:
        """What the service gets besides ``actor``: the object (named after its model) and the
        cleaned data. Override to rename or to add."""
        data = dict(form.cleaned_data)
        if self.object is not None:
            data[self.object_kwarg or self.object._meta.model_name] = self.object
        return data

    def perform(self, form):
        return self.get_service()(actor=self.request.user, **self.service_kwargs(form))

    def get_service(self) -> Callable:
        """The declared service as the plain function it is (a function stored on a class would
        otherwise be bound as a method of the view)."""
        for klass in type(self).__mro__:
            if klass.__dict__.get("service") is not None:
                service = klass.__dict__["service"]
                return getattr(service, "__func__", service)
        raise ImproperlyConfigured(f"{type(self).__name__} needs a service")

    def scope_targets(self, result) -> list[models.Model]:
        """What must still lie in the user's units after the write: the edited object, and the
        object the service returned when it is of the same kind (or anything, on create)."""
        targets = [self.object] if self.object is not None else []
        if isinstance(result, models.Model) and result not in targets and (
                self.object is None or isinstance(result, type(self.object))):
            targets.append(result)
        return targets

    def check_scope(self, result) -> None:
        """Re-read what was written and refuse it if it left the units the user may edit (NetBox
        re-checks the same way inside the transaction)."""
        # A view whose writers need only see the object (``manage = False``: a committee that
        # proposes levels in units it may view) re-checks against what they see.
        allowed = self.manage_scope if self.manage else self.scope
        for target in self.scope_targets(result):
            target = type(target)._default_manager.get(pk=target.pk)
            if not allowed.contains(unit_of(target, self.unit_field)):
                raise OutOfScope

    def form_valid(self, form):
        try:
            with transaction.atomic():
                result = self.perform(form)
                self.check_scope(result)
        except ValidationError as exc:
            form_errors_from(form, exc)
            return self.form_invalid(form)
        except OutOfScope:
            raise PermissionDenied(
                _("The change would move the record out of the units you manage.")) from None
        self.result = result if result is not None else self.object
        message = self.get_success_message(self.result)
        if message:
            messages.success(self.request, message)
        return self.success_response(self.result)

    def get_success_message(self, result) -> str:
        message = str(self.success_message)
        return message % {"object": result} if "%(object)" in message else message

    def get_success_url(self) -> str:
        for target in (self.result, self.object):
            if hasattr(target, "get_absolute_url"):
                return target.get_absolute_url()
        raise ImproperlyConfigured(f"{type(self).__name__} needs get_success_url()")

    def success_response(self, result):
        if self.partial_template_name and getattr(self.request, "htmx", False):
            return TemplateResponse(self.request, self.partial_template_name,
                                    self.get_context_data(result=result, object=result))
        return redirect(self.get_success_url())


class OwnObjectEditView(ObjectEditView):
    """A write on one's own records (a candidate's application, one's API token or import job):
    the object is found through its owner instead of its unit (another's is 404), and after the
    write it must still be the user's (DESIGN: candidates are scoped by ownership).

    Staff write here by default; ``for_candidates`` makes it a candidate page instead.
    """

    owner_field = "owner"
    for_candidates = False
    unit_field = None

    def owned(self, queryset: models.QuerySet) -> models.QuerySet:
        """The records this user may write: their own (a view may widen it, e.g. for superusers)."""
        return queryset.filter(**{self.owner_field: self.request.user})

    @cached_property
    def object(self):
        if self.pk_url_kwarg not in self.kwargs:
            return None
        obj = get_object_or_404(self.owned(self.get_queryset()), pk=self.kwargs[self.pk_url_kwarg])
        self.check_object(obj)
        return obj

    def dispatch(self, request, *args, **kwargs):
        # Ownership is the scope: none of the unit checks of ObjectEditView apply (a candidate, or
        # staff without units, still writes their own records), only the kind of account.
        if request.user.is_authenticated:
            if getattr(request.user, "is_candidate", False) != self.for_candidates:
                raise PermissionDenied
            if self.pk_url_kwarg in kwargs:
                self.object  # noqa: B018 - 404 before the form is even built
        return FormView.dispatch(self, request, *args, **kwargs)

    def check_scope(self, result) -> None:
        """Re-read what was written: it must still be the user's (a form must not hand it over)."""
        for target in self.scope_targets(result):
            if not self.owned(type(target)._default_manager.filter(pk=target.pk)).exists():
                raise OutOfScope


class ActionForm(forms.Form):
    """The confirmation of an action that ends, closes or withdraws something: an optional
    reason."""

    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ObjectActionView(ObjectEditView):
    """A delete-like action on one object (close, end, withdraw): a confirmation page on GET, the
    service on POST, with every guarantee of :class:`ObjectEditView`."""

    form_class = ActionForm
    template_name = "generic/object_action.html"
    action_label = gettext_lazy("Confirm")

    def get_context_data(self, **kwargs):
        return super().get_context_data(action_label=self.action_label, **kwargs)


class OwnObjectActionView(OwnObjectEditView, ObjectActionView):
    """A delete-like action on one's own record (revoke one's token, confirm one's import)."""
