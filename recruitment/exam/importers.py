"""Import of exam questions from a spreadsheet (.xlsx, one row per question, up to 8 options),
Aiken, GIFT (every type: recruitment/exam/gift.py) or Moodle XML (recruitment/exam/moodle_xml.py).

Every question is checked first (text, its options and key for its type, known bank, difficulty and
competency, no question twice in the file); any problem is reported with its row (the Excel row, or
the line where the question starts in a text file), column, the question's first words, the type
found and a Vietnamese reason, and nothing is written — or, with ``skip_invalid``, only the valid
questions are. Imported questions are drafts until a reviewer approves them. Re-importing
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

LETTERS = "ABCDEFGH"
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
QUESTION_FILES = (*SPREADSHEETS, ".gift", ".txt", ".aiken", ".xml")
IMAGE_FILES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
ZIP_MAX_FILES, ZIP_MAX_BYTES = 500, 20 * 2**20
GIFT_HINT = re.compile(
    r"(\{\s*[=~#}]|\{\s*(T|F|TRUE|FALSE)\s*[#}]|^\s*\$CATEGORY:|^\s*::)", re.MULTILINE
)
MAX_OPTIONS = len(LETTERS)
# A question a candidate reads on screen, and its options: far longer is a pasted document.
QUESTION_MAX_CHARS = 4000
OPTION_MAX_CHARS = 1000
PARTS = {
    header_key(k): v
    for k, v in {
        "kiến thức chung": "general", "general": "general", "ngoại ngữ": "language",
        "language": "language", "tiếng anh": "language", "tin học": "it", "it": "it",
        "chuyên ngành": "professional", "chuyên môn": "professional",
        "nghiệp vụ chuyên ngành": "professional", "professional": "professional",
    }.items()
}
DIFFICULTIES = {header_key(k): v for k, v in {
    "dễ": "easy", "de": "easy", "easy": "easy", "1": "easy", "nhận biết": "easy",
    "trung bình": "medium", "medium": "medium", "2": "medium", "thông hiểu": "medium",
    "khó": "hard", "hard": "hard", "3": "hard", "vận dụng": "hard"}.items()}


def vietnamese_number(value) -> str:
    """A number cell as a Vietnamese reader writes it: 2.340.000 and 2,34 (TCVN, dot for
    thousands)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    whole, _dot, decimals = f"{value:,.10f}".rstrip("0").rstrip(".").partition(".")
    return whole.replace(",", ".") + ("," + decimals if decimals else "")


def text_of(value) -> str:
    """Question text: NFC, trimmed lines, blank lines kept single (unlike names, newlines matter).
    A number cell reads "2.340.000" / "2,34", a date cell "18/10/2025"
    (core.importing.cell_text)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return vietnamese_number(value)
    raw = unicodedata.normalize("NFC", cell_text(value) if not isinstance(value, str) else value)
    lines = [line.strip() for line in raw.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def family_for(text: str) -> str:
    """A stable code for a question without one: the same text gives the same code."""
    # sha1 only for a short stable code, not for security
    return "Q" + hashlib.sha1(unaccent(text).encode()).hexdigest()[:10].upper()  # noqa: S324


def parse_part(value) -> str:
    part = PARTS.get(header_key(cell_text(value)))
    if part is None:
        raise CellError(
            _("Unknown exam part “%(value)s”: Kiến thức chung, Ngoại ngữ, Tin học or Chuyên ngành.")
            % {"value": cell_text(value)}
        )
    return part


def parse_difficulty(value) -> str:
    level = DIFFICULTIES.get(header_key(cell_text(value)))
    if level is None:
        raise CellError(
            _("Unknown difficulty “%(value)s”: Dễ, Trung bình or Khó.")
            % {"value": cell_text(value)}
        )
    return level


def parse_letter(value) -> int:
    text = cell_text(value).upper().rstrip(".)")
    if len(text) == 1 and text in LETTERS:
        return LETTERS.index(text)
    if text.isdigit() and 1 <= int(text) <= MAX_OPTIONS:
        return int(text) - 1
    raise CellError(
        _("The answer must be a letter A–H (or 1–8), not “%(value)s”.")
        % {"value": cell_text(value)}
    )


def parse_letters(value) -> list[int]:
    """The key: one letter, or several ("A, C" / "AC") for a multiple-response question."""
    text = cell_text(value).upper().replace(";", ",").replace(" ", "")
    parts = text.split(",") if "," in text else (list(text) if text.isalpha() else [text])
    letters = sorted({parse_letter(part) for part in parts if part})
    if not letters:
        raise CellError(
            _("The answer must be a letter A–H (or 1–8), not “%(value)s”.")
            % {"value": cell_text(value)}
        )
    return letters


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
    kind: str = "single"
    key: dict = field(default_factory=dict)
    feedback: dict = field(default_factory=dict)
    text_format: str = "plain"
    letters: list[int] = field(default_factory=list)  # the key as read from a spreadsheet or Aiken
    from_text: bool = False  # Aiken, GIFT or XML: refusals name the question by its text
    title: str = ""  # a GIFT ::title:: as written (kept as the code only when it is one)
    errors: list[dict] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        """A refusal; in a text file (no columns to point at) it starts with the question's
        words."""
        if self.from_text and self.label and not message.startswith(tuple(kind_names().values())):
            message = f"“{self.label}”: {message}"
        self.errors.append({"row": self.row, "column": column, "message": message})

    @property
    def label(self) -> str:
        """The question as a person finds it in the file: its first 60 characters."""
        words = " ".join(re.sub(r"<[^>]+>", " ", self.text or "").split())
        return words if len(words) <= 60 else words[:59] + "…"

    def set_key(self, letters: list[int]) -> None:
        """One letter: single choice; several: multiple response, the right ones sharing 100 %."""
        self.letters = letters
        if len(letters) == 1:
            self.kind, self.correct = "single", letters[0]
            return
        share = round(100 / len(letters), 4)
        self.kind, self.correct = "multiple", letters[0]
        self.key = {"weights": [share if i in letters else 0.0 for i in range(len(self.options))]}


COLUMNS = [
    Column("Ngân hàng", "bank", aliases=("Mã ngân hàng", "Ngân hàng câu hỏi"), example="KTC-2026"),
    Column("Tên ngân hàng", "bank_name", example="Kiến thức chung 2026"),
    Column("Phần thi", "part", parse_part, example="Kiến thức chung"),
    Column("Mã câu hỏi", "family", aliases=("Mã", "Mã câu"), example="KTC-001"),
    Column("Chủ đề", "topic", example="Luật Cán bộ, công chức"),
    Column("Mức độ", "difficulty", parse_difficulty, aliases=("Độ khó",), example="Trung bình"),
    Column("Mã năng lực", "competency", aliases=("Năng lực",), example="NLC01"),
    Column(
        "Nội dung câu hỏi",
        "text",
        text_of,
        required=True,
        blank=False,
        aliases=("Câu hỏi", "Nội dung"),
        max_length=QUESTION_MAX_CHARS,
        example="Công chức được tuyển dụng thông qua hình thức nào?",
    ),
    *[
        Column(
            f"Phương án {letter}", f"option_{letter.lower()}", text_of, required=letter in "AB",
            max_length=OPTION_MAX_CHARS, aliases=(f"Đáp án {letter}", letter, f"Phương án {i}"),
            example=f"Phương án {letter}",
        )
        for i, letter in enumerate(LETTERS, start=1)
    ],
    Column(
        "Đáp án", "answer", parse_letters, required=True, blank=False, aliases=("Đáp án đúng",),
        example="A",
    ),
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
        item = Item(
            row=row.number, bank=cell_text(v.get("bank")) or default_bank, text=v.get("text") or "",
            options=options, correct=None, family=cell_text(v.get("family")),
            topic=cell_text(v.get("topic")), difficulty=v.get("difficulty") or "medium",
            competency=cell_text(v.get("competency")), part=v.get("part") or "",
            bank_name=cell_text(v.get("bank_name")),
        )
        item.errors = list(row.errors)
        if v.get("answer"):
            item.set_key(v["answer"])
        if not item.bank:
            item.error("Ngân hàng", _("Give the bank code (or --bank for the whole file)."))
        if "" in options:
            item.error(
                f"Phương án {LETTERS[options.index('')]}",
                _("An option is empty between two others."),
            )
        items.append(item)
    return items


AIKEN_OPTION = re.compile(r"^([A-H])[.)]\s*(.+)$")
AIKEN_ANSWER = re.compile(r"^ANSWER\s*:\s*(.+?)\s*$", re.IGNORECASE)


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
                answer = parse_letters(final.group(1))
            except CellError as exc:
                item.errors.append({"row": number, "column": "ANSWER", "message": str(exc)})
        elif option and (options or question):
            expected = LETTERS[len(options)] if len(options) < MAX_OPTIONS else None
            if option.group(1) != expected:
                item.errors.append(
                    {
                        "row": number,
                        "column": "Phương án",
                        "message": _("Options must go A, B, C … in order (found %(letter)s).")
                        % {"letter": option.group(1)},
                    }
                )
            options.append(text_of(option.group(2)))
        elif options:
            item.errors.append(
                {
                    "row": number,
                    "column": "ANSWER",
                    "message": _("Expected the next option or “ANSWER: …” after the options."),
                }
            )
        else:
            question.append(line)
    item.text, item.options, item.from_text = text_of("\n".join(question)), options, True
    for error in item.errors:
        error["message"] = f"“{item.label}”: {error['message']}"
    if answer is not None:
        item.set_key(answer)
    elif not any(e["column"] == "ANSWER" for e in item.errors):
        item.error("ANSWER", _("The question has no “ANSWER:” line."))
    return item


def kind_names() -> dict[str, str]:
    """The question types as refusals name them (Vietnamese, with Moodle's name to find it)."""
    return {
        "single": _("multiple-choice question (multichoice)"),
        "multiple": _("multiple-response question (multichoice, several answers)"),
        "truefalse": _("true/false question (truefalse)"),
        "short": _("short-answer question (shortanswer)"),
        "numerical": _("numerical question (numerical)"),
        "matching": _("matching question (matching)"),
        "essay": _("essay question (essay)"),
        "description": _("description without answers (description)"),
    }


def gift_problems() -> dict[str, str]:
    return {
        "description": _("it has no answers between { and }: a description is not a question."),
        "unclosed": _("the answers have no closing “}”."),
        "several_right": _(
            "several answers are marked right with “=”: mark one, or weigh them with “~%50%”."
        ),
        "matching_pair": _("every answer must be a pair “=left -> right”."),
        "numerical_value": _("the answer must be a number, number:tolerance or min..max."),
        "text_before_answers": _("there is text before the first “=” or “~” inside { }."),
    }


def refusal(kind: str, text: str, problem: str) -> str:
    """"câu hỏi ghép cặp (matching) “Ghép …”: …" — the type found, the question, the reason."""
    words = " ".join(re.sub(r"<[^>]+>", " ", text or "").split())
    words = words if len(words) <= 60 else words[:59] + "…"
    return _("%(type)s “%(text)s”: %(problem)s") % {
        "type": kind_names().get(kind, kind), "text": words, "problem": problem,
    }


def read_gift(text: str, bank: str) -> list[Item]:
    """GIFT, every type (recruitment/exam/gift.py). ``$CATEGORY: bank/…/topic`` sets the bank (its
    first segment, unless --bank is given) and the topic (its last segment)."""
    from recruitment.exam import gift

    items = []
    for question in gift.read(text):
        path = [p.strip() for p in question.category.split("/") if p.strip()]
        path = [p for p in path if p not in ("$course$", "$system$", "$module$", "top")]
        item = Item(
            row=question.line, bank=bank or (path[0] if path else ""), text=question.text,
            options=question.options, correct=question.correct,
            topic=path[-1] if len(path) > 1 else "", kind=question.kind, key=question.key,
            feedback=question.feedback, text_format=question.text_format, from_text=True,
        )
        title = question.title.strip()
        item.family = title if re.fullmatch(r"[\w.\-]{1,40}", title) else ""
        item.title = title
        if question.problem:
            item.error(
                "{…}", refusal(question.kind, question.text, gift_problems()[question.problem])
            )
        items.append(item)
    return items


class QuestionImporter:
    """``import_questions``: read, check every question, then write all or nothing — or, with
    ``skip_invalid``, the valid questions only (the refused ones are reported all the same)."""

    def __init__(self, *, actor=None, bank: str = "", part: str = "general", dry_run: bool = False,
                 writable=None, skip_invalid: bool = False, images: dict[str, bytes] | None = None):
        self.actor, self.bank, self.part, self.dry_run = actor, bank, part, dry_run
        self.skip_invalid = skip_invalid
        # The banks an exam-board member may write
        # (recruitment.exam.access); None: any, new ones too.
        self.writable = writable
        self.warnings: list[str] = []
        # file name -> bytes (a zip beside the bank, or Moodle XML <file>)
        self.images = images or {}

    def read(self, path: Path) -> list[Item]:
        if path.suffix.lower() == ".zip":
            return self._read_zip(path)
        if path.suffix.lower() in SPREADSHEETS:
            return read_xlsx(path, self.bank)
        try:
            inspect_file(path)  # a text file is bounded by its size
        except FileTooCostly as exc:
            raise ImportFileError(str(exc)) from None
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(
                _("The text file is not UTF-8: save it as UTF-8 and import again.")
            ) from None
        if (
            path.suffix.lower() == ".xml"
            or text.lstrip().startswith("<?xml")
            or text.lstrip().startswith("<quiz")
        ):
            from recruitment.exam import moodle_xml

            items, images = moodle_xml.read(text, self.bank)
            self.images.update(images)
        elif path.suffix.lower() == ".gift" or GIFT_HINT.search(text) is not None:
            items = read_gift(text, self.bank)
        else:
            items = read_aiken(text, self.bank)
        for item in items:  # text formats name neither bank nor part: the file and --part do
            item.bank, item.part = item.bank or path.stem, self.part
        return items

    def _read_zip(self, path: Path) -> list[Item]:
        """A zip of one question file (.gift, .txt, .xml, .xlsx) and the pictures it names."""
        import tempfile
        import zipfile

        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise ImportFileError(_("The zip file cannot be read.")) from None
        with archive:
            members = [
                m
                for m in archive.infolist()
                if not m.is_dir() and not m.filename.startswith("__MACOSX")
            ]
            # A zip that unpacks to far more than it weighs is refused before anything is unpacked.
            if len(members) > ZIP_MAX_FILES or sum(m.file_size for m in members) > ZIP_MAX_BYTES:
                raise ImportFileError(
                    _("The zip file holds too much: at most %(files)s files and %(mb)s MB.")
                    % {"files": ZIP_MAX_FILES, "mb": ZIP_MAX_BYTES // 2**20}
                )
            files = [m for m in members if Path(m.filename).suffix.lower() in QUESTION_FILES]
            if len(files) != 1:
                raise ImportFileError(_("The zip file must hold exactly one question file (.gift, "
                                        ".txt, .xml or .xlsx) beside its pictures."))
            for member in members:
                if Path(member.filename).suffix.lower() in IMAGE_FILES:
                    self.images[Path(member.filename).name] = archive.read(member)
            with tempfile.TemporaryDirectory() as folder:
                inner = Path(folder) / Path(files[0].filename).name
                inner.write_bytes(archive.read(files[0]))
                return self.read(inner)

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
        rejected = sum(1 for i in items if i.errors)
        if errors and not self.skip_invalid:
            return summary_document(rows=len(items), rejected=rejected, errors=errors)
        valid = [i for i in items if not i.errors]
        if rejected:
            self.warnings.append(
                _("%(rejected)s of %(rows)s questions were not imported (listed below).")
                % {"rejected": rejected, "rows": len(items)}
            )
        with audit_context(source=AuditEntry.Source.IMPORT), transaction.atomic():
            counts = self.write(valid)
            if self.dry_run:
                transaction.set_rollback(True)
        return summary_document(rows=len(items), rejected=rejected, errors=errors, **counts)

    # one check per rule, in the file's words
    def check(self, items: list[Item]) -> None:  # noqa: C901
        from positions.models import Competency
        from recruitment.exam.services import question_problem

        banks = {b.code: b for b in QuestionBank.objects.filter(code__in={i.bank for i in items})}
        writable = set() if self.writable is None else set(
            self.writable.filter(code__in=list(banks)).values_list("code", flat=True))
        competencies = set(
            Competency.objects.filter(
                code__in={i.competency for i in items if i.competency}
            ).values_list("code", flat=True)
        )
        seen: dict[tuple[str, str], int] = {}
        for item in items:
            if any(e["column"] == "{…}" for e in item.errors):
                continue  # not a question this import can read: one reason is enough
            if not item.text and not any(e["column"] == "Nội dung câu hỏi" for e in item.errors):
                item.error("Nội dung câu hỏi", _("The question has no text."))
            self._check_text(item)
            choices = item.kind in ("single", "multiple")
            if choices and len(item.options) < 2:
                # The column of the first option missing (the file's own header, "Phương án B").
                item.error(f"Phương án {LETTERS[len(item.options)]}",
                           _("A question needs at least two options."))
            if len(item.options) > MAX_OPTIONS and item.kind != "matching":
                item.error("Phương án", _("At most %(max)s options.") % {"max": MAX_OPTIONS})
            lowered = [o.lower() for o in item.options]
            repeated = next((i for i, o in enumerate(lowered) if o in lowered[:i]), None)
            if choices and repeated is not None and repeated < len(LETTERS):
                item.error(f"Phương án {LETTERS[repeated]}", _("Two options are the same."))
            late = [i for i in item.letters if i >= len(item.options)]
            if late or (
                item.kind == "single"
                and item.correct is not None
                and item.correct >= len(item.options)
            ):
                item.error("Đáp án", _("The answer %(letter)s is not one of the options.")
                           % {"letter": LETTERS[(late or [item.correct])[0]]})
            elif not item.errors and item.correct is not None:
                problem = question_problem(
                    kind=item.kind, options=item.options, correct=item.correct, key=item.key
                )
                if problem:
                    item.error("{…}", refusal(item.kind, item.text, problem))
            if item.competency and item.competency not in competencies:
                item.error(
                    "Mã năng lực", _("Unknown competency %(code)s.") % {"code": item.competency}
                )
            if self.writable is not None and item.bank and item.bank not in writable:
                item.error(
                    "Ngân hàng",
                    _("You may not write questions into bank %(code)s.") % {"code": item.bank},
                )
            if item.bank and item.bank not in banks and not item.part:
                item.error(
                    "Phần thi",
                    _("Bank %(code)s does not exist yet: give its exam part to create it.")
                    % {"code": item.bank},
                )
            named = bool(item.family)
            item.family = item.family or family_for(item.text)
            key = (item.bank, item.family)
            if key in seen:
                if named:
                    item.error(
                        "Mã câu hỏi",
                        _("Question %(code)s appears twice in the file (row %(row)s).")
                        % {"code": item.family, "row": seen[key]},
                    )
                else:  # the code was made from the text: name the text, not the code
                    item.error(
                        "Nội dung câu hỏi",
                        _("The question “%(text)s” appears twice in the file (row %(row)s).")
                        % {"text": item.label, "row": seen[key]},
                    )
            seen.setdefault(key, item.row)
        renamed = [i for i in items if i.title and i.title != i.family and not i.errors]
        if renamed:
            self.warnings.append(
                _(
                    "%(count)s question titles are not codes (letters, digits, . - "
                    "_, at most 40): the questions get a code made from their "
                    "text, e.g. “%(title)s” → %(code)s."
                )
                % {"count": len(renamed), "title": renamed[0].title[:60], "code": renamed[0].family}
            )
        dropped = sum(1 for i in items if i.feedback and not i.errors)
        if dropped:
            self.warnings.append(_("%(count)s questions have feedback: it is kept for the board, "
                                   "candidates do not see it.") % {"count": dropped})

    @staticmethod
    def _check_text(item: Item) -> None:
        """What every file format must respect: no control character, the lengths of the fields."""
        fields = [
            ("Nội dung câu hỏi", item.text, QUESTION_MAX_CHARS), ("Mã câu hỏi", item.family, 40),
            ("Chủ đề", item.topic, 100), ("Ngân hàng", item.bank, 40),
            ("Tên ngân hàng", item.bank_name, 255), ("Mã năng lực", item.competency, 20),
        ]
        fields += [(f"Phương án {LETTERS[i]}", option, OPTION_MAX_CHARS)
                   for i, option in enumerate(item.options[:MAX_OPTIONS])]
        for column, value, limit in fields:
            problem = text_problem(value or "", max_length=limit)
            if problem:
                item.error(column, problem)

    def write(self, items: list[Item]) -> dict[str, int]:
        from positions.models import Competency
        from recruitment.exam import services

        competencies = {
            c.code: c for c in Competency.objects.filter(code__in={i.competency for i in items})
        }
        banks = {b.code: b for b in QuestionBank.objects.filter(code__in={i.bank for i in items})}
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for item in items:
            bank = banks.get(item.bank)
            if bank is None:
                bank = banks[item.bank] = services.bank_create(
                    actor=self.actor, code=item.bank, name=item.bank_name or item.bank,
                    part=item.part,
                )
            outcome = services.question_save(
                actor=self.actor, bank=bank, family=item.family, text=item.text,
                options=item.options, correct=item.correct or 0, topic=item.topic,
                difficulty=item.difficulty, competency=competencies.get(item.competency),
                kind=item.kind, key=item.key, feedback=item.feedback, text_format=item.text_format,
            )
            counts[outcome] += 1
            self._attach_images(bank, item)
        return counts

    def _attach_images(self, bank, item: Item) -> None:
        """The pictures the question's text or options name (``@@PLUGINFILE@@/name`` or a bare file
        name in an <img src>), stored with its newest version."""
        import mimetypes

        from recruitment.models import Question, QuestionImage

        if not self.images:
            return
        content = " ".join([item.text, *item.options])
        names = [
            name
            for name in self.images
            if f"@@PLUGINFILE@@/{name}" in content or f'src="{name}"' in content
        ]
        if not names:
            return
        question = (
            Question.objects.filter(bank=bank, family=item.family).order_by("-version").first()
        )
        for name in names:
            if not question.images.filter(name=name).exists():
                QuestionImage.objects.create(
                    question=question,
                    name=name,
                    data=self.images[name],
                    content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                )
