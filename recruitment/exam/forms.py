"""Forms of the exam pages that the shared recruitment forms do not have: the question editor's
per-option feedback and pictures, the console's small writes, and the examiners' essay marks."""

from django import forms
from django.utils.translation import gettext_lazy as _

from recruitment.forms import IncidentForm, QuestionForm

PICTURE_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
}
MAX_PICTURE = 2 * 1024 * 1024  # 2 MB: a picture is served to every candidate of the room at once


def _picture_field(label) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(PICTURE_TYPES)}),
    )


class QuestionEditForm(QuestionForm):
    """The question editor: any type, options A–H with their key, and for each option its feedback
    (kept for the board, never shown to candidates) and an optional picture; a picture for the
    question itself too."""

    picture = _picture_field(_("Picture of the question"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for letter in self.LETTERS:
            self.fields[f"feedback_{letter.lower()}"] = forms.CharField(
                label=_("Feedback on %(letter)s") % {"letter": letter},
                max_length=1000,
                required=False,
            )
            self.fields[f"picture_{letter.lower()}"] = _picture_field(
                _("Picture of option %(letter)s") % {"letter": letter}
            )

    @classmethod
    def initial_for(cls, question) -> dict:
        initial = super().initial_for(question)
        for i, note in enumerate((question.feedback or {}).get("options", [])[: len(cls.LETTERS)]):
            initial[f"feedback_{cls.LETTERS[i].lower()}"] = note
        return initial

    def clean_picture_file(self, upload):
        if upload is None:
            return None
        if upload.content_type not in PICTURE_TYPES:
            raise forms.ValidationError(_("A picture is a PNG, JPEG, GIF or WebP file."))
        if upload.size > MAX_PICTURE:
            raise forms.ValidationError(_("A picture is at most 2 MB."))
        return upload

    def clean(self):
        data = super().clean()
        pictures = {}
        for name in ["picture", *(f"picture_{k.lower()}" for k in self.LETTERS)]:
            try:
                upload = self.clean_picture_file(data.get(name))
            except forms.ValidationError as exc:
                self.add_error(name, exc)
                continue
            if upload is not None:
                pictures[name] = upload
        options = data.get("options") or []
        for name in pictures:
            index = self.LETTERS.lower().find(name[-1]) if name != "picture" else -1
            if index >= len(options) or (
                index >= 0 and data.get("kind") not in ("single", "multiple")
            ):
                self.add_error(
                    name, _("Only a filled option of a choice question takes a picture.")
                )
        notes = [(data.get(f"feedback_{k.lower()}") or "").strip() for k in self.LETTERS][
            : len(options)
        ]
        if any(notes) and data.get("kind") in ("single", "multiple", "truefalse"):
            data.setdefault("feedback", {})["options"] = notes
        data["pictures"] = pictures
        return data


class ApproveForm(forms.Form):
    """The drafts ticked on a bank's page."""

    question = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)

    def __init__(self, *args, drafts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [(pk, pk) for pk in drafts]


class NumberForm(forms.Form):
    number = forms.CharField(label=_("Candidate number"), max_length=20)


class IncidentNumberForm(IncidentForm):
    number = forms.CharField(label=_("Candidate number"), max_length=20, required=False)


class NegativeMarkingForm(forms.Form):
    negative_marking = forms.BooleanField(
        label=_(
            "Negative marking: a wrong option of a multiple-response question costs its weight"
        ),
        required=False,
    )


class EssayMarkForm(forms.Form):
    number = forms.CharField(max_length=20, widget=forms.HiddenInput)
    n = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    mark = forms.DecimalField(
        label=_("Mark (0–1 point)"), min_value=0, max_value=1, decimal_places=2, localize=True
    )
