"""The parts of a person's record beside the career: family, documents, photo, allowances, leave
and contracts. Writes go through core.views.edit (the person's unit must be managed: 404 outside
the reader's units, 403 when only viewable); files are read only through the scoped views here,
never from a public media URL.

The ``*_section`` functions add the tabs to the person's page through personnel.sections."""
import os

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.access import MANAGE, VIEW, unit_scope
from core.models import AccessRecord
from core.services.access_log import access_record
from core.views.edit import ObjectActionView, ObjectEditView
from core.views.generic import UnitScopedMixin
from personnel import record_parts_forms as forms
from personnel.models import (
    Allowance,
    Attachment,
    CivilServant,
    Contract,
    FamilyMember,
    LeaveRecord,
)
from personnel.privacy import FieldPolicy
from personnel.services import record_parts as services

FORM_TEMPLATE = "generic/object_form.html"


def _policy(view) -> FieldPolicy:
    return FieldPolicy(view.scope, view.manage_scope)


class PartCreateView(ObjectEditView):
    """Add a part to the person of the URL: the person is the object checked for scope."""

    model = CivilServant
    object_kwarg = "servant"
    template_name = FORM_TEMPLATE
    title = ""

    def get_queryset(self):
        return CivilServant.objects.select_related("unit")

    def service_kwargs(self, form) -> dict:
        data = form.service_data() if hasattr(form, "service_data") else dict(form.cleaned_data)
        return {**data, "servant": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"{self.title}: {self.object.full_name}",
                                         cancel_url=self.object.get_absolute_url(), **kwargs)


class PartOfServantMixin:
    """A part (``part_pk``) of the person of the URL (``pk``)."""

    pk_url_kwarg = "part_pk"
    unit_field = "servant__unit"

    def get_queryset(self):
        rows = self.model._default_manager.filter(servant_id=self.kwargs["pk"])
        return rows.select_related("servant__unit")

    def get_success_url(self) -> str:
        return self.object.servant.get_absolute_url()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("cancel_url", self.object.servant.get_absolute_url())
        return super().get_context_data(**kwargs)


# --- Family ---------------------------------------------------------------------------------------

class FamilyMemberCreateView(PartCreateView):
    form_class = forms.FamilyMemberForm
    service = services.family_member_add
    title = gettext_lazy("Add a family member")
    success_message = gettext_lazy("Family member added: %(object)s.")


class FamilyMemberUpdateView(PartOfServantMixin, ObjectEditView):
    model = FamilyMember
    object_kwarg = "member"
    template_name = FORM_TEMPLATE
    form_class = forms.FamilyMemberForm
    service = services.family_member_update
    success_message = gettext_lazy("Family member corrected: %(object)s.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "edit": True}

    def get_initial(self):
        return {name: getattr(self.object, name) for name in services.FAMILY_FIELDS}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Correct a family member: "
                                                "%(name)s") % {"name": self.object.full_name},
                                        intro=_("The values before the correction stay in the "
                                                "change log."), **kwargs)


# --- Documents and photo --------------------------------------------------------------------------

class AttachmentCreateView(PartCreateView):
    form_class = forms.AttachmentForm
    service = services.attachment_add
    title = gettext_lazy("Add a document")
    success_message = gettext_lazy("Document added: %(object)s.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "servant": self.object}


class AttachmentWithdrawView(PartOfServantMixin, ObjectActionView):
    model = Attachment
    object_kwarg = "attachment"
    service = services.attachment_withdraw
    action_label = gettext_lazy("Withdraw the document")
    success_message = gettext_lazy("Document withdrawn: %(object)s.")


def _may_read_attachment(view, attachment: Attachment) -> bool:
    # Health certificates are health data (ND 13/2023 Art. 2(4)): only for who sees private fields.
    if attachment.kind == Attachment.Kind.HEALTH or attachment.withdrawn:
        return _policy(view).shows_private(attachment.servant.unit)
    return True


class AttachmentDownloadView(UnitScopedMixin, View):
    """A document of the record, for those who see the person (404 outside their units)."""

    def get(self, request, pk, part_pk):
        attachment = self.get_scoped_object(
            Attachment.objects.filter(servant_id=pk).select_related("servant__unit"),
            "servant__unit", pk=part_pk)
        if not _may_read_attachment(self, attachment):
            raise PermissionDenied
        access_record(actor=request.user, action=AccessRecord.Action.VIEW,
                      subjects=[attachment.servant],
                      sensitive=attachment.kind == Attachment.Kind.HEALTH, request=request)
        extension = os.path.splitext(attachment.file.name)[1]
        response = FileResponse(attachment.file.open("rb"), as_attachment=True,
                                filename=(slugify(attachment.title) or "tai-lieu") + extension,
                                content_type=attachment.content_type or "application/octet-stream")
        response["Cache-Control"] = "private, no-store"
        return response


class PhotoView(UnitScopedMixin, View):
    """The person's photo, for those the field policy shows private fields to (403 for view-only
    readers, 404 outside the reader's units or without a photo)."""

    def get(self, request, pk):
        servant = self.get_scoped_object(CivilServant.objects.select_related("unit"), "unit", pk=pk)
        if not _policy(self).shows_private(servant.unit):
            raise PermissionDenied
        if not servant.photo:
            raise Http404
        extension = os.path.splitext(servant.photo.name)[1].lower()
        _kind, content_type = services.PHOTO_TYPES.get(extension,
                                                       (None, "application/octet-stream"))
        response = FileResponse(servant.photo.open("rb"), content_type=content_type)
        response["Cache-Control"] = "private, no-store"
        return response


class PhotoUpdateView(PartCreateView):
    form_class = forms.PhotoForm
    service = services.photo_set
    title = gettext_lazy("Photo")
    success_message = gettext_lazy("Photo saved.")


# --- Allowances, leave, contracts -----------------------------------------------------------------

class AllowanceCreateView(PartCreateView):
    form_class = forms.AllowanceForm
    service = services.allowance_add
    title = gettext_lazy("Add an allowance")
    success_message = gettext_lazy("Allowance recorded: %(object)s.")


class AllowanceEndView(PartOfServantMixin, ObjectActionView):
    model = Allowance
    object_kwarg = "allowance"
    form_class = forms.EndForm
    service = services.allowance_end
    action_label = gettext_lazy("End the allowance")
    success_message = gettext_lazy("Allowance ended: %(object)s.")


class LeaveRecordCreateView(PartCreateView):
    form_class = forms.LeaveRecordForm
    service = services.leave_record
    title = gettext_lazy("Leave or absence")
    success_message = gettext_lazy("Recorded: %(object)s.")


class LeaveRecordCancelView(PartOfServantMixin, ObjectActionView):
    model = LeaveRecord
    object_kwarg = "leave"
    service = services.leave_cancel
    action_label = gettext_lazy("Cancel the period")
    success_message = gettext_lazy("Cancelled: %(object)s.")


class ContractCreateView(PartCreateView):
    form_class = forms.ContractForm
    service = services.contract_record
    title = gettext_lazy("Add a contract")
    success_message = gettext_lazy("Contract recorded: %(object)s.")


class ContractEndView(PartOfServantMixin, ObjectActionView):
    model = Contract
    object_kwarg = "contract"
    form_class = forms.EndForm
    service = services.contract_end
    action_label = gettext_lazy("End the contract early")
    success_message = gettext_lazy("Contract ended: %(object)s.")

    def service_kwargs(self, form) -> dict:
        data = super().service_kwargs(form)
        data["ended_on"] = data.pop("end_date")
        return data


# --- The tabs of the person's page ----------------------------------------------------------------

def _section_base(request, servant: CivilServant) -> dict:
    view, manage = unit_scope(request.user, VIEW), unit_scope(request.user, MANAGE)
    return {"servant": servant, "can_manage": manage.contains(servant.unit),
            "show_private": FieldPolicy(view, manage).shows_private(servant.unit)}


def _section(key: str, label: str, context: dict) -> dict:
    return {"key": key, "label": label, "template": "personnel/record_parts.html",
            "context": {**context, "part": key}}


def family_section(request, servant: CivilServant) -> dict | None:
    """Mẫu 2C item 30, only for who sees private fields (personnel.privacy)."""
    base = _section_base(request, servant)
    if not base["show_private"]:
        return None
    return _section("family", _("Family"), {**base, "family": list(servant.family.all())})


def documents_section(request, servant: CivilServant) -> dict:
    base = _section_base(request, servant)
    attachments = [a for a in servant.attachments.select_related("event")
                   if not a.withdrawn and (base["show_private"]
                                           or a.kind != Attachment.Kind.HEALTH)]
    return _section("documents", _("Documents"), {**base, "attachments": attachments})


def allowances_section(request, servant: CivilServant) -> dict:
    base = _section_base(request, servant)
    return _section("allowances", _("Allowances, leave, contracts"), {
        **base, "allowances": list(servant.allowances.all()), "leaves": list(servant.leaves.all()),
        "contracts": list(servant.contracts.all())})
