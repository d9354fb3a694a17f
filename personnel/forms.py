from functools import lru_cache
from html import escape

from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.access import UnitScope, through_predecessors
from core.forms import DateField, UnitChoiceField, unit_choices
from core.models import OrgUnit
from core.text import clean
from personnel.models import CareerEvent, Category, CivilServant, Leadership, Sex, TrainingRecord
from personnel.rules.discipline import FORM_LABELS
from personnel.selectors import AGE_BANDS, ServantFilter
from positions.forms import JobPositionChoiceField, RankChoiceField
from positions.models import JobPosition, Rank


class DecisionFields(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    decision_date = DateField(label=_("Decision date"), required=False)
    signer = forms.CharField(label=_("Signed by"), max_length=150, required=False)

    def decision(self):
        from personnel.services.servants import Decision

        data = self.cleaned_data
        return Decision(data.get("decision_number", ""), data.get("decision_date"),
                        data.get("signer", ""))


class QuickSelect(forms.Select):
    """A select whose options are written in Python, as :class:`UnitPicker`'s: Django renders
    each option through a template (issue 17: 60 % of the people list's time, before the units
    had their own widget)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group, options, _index in widget["optgroups"]:
            html = "".join(_option(str(option["value"]), str(option["label"]), option["selected"])
                           for option in options)
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group,
                                     mark_safe(html))  # noqa: S308
                         if group else html)
        # Every part was escaped by format_html.
        return format_html('<select name="{}"{}>{}</select>', widget["name"],
                           flatatt(widget["attrs"]), mark_safe("".join(parts)))  # noqa: S308


class UnitPicker(forms.Select):
    """The unit filter of a list: the units of the user's scope in tree order, read with one
    ``values_list`` query and written as one string; no model instance or ``format_html`` per
    unit (issue 17: a province's ~293 units made a provincial HR officer's people list about
    25 ms slower than a unit HR officer's). Without JavaScript it is a plain select; with it, the
    search box before it narrows the options to those whose name or code holds every typed word,
    without diacritics (app.js), and Enter picks the first.

    The form sets ``units`` (a queryset) and ``empty_label``; the field still validates the
    chosen id against the same queryset."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.units = OrgUnit.objects.none()
        self.empty_label = ""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        options = [_option("", str(self.empty_label), chosen == "")]
        units = self.units.values_list("pk", "name", "code", "depth")
        options += [_option(str(pk), f"{'— ' * depth}{unit_name} ({code})", str(pk) == chosen)
                    for pk, unit_name, code, depth in units]
        attrs = self.build_attrs(self.attrs, attrs)
        # The search box stays hidden until app.js wires it up: without JavaScript, the
        # plain select.
        select_id = attrs.get("id", name)
        search = format_html(
            '<input type="search" class="form-control form-control-sm mb-1" id="{}_search" '
            'aria-label="{}" aria-controls="{}" placeholder="{}" autocomplete="off" '
            'data-unit-search="{}" hidden>',
            select_id, _("Search units"), select_id, _("Type part of its name or code"), select_id)
        # Every label was escaped by _option.
        return format_html('{}<select name="{}"{}>{}</select>', search, name, flatatt(attrs),
                           mark_safe("".join(options)))  # noqa: S308


def _option(value: str, label: str, selected: bool) -> str:
    marker = " selected" if selected else ""
    return f'<option value="{escape(value)}"{marker}>{escape(label)}</option>'


def _rank_filter_choices() -> list[tuple[str, str]]:
    ranks = Rank.objects.values_list("code", "name")
    return [("", _("All")), *((code, f"{code} — {name}") for code, name in ranks)]


class ServantFilterForm(forms.Form):
    """The filters of the people list (GET)."""

    q = forms.CharField(label=_("Search"), required=False)
    unit = UnitChoiceField(label=_("Unit (with sub-units)"), queryset=None, required=False,
                           widget=UnitPicker)
    category = forms.ChoiceField(label=_("Category"), required=False, widget=QuickSelect,
                                 choices=[("", _("All")), *Category.choices])
    rank = forms.ChoiceField(label=_("Rank"), required=False, widget=QuickSelect)
    age_band = forms.ChoiceField(label=_("Age"), required=False, widget=QuickSelect, choices=[
        ("", _("All")), ("u30", _("Under 30")), ("30", "30–39"), ("40", "40–49"), ("50", "50–59"),
        ("60", _("60 and over"))])
    leadership = forms.ChoiceField(label=_("Leadership"), required=False, widget=QuickSelect,
                                   choices=[("", _("All")), ("leader", _("Leaders")),
                                            (Leadership.HEAD, _("Heads")),
                                            (Leadership.DEPUTY, _("Deputies")),
                                            ("staff", _("Non-leaders"))])
    sex = forms.ChoiceField(label=_("Sex"), required=False, widget=QuickSelect,
                            choices=[("", _("All")), *Sex.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect,
                               choices=[(CivilServant.Status.ACTIVE, _("Working")),
                                        ("all", _("All")), *[c for c in CivilServant.Status.choices
                                                             if c[0] != "active"]])
    on = DateField(label=_("As of"), required=False)

    def __init__(self, *args, scope: UnitScope, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        unit.queryset = unit.widget.units = unit_choices(scope)
        unit.empty_label = unit.widget.empty_label = _("All my units")
        # Read when rendered or when a rank is chosen, not on every HTMX filter request.
        self.fields["rank"].choices = lru_cache(maxsize=1)(_rank_filter_choices)

    def filters(self) -> ServantFilter:
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or CivilServant.Status.ACTIVE
        band = data.get("age_band") or ""
        return ServantFilter(q=clean(data.get("q") or ""), unit=data.get("unit"),
                             category=data.get("category") or "", rank=data.get("rank") or "",
                             age_band=band if band in AGE_BANDS else "",
                             leadership=data.get("leadership") or "", sex=data.get("sex") or "",
                             status="" if status == "all" else status, on=data.get("on"))


class ServantCreateForm(DecisionFields):
    code = forms.CharField(label=_("Employee code"), max_length=32)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    date_of_birth = DateField(label=_("Date of birth"))
    birth_precision = forms.ChoiceField(label=_("Birth date precision"),
                                        choices=CivilServant.BirthPrecision.choices)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    national_id = forms.RegexField(label=_("Personal ID number"), regex=r"^\d{12}$", max_length=12,
                                   error_messages={"invalid": _("12 digits.")})
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices,
                                 initial=Category.CIVIL_SERVANT)
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=150, required=False)
    recruitment_date = DateField(label=_("Recruitment date"), required=False)
    rank = RankChoiceField(label=_("Rank"), queryset=Rank.objects.all(), required=False)
    salary_step = forms.IntegerField(label=_("Salary step"), min_value=1, max_value=20,
                                     required=False)
    salary_step_date = DateField(label=_("Step held since"), required=False)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=50, required=False)
    home_town = forms.CharField(label=_("Home town"), max_length=255, required=False)
    qualification = forms.CharField(label=_("Professional qualification"), max_length=255,
                                    required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, scope: UnitScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(scope)

    def clean(self):
        data = super().clean()
        if bool(data.get("rank")) != bool(data.get("salary_step")):
            raise forms.ValidationError(_("Give both the rank and the salary step, or neither."))
        return data


class ServantProfileForm(forms.ModelForm):
    """Résumé fields; each save needs a reason, kept in the change log."""

    reason = forms.CharField(label=_("Reason for the change"), max_length=500)

    class Meta:
        model = CivilServant
        fields = ["full_name", "other_names", "date_of_birth", "birth_precision", "sex", "category",
                  "national_id", "id_issue_date", "id_issue_place", "place_of_birth", "home_town",
                  "ethnicity", "religion", "permanent_address", "current_address", "phone", "email",
                  "recruitment_date", "recruiting_agency", "occupation_before", "main_duties",
                  "general_education", "qualification", "political_theory", "state_management",
                  "foreign_language", "it_skill", "party_admission_date", "party_official_date",
                  "mass_organisations", "enlistment_date", "discharge_date", "military_rank",
                  "honorary_title", "strengths", "health_status", "height_cm", "weight_kg",
                  "blood_group", "war_invalid_grade", "policy_family", "social_insurance_number"]
        field_classes = {name: DateField for name in ("date_of_birth", "id_issue_date",
                                                      "recruitment_date", "party_admission_date",
                                                      "party_official_date", "enlistment_date",
                                                      "discharge_date")}
        widgets = {"main_duties": forms.Textarea(attrs={"rows": 3})}


class AssignForm(DecisionFields):
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        (CareerEvent.Kind.TRANSFERRED, _("Transfer to another unit")),
        (CareerEvent.Kind.APPOINTED, _("Appointment")),
        (CareerEvent.Kind.REAPPOINTED, _("Re-appointment")),
        (CareerEvent.Kind.SECONDED, _("Secondment")),
        (CareerEvent.Kind.REASSIGNED, _("Other change of title or position")),
    ])
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=150, required=False)
    job_position = JobPositionChoiceField(label=_("Job position"),
                                          queryset=JobPosition.objects.none(), required=False)
    start_date = DateField(label=_("From"))
    end_date = DateField(label=_("To (a past period)"), required=False, help_text=_(
        "Only for a period of the career before the current assignment: it is added to the work "
        "history and the current assignment stays."))

    def __init__(self, *args, scope: UnitScope, on=None, **kwargs):
        """``on``: the start date chosen; before today the units offered are those of that day,
        the officer's own reaching back through the reorganisations
        (core.access.through_predecessors)."""
        super().__init__(*args, **kwargs)
        if on is not None and on < timezone.localdate():
            past = through_predecessors(scope)
            self.fields["unit"].queryset = past.units().active_on(on).order_by("path")
            positions = JobPosition.objects.filter(
                Q(valid_from__isnull=True) | Q(valid_from__lte=on),
                Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            self.fields["job_position"].queryset = past.filter(positions, "unit")
        else:
            self.fields["unit"].queryset = unit_choices(scope)
            open_positions = JobPosition.objects.filter(valid_to__isnull=True)
            self.fields["job_position"].queryset = scope.filter(open_positions, "unit")

    def clean(self):
        data = super().clean()
        position = data.get("job_position")
        unit = data.get("unit")
        if position is not None and unit is not None and position.unit_id != unit.pk:
            self.add_error("job_position", _("This job position belongs to another unit."))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data


class SalaryForm(DecisionFields):
    rank = RankChoiceField(label=_("Rank"), queryset=Rank.objects.all())
    step = forms.IntegerField(label=_("Salary step"), min_value=1, max_value=20)
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        ("regular", _("Regular step raise")), ("early", _("Early step raise")),
        ("early_retirement", _("Early raise at retirement")), ("rank_change", _("Rank change")),
        ("excess", _("Excess seniority allowance"))])
    excess_percent = forms.IntegerField(label=_("Excess seniority allowance (%)"), min_value=0,
                                        max_value=40, required=False)
    start_date = DateField(label=_("Held since"), help_text=_(
        "Proposed: the raise that is due. A date after today is kept as decided; the current step "
        "changes on that date."))


class LeaveForm(DecisionFields):
    kind = forms.ChoiceField(label=_("Reason for leaving"), choices=[
        (CareerEvent.Kind.RETIRED, _("Retirement")), (CareerEvent.Kind.RESIGNED, _("Resignation")),
        (CareerEvent.Kind.STREAMLINED, _("Streamlining")), (CareerEvent.Kind.DECEASED, _("Death"))])
    last_day = DateField(label=_("Last working day"))
    summary = forms.CharField(label=_("Note"), max_length=500, required=False)


class EventForm(DecisionFields):
    kind = forms.ChoiceField(label=_("Event"), choices=[
        (CareerEvent.Kind.PROBATION_COMPLETED, _("Probation completed")),
        (CareerEvent.Kind.RETIREMENT_NOTICE, _("Retirement notice issued")),
        (CareerEvent.Kind.SECONDED, _("Secondment (note only)"))])
    effective_date = DateField(label=_("Date"), initial=timezone.localdate)
    summary = forms.CharField(label=_("Content"), max_length=500)


class DisciplineForm(DecisionFields):
    form = forms.ChoiceField(label=_("Form of discipline"),
                             choices=[(k, v) for k, v in FORM_LABELS.items()])
    violation = forms.CharField(label=_("Violation"), widget=forms.Textarea(attrs={"rows": 3}))
    detected_on = DateField(label=_("Detected on"), required=False)
    effective_from = DateField(label=_("Effective from"))
    is_party = forms.BooleanField(label=_("Party discipline"), required=False)


class RewardForm(DecisionFields):
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100)
    title = forms.CharField(label=_("Title or form of reward"), max_length=255)
    level = forms.CharField(label=_("Level"), max_length=50, required=False)


class TrainingForm(DecisionFields):
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingRecord.Kind.choices)
    institution = forms.CharField(label=_("Institution"), max_length=255)
    major = forms.CharField(label=_("Major or course"), max_length=255)
    start_date = DateField(label=_("From"))
    end_date = DateField(label=_("To"), required=False)
    mode = forms.CharField(label=_("Mode"), max_length=50, required=False)
    diploma = forms.CharField(label=_("Diploma or certificate"), max_length=100, required=False)


class CorrectionForm(DecisionFields):
    """The date, the text and the data of the event's kind: the salary row it opened (rank, step,
    coefficient, excess seniority) and/or the assignment (unit, title, job position)."""

    effective_date = DateField(label=_("Correct date"))
    summary = forms.CharField(
        label=_("Correct content"), max_length=500, required=False,
        help_text=_("Left as it is, it is rewritten from the corrected values."))
    reason = forms.CharField(label=_("Reason for the correction"),
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, scope: UnitScope, salary=None, assignment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if salary is not None:
            self.fields["rank"] = RankChoiceField(label=_("Rank"), queryset=Rank.objects.all())
            self.fields["step"] = forms.IntegerField(label=_("Salary step"), min_value=1,
                                                     max_value=20)
            self.fields["coefficient"] = forms.DecimalField(
                label=_("Coefficient"), max_digits=5, decimal_places=2, min_value=0, required=False,
                help_text=_("Blank: from the salary table of that date."))
            self.fields["excess_percent"] = forms.IntegerField(
                label=_("Excess seniority allowance (%)"), min_value=0, max_value=40,
                required=False)
        if assignment is not None:
            # The units the officer manages as they were on the assignment's date, and its own unit.
            # The officer's units reach back through the reorganisations (a former district office
            # that merged into theirs), as on the assignment form.
            units = through_predecessors(scope).units().active_on(assignment.start_date) | \
                OrgUnit.objects.filter(pk=assignment.unit_id)
            self.fields["unit"] = UnitChoiceField(label=_("Unit"),
                                                  queryset=units.distinct().order_by("path"))
            self.fields["title"] = forms.CharField(label=_("Title"), max_length=150, required=False)
            self.fields["job_position"] = JobPositionChoiceField(
                label=_("Job position"), required=False,
                queryset=JobPosition.objects.filter(Q(unit__in=units)
                                                    | Q(pk=assignment.job_position_id)))
        for name in ("summary", "reason"):  # the text last, under the data it describes
            self.fields[name] = self.fields.pop(name)

    def clean(self):
        data = super().clean()
        position, unit = data.get("job_position"), data.get("unit")
        if position is not None and unit is not None and position.unit_id != unit.pk:
            self.add_error("job_position", _("This job position belongs to another unit."))
        return data


class TrainingPlanForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingRecord.Kind.choices)
    planned = forms.IntegerField(label=_("Planned people"), min_value=0)

    def __init__(self, *args, scope: UnitScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(scope)


class AssessmentForm(forms.Form):
    """One level field per competency of the person's framework (blank = not assessed now)."""

    assessed_on = DateField(label=_("Assessed on"), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"c{row.competency.pk}"] = forms.TypedChoiceField(
                label=f"{row.competency.code} {row.competency.name}", coerce=int, required=False,
                empty_value=None, choices=[("", "—"), *[(n, str(n)) for n in range(1, 6)]],
                initial=row.assessed, help_text=_("Required: %(n)s") % {"n": row.required})

    def levels(self) -> dict:
        return {row.competency: self.cleaned_data[f"c{row.competency.pk}"] for row in self.rows
                if self.cleaned_data.get(f"c{row.competency.pk}")}


class ReadinessFilterForm(forms.Form):
    """The filters of the readiness page (GET): a unit subtree and which people to list."""

    unit = UnitChoiceField(label=_("Unit (with sub-units)"), queryset=None, required=False)
    show = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("todo", _("Not ready")), ("unverified", _("Not verified")), ("all", _("Everyone"))])

    def __init__(self, *args, scope: UnitScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(scope)
        self.fields["unit"].empty_label = _("All my units")
