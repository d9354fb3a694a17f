import re

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from core.access import UnitScope
from core.forms import DateField, UnitChoiceField, unit_choices
from core.models import User
from positions.models import Rank
from recruitment.models import Application, Question, QuestionBank, RecruitmentRound
from recruitment.rules import PRIORITY_CATEGORIES

MARKER_LABELS = {1: _("marker 1"), 2: _("marker 2"), 3: _("reconciliation")}
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
DOCUMENT_TYPES = {
    ".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
}


class RoundForm(forms.ModelForm):
    agency = UnitChoiceField(label=_("Recruiting authority"), queryset=None, required=False)

    class Meta:
        model = RecruitmentRound
        fields = [
            "code", "name", "kind", "method", "agency", "announced_on", "applications_close_on",
            "round1_completed_on", "round2_form", "written_weight", "interview_weight", "fee",
            "exam_notice",
        ]
        widgets = {"exam_notice": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"announced_on": DateField, "applications_close_on": DateField,
                         "round1_completed_on": DateField}

    def __init__(self, *args, scope: UnitScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = unit_choices(scope)
        self.fields["agency"].required = not scope.everything


class VacancyForm(forms.Form):
    code = forms.CharField(label=_("Position code"), max_length=40)
    title = forms.CharField(label=_("Position title"), max_length=255)
    rank = forms.ModelChoiceField(label=_("Rank"), queryset=Rank.objects.all(), required=False,
                                  empty_label=_("— no rank —"))
    quota = forms.IntegerField(label=_("Quota"), min_value=1, max_value=500)
    foreign_language = forms.CharField(
        label=_("Foreign language required"), max_length=50, required=False
    )


class PhoneField(forms.CharField):
    """A Vietnamese phone number: 10 digits starting with 0 (0912 345 678), or +84 and the 9 digits
    after the 0 (+84 912 345 678). Spaces, dots and dashes are dropped; the number is kept as typed
    otherwise (with or without +84)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("10 digits starting with 0, or +84…"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        number = re.sub(r"[\s.\-()]", "", value)
        if not re.fullmatch(r"0\d{9}|\+84\d{9}", number):
            raise forms.ValidationError(_("Enter a Vietnamese phone number: 10 digits starting "
                                          "with 0, or +84 followed by 9 digits."), code="invalid")
        return number


class PriorityField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        choices = [
            (code, f"{name} (+{points})") for code, (points, name) in PRIORITY_CATEGORIES.items()
        ]
        super().__init__(choices=choices, **kwargs)


class ApplicationForm(forms.Form):
    """The application form (Phiếu đăng ký dự tuyển), simplified to what the process needs."""

    vacancy = forms.ModelChoiceField(
        label=_("Position applied for"), queryset=None, empty_label=None
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    date_of_birth = DateField(label=_("Date of birth"))
    sex = forms.ChoiceField(label=_("Sex"), choices=[("male", _("Male")), ("female", _("Female"))])
    national_id = forms.RegexField(label=_("Personal ID number"), regex=r"^\d{12}$", max_length=12,
                                   error_messages={"invalid": _("12 digits.")})
    phone = PhoneField(label=_("Phone"))
    address = forms.CharField(label=_("Address"), max_length=255)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=50)
    qualification = forms.CharField(label=_("Qualification"), max_length=255)
    priority_codes = PriorityField(
        label=_("Priority categories (attach the evidence)"), required=False
    )
    language_exempt = forms.BooleanField(
        label=_("I ask to be exempted from the foreign-language part"), required=False
    )
    exemption_reason = forms.CharField(
        label=_("Reason for the exemption"), max_length=255, required=False
    )
    commitment = forms.BooleanField(label=_("I declare that the information is true and I meet "
                                            "the conditions of Law 80/2025/QH15 Art 19."))

    def __init__(self, *args, round_: RecruitmentRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].queryset = round_.vacancies.all()


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Eligibility"),
        widget=forms.RadioSelect,
        choices=[("eligible", _("Eligible")), ("rejected", _("Not eligible"))],
    )
    reason = forms.CharField(
        label=_("Reason (required for a rejection)"), widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class FeeForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt number"), max_length=40)
    waived = forms.BooleanField(label=_("Fee waived"), required=False)


class DocumentForm(forms.Form):
    kind = forms.CharField(label=_("Document"), max_length=100, help_text=_("e.g. Bằng tốt "
                                                                            "nghiệp, Giấy chứng "
                                                                            "nhận đối tượng ưu "
                                                                            "tiên"))
    file = forms.FileField(label=_("File (PDF, JPG or PNG, at most 5 MB)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in DOCUMENT_TYPES:
            raise forms.ValidationError(_("Only PDF, JPG or PNG files."))
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        head = upload.read(8)
        upload.seek(0)
        if (
            suffix == ".pdf"
            and not head.startswith(b"%PDF")
            or suffix == ".png"
            and not head.startswith(b"\x89PNG")
            or suffix in (".jpg", ".jpeg")
            and not head.startswith(b"\xff\xd8")
        ):
            raise forms.ValidationError(_("The file's content does not match its type."))
        return upload


class AppealForm(forms.Form):
    component = forms.ChoiceField(
        label=_("Exam"),
        choices=[
            ("written", _("Written")), ("interview", _("Interview")), ("practical", _("Practical")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, components=None, **kwargs):
        """``components``: the parts the candidate may still appeal (the round's, marked, not yet
        appealed); the others are not offered."""
        super().__init__(*args, **kwargs)
        if components is not None:
            field = self.fields["component"]
            field.choices = [
                (value, label) for value, label in field.choices if value in components
            ]


class AppealAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}))
    new_score = forms.DecimalField(
        label=_("Score after re-marking (empty: unchanged)"), min_value=0, max_value=100,
        decimal_places=2, required=False,
    )


class HireForm(forms.Form):
    code = forms.CharField(label=_("Employee code"), max_length=32)
    start_date = DateField(label=_("Start date"))
    unit = UnitChoiceField(label=_("Unit"), queryset=None, required=False)
    decision_number = forms.CharField(label=_("Recruitment decision number"), max_length=100)
    decision_date = DateField(label=_("Decision date"), required=False)
    signer = forms.CharField(label=_("Signed by"), max_length=150, required=False)

    def __init__(self, *args, scope: UnitScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(scope)


class GrantBoardForm(forms.Form):
    username = forms.ModelChoiceField(
        label=_("Exam board member"),
        queryset=User.objects.filter(account_type=User.AccountType.STAFF, is_active=True).order_by(
            "username"
        ),
        to_field_name="username",
    )
    edit_questions = forms.BooleanField(
        label=_("May also write the questions of the round's banks"), required=False
    )


class RoundAdvanceForm(forms.Form):
    """The next stage of a round (publishing the results has its own page)."""

    status = forms.CharField()
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args, round_: RecruitmentRound, next_status: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.next_status = next_status

    def clean_status(self):
        if self.cleaned_data["status"] != self.next_status:
            raise forms.ValidationError(_("The round cannot move to that stage from here."))
        return self.cleaned_data["status"]


class NumbersForm(forms.Form):
    prefix = forms.CharField(label=_("Prefix"), required=False, max_length=8)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class RoundBanksForm(forms.Form):
    """The banks a round draws on, among those the administrator may read."""

    bank = forms.ModelMultipleChoiceField(label=_("Question banks"), queryset=None, required=False)

    def __init__(self, *args, banks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = banks


class ScoreField(forms.DecimalField):
    """A mark as typed on a Vietnamese keyboard (a decimal comma is read as a point), between 0
    and 100: the sheet reports a cell that is no number and a cell out of range together."""

    def __init__(self, **kwargs):
        out_of_range = _("A mark is between 0 and 100.")
        super().__init__(min_value=0, max_value=100, max_digits=5, decimal_places=2,
                         error_messages={"min_value": out_of_range, "max_value": out_of_range},
                         **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class ScoreSheetForm(forms.Form):
    """A sheet of cells, one field each; a cell left empty or as it was is no entry."""

    def changed_cell(self, data: dict, name: str) -> bool:
        return data.get(name) is not None and data[name] != self.fields[name].initial


class MarksForm(ScoreSheetForm):
    """One page of the round-2 marks sheet: a field per candidate, component and marker (1, 2 and
    the reconciliation mark 3). ``clean`` turns the cells that changed into the entries of
    ``services.marks_enter``; an empty cell leaves the mark as it is."""

    MARKERS = (1, 2, 3)

    def __init__(self, *args, applications, components, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = {}
        for application in applications:
            current = {(m.component, m.marker): m.score
                       for m in application.marks.all() if not m.replaced}
            who = application.number or application.full_name
            for component in components:
                for marker in self.MARKERS:
                    name = self.cell_name(application.pk, component, marker)
                    self.fields[name] = ScoreField(
                        required=False, initial=current.get((component, marker)),
                        label=f"{who} · {labels[component]} ({MARKER_LABELS[marker]})")
                    self.cells[name] = (application, component, marker)

    @staticmethod
    def cell_name(application_pk: int, component: str, marker: int) -> str:
        return f"m-{application_pk}-{component}-{marker}"

    def clean(self):
        from recruitment.services import MarkEntry

        data = super().clean()
        data["entries"] = [MarkEntry(application, component, marker, data[name])
                           for name, (application, component, marker) in self.cells.items()
                           if self.changed_cell(data, name)]
        return data


class Round1Form(ScoreSheetForm):
    """One page of the round-1 sheet: correct answers per candidate and part (a part that does
    not apply to the candidate has no cell). ``clean`` builds the entries of
    ``services.round1_scores_enter`` from the cells that changed."""

    def __init__(self, *args, applications, parts, labels, skip, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = {}
        for application in applications:
            current = {s.part: s.correct for s in application.round1_scores.all()}
            who = application.number or application.full_name
            for part in parts:
                if skip(application, part):
                    continue
                name = self.cell_name(application.pk, part.code)
                self.fields[name] = forms.IntegerField(
                    required=False, initial=current.get(part.code), min_value=0,
                    max_value=part.questions,
                    label=f"{who} · {labels.get(part.code, part.code)}",
                    error_messages={"min_value": _("A count cannot be negative."),
                                    "max_value": _("More correct answers than questions.")})
                self.cells[name] = (application, part)

    @staticmethod
    def cell_name(application_pk: int, part: str) -> str:
        return f"r1-{application_pk}-{part}"

    def clean(self):
        from recruitment.services import Round1Entry

        data = super().clean()
        data["entries"] = [Round1Entry(application, part.code, data[name], part.questions)
                           for name, (application, part) in self.cells.items()
                           if self.changed_cell(data, name)]
        return data


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the account"))


class RegisterForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    def clean_email(self):
        # An address that has an account is not refused here: the page would tell anyone which
        # addresses are registered. The view sends its owner a notice instead (RegisterView).
        return self.cleaned_data["email"].lower()

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password"):
            try:
                password_validation.validate_password(
                    data["password"],
                    User(username=data.get("email", ""), full_name=data.get("full_name", "")),
                )
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


STATUS_FILTER = [("", _("All")), *Application.Status.choices]


# --- the exam engine ------------------------------------------------------------------------------

class QuestionImportForm(forms.Form):
    file = forms.FileField(label=_("Questions file (.xlsx, Aiken .txt, GIFT .gift, Moodle .xml, "
                                   "or a .zip of one of them with its pictures)"))
    bank = forms.CharField(
        label=_("Bank code (for Aiken and GIFT files)"), max_length=40, required=False
    )
    part = forms.ChoiceField(
        label=_("Exam part of a new bank"), choices=QuestionBank.Part.choices, initial="general"
    )
    dry_run = forms.BooleanField(label=_("Only check the file, write nothing"), required=False)
    skip_invalid = forms.BooleanField(
        label=_("Import the valid questions, leave out the refused ones"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(
            (".xlsx", ".xls", ".ods", ".csv", ".txt", ".gift", ".aiken", ".xml", ".zip")
        ):
            raise forms.ValidationError(
                _("Upload an .xlsx, .txt (Aiken), .gift, .xml (Moodle) or .zip file.")
            )
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class QuestionForm(forms.Form):
    """A question of any type. Options are rows A–H (the page adds and removes rows; without
    JavaScript all eight show); the key is chosen among the filled rows — a radio for single choice,
    a weight per row for multiple response — so a key can never point past the options. The other
    types have their own fields, one line per answer or pair."""

    LETTERS = "ABCDEFGH"

    kind = forms.ChoiceField(
        label=_("Question type"), choices=Question.Kind.choices, required=False
    )
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    correct = forms.TypedChoiceField(
        label=_("Right answer"), coerce=int, required=False, empty_value=None,
        widget=forms.RadioSelect, choices=[(i, letter) for i, letter in enumerate(LETTERS)],
    )
    accepted = forms.CharField(
        label=_("Accepted answers"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Short answer: one per line, “answer | weight %” for partial credit; * "
                    "matches anything. Numerical: one per line, “value : tolerance | weight %”."))
    case_sensitive = forms.BooleanField(label=_("Letter case matters"), required=False)
    diacritics = forms.BooleanField(label=_("Diacritics matter"), required=False)
    pairs = forms.CharField(
        label=_("Pairs"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Matching: one pair per line, “left -> right”; “-> right” adds a wrong right side."
        ),
    )
    general_feedback = forms.CharField(label=_("Feedback for the board"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    topic = forms.CharField(label=_("Topic"), max_length=100, required=False)
    difficulty = forms.ChoiceField(label=_("Difficulty"), choices=Question.Difficulty.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for letter in self.LETTERS:
            self.fields[f"option_{letter.lower()}"] = forms.CharField(
                label=_("Option %(letter)s") % {"letter": letter}, max_length=1000, required=False)
            self.fields[f"weight_{letter.lower()}"] = forms.DecimalField(
                label=_("Weight of %(letter)s (%%)") % {"letter": letter}, required=False,
                min_value=-100, max_value=100, decimal_places=2,
            )

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        key = question.key or {}
        initial = {
            "kind": question.kind,
            "text": question.text,
            "correct": question.correct,
            "topic": question.topic,
            "difficulty": question.difficulty,
            "case_sensitive": key.get("case_sensitive", False),
            "diacritics": key.get("diacritics", False),
            "general_feedback": (question.feedback or {}).get("general", ""),
        }
        for i, option in enumerate(question.options[:len(cls.LETTERS)]):
            initial[f"option_{cls.LETTERS[i].lower()}"] = option
        for i, weight in enumerate(key.get("weights", [])[:len(cls.LETTERS)]):
            initial[f"weight_{cls.LETTERS[i].lower()}"] = weight
        if question.kind == "short":
            initial["accepted"] = "\n".join(
                a["text"] + (f" | {a['weight']:g}" if a.get("weight", 100) != 100 else "")
                for a in key.get("answers", []))
        if question.kind == "numerical":
            initial["accepted"] = "\n".join(
                f"{a['value']:g} : {a.get('tolerance', 0):g}"
                + (f" | {a['weight']:g}" if a.get("weight", 100) != 100 else "")
                for a in key.get("answers", [])
            )
        if question.kind == "matching":
            used = {right for _left, right in key.get("pairs", [])}
            lines = [f"{left} -> {question.options[right]}" for left, right in key.get("pairs", [])]
            initial["pairs"] = "\n".join(
                lines + [f"-> {o}" for i, o in enumerate(question.options) if i not in used]
            )
        return initial

    def clean(self):  # noqa: C901 - one branch per question type
        data = super().clean()
        kind = data.get("kind") or Question.Kind.SINGLE
        data["kind"], data["key"] = kind, {}
        data["feedback"] = (
            {"general": data["general_feedback"]} if data.get("general_feedback") else {}
        )
        options = [(data.get(f"option_{k.lower()}") or "").strip() for k in self.LETTERS]
        weights = [data.get(f"weight_{k.lower()}") for k in self.LETTERS]
        while options and not options[-1]:
            options.pop()
        data["options"], data["correct"] = (
            options,
            data.get("correct") if data.get("correct") is not None else 0,
        )
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            if "" in options:
                raise forms.ValidationError(_("Fill the options in order, without a gap."))
            if len(options) < 2:
                raise forms.ValidationError(_("Give at least two options."))
        if kind == Question.Kind.SINGLE and (self.cleaned_data.get("correct") is None
                                             or data["correct"] >= len(options)):
            self.add_error("correct", _("The right answer must be one of the options."))
        if kind == Question.Kind.MULTIPLE:
            data["key"] = {"weights": [float(weights[i] or 0) for i in range(len(options))]}
        if kind == Question.Kind.TRUEFALSE:
            data["options"] = ["Đúng", "Sai"]
            if data["correct"] not in (0, 1):
                self.add_error("correct", _("Choose A (true) or B (false)."))
        if kind in (Question.Kind.SHORT, Question.Kind.NUMERICAL):
            data["options"], answers = [], []
            for line in (data.get("accepted") or "").splitlines():
                value, _bar, weight = line.partition("|")
                if not value.strip():
                    continue
                try:
                    weight = (
                        float(weight.strip().rstrip("%").replace(",", "."))
                        if weight.strip()
                        else 100.0
                    )
                    if kind == Question.Kind.SHORT:
                        answers.append({"text": value.strip(), "weight": weight})
                    else:
                        number, _colon, tolerance = value.replace("±", ":").partition(":")
                        answers.append(
                            {
                                "value": float(number.strip().replace(",", ".")),
                                "tolerance": abs(float(tolerance.strip().replace(",", ".") or 0)),
                                "weight": weight,
                            }
                        )
                except ValueError:
                    self.add_error(
                        "accepted",
                        _("“%(line)s” is not an answer this type reads.") % {"line": line},
                    )
            data["key"] = {"answers": answers}
            if kind == Question.Kind.SHORT:
                data["key"].update(case_sensitive=data.get("case_sensitive", False),
                                   diacritics=data.get("diacritics", False))
        if kind == Question.Kind.MATCHING:
            rights, pairs = [], []
            for line in (data.get("pairs") or "").splitlines():
                if not line.strip():
                    continue
                left, arrow, right = line.partition("->")
                if not arrow or not right.strip():
                    self.add_error(
                        "pairs", _("“%(line)s” is not a pair “left -> right”.") % {"line": line}
                    )
                    continue
                if right.strip() not in rights:
                    rights.append(right.strip())
                if left.strip():
                    pairs.append([left.strip(), rights.index(right.strip())])
            data["options"], data["key"] = rights, {"pairs": pairs}
        if kind == Question.Kind.ESSAY:
            data["options"] = []
        if not self.errors:
            from recruitment.exam.services import question_problem

            problem = question_problem(
                kind=kind, options=data["options"], correct=data["correct"], key=data["key"]
            )
            if problem:
                raise forms.ValidationError(problem)
        return data


class BlueprintForm(forms.Form):
    """A blueprint with up to four rules; each rule is a part, its time, and what it draws."""

    name = forms.CharField(label=_("Name"), max_length=255)

    ROWS = 4

    def __init__(self, *args, banks=None, **kwargs):
        super().__init__(*args, **kwargs)
        # the reader's banks only
        banks = banks if banks is not None else QuestionBank.objects.all()
        for i in range(self.ROWS):
            required = i == 0
            self.fields[f"part_{i}"] = forms.ChoiceField(
                label=_("Part"), required=required, choices=[("", "—"), *QuestionBank.Part.choices]
            )
            self.fields[f"minutes_{i}"] = forms.IntegerField(
                label=_("Minutes"), min_value=1, max_value=300, required=False
            )
            self.fields[f"bank_{i}"] = forms.ModelChoiceField(
                label=_("Question bank"), queryset=banks, required=required
            )
            self.fields[f"topic_{i}"] = forms.CharField(
                label=_("Topic"), max_length=100, required=False
            )
            self.fields[f"difficulty_{i}"] = forms.ChoiceField(
                label=_("Difficulty"), required=False,
                choices=[("", _("Any")), *Question.Difficulty.choices],
            )
            self.fields[f"count_{i}"] = forms.IntegerField(
                label=_("Questions"), min_value=1, max_value=200, required=required
            )

    def rows(self):
        return [
            [
                self[f"{name}_{i}"]
                for name in ("part", "minutes", "bank", "topic", "difficulty", "count")
            ]
            for i in range(self.ROWS)
        ]

    def parts(self):
        from recruitment.exam.services import PartSpec, RuleSpec

        data, parts, minutes = self.cleaned_data, {}, {}
        for i in range(self.ROWS):
            part = data.get(f"part_{i}")
            if not part:
                continue
            if data.get(f"minutes_{i}"):
                minutes[part] = data[f"minutes_{i}"]
            parts.setdefault(part, []).append(
                RuleSpec(
                    data[f"bank_{i}"], data[f"count_{i}"], data[f"topic_{i}"],
                    data[f"difficulty_{i}"],
                )
            )
        missing = [p for p in parts if p not in minutes]
        if missing:
            raise forms.ValidationError(_("Give the time of each part."))
        return [PartSpec(p, minutes[p], tuple(rules)) for p, rules in parts.items()]

    def clean(self):
        data = super().clean()
        for i in range(self.ROWS):
            if data.get(f"part_{i}") and (not data.get(f"bank_{i}") or not data.get(f"count_{i}")):
                self.add_error(f"count_{i}", _("Choose the bank and the number of questions."))
        return data


class SessionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    blueprint = forms.ModelChoiceField(label=_("Blueprint"), queryset=None)
    round = forms.ModelChoiceField(label=_("Recruitment round"), queryset=None, required=False,
                                   empty_label=_("— practice session —"))
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        input_formats=["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    individual_start = forms.BooleanField(
        label=_("Each candidate's time runs from their own start (practice)"), required=False
    )

    def __init__(self, *args, rounds, **kwargs):
        from recruitment.models import Blueprint

        super().__init__(*args, **kwargs)
        self.fields["blueprint"].queryset = Blueprint.objects.all()
        self.fields["round"].queryset = rounds


class ExtraTimeForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=120)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class IncidentForm(forms.Form):
    note = forms.CharField(label=_("What happened"), max_length=500)
