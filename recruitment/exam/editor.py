"""The question editor's write: a question saved through ``services.question_save`` (a draft in
place, an approved version as a new draft: papers keep the version they were made with) with its
pictures. A picture is stored as the importers store one (``QuestionImage`` of the version, named
in the text as ``@@PLUGINFILE@@/name``), so the candidate's page gets it through the exam API
during the attempt only, and the bank's readers through ``recruitment:question_image``."""

import html
import secrets

from django.db import transaction

from recruitment.exam import services
from recruitment.exam.forms import PICTURE_TYPES, QuestionEditForm
from recruitment.exam.gift import sanitise
from recruitment.models import Question, QuestionImage

CHOICE_KINDS = ("single", "multiple")


def _as_html(text: str) -> str:
    """A plain text turned into the HTML a picture needs beside it (escaped, lines kept)."""
    return "<br>".join(html.escape(line, quote=False) for line in text.split("\n"))


def _picture_name(upload) -> str:
    return f"{secrets.token_hex(6)}{PICTURE_TYPES[upload.content_type]}"


@transaction.atomic
def question_edit(*, actor, question: Question, data: dict) -> tuple[str, Question]:
    """Save the editor's form for ``question``; returns the outcome of ``question_save`` and the
    family's newest version (the one the pictures, old and new, now belong to)."""
    text, options = data["text"], list(data["options"])
    pictures: dict = data.get("pictures") or {}
    text_format = question.text_format
    if (
        pictures and text_format != Question.Format.HTML
    ):  # a picture lives in HTML: the text becomes it
        text, options, text_format = (
            _as_html(text),
            [_as_html(o) for o in options],
            Question.Format.HTML,
        )
    if text_format == Question.Format.HTML:  # stored sanitised, as an import stores it
        text, options = sanitise(text), [sanitise(o) for o in options]
    names = {}
    for field, upload in pictures.items():
        names[field] = _picture_name(upload)
        tag = f'<img src="@@PLUGINFILE@@/{names[field]}" alt="">'
        if field == "picture":
            text = f"{text}<br>{tag}"
        else:
            index = QuestionEditForm.LETTERS.lower().index(field[-1])
            options[index] = f"{options[index]} {tag}"
    feedback = {**(question.feedback or {}), **data["feedback"]}
    if data["kind"] in (*CHOICE_KINDS, "truefalse") and "options" not in data["feedback"]:
        feedback.pop("options", None)  # every option's note cleared
    if "general" not in data["feedback"]:
        feedback.pop("general", None)
    outcome = services.question_save(
        actor=actor,
        bank=question.bank,
        family=question.family,
        text=text,
        options=options,
        correct=int(data["correct"]),
        topic=data["topic"],
        difficulty=data["difficulty"],
        competency=question.competency,
        kind=data["kind"],
        key=data["key"],
        feedback=feedback,
        text_format=text_format,
    )
    latest = question.bank.questions.filter(family=question.family).order_by("-version").first()
    _carry_pictures(question, latest)
    for field, upload in pictures.items():
        QuestionImage.objects.create(
            question=latest, name=names[field], data=upload.read(), content_type=upload.content_type
        )
    return outcome, latest


def _carry_pictures(question: Question, latest: Question) -> None:
    """A new version keeps the pictures its text still names (the old version keeps its own copy
    for the papers made with it)."""
    if latest.pk == question.pk:
        return
    content = " ".join([latest.text, *latest.options])
    have = set(latest.images.values_list("name", flat=True))
    for image in question.images.exclude(name__in=have):
        if f"@@PLUGINFILE@@/{image.name}" in content or f'src="{image.name}"' in content:
            QuestionImage.objects.create(
                question=latest, name=image.name, data=image.data, content_type=image.content_type
            )
