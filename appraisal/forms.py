from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.models import Appraisal, AppraisalCycle, Level, PeriodKind, WorkItem
from core.forms import DateField, UnitChoiceField, unit_choices
from positions.models import JobPosition

LEDGER_FILE_TYPES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg",
                     ".png", ".zip"}
MAX_LEDGER_FILE_BYTES = 20 * 1024 * 1024


class CycleOpenForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=None,
                           help_text=_(
                               "Everyone working in this unit and its sub-units is enrolled."))
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)
    period_kind = forms.ChoiceField(label=_("Periods"), choices=PeriodKind.choices,
                                    initial=PeriodKind.MONTH)

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


class WorkItemForm(forms.Form):
    """A catalogue item; the position is chosen when it is added and stays with every version."""

    position = forms.ModelChoiceField(label=_("Job position"), queryset=JobPosition.objects.none())
    code = forms.CharField(label=_("Code"), max_length=40,
                           help_text=_("e.g. VB-TT for a submission (tờ trình)"))
    name = forms.CharField(label=_("Product or work item"), max_length=255)
    output_unit = forms.CharField(label=_("Unit of output"), max_length=50,
                                  help_text=_("e.g. văn bản, hồ sơ, cuộc kiểm tra"))
    coefficient = forms.DecimalField(label=_("Conversion coefficient"), max_digits=6,
                                     decimal_places=2, min_value=Decimal("0.01"), localize=True,
                                     help_text=_(
                                         "How many standard products one of these counts for (1 = "
                                         "standard)."))

    def __init__(self, *args, scope, instance: WorkItem | None = None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial",
                              {"position": instance.position_id, "code": instance.code,
                               "name": instance.name, "output_unit": instance.output_unit,
                               "coefficient": instance.coefficient})
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = scope.filter(
            JobPosition.objects.filter(valid_to__isnull=True),
            "unit").select_related("unit").order_by("unit__path", "title")
        self.fields["position"].label_from_instance = lambda p: f"{p.title} — {p.unit.name}"
        if instance is not None:
            self.fields["position"].disabled = True
            self.fields["code"].disabled = True


class AssignForm(forms.Form):
    appraisal = forms.ModelChoiceField(label=_("Civil servant"), queryset=Appraisal.objects.none())
    item = forms.ModelChoiceField(label=_("Catalogue item"), queryset=WorkItem.objects.none())
    title = forms.CharField(label=_("What exactly"), max_length=255, required=False,
                            help_text=_("e.g. Tờ trình phê duyệt kế hoạch tuyển dụng năm 2026"))
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=8, decimal_places=2,
                                  min_value=Decimal("0.01"), initial=1, localize=True)
    due_date = DateField(label=_("Due date"))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        appraisals = scope.filter(Appraisal.objects.filter(cycle__status=AppraisalCycle.Status.OPEN,
                                                           rule_set="APPR-ND335"), "work_unit")
        appraisals = appraisals.select_related("servant", "work_unit", "cycle")
        self.fields["appraisal"].queryset = appraisals.order_by("work_unit__path",
                                                                "servant__sort_key")
        self.fields["appraisal"].label_from_instance = lambda a: (
            f"{a.servant.full_name} ({a.servant.code}) — {a.work_unit.name}, {a.cycle.year}")
        items = WorkItem.objects.filter(valid_to__isnull=True).filter(
            position__unit_id__in=_units_reaching(scope)).select_related("position")
        self.fields["item"].queryset = items.order_by("position__title", "name")
        self.fields["item"].label_from_instance = lambda i: (
            f"{i.name} ({i.output_unit}, ×{i.coefficient:g}) — {i.position.title}")


def _units_reaching(scope):
    """Units whose catalogues may serve people in
    ``scope``: the units in it and those above them."""
    from core.models import OrgUnit

    ids = set()
    for unit in scope.units().only("pk", "path"):
        ids.update(unit.ancestor_ids())
    return ids if not scope.everything else OrgUnit.objects.values("pk")


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Review"), widget=forms.RadioSelect, choices=[
        ("accept", _("Accepted: meets the content and quality requirements")),
        ("return", _("Returned: a major content error to correct (−25 % of its quality points)"))])
    delays = forms.IntegerField(label=_("Delays"), min_value=0, max_value=4, required=False,
                                help_text=_("Each delay takes 25 % of its progress points."))
    review_note = forms.CharField(label=_("Comment"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None and not self.is_bound:
            self.fields["delays"].initial = max(instance.delays, 1 if instance.is_late else 0)


class ExemptForm(forms.Form):
    exempt_quality = forms.BooleanField(label=_("Waive the quality deductions"), required=False)
    exempt_progress = forms.BooleanField(label=_("Waive the delay deductions"), required=False)
    exempt_reason = forms.CharField(label=_("Objective cause"),
                                    widget=forms.Textarea(attrs={"rows": 3}))
    exempt_approver = forms.CharField(label=_("Confirmed by (name, title)"), max_length=200)
    exempt_approved_on = DateField(label=_("Confirmed on"))

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and instance.exempt_reason:
            kwargs.setdefault("initial", {k: getattr(instance, k) for k in self.base_fields})
        super().__init__(*args, **kwargs)


class ReportForm(forms.Form):
    completed = forms.DecimalField(label=_("Quantity completed"), max_digits=8, decimal_places=2,
                                   min_value=0, localize=True)
    completed_on = DateField(label=_("Completed on"))
    report_note = forms.CharField(label=_("Report"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(
        label=_("The product (PDF, Word, Excel, image or zip; at most 20 MB)"), required=False)
    link = forms.URLField(label=_("or a link to it"), required=False, max_length=500,
                          assume_scheme="https",
                          help_text=_(
                              "e.g. the document in the office's document management system"))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None and not self.is_bound:
            self.fields["completed"].initial = (instance.completed if instance.completed is not None
                                                else instance.quantity)
            self.fields["completed_on"].initial = instance.completed_on or timezone.localdate()
            self.fields["link"].initial = instance.link

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return upload
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        # Office documents, images and archives only: the file is served back to colleagues, so no
        # HTML or scripts.
        if suffix not in LEDGER_FILE_TYPES:
            raise forms.ValidationError(
                _("Only PDF, Word, Excel, OpenDocument, JPG, PNG or zip files."))
        if upload.size > MAX_LEDGER_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class PeriodScoreForm(forms.Form):
    """The leader's score of one period: the general criteria (≤ 30), and for leaders đ and e."""

    period = forms.TypedChoiceField(label=_("Period"), coerce=int)
    general = forms.DecimalField(label=_("General criteria (points, at most 30)"), max_digits=5,
                                 decimal_places=2, min_value=0, max_value=30, localize=True)
    organisation = forms.DecimalField(label=_("Organising implementation, đ (%)"), max_digits=6,
                                      decimal_places=2, min_value=0, max_value=100, required=False,
                                      localize=True)
    solidarity = forms.DecimalField(label=_("Gathering and uniting, e (%)"), max_digits=6,
                                    decimal_places=2, min_value=0, max_value=100, required=False,
                                    localize=True)

    def __init__(self, *args, instance: Appraisal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(instance.cycle)
        if not instance.is_leader:
            del self.fields["organisation"], self.fields["solidarity"]


class SelfScoreForm(forms.Form):
    """The person's own score of the general criteria of one period, kept beside the leader's."""

    period = forms.TypedChoiceField(label=_("Period"), coerce=int)
    general_self = forms.DecimalField(label=_("General criteria, my score (at most 30)"),
                                      max_digits=5, decimal_places=2, min_value=0, max_value=30,
                                      localize=True)

    def __init__(self, *args, instance: Appraisal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(instance.cycle)


class SelfAssessForm(forms.ModelForm):
    class Meta:
        model = Appraisal
        fields = ["self_level", "self_assessment"]
        widgets = {"self_assessment": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "self_assessment": _(
                "Results of the year, strengths, limitations and their causes, as the "
                "self-assessment form (Mẫu) asks.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["self_level"].required = True
        self.fields["self_assessment"].required = True


def period_choices(cycle: AppraisalCycle) -> list[tuple[int, str]]:
    if cycle.period_kind == PeriodKind.MONTH:
        return [(p, _("Month %(n)s") % {"n": p}) for p in cycle.periods]
    return [(p, _("Quarter %(n)s") % {"n": p}) for p in cycle.periods]


class MeetingForm(forms.Form):
    """The review meeting of one work unit, with an
    opinion field for each person who self-assessed."""

    held_on = DateField(label=_("Held on"))
    chaired_by = forms.CharField(label=_("Chaired by"), max_length=200)
    attendee_count = forms.IntegerField(label=_("Number attending"), min_value=1, max_value=5000)
    attendees = forms.CharField(label=_("Attendees"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("Leadership, Party committee, trade union, youth union "
                                            "representatives."))
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, appraisals, **kwargs):
        super().__init__(*args, **kwargs)
        self.appraisals = list(appraisals)
        for a in self.appraisals:
            self.fields[f"opinion_{a.pk}"] = forms.CharField(
                label=_("Opinions on %(name)s") % {"name": a.servant.full_name}, required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Self-assessed: %(level)s")
                % {"level": a.get_self_level_display() or "—"})
            self.fields[f"level_{a.pk}"] = forms.ChoiceField(
                label=_("Level proposed for %(name)s") % {"name": a.servant.full_name},
                required=False,
                choices=[("", "—"), *Level.choices])

    def opinions(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {a.pk: (data[f"opinion_{a.pk}"], data[f"level_{a.pk}"]) for a in self.appraisals
                if data.get(f"opinion_{a.pk}", "").strip()}


class PartyOpinionForm(forms.ModelForm):
    class Meta:
        model = Appraisal
        fields = ["party_body", "party_opinion", "party_opinion_on"]
        widgets = {"party_opinion": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"party_opinion_on": DateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = True


class _AppraisingUnitForm(forms.Form):
    unit = UnitChoiceField(label=_("Appraising unit"), queryset=None)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ConsolidateForm(_AppraisingUnitForm):
    hr_note = forms.CharField(label=_("HR's consolidation and proposal"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(_AppraisingUnitForm):
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = DateField(label=_("Decision date"))
    decision_authority = forms.CharField(label=_("Deciding authority"), max_length=200,
                                         help_text=_("e.g. Giám đốc Sở Nội vụ"))


class PublishForm(_AppraisingUnitForm):
    published_on = DateField(label=_("Published on"))


class PetitionForm(forms.Form):
    text = forms.CharField(label=_("Petition"), widget=forms.Textarea(attrs={"rows": 5}))
    filed_on = DateField(label=_("Filed on"))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filed_on"].initial = timezone.localdate()


class PetitionAnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("kept", _("Level kept")),
                                                             ("changed", _("Level changed"))],
                                widget=forms.RadioSelect)
    new_level = forms.ChoiceField(label=_("New level"), required=False,
                                  choices=[("", "—"), *Level.choices])
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}))
    answered_on = DateField(label=_("Answered on"))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answered_on"].initial = timezone.localdate()


class UnitResultForm(forms.Form):
    """A unit's own result of the year; the unit and the year are fixed once recorded."""

    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)
    targets_planned = forms.IntegerField(label=_("Planned targets"), min_value=0)
    targets_on_time = forms.IntegerField(label=_("Completed on time and with quality"), min_value=0)
    targets_exceeded = forms.IntegerField(label=_("Exceeded"), min_value=0,
                                          help_text=_(
                                              "Of those completed on time, the targets exceeded."))
    level = forms.ChoiceField(label=_("Classification level"), required=False,
                              choices=[("", _("— not yet classified —")), *Level.choices])
    corruption_case = forms.CharField(label=_("Handled for corruption or waste"), max_length=200,
                                      required=False,
                                      help_text=_(
                                          "The case, if the unit was handled for one in the year."))
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, scope, instance=None, **kwargs):
        if instance is not None:  # what is recorded wins over the page's ?unit= and ?year=
            kwargs["initial"] = {**kwargs.get("initial", {}), "unit": instance.unit_id, **{
                name: getattr(instance, name) for name in self.base_fields if name != "unit"}}
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(scope)
        self.fields["year"].initial = self.initial.get("year") or timezone.localdate().year
        if instance is not None:
            self.fields["unit"].queryset = type(instance.unit).objects.filter(pk=instance.unit_id)
            # A correction keeps its unit and year: another pair would be a different result, with
            # its own history.
            self.fields["unit"].disabled = self.fields["year"].disabled = True

    def clean(self):
        from appraisal.unit_results import target_errors

        data = super().clean()
        for name, message in target_errors(data.get("targets_planned"), data.get("targets_on_time"),
                                           data.get("targets_exceeded")).items():
            self.add_error(name, message)
        return data
