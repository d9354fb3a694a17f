"""Forms of the parts of a record (personnel.services.record_parts): parsing and Vietnamese
messages only; the services check the rules, the files' size and content included."""
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField
from core.views.edit import ActionForm
from personnel.forms import DecisionFields
from personnel.models import Allowance, Attachment, CareerEvent, Contract, FamilyMember, LeaveRecord


class DecisionForm(DecisionFields):
    """The service takes the decision as one ``decision`` argument."""

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("decision_number",
                                                                        "decision_date", "signer")}
        return {**data, "decision": self.decision()}


class FamilyMemberForm(forms.Form):
    side = forms.ChoiceField(label=_("Side"), choices=FamilyMember.Side.choices)
    relation = forms.CharField(label=_("Relation"), max_length=50,
                               help_text=_("Father, mother, wife, husband, son, daughter, brother, "
                                           "sister …"))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    birth_year = forms.IntegerField(label=_("Birth year"), required=False, min_value=1850,
                                    max_value=2100)
    details = forms.CharField(label=_("Home town, occupation, workplace"), max_length=500,
                              required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if edit:  # a correction says why; the old values stay in the change log
            self.fields["reason"] = forms.CharField(label=_("Reason for the correction"),
                                                    max_length=500, required=False)


class AttachmentForm(DecisionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=255,
                            help_text=_("e.g. Quyết định nâng bậc lương, Bằng thạc sĩ"))
    # The limits are personnel.services.record_parts.MAX_ATTACHMENT_BYTES and MAX_PHOTO_BYTES.
    upload = forms.FileField(label=_("File"),
                             help_text=_("PDF, JPEG, PNG, Word, Excel or OpenDocument, at most 10 "
                                         "MB."))
    event = forms.ModelChoiceField(label=_("Career event"), queryset=CareerEvent.objects.none(),
                                   required=False, empty_label=_("— none —"))
    field_order = ["kind", "title", "upload", "decision_number", "decision_date", "signer", "event"]

    def __init__(self, *args, servant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = servant.events.order_by("-effective_date", "-id")
        self.fields["event"].label_from_instance = (
            lambda e: f"{e.effective_date:%d/%m/%Y} — {e.get_kind_display()}: {e.summary[:80]}")


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"),
                            help_text=_("JPEG or PNG, a 4 x 6 portrait, at most 2 MB."))


class AllowanceForm(DecisionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Allowance.Kind.choices)
    coefficient = forms.DecimalField(label=_("Coefficient"), required=False, min_value=0,
                                     max_digits=5, decimal_places=2, localize=True)
    percent = forms.IntegerField(label=_("Percent"), required=False, min_value=0, max_value=100)
    start_date = DateField(label=_("From"))
    end_date = DateField(label=_("To"), required=False)
    field_order = ["kind", "coefficient", "percent", "start_date", "end_date"]


class LeaveRecordForm(DecisionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=LeaveRecord.Kind.choices)
    start_date = DateField(label=_("From"))
    end_date = DateField(label=_("To"))
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    field_order = ["kind", "start_date", "end_date", "reason"]


class ContractForm(DecisionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Contract.Kind.choices)
    number = forms.CharField(label=_("Contract number"), max_length=100, required=False)
    signed_on = DateField(label=_("Signed on"), required=False)
    start_date = DateField(label=_("From"))
    end_date = DateField(label=_("To"), required=False,
                         help_text=_("Empty for an indefinite-term contract."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    field_order = ["kind", "number", "signed_on", "start_date", "end_date", "note"]


class EndForm(ActionForm):
    """Ending an allowance or a contract: the last day, and why."""

    end_date = DateField(label=_("Last day"))
    field_order = ["end_date", "reason"]
