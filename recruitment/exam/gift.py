"""Moodle's GIFT format, read completely: every question type it has, with weights, feedback,
``$CATEGORY``, escapes and text formats.

A question is a block of lines separated by blank lines: ``::title::`` (optional), ``[html]`` /
``[moodle]`` / ``[plain]`` / ``[markdown]`` (optional), the text, and the answers between ``{`` and
``}`` — where the answers sit in the middle of the text, the gap is shown as "_____" (a
fill-in-the-blank question). Inside the braces:

- ``=right ~wrong ~%50%half #feedback`` single choice (a weighted wrong answer gives partial
  credit);
- ``~%50%a ~%50%b ~%-100%c`` (no ``=``) multiple response, weights in per cent;
- ``=a =%50%b`` (only ``=``) short answer, several accepted answers;
- ``T`` / ``TRUE`` / ``F`` / ``FALSE`` (``#wrong feedback#right feedback``) true/false;
- ``#3.14:0.01``, ``#1..5``, ``#=3.14:0.01 =%50%3.1:0.1`` numerical;
- ``=left -> right`` matching (``= -> extra`` is an extra right side);
- nothing: essay; ``####text`` the general feedback.

Escapes ``\\~ \\= \\# \\{ \\} \\: \\\\ \\n`` are decoded once, after the structure is read, so an
escaped character is never taken for a marker. Text in [html] is sanitised (nh3); [markdown] is
turned into HTML and sanitised; raw input is never marked safe.
"""
import html
import re
from dataclasses import dataclass, field

import nh3

GAP = "_____"
ESCAPABLE = "~=#{}:\\n"
TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}
WEIGHT = re.compile(r"^\s*%(-?\d+(?:[.,]\d+)?)%")
NUMBER = r"-?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?"
RANGE = re.compile(rf"^\s*({NUMBER})\s*\.\.\s*({NUMBER})\s*$")
BULLET = re.compile(r"^\s*[-*+]\s+")
TOLERANCE = re.compile(rf"^\s*({NUMBER})\s*(?::\s*({NUMBER}))?\s*$")


@dataclass
class GiftQuestion:
    line: int
    title: str = ""
    text: str = ""
    text_format: str = "plain"
    kind: str = ""
    options: list[str] = field(default_factory=list)
    correct: int = 0
    key: dict = field(default_factory=dict)
    feedback: dict = field(default_factory=dict)
    category: str = ""
    problem: str = ""  # why it cannot be imported (in the reader's words; the importer translates)


def unescape(value: str) -> str:
    """Decode GIFT escapes in one pass: ``\\\\`` is one backslash, ``\\n`` a new line."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1)
                  if m.group(1) in ESCAPABLE else m.group(0), value, flags=re.DOTALL)


def _find(text: str, target: str, start: int = 0) -> int:
    """The index of ``target`` not escaped by a backslash, or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(target, i):
            return i
        i += 1
    return -1


def _split(text: str, markers: str) -> list[tuple[str, str]]:
    """Split at unescaped marker characters: [(marker, raw text)], the text before the first marker
    under marker ""."""
    parts, current, marker, i = [], "", "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current += text[i:i + 2]
            i += 2
            continue
        if ch in markers:
            parts.append((marker, current))
            marker, current = ch, ""
        else:
            current += ch
        i += 1
    parts.append((marker, current))
    return parts


def sanitise(value: str) -> str:
    return nh3.clean(
        value,
        tags={
            "b", "strong", "i", "em", "u", "sub", "sup", "br", "p", "ul", "ol", "li", "code", "pre",
            "span", "table", "thead", "tbody", "tr", "td", "th", "img", "a", "h3", "h4",
        },
        attributes={"img": {"src", "alt", "width", "height"}, "a": {"href"}},
        url_schemes={"http", "https"} | {"@@pluginfile@@"},
        link_rel="noopener noreferrer",
    )


def markdown_to_html(value: str) -> str:
    """The Markdown GIFT authors use (paragraphs, **bold**, *italic*, `code`, lists), escaped
    first."""
    blocks = []
    for block in re.split(r"\n\s*\n", value.strip()):
        lines = block.split("\n")
        if all(BULLET.match(line) for line in lines):
            items = [_inline(BULLET.sub("", line)) for line in lines]
            blocks.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
        else:
            blocks.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return "".join(blocks)


def _inline(value: str) -> str:
    value = html.escape(value, quote=False)
    value = re.sub(r"`([^`]+)`", r"<code>\1</code>", value)
    value = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", value)
    return re.sub(r"(?<!\*)\*([^*]+)\*(?!\*)", r"<em>\1</em>", value)


def _formatted(raw: str, text_format: str) -> str:
    value = unescape(raw).strip()
    if text_format == "html":
        return sanitise(value)
    if text_format == "markdown":
        return sanitise(markdown_to_html(value))
    return value


def _weight(raw: str, default: float) -> tuple[float, str]:
    match = WEIGHT.match(raw)
    if not match:
        return default, raw
    return float(match.group(1).replace(",", ".")), raw[match.end():]


def _answer(raw: str) -> tuple[str, str]:
    """An answer's raw text and its feedback (after an unescaped ``#``)."""
    cut = _find(raw, "#")
    return (raw, "") if cut < 0 else (raw[:cut], raw[cut + 1:])


def _number(value: str) -> float:
    return float(value.replace(",", "."))


def read(text: str) -> list[GiftQuestion]:
    """Every question of a GIFT file (comments and categories applied), refused ones with a
    problem."""
    questions, category, chunk = [], "", []

    def flush():
        if chunk:
            question = parse_question(chunk)
            question.category = category
            questions.append(question)
            chunk.clear()

    for number, line in enumerate(text.splitlines() + [""], start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.upper().startswith("$CATEGORY:"):
            flush()
            category = stripped.split(":", 1)[1].strip()
            continue
        if not stripped:
            flush()
            continue
        chunk.append((number, line))
    return questions


def parse_question(chunk: list[tuple[int, str]]) -> GiftQuestion:
    raw = "\n".join(line for _n, line in chunk).strip()
    question = GiftQuestion(line=chunk[0][0])
    if raw.startswith("::"):
        end = _find(raw, "::", 2)
        if end > 0:
            question.title = unescape(raw[2:end]).strip()
            raw = raw[end + 2:].lstrip()
    fmt = re.match(r"^\[(html|moodle|plain|markdown)\]", raw)
    if fmt:
        question.text_format = {"moodle": "plain"}.get(fmt.group(1), fmt.group(1))
        raw = raw[fmt.end():]
    opening = _find(raw, "{")
    closing = _find(raw, "}", opening + 1) if opening >= 0 else -1
    if opening < 0:
        question.kind, question.text = "description", _formatted(raw, question.text_format)
        question.problem = "description"
        return question
    if closing < 0:
        question.text = _formatted(raw[:opening], question.text_format)
        question.problem = "unclosed"
        return question
    before, body, after = (
        raw[:opening].rstrip(), raw[opening + 1 : closing], raw[closing + 1 :].strip(),
    )
    if after:  # the answers in the middle: a gap to fill
        text = (
            f"{before} {GAP} {after}"
            if question.text_format != "html"
            else f"{before} {GAP} {after}"
        )
    else:
        text = before
    html_format = question.text_format in ("html", "markdown")
    question.text = _formatted(text, question.text_format)
    if html_format:
        question.text_format = "html"
    general = _find(body, "####")
    if general >= 0:
        question.feedback["general"] = unescape(body[general + 4:]).strip()
        body = body[:general]
    _answers(question, body)
    return question


def _option_text(raw: str, question: GiftQuestion) -> str:
    return _formatted(raw, "html" if question.text_format == "html" else "plain")


def _answers(question: GiftQuestion, body: str) -> None:  # noqa: C901 - one branch per GIFT type
    stripped = body.strip()
    if not stripped:
        question.kind = "essay"
        return
    if stripped.startswith("#"):
        _numerical(question, stripped[1:])
        return
    head, *feedbacks = [part for _m, part in _split(stripped, "#")]
    if head.strip().upper() in TF:
        right = TF[head.strip().upper()]
        question.kind, question.options, question.correct = (
            "truefalse", ["Đúng", "Sai"], 0 if right else 1,
        )
        # T#wrong feedback#right feedback: the first is shown to who answered wrongly
        if feedbacks:
            wrong, good = (
                unescape(feedbacks[0]).strip(),
                unescape(feedbacks[1]).strip() if len(feedbacks) > 1 else "",
            )
            question.feedback["options"] = [good, wrong] if right else [wrong, good]
        return
    parts = _split(stripped, "=~")
    if parts[0][1].strip():
        question.problem = "text_before_answers"
        return
    answers = parts[1:]
    if any(_find(raw, "->") >= 0 for _m, raw in answers):
        _matching(question, answers)
        return
    markers = {marker for marker, _raw in answers}
    texts, weights, feedback = [], [], []
    for marker, raw in answers:
        weight, rest = _weight(raw, 100.0 if marker == "=" else 0.0)
        value, note = _answer(rest)
        texts.append(_option_text(value, question))
        weights.append(weight)
        feedback.append(unescape(note).strip())
    if any(feedback):
        question.feedback["options"] = feedback
    if markers == {"="}:
        question.kind = "short"
        question.key = {
            "answers": [{"text": t, "weight": w} for t, w in zip(texts, weights, strict=True)]
        }
        return
    question.options = texts
    if "=" not in markers:  # no answer fully right: several to tick (Moodle's rule)
        question.kind = "multiple"
        question.key = {"weights": weights}
        return
    question.kind = "single"
    rights = [i for i, (marker, _raw) in enumerate(answers) if marker == "="]
    question.correct = rights[0]
    if len(rights) > 1:
        question.problem = "several_right"
    partial = [w for i, w in enumerate(weights) if i not in rights]
    if any(partial):
        question.key = {"weights": [100.0 if i in rights else w for i, w in enumerate(weights)]}


def _matching(question: GiftQuestion, answers: list[tuple[str, str]]) -> None:
    question.kind = "matching"
    pairs, rights = [], []
    for marker, raw in answers:
        cut = _find(raw, "->")
        if marker != "=" or cut < 0:
            question.problem = "matching_pair"
            return
        left, right = unescape(raw[:cut]).strip(), unescape(raw[cut + 2:]).strip()
        if right not in rights:
            rights.append(right)
        if left:
            pairs.append([left, rights.index(right)])
    question.options, question.key = rights, {"pairs": pairs}


def _numerical(question: GiftQuestion, body: str) -> None:
    question.kind = "numerical"
    answers, notes = [], []
    parts = _split(body, "=") if body.lstrip().startswith("=") else [("=", body)]
    for marker, raw in parts:
        if not marker and not raw.strip():
            continue
        weight, rest = _weight(raw, 100.0)
        value, note = _answer(rest)
        notes.append(unescape(note).strip())
        value = unescape(value).strip()
        span, single = RANGE.match(value), TOLERANCE.match(value)
        if span:
            low, high = _number(span.group(1)), _number(span.group(2))
            answers.append(
                {"value": (low + high) / 2, "tolerance": abs(high - low) / 2, "weight": weight}
            )
        elif single:
            answers.append({"value": _number(single.group(1)),
                            "tolerance": abs(_number(single.group(2))) if single.group(2) else 0.0,
                            "weight": weight})
        else:
            question.problem = "numerical_value"
            return
    question.key = {"answers": answers}
    if any(notes):
        question.feedback["options"] = notes
    if not answers:
        question.problem = "numerical_value"
