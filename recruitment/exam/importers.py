"""Import of exam questions from a spreadsheet (.xlsx, one row per question), Aiken or GIFT text.

Every question is checked first (text, at least two options, the answer among them, known bank,
difficulty and competency, no code twice in the file); any problem is reported with its row (the
Excel row, or the line where the question starts in a text file), column and a Vietnamese reason,
and nothing is written. Imported questions are drafts until a reviewer approves them. Re-importing
the same file changes nothing; a changed approved question becomes a new draft version.
"""
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_context
from core.importing import (
    CellError,
    Column,
    ImportFileError,
    cell_text,
    parse_row,
    read_table,
    summary_document,
    text_problem,
)
from core.models import AuditEntry
from core.sheet_bounds import FileTooCostly, inspect_file
from core.text import header_key, unaccent
from recruitment.models import QuestionBank

LETTERS = "ABCDEF"
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
GIFT_HINT = re.compile(r"\{\s*[=~]")
MAX_OPTIONS = len(LETTERS)
# A question a candidate reads on screen, and its options: far longer is a pasted document.
QUESTION_MAX_CHARS = 4000
OPTION_MAX_CHARS = 1000
PARTS = {header_key(k): v for k, v in {
    "kiến thức chung": "general", "general": "general", "ngoại ngữ": "language", "language": "language",
    "tiếng anh": "language", "tin học": "it", "it": "it", "chuyên ngành": "professional",
    "chuyên môn": "professional", "nghiệp vụ chuyên ngành": "professional", "professional": "professional"}.items()}
DIFFICULTIES = {header_key(k): v for k, v in {
    "dễ": "easy", "de": "easy", "easy": "easy", "1": "easy", "nhận biết": "easy",
    "trung bình": "medium", "medium": "medium", "2": "medium", "thông hiểu": "medium",
    "khó": "hard", "hard": "hard", "3": "hard", "vận dụng": "hard"}.items()}


def text_of(value) -> str:
    """Question text: NFC, trimmed lines, blank lines kept single (unlike names, newlines matter)."""
    raw = unicodedata.normalize("NFC", cell_text(value) if not isinstance(value, str) else value)
    lines = [line.strip() for line in raw.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def family_for(text: str) -> str:
    """A stable code for a question without one: the same text gives the same code."""
    return "Q" + hashlib.sha1(unaccent(text).encode()).hexdigest()[:10].upper()  # noqa: S324 - not security


def parse_part(value) -> str:
    part = PARTS.get(header_key(cell_text(value)))
    if part is None:
        raise CellError(_("Unknown exam part “%(value)s”: Kiến thức chung, Ngoại ngữ, Tin học or Chuyên ngành.")
                        % {"value": cell_text(value)})
    return part


def parse_difficulty(value) -> str:
    level = DIFFICULTIES.get(header_key(cell_text(value)))
    if level is None:
        raise CellError(_("Unknown difficulty “%(value)s”: Dễ, Trung bình or Khó.") % {"value": cell_text(value)})
    return level


def parse_letter(value) -> int:
    text = cell_text(value).upper().rstrip(".)")
    if len(text) == 1 and text in LETTERS:
        return LETTERS.index(text)
    if text.isdigit() and 1 <= int(text) <= MAX_OPTIONS:
        return int(text) - 1
    raise CellError(_("The answer must be a letter A–F (or 1–6), not “%(value)s”.") % {"value": cell_text(value)})


@dataclass
class Item:
    """One question as read, whatever the format."""

    row: int
    bank: str
    text: str
    options: list[str]
    correct: int | None
    family: str = ""
    topic: str = ""
    difficulty: str = "medium"
    competency: str = ""
    part: str = ""
    bank_name: str = ""
    errors: list[dict] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append({"row": self.row, "column": column, "message": message})


COLUMNS = [
    Column("Ngân hàng", "bank", aliases=("Mã ngân hàng", "Ngân hàng câu hỏi"), example="KTC-2026"),
    Column("Tên ngân hàng", "bank_name", example="Kiến thức chung 2026"),
    Column("Phần thi", "part", parse_part, example="Kiến thức chung"),
    Column("Mã câu hỏi", "family", aliases=("Mã", "Mã câu"), example="KTC-001"),
    Column("Chủ đề", "topic", example="Luật Cán bộ, công chức"),
    Column("Mức độ", "difficulty", parse_difficulty, aliases=("Độ khó",), example="Trung bình"),
    Column("Mã năng lực", "competency", aliases=("Năng lực",), example="NLC01"),
    Column("Nội dung câu hỏi", "text", text_of, required=True, blank=False, aliases=("Câu hỏi", "Nội dung"),
           max_length=QUESTION_MAX_CHARS,
           example="Công chức được tuyển dụng thông qua hình thức nào?"),
    *[Column(f"Phương án {letter}", f"option_{letter.lower()}", text_of, required=letter in "AB",
             max_length=OPTION_MAX_CHARS,
             aliases=(f"Đáp án {letter}", letter), example=f"Phương án {letter}") for letter in LETTERS],
    Column("Đáp án", "answer", parse_letter, required=True, blank=False, aliases=("Đáp án đúng",), example="A"),
]


def read_xlsx(path: Path, default_bank: str) -> list[Item]:
    table = read_table(path, COLUMNS)
    items = []
    for row in table.rows:
        parse_row(row, table.columns)
        v = row.values
        options = [v.get(f"option_{letter.lower()}") or "" for letter in LETTERS]
        while options and not options[-1]:
            options.pop()
        item = Item(row=row.number, bank=cell_text(v.get("bank")) or default_bank, text=v.get("text") or "",
                    options=options, correct=v.get("answer"), family=cell_text(v.get("family")),
                    topic=cell_text(v.get("topic")), difficulty=v.get("difficulty") or "medium",
                    competency=cell_text(v.get("competency")), part=v.get("part") or "",
                    bank_name=cell_text(v.get("bank_name")))
        item.errors = list(row.errors)
        if not item.bank:
            item.error("Ngân hàng", _("Give the bank code (or --bank for the whole file)."))
        if "" in options:
            item.error(f"Phương án {LETTERS[options.index('')]}", _("An option is empty between two others."))
        items.append(item)
    return items


AIKEN_OPTION = re.compile(r"^([A-F])[.)]\s*(.+)$")
AIKEN_ANSWER = re.compile(r"^ANSWER\s*:\s*(\S+)\s*$", re.IGNORECASE)


def read_aiken(text: str, bank: str) -> list[Item]:
    """Aiken: the question on one or more lines, options ``A.``/``A)``, then ``ANSWER: B``."""
    items: list[Item] = []
    block: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines() + [""], start=1):
        if line.strip():
            block.append((number, line.rstrip()))
            continue
        if block:
            items.append(_aiken_item(block, bank))
            block = []
    return items


def _aiken_item(block: list[tuple[int, str]], bank: str) -> Item:
    start = block[0][0]
    question, options, answer = [], [], None
    item = Item(row=start, bank=bank, text="", options=[], correct=None)
    for number, line in block:
        option, final = AIKEN_OPTION.match(line.strip()), AIKEN_ANSWER.match(line.strip())
        if final:
            try:
                answer = parse_letter(final.group(1))
            except CellError as exc:
                item.errors.append({"row": number, "column": "ANSWER", "message": str(exc)})
        elif option and (options or question):
            expected = LETTERS[len(options)] if len(options) < MAX_OPTIONS else None
            if option.group(1) != expected:
                item.errors.append({"row": number, "column": "Phương án",
                                    "message": _("Options must go A, B, C … in order (found %(letter)s).")
                                    % {"letter": option.group(1)}})
            options.append(text_of(option.group(2)))
        elif options:
            item.errors.append({"row": number, "column": "ANSWER",
                                "message": _("Expected the next option or “ANSWER: …” after the options.")})
        else:
            question.append(line)
    item.text, item.options, item.correct = text_of("\n".join(question)), options, answer
    if answer is None and not any(e["column"] == "ANSWER" for e in item.errors):
        item.error("ANSWER", _("The question has no “ANSWER:” line."))
    return item


GIFT_ESCAPES = {r"\:": ":", r"\~": "~", r"\=": "=", r"\{": "{", r"\}": "}", r"\#": "#", r"\n": "\n"}


def _unescape(value: str) -> str:
    for escaped, plain in GIFT_ESCAPES.items():
        value = value.replace(escaped, plain)
    return value


def read_gift(text: str, bank: str) -> list[Item]:
    """GIFT, multiple choice with one right answer: ``::code:: question {=right ~wrong ~wrong}``.
    ``$CATEGORY: bank/topic`` lines set the bank (first segment) and topic (last segment)."""
    items: list[Item] = []
    topic, current_bank = "", bank
    chunk: list[tuple[int, str]] = []

    def flush():
        if chunk:
            items.append(_gift_item(chunk, current_bank, topic))
            chunk.clear()

    for number, line in enumerate(text.splitlines() + [""], start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.upper().startswith("$CATEGORY:"):
            flush()
            path = [p.strip() for p in stripped.split(":", 1)[1].split("/") if p.strip()]
            path = [p for p in path if p not in ("$course$", "$system$", "top")]
            if path:
                current_bank = bank or path[0]
                topic = path[-1] if len(path) > 1 else ""
            continue
        if not stripped:
            flush()
            continue
        chunk.append((number, line))
    return items


def _split_answers(body: str) -> list[tuple[str, str]]:
    parts, current, marker, escaped = [], "", None, False
    for ch in body:
        if escaped:
            current += "\\" + ch
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "=~":
            if marker is not None:
                parts.append((marker, current))
            marker, current = ch, ""
        else:
            current += ch
    if marker is not None:
        parts.append((marker, current))
    return parts


def _gift_item(chunk: list[tuple[int, str]], bank: str, topic: str) -> Item:
    start = chunk[0][0]
    raw = "\n".join(line for _n, line in chunk)
    item = Item(row=start, bank=bank, text="", options=[], correct=None, topic=topic)
    title = re.match(r"^\s*::(.*?)::", raw, re.DOTALL)
    if title:
        item.family = title.group(1).strip() if re.fullmatch(r"[\w.\-]{1,40}", title.group(1).strip()) else ""
        raw = raw[title.end():]
    raw = re.sub(r"^\s*\[(html|moodle|plain|markdown)\]", "", raw)
    opening = _unescaped_index(raw, "{")
    closing = _unescaped_index(raw, "}", opening + 1) if opening >= 0 else -1
    if opening < 0 or closing < 0:
        item.error("{…}", _("The answers must be between { and }."))
        item.text = text_of(_unescape(raw))
        return item
    item.text = text_of(_unescape(raw[:opening] + " " + raw[closing + 1:]))
    body = raw[opening + 1:closing]
    answers = _split_answers(body)
    if not answers or body.strip().upper() in ("T", "F", "TRUE", "FALSE") or body.strip().startswith("#") \
            or "->" in body:
        item.error("{…}", _("Only multiple-choice questions with one right answer are supported."))
        return item
    rights = [i for i, (marker, _t) in enumerate(answers) if marker == "="]
    item.options = [text_of(_unescape(re.sub(r"#.*$", "", t, flags=re.DOTALL))) for _m, t in answers]
    if len(rights) != 1:
        item.error("{…}", _("Exactly one answer must be marked right with “=” (found %(count)s).")
                   % {"count": len(rights)})
    else:
        item.correct = rights[0]
    return item


def _unescaped_index(text: str, char: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


class QuestionImporter:
    """``import_questions``: read, check every question, then write all or nothing."""

    def __init__(self, *, actor=None, bank: str = "", part: str = "general", dry_run: bool = False,
                 writable=None):
        self.actor, self.bank, self.part, self.dry_run = actor, bank, part, dry_run
        # The banks an exam-board member may write (recruitment.exam.access); None: any, new ones too.
        self.writable = writable
        self.warnings: list[str] = []

    def read(self, path: Path) -> list[Item]:
        if path.suffix.lower() in SPREADSHEETS:
            return read_xlsx(path, self.bank)
        try:
            inspect_file(path)  # a text file is bounded by its size
        except FileTooCostly as exc:
            raise ImportFileError(str(exc)) from None
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(_("The text file is not UTF-8: save it as UTF-8 and import again.")) from None
        is_gift = path.suffix.lower() == ".gift" or GIFT_HINT.search(text) is not None
        items = read_gift(text, self.bank) if is_gift else read_aiken(text, self.bank)
        for item in items:  # text formats name neither bank nor part: the file and --part do
            item.bank, item.part = item.bank or path.stem, self.part
        return items

    def run(self, path: Path) -> dict:
        try:
            items = self.read(Path(path))
        except ImportFileError as exc:
            return summary_document(rows=0, errors=exc.errors)
        if not items:
            return summary_document(rows=0, errors=[{"row": 0, "column": "",
                                                     "message": _("The file has no question.")}])
        self.check(items)
        errors = [e for item in items for e in item.errors]
        if errors:
            return summary_document(rows=len(items), rejected=sum(1 for i in items if i.errors), errors=errors)
        with audit_context(source=AuditEntry.Source.IMPORT), transaction.atomic():
            counts = self.write(items)
            if self.dry_run:
                transaction.set_rollback(True)
        return summary_document(rows=len(items), **counts)

    def check(self, items: list[Item]) -> None:
        from positions.models import Competency

        banks = {b.code: b for b in QuestionBank.objects.filter(code__in={i.bank for i in items})}
        writable = set() if self.writable is None else set(
            self.writable.filter(code__in=list(banks)).values_list("code", flat=True))
        competencies = set(Competency.objects.filter(code__in={i.competency for i in items if i.competency})
                           .values_list("code", flat=True))
        seen: dict[tuple[str, str], int] = {}
        for item in items:
            if any(e["column"] == "{…}" for e in item.errors):
                continue  # not a question this import can read: one reason is enough
            if not item.text and not any(e["column"] == "Nội dung câu hỏi" for e in item.errors):
                item.error("Nội dung câu hỏi", _("The question has no text."))
            self._check_text(item)
            if len(item.options) < 2:
                item.error("Phương án", _("A question needs at least two options."))
            if len(item.options) > MAX_OPTIONS:
                item.error("Phương án", _("At most %(max)s options.") % {"max": MAX_OPTIONS})
            if len({o.lower() for o in item.options}) != len(item.options):
                item.error("Phương án", _("Two options are the same."))
            if item.correct is not None and item.correct >= len(item.options):
                item.error("Đáp án", _("The answer %(letter)s is not one of the options.")
                           % {"letter": LETTERS[item.correct]})
            if item.competency and item.competency not in competencies:
                item.error("Mã năng lực", _("Unknown competency %(code)s.") % {"code": item.competency})
            if self.writable is not None and item.bank and item.bank not in writable:
                item.error("Ngân hàng", _("You may not write questions into bank %(code)s.") % {"code": item.bank})
            if item.bank and item.bank not in banks and not item.part:
                item.error("Phần thi", _("Bank %(code)s does not exist yet: give its exam part to create it.")
                           % {"code": item.bank})
            item.family = item.family or family_for(item.text)
            key = (item.bank, item.family)
            if key in seen:
                item.error("Mã câu hỏi", _("Question %(code)s appears twice in the file (row %(row)s).")
                           % {"code": item.family, "row": seen[key]})
            seen.setdefault(key, item.row)

    @staticmethod
    def _check_text(item: Item) -> None:
        """What every file format must respect: no control character, the lengths of the fields."""
        fields = [("Nội dung câu hỏi", item.text, QUESTION_MAX_CHARS), ("Mã câu hỏi", item.family, 40),
                  ("Chủ đề", item.topic, 100), ("Ngân hàng", item.bank, 40), ("Tên ngân hàng", item.bank_name, 255),
                  ("Mã năng lực", item.competency, 20)]
        fields += [(f"Phương án {LETTERS[i]}", option, OPTION_MAX_CHARS)
                   for i, option in enumerate(item.options[:MAX_OPTIONS])]
        for column, value, limit in fields:
            problem = text_problem(value or "", max_length=limit)
            if problem:
                item.error(column, problem)

    def write(self, items: list[Item]) -> dict[str, int]:
        from positions.models import Competency
        from recruitment.exam import services

        competencies = {c.code: c for c in Competency.objects.filter(code__in={i.competency for i in items})}
        banks = {b.code: b for b in QuestionBank.objects.filter(code__in={i.bank for i in items})}
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for item in items:
            bank = banks.get(item.bank)
            if bank is None:
                bank = banks[item.bank] = services.bank_create(actor=self.actor, code=item.bank,
                                                               name=item.bank_name or item.bank, part=item.part)
            outcome = services.question_save(
                actor=self.actor, bank=bank, family=item.family, text=item.text, options=item.options,
                correct=item.correct, topic=item.topic, difficulty=item.difficulty,
                competency=competencies.get(item.competency))
            counts[outcome] += 1
        return counts
