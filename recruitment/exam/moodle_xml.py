"""Moodle XML (``<quiz><question type="…">``): import of every type the exam has, and export of a
bank in the same format, so that a bank goes to Moodle and back unchanged.

Parsed with defusedxml (no entities, no external references). Text in ``format="html"`` (and
markdown) is sanitised (gift.sanitise); ``<file name encoding="base64">`` pictures are kept and
referred to as ``@@PLUGINFILE@@/name`` as Moodle does.
"""
import base64
import binascii
from xml.etree.ElementTree import Element, SubElement, tostring  # noqa: S405 - only to write

from defusedxml import ElementTree
from django.utils.translation import gettext as _

from core.importing import ImportFileError
from recruitment.exam.gift import markdown_to_html, sanitise

MOODLE_TYPES = {"multichoice": "single", "truefalse": "truefalse", "shortanswer": "short",
                "numerical": "numerical", "matching": "matching", "essay": "essay"}
OUR_TYPES = {
    "single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse",
    "short": "shortanswer", "numerical": "numerical", "matching": "matching", "essay": "essay",
}


def _text(node, path: str = "text") -> str:
    found = node.find(path) if node is not None else None
    return (found.text or "").strip() if found is not None else ""


def _formatted(node) -> tuple[str, str]:
    """(text, our format) of a Moodle text element (questiontext, answer, subquestion …)."""
    if node is None:
        return "", "plain"
    value, fmt = _text(node), node.get("format", "html")
    if fmt == "html":
        return sanitise(value), "html"
    if fmt == "markdown":
        return sanitise(markdown_to_html(value)), "html"
    return value, "plain"


def _fraction(node) -> float:
    try:
        return float(node.get("fraction", "0"))
    except ValueError:
        return 0.0


def read(text: str, bank: str):
    """The items of a Moodle XML file and the pictures it carries ({name: bytes})."""
    from recruitment.exam.importers import Item, refusal

    try:
        root = ElementTree.fromstring(text.encode())
    except Exception as exc:  # noqa: BLE001 - defusedxml raises several kinds; all mean a bad file
        raise ImportFileError(
            _("The XML file cannot be read: %(error)s") % {"error": exc}
        ) from None
    if root.tag != "quiz":
        raise ImportFileError(_("A Moodle XML file starts with <quiz>."))
    items, images, category = [], {}, ""
    for number, node in enumerate(root.findall("question"), start=1):
        kind = node.get("type", "")
        if kind == "category":
            category = _text(node, "category/text")
            continue
        path = [p.strip() for p in category.split("/") if p.strip()]
        path = [p for p in path if p not in ("$course$", "$system$", "$module$", "top")]
        body, text_format = _formatted(node.find("questiontext"))
        item = Item(
            row=number, bank=bank or (path[0] if path else ""), text=body, options=[], correct=0,
            topic=path[-1] if len(path) > 1 else "", text_format=text_format, from_text=True,
        )
        name = _text(node, "name/text")
        item.family = name if name and len(name) <= 40 and " " not in name else ""
        for file in node.iter("file"):
            try:
                images[file.get("name", "")] = base64.b64decode(file.text or "", validate=False)
            except (binascii.Error, ValueError):
                item.error(
                    "<file>",
                    _("A picture is not valid base64: %(name)s") % {"name": file.get("name")},
                )
        general = _text(node, "generalfeedback/text")
        if general:
            item.feedback["general"] = general
        if kind not in MOODLE_TYPES:
            item.kind = kind
            item.error(
                "{…}",
                refusal(kind, body, _("this type of question is not used in a recruitment exam.")),
            )
            items.append(item)
            continue
        item.kind = MOODLE_TYPES[kind]
        _answers(item, node, kind, text_format)
        items.append(item)
    return items, images


def _answers(item, node, kind: str, text_format: str) -> None:
    answers = node.findall("answer")
    feedback = [_text(a, "feedback/text") for a in answers]
    if any(feedback):
        item.feedback["options"] = feedback
    if kind == "multichoice":
        item.options = [_formatted(a)[0] for a in answers]
        weights = [_fraction(a) for a in answers]
        if _text(node, "single").lower() in ("false", "0"):
            item.kind, item.key = "multiple", {"weights": weights}
        else:
            item.correct = max(range(len(weights)), key=lambda i: weights[i]) if weights else 0
            if any(0 < w < 100 for w in weights):
                item.key = {"weights": weights}
    elif kind == "truefalse":
        item.options = ["Đúng", "Sai"]
        right = next((a for a in answers if _fraction(a) >= 100), None)
        item.correct = 0 if right is None or _text(right).lower() == "true" else 1
    elif kind == "shortanswer":
        item.key = {"answers": [{"text": _text(a), "weight": _fraction(a)} for a in answers],
                    "case_sensitive": _text(node, "usecase") == "1"}
    elif kind == "numerical":
        item.key = {"answers": []}
        for a in answers:
            try:
                item.key["answers"].append({"value": float(_text(a).replace(",", ".")),
                                            "tolerance": abs(float(_text(a, "tolerance") or 0)),
                                            "weight": _fraction(a)})
            except ValueError:
                item.error(
                    "{…}",
                    _("The numerical answer “%(value)s” is not a number.") % {"value": _text(a)},
                )
    elif kind == "matching":
        rights, pairs = [], []
        for sub in node.findall("subquestion"):
            left, right = _formatted(sub)[0], _text(sub, "answer/text")
            if right not in rights:
                rights.append(right)
            if left:
                pairs.append([left, rights.index(right)])
        item.options, item.key = rights, {"pairs": pairs}


def _node(parent, tag: str, value: str, fmt: str | None = None):
    element = SubElement(parent, tag)
    if fmt:
        element.set("format", fmt)
    SubElement(element, "text").text = value
    return element


def export(questions) -> bytes:
    """The questions (newest versions, say) as Moodle XML, a category per bank and topic."""
    quiz = Element("quiz")
    category = None
    for question in questions:
        path = f"$course$/{question.bank.code}" + (f"/{question.topic}" if question.topic else "")
        if path != category:
            node = SubElement(quiz, "question", type="category")
            _node(node, "category", path)
            category = path
        node = SubElement(quiz, "question", type=OUR_TYPES[question.kind])
        _node(node, "name", question.family)
        fmt = "html" if question.text_format == "html" else "plain_text"
        text = _node(node, "questiontext", question.text, fmt)
        for image in question.images.all():
            file = SubElement(text, "file", name=image.name, path="/", encoding="base64")
            file.text = base64.b64encode(bytes(image.data)).decode()
        feedback = question.feedback or {}
        _node(node, "generalfeedback", feedback.get("general", ""), fmt)
        notes = feedback.get("options", [])
        key = question.key or {}
        if question.kind in ("single", "multiple"):
            SubElement(node, "single").text = "true" if question.kind == "single" else "false"
            SubElement(node, "shuffleanswers").text = "true"
            weights = key.get("weights") or [
                100 if i == question.correct else 0 for i in range(len(question.options))
            ]
            for i, option in enumerate(question.options):
                answer = _node(node, "answer", option, fmt)
                answer.set("fraction", f"{weights[i]:g}")
                _node(answer, "feedback", notes[i] if i < len(notes) else "")
        elif question.kind == "truefalse":
            for i, word in enumerate(("true", "false")):
                answer = _node(node, "answer", word, "moodle_auto_format")
                answer.set("fraction", "100" if question.correct == i else "0")
                _node(answer, "feedback", notes[i] if i < len(notes) else "")
        elif question.kind == "short":
            SubElement(node, "usecase").text = "1" if key.get("case_sensitive") else "0"
            for accepted in key.get("answers", []):
                _node(node, "answer", accepted["text"], "moodle_auto_format").set(
                    "fraction", f"{accepted.get('weight', 100):g}"
                )
        elif question.kind == "numerical":
            for accepted in key.get("answers", []):
                answer = _node(node, "answer", f"{accepted['value']:g}", "moodle_auto_format")
                answer.set("fraction", f"{accepted.get('weight', 100):g}")
                SubElement(answer, "tolerance").text = f"{accepted.get('tolerance', 0):g}"
        elif question.kind == "matching":
            SubElement(node, "shuffleanswers").text = "true"
            used = set()
            for left, right in key.get("pairs", []):
                sub = _node(node, "subquestion", left, fmt)
                SubElement(SubElement(sub, "answer"), "text").text = question.options[right]
                used.add(right)
            for i, option in enumerate(question.options):  # extra right sides: no left
                if i not in used:
                    sub = _node(node, "subquestion", "", fmt)
                    SubElement(SubElement(sub, "answer"), "text").text = option
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(quiz, encoding="unicode").encode()
