from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.models import Appraisal, Level, PeriodKind
from core.forms import UnitChoiceField, unit_choices


class CycleOpenForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=None,
                           help_text=_("Everyone working in this unit and its sub-units is enrolled."))
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)
    period_kind = forms.ChoiceField(label=_("Periods"), choices=PeriodKind.choices, initial=PeriodKind.MONTH)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(scope)
        self.fields["year"].initial = timezone.localdate().year


class CommitteeForm(forms.ModelForm):
    class Meta:
        model = Appraisal
        fields = ["proposed_level", "quota_decision", "committee_note"]
        widgets = {"committee_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed_level"].choices = [("", _("— as computed —")), *Level.choices]
