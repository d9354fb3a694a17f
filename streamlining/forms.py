from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import UnitScope
from core.forms import DateField, UnitChoiceField, unit_choices
from core.models import OrgUnit, UnitChange
from personnel.models import CivilServant
from positions.models import Category
from streamlining.models import CASE_NUMBERS, Ground, Option, Plan

TARGET_ROWS = 8


def _case_number_choices():
    return [(str(ground),
             [(f"{ground}:{n}", f"{ground} – {n}. {label}") for n, label in numbers.items()])
            for ground, numbers in CASE_NUMBERS.items()]


class PlanForm(forms.Form):
    """A plan and up to eight target rows (ground, category, sector, number of people)."""

    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2025, max_value=2030)
    title = forms.CharField(label=_("Title"), max_length=255)

    def __init__(self, *args, scope: UnitScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(scope)
        self.fields["year"].initial = timezone.localdate().year
        for i in range(TARGET_ROWS):
            for name, label, choices in (("ground", _("Ground"), Ground.choices),
                                         ("category", _("Category"), Category.choices),
                                         ("sector", _("Sector"), OrgUnit.Sector.choices)):
                select = forms.Select(attrs={"class": "form-select form-select-sm",
                                             "aria-label": f"{label} {i + 1}"})
                self.fields[f"{name}_{i}"] = forms.ChoiceField(label=label, choices=choices,
                                                               required=False, widget=select)
            number = forms.NumberInput(attrs={"class": "form-control form-control-sm"})
            self.fields[f"target_{i}"] = forms.IntegerField(label=_("People"), min_value=0,
                                                            required=False, widget=number)

    def target_rows(self):
        return [[self[f"{name}_{i}"] for name in ("ground", "category", "sector", "target")]
                for i in range(TARGET_ROWS)]

    def visible_fields(self):  # the target grid is laid out by the template
        return [self[name] for name in ("unit", "year", "title")]

    def clean(self):
        data = super().clean()
        data["targets"] = [(data[f"ground_{i}"], data[f"category_{i}"], data[f"sector_{i}"],
                            data[f"target_{i}"]) for i in range(TARGET_ROWS)
                           if data.get(f"target_{i}")]
        for i in range(TARGET_ROWS):
            for name in ("ground", "category", "sector", "target"):
                data.pop(f"{name}_{i}", None)
        return data


class DecisionForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = DateField(label=_("Decision date"))
    signer = forms.CharField(label=_("Signed by"), max_length=150)


class CaseForm(forms.Form):
    """Open a case for one person (chosen on the screening page or the person's page)."""

    servant = forms.ModelChoiceField(queryset=CivilServant.objects.none(), widget=forms.HiddenInput)
    ground_case = forms.ChoiceField(label=_("Legal ground and case"), choices=())
    option = forms.ChoiceField(label=_("Option"), choices=Option.choices)
    leaving_date = DateField(label=_("Leaving date"),
                             help_text=_(
                                 "The first day the person no longer works, as in the decision."))
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), required=False)
    reorganisation = forms.ModelChoiceField(label=_("Reorganisation decision"), required=False,
                                            queryset=UnitChange.objects.none(),
                                            help_text=_(
                                                "ND 178: its date opens the 12-month window."))
    voluntary = forms.BooleanField(label=_("Leaves voluntarily"), required=False)
    pregnant = forms.BooleanField(label=_("Pregnant"), required=False)
    maternity = forms.BooleanField(label=_("On maternity leave"), required=False)
    child_under_36_months = forms.BooleanField(label=_("Raising a child under 36 months"),
                                               required=False)
    prosecuted = forms.BooleanField(label=_("Under investigation or prosecution"), required=False)
    inspected = forms.BooleanField(label=_("Under inspection or audit"), required=False)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, scope: UnitScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground_case"].choices = _case_number_choices()
        self.fields["servant"].queryset = scope.filter(CivilServant.objects.active(), "unit")
        self.fields["plan"].queryset = scope.filter(Plan.objects.all(), "unit").order_by("-year")
        self.fields["reorganisation"].queryset = UnitChange.objects.exclude(
            kind=UnitChange.Kind.RENAME) \
            .order_by("-effective_date")

    def clean(self):
        data = super().clean()
        ground, _sep, number = (data.pop("ground_case", "") or "").partition(":")
        data["ground"], data["case_number"] = ground, int(number) if number.isdigit() else 0
        return data


class PaymentForm(forms.Form):
    paid_on = DateField(label=_("Paid on"))
    paid_amount = forms.IntegerField(label=_("Amount paid (VND)"), min_value=1)
    payment_reference = forms.CharField(label=_("Payment reference"), max_length=100,
                                        required=False)


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
