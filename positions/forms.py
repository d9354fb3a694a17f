from django import forms
from django.utils.translation import gettext_lazy as _

from core.access import UnitScope
from core.forms import DateField, UnitChoiceField, unit_choices
from core.models import OrgUnit
from positions.models import (
    Category,
    Competency,
    JobDescription,
    JobPosition,
    LeadershipTitle,
    Rank,
)


class RankChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("— no rank —"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, rank: Rank) -> str:
        return f"{rank.code} — {rank.name}"


class PositionSelect(forms.Select):
    """Each option carries its unit (``data-unit``); with ``data-follows`` naming the unit field,
    static/js/app.js offers only the positions of the unit chosen."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-unit"] = instance.unit_id
        return option


class JobPositionChoiceField(forms.ModelChoiceField):
    """Job positions named with their unit ("Chuyên viên — Phòng Tổ chức"): two units' positions
    often share a title. ``follows``: the name of the form's unit field the list follows."""

    def __init__(self, *args, follows: str = "unit", **kwargs):
        kwargs.setdefault("widget", PositionSelect(attrs={"data-follows": follows}))
        super().__init__(*args, **kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset.select_related("unit").order_by("unit__path", "title",
                                                                       "code"))

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, position: JobPosition) -> str:
        return f"{position.title} ({position.code}) — {position.unit.name}"


class PositionForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    code = forms.CharField(label=_("Position code"), max_length=40)
    title = forms.CharField(label=_("Position title"), max_length=255)
    group = forms.ChoiceField(label=_("Group"), choices=JobPosition.Group.choices)
    rank = RankChoiceField(label=_("Corresponding rank"), queryset=Rank.objects.all(),
                           required=False)
    posts = forms.IntegerField(label=_("Number of posts"), min_value=0, max_value=1000, initial=1)
    leadership_title = forms.ModelChoiceField(label=_("Leadership title"),
                                              queryset=LeadershipTitle.objects.all(),
                                              required=False)
    valid_from = DateField(label=_("Valid from"), required=False)

    def __init__(self, *args, scope: UnitScope, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = unit_choices(scope)


class DescriptionForm(forms.ModelForm):
    class Meta:
        model = JobDescription
        fields = list(JobDescription.TEXT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in JobDescription.TEXT_FIELDS}


class FrameworkForm(forms.Form):
    """One level field (0 = not required, 1–5) per competency of the catalogue."""

    LEVELS = [(0, "—"), (1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")]

    def __init__(self, *args, competencies, current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = list(competencies)
        for competency in self.competencies:
            self.fields[f"c{competency.pk}"] = forms.TypedChoiceField(
                label=f"{competency.code} {competency.name}", choices=self.LEVELS, coerce=int,
                required=False, initial=current.get(competency.pk, 0), empty_value=0)

    def levels(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data.get(f"c{c.pk}") or 0 for c in self.competencies}

    def groups(self):
        """Fields grouped as the catalogue groups them, for the template."""
        grouped: dict[str, list] = {}
        for competency in self.competencies:
            grouped.setdefault(competency.get_group_display(), []).append(
                (competency, self[f"c{competency.pk}"]))
        return grouped.items()


class DossierForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    title = forms.CharField(label=_("Dossier title"), max_length=255)

    def __init__(self, *args, scope: UnitScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(scope)


class TransitionForm(forms.Form):
    on = DateField(label=_("Date"))
    note = forms.CharField(label=_("Opinion or note"), widget=forms.Textarea(attrs={"rows": 2}),
                           required=False)
    decision_number = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    decision_date = DateField(label=_("Decision date"), required=False)
    signer = forms.CharField(label=_("Signed by"), max_length=150, required=False)


class QuotaForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    number = forms.IntegerField(label=_("Number"), min_value=0)
    decision = forms.CharField(label=_("Decision"), max_length=150, required=False)

    def __init__(self, *args, scope: UnitScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(scope)


class CompetencyForm(forms.ModelForm):
    class Meta:
        model = Competency
        fields = ["code", "name", "group", "description", "field", "confirmed", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        levels = {row.level: row for row in self.instance.levels.all()} if self.instance.pk else {}
        for level in range(1, 6):
            row = levels.get(level)
            self.fields[f"level_{level}"] = forms.CharField(
                label=_("Level %(n)s") % {"n": level}, widget=forms.Textarea(attrs={"rows": 2}),
                initial=row.descriptor if row else "", required=False)
            self.fields[f"confirmed_{level}"] = forms.BooleanField(
                label=_("Level %(n)s confirmed against an official text") % {"n": level},
                initial=row.confirmed if row else False, required=False)

    def descriptors(self) -> dict[int, str]:
        return {level: self.cleaned_data[f"level_{level}"] for level in range(1, 6)
                if self.cleaned_data.get(f"level_{level}")}

    def confirmed_levels(self) -> set[int]:
        return {level for level in range(1, 6) if self.cleaned_data.get(f"confirmed_{level}")}


class RatioCapForm(forms.Form):
    unit_kind = forms.ChoiceField(label=_("Kind of unit"), choices=OrgUnit.Kind.choices)
    rank_level = forms.ChoiceField(label=_("Rank level"), choices=Rank.Level.choices)
    max_percent = forms.IntegerField(label=_("Maximum share (%)"), min_value=0, max_value=100)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=150)
    confirmed = forms.BooleanField(label=_("Confirmed against the legal text"), required=False)
