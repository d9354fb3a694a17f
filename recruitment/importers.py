"""Import of a recruitment round from a workbook (``import_recruitment``).

Sheets ``Đợt tuyển dụng`` (one round), ``Chỉ tiêu`` (its positions and quotas) and ``Thí sinh``
(candidates with their round-1 counts of correct answers and round-2 marks). Every cell of every
sheet is checked first; errors carry the sheet, the Excel row, the column and a Vietnamese reason;
nothing is written while any is wrong. Re-importing the same workbook changes nothing: the round
is matched by its code, positions by code, candidates by their number.
"""
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_context
from core.dates import parse_date
from core.importing import (
    CellError,
    Column,
    Importer,
    ImportFileError,
    Row,
    cell_text,
    parse_row,
    read_table,
    summary_document,
)
from core.models import AuditEntry, OrgUnit
from core.rules import registry
from core.rules.registry import RuleSetNotFound
from core.text import unaccent
from positions.models import Rank
from recruitment import services
from recruitment.models import Application, RecruitmentRound, Round1Score, Vacancy
from recruitment.rules import GENERAL, LANGUAGE, PRIORITY_CATEGORIES, rules_for_round

ROUND_SHEET, QUOTA_SHEET, CANDIDATE_SHEET = "Đợt tuyển dụng", "Chỉ tiêu", "Thí sinh"
FORMS = {"thi viet": "written", "viet": "written", "thi viet va phong van": "written_interview",
         "viet va phong van": "written_interview", "thi viet + phong van": "written_interview",
         "viet + phong van": "written_interview", "thi viet, phong van": "written_interview",
         "phong van": "interview", "thi phong van": "interview", "thuc hanh": "practical",
         "thi thuc hanh": "practical", "van dap": "interview"}
YES = {"x", "co", "1", "true", "yes", "mien", "co mien"}


def parse_day(raw):
    try:
        return parse_date(raw).value
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date (write dd/mm/yyyy).") % {"value": cell_text(raw)}
        )


def parse_form(raw) -> str:
    value = FORMS.get(unaccent(cell_text(raw)).replace("  ", " "))
    if value is None and cell_text(raw) in RecruitmentRound.Round2Form.values:
        value = cell_text(raw)
    if value is None:
        raise CellError(
            _(
                "Unknown form “%(value)s”; use Thi viết, Thi "
                "viết và phỏng vấn, Phỏng vấn or Thực hành."
            )
            % {"value": cell_text(raw)}
        )
    return value


def parse_decimal(low: int, high: int):
    def parse(raw) -> Decimal:
        try:
            value = Decimal(cell_text(raw).replace(",", ".")).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise CellError(_("“%(value)s” is not a number.") % {"value": cell_text(raw)})
        if not value.is_finite():  # "NaN" reads as a Decimal that cannot be compared
            raise CellError(_("“%(value)s” is not a number.") % {"value": cell_text(raw)})
        if not low <= value <= high:
            raise CellError(
                _("A value from %(low)s to %(high)s is expected.") % {"low": low, "high": high}
            )
        return value
    return parse


def parse_count(raw) -> int:
    try:
        number = float(cell_text(raw).replace(",", "."))
    except ValueError:
        number = -1.0
    if not number.is_integer() or number < 0:
        raise CellError(_("A whole number of correct answers is expected, not “%(value)s”.")
                        % {"value": cell_text(raw)})
    return int(number)


def parse_quota(raw) -> int:
    try:
        number = float(cell_text(raw).replace(",", "."))
    except ValueError:
        number = 0.0
    if not number.is_integer() or number < 1:
        raise CellError(_("A quota is a whole number of at least 1."))
    return int(number)


def parse_sex(raw) -> str:
    value = {"nam": "male", "nu": "female"}.get(unaccent(cell_text(raw)))
    if value is None:
        raise CellError(_("Sex must be Nam or Nữ, not “%(value)s”.") % {"value": cell_text(raw)})
    return value


def parse_priorities(raw) -> list[str]:
    codes = [c.strip().upper() for c in cell_text(raw).replace(",", ";").split(";") if c.strip()]
    unknown = [c for c in codes if c not in PRIORITY_CATEGORIES]
    if unknown:
        raise CellError(_("Unknown priority codes: %(codes)s.") % {"codes": ", ".join(unknown)})
    return codes


def parse_language(raw) -> str:
    text = cell_text(raw)
    return (
        ""
        if unaccent(text) in {"khong", "no", "0", "-"}
        else ("Có" if unaccent(text) in YES else text)
    )


def parse_yes(raw) -> bool:
    return unaccent(cell_text(raw)) in YES


ROUND_COLUMNS = [
    Column(
        "Mã đợt", "code", required=True, blank=False, example="TD2026-01", max_length=32,
        refuse_formula=True,
    ),
    Column(
        "Tên đợt", "name", required=True, blank=False, example="Thi tuyển công chức năm 2026",
        max_length=255, refuse_formula=True,
    ),
    Column(
        "Ngày thông báo", "announced_on", parse_day, required=True, blank=False,
        example="15/03/2026",
    ),
    Column(
        "Hình thức vòng 2", "round2_form", parse_form, required=True, blank=False,
        example="Thi viết và phỏng vấn",
    ),
    Column("Trọng số thi viết (%)", "written_weight", parse_decimal(0, 100), example="70"),
    Column("Trọng số phỏng vấn (%)", "interview_weight", parse_decimal(0, 100), example="30"),
]
QUOTA_COLUMNS = [
    Column(
        "Mã vị trí", "code", required=True, blank=False, example="CV-QLCC", max_length=40,
        refuse_formula=True,
    ),
    Column(
        "Tên vị trí", "title", required=True, blank=False, example="Chuyên viên quản lý công chức",
        max_length=255, refuse_formula=True,
    ),
    Column("Mã ngạch", "rank_code", example="01.003", max_length=20),
    Column("Chỉ tiêu", "quota", parse_quota, required=True, blank=False, example="2"),
    Column(
        "Yêu cầu ngoại ngữ", "foreign_language", parse_language, example="Tiếng Anh", max_length=50
    ),
]
CANDIDATE_COLUMNS = [
    Column(
        "Số báo danh", "number", required=True, blank=False, example="0001", max_length=20,
        refuse_formula=True,
    ),
    Column(
        "Họ và tên", "full_name", required=True, blank=False, example="Nguyễn Văn An",
        max_length=150, refuse_formula=True,
    ),
    Column(
        "Ngày sinh", "date_of_birth", parse_day, required=True, blank=False, example="05/07/1998"
    ),
    Column("Giới tính", "sex", parse_sex, required=True, blank=False, example="Nam"),
    Column(
        "Mã vị trí", "vacancy_code", required=True, blank=False, example="CV-QLCC", max_length=40
    ),
    Column(
        "Đối tượng ưu tiên", "priority_codes", parse_priorities, required=True, example="DTTS;NVQS"
    ),
    Column(
        "Vòng 1 - kiến thức chung (số câu đúng)", "general", parse_count, required=True,
        example="42",
    ),
    Column("Vòng 1 - ngoại ngữ (số câu đúng)", "language", parse_count, example="20"),
    Column("Miễn ngoại ngữ", "language_exempt", parse_yes, example=""),
    Column("Điểm thi viết", "written", parse_decimal(0, 100), example="74"),
    Column("Điểm phỏng vấn", "interview", parse_decimal(0, 100), example="74"),
]


class RecruitmentImporter(Importer):
    kind = "recruitment"
    title = gettext_lazy("Recruitment round")
    columns = CANDIDATE_COLUMNS

    def __init__(self, *, agency: OrgUnit | None = None, **kwargs):
        super().__init__(**kwargs)
        self.agency = agency

    def _sheet(self, path: Path, columns: list[Column], name: str) -> list[Row]:
        try:
            table = read_table(path, columns, name if self._has(path, name) else None)
        except ImportFileError as exc:
            # Sheet/row/column/reason errors (issue 7), those of a sheet that cannot be read too.
            exc.errors = [{"sheet": name, **e} for e in exc.errors]
            raise
        self.note_table(table, sheet=True)
        for row in table.rows:
            parse_row(row, table.columns)
            row.sheet = table.sheet
        return table.rows

    @staticmethod
    def _has(path: Path, name: str) -> bool:
        from python_calamine import CalamineWorkbook

        from core.text import header_key

        try:
            return any(
                header_key(s) == header_key(name)
                for s in CalamineWorkbook.from_path(str(path)).sheet_names
            )
        except Exception:  # noqa: BLE001 - read_table reports unreadable files
            return False

    def run(self, path: Path) -> dict:
        path = Path(path)
        try:
            rounds = self._sheet(path, ROUND_COLUMNS, ROUND_SHEET)
            quotas = self._sheet(path, QUOTA_COLUMNS, QUOTA_SHEET)
            candidates = self._sheet(path, CANDIDATE_COLUMNS, CANDIDATE_SHEET)
        except ImportFileError as exc:
            return summary_document(rows=0, errors=exc.errors)
        if not rounds:
            return summary_document(
                rows=0,
                errors=[
                    {
                        "sheet": ROUND_SHEET, "row": 0, "column": "Mã đợt",
                        "message": _("The sheet has no round."),
                    }
                ],
            )
        self._check(rounds, quotas, candidates)
        everything = rounds + quotas + candidates
        errors = [{**e, "sheet": r.sheet} for r in everything for e in r.errors]
        bad = sum(1 for r in everything if r.errors)
        if errors:
            return summary_document(rows=len(everything), rejected=bad, errors=errors)
        if self.dry_run:
            return summary_document(
                rows=len(everything), **self._classify(rounds, quotas, candidates)
            )
        with audit_context(source=AuditEntry.Source.IMPORT, batch=self.batch), transaction.atomic():
            counts = self._write(rounds[0], quotas, candidates)
        return summary_document(rows=len(everything), **counts)

    # --- checks -----------------------------------------------------------------------------------
    def _check(self, rounds: list[Row], quotas: list[Row], candidates: list[Row]) -> None:
        for row in rounds[1:]:
            row.error("Mã đợt", _("A workbook holds one round; this is a second one."))
        self._check_round(rounds[0])
        self.rules = self._rules(rounds[0])
        self._check_quotas(quotas)
        self._check_candidates(candidates)

    @staticmethod
    def _rules(row: Row):
        """The rule set of the round's announcement date, or None (no date, or one before every
        rule set: the row's error says so)."""
        day = row.values.get("announced_on")
        if day is None:
            return None
        try:
            return rules_for_round(announced_on=day).rule_set
        except RuleSetNotFound:
            first = min(registry.family("recruitment"), key=lambda r: r.valid_from)
            row.error("Ngày thông báo", _("No recruitment rule set is in force on %(day)s: the "
                                          "earliest, %(code)s, applies from %(start)s.")
                      % {"day": day.strftime("%d/%m/%Y"), "code": first.code,
                         "start": first.valid_from.strftime("%d/%m/%Y")})
            return None

    def _check_round(self, row: Row) -> None:
        values = row.values
        form = values.get("round2_form")
        written, interview = values.get("written_weight"), values.get("interview_weight")
        if form == "written_interview":
            if written is None or interview is None:
                row.error("Trọng số thi viết (%)", _("Written and interview need their weights."))
            elif written + interview != Decimal(100):
                row.error(
                    "Trọng số phỏng vấn (%)",
                    _("The two weights must add up to 100 (here %(sum)s).")
                    % {"sum": written + interview},
                )

    def _check_quotas(self, quotas: list[Row]) -> None:
        self.ranks = {r.code: r for r in Rank.objects.all()}
        seen: dict[str, int] = {}
        for row in quotas:
            code = row.values.get("code")
            if code in seen:
                row.error("Mã vị trí", _("Position %(code)s is repeated: already on row %(row)s.")
                          % {"code": code, "row": seen[code]})
            seen.setdefault(code, row.number)
            rank_code = row.values.get("rank_code")
            if rank_code and rank_code not in self.ranks:
                row.error("Mã ngạch", _("Unknown rank code %(code)s.") % {"code": rank_code})
        self.vacancy_rows = {r.values["code"]: r for r in quotas if r.values.get("code")}

    def _check_candidates(self, candidates: list[Row]) -> None:
        seen: dict[str, int] = {}
        general = self.rules.part(GENERAL) if self.rules else None
        language = self.rules.part(LANGUAGE) if self.rules else None
        for row in candidates:
            values = row.values
            number = values.get("number")
            if number in seen:
                row.error(
                    "Số báo danh",
                    _("Candidate number %(n)s is repeated: already on row %(row)s.")
                    % {"n": number, "row": seen[number]},
                )
            seen.setdefault(number, row.number)
            if values.get("vacancy_code") and values["vacancy_code"] not in self.vacancy_rows:
                row.error("Mã vị trí", _("Position %(code)s is not in the sheet %(sheet)s.")
                          % {"code": values["vacancy_code"], "sheet": QUOTA_SHEET})
            if (
                general
                and values.get("general") is not None
                and values["general"] > general.questions
            ):
                row.error(
                    "Vòng 1 - kiến thức chung (số câu đúng)",
                    _("The part has %(n)s questions.") % {"n": general.questions},
                )
            if values.get("language") is not None and self.rules is not None:
                if language is None:
                    self.warnings.append(
                        _(
                            "Row %(row)s: %(code)s has no foreign-language "
                            "part in round 1; the value is ignored."
                        )
                        % {"row": row.number, "code": self.rules.code}
                    )
                elif values["language"] > language.questions:
                    row.error("Vòng 1 - ngoại ngữ (số câu đúng)", _("The part has %(n)s questions.")
                              % {"n": language.questions})

    # --- writing ----------------------------------------------------------------------------------
    def _classify(self, rounds, quotas, candidates) -> dict:
        code = rounds[0].values["code"]
        round_ = RecruitmentRound.objects.filter(code=code).first()
        if round_ is None:
            return {
                "created": len(rounds) + len(quotas) + len(candidates), "updated": 0,
                "unchanged": 0,
            }
        known = set(round_.applications.values_list("number", flat=True))
        new = sum(1 for c in candidates if c.values["number"] not in known)
        return {
            "created": new,
            "updated": 0,
            "unchanged": len(rounds) + len(quotas) + len(candidates) - new,
        }

    def _write(self, round_row: Row, quotas: list[Row], candidates: list[Row]) -> dict:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        round_ = self._write_round(round_row.values, counts)
        vacancies = {
            row.values["code"]: self._write_vacancy(round_, row.values, counts) for row in quotas
        }
        for row in candidates:
            self._write_candidate(round_, vacancies[row.values["vacancy_code"]], row.values, counts)
        return counts

    def _count(self, counts: dict, created: bool, changed: bool) -> None:
        counts["created" if created else ("updated" if changed else "unchanged")] += 1

    def _write_round(self, values: dict, counts: dict) -> RecruitmentRound:
        fields = {
            "name": values["name"], "announced_on": values["announced_on"],
            "round2_form": values["round2_form"],
            "written_weight": values.get("written_weight")
            if values.get("written_weight") is not None
            else Decimal(100 if values["round2_form"] != "interview" else 0),
            "interview_weight": values.get("interview_weight")
            if values.get("interview_weight") is not None
            else Decimal(100 if values["round2_form"] == "interview" else 0),
        }
        round_ = RecruitmentRound.objects.filter(code=values["code"]).first()
        if round_ is None:
            round_ = services.round_create(
                actor=self.actor, agency=self.agency, code=values["code"],
                status=RecruitmentRound.Status.EXAMS, **fields,
            )
            self._count(counts, True, False)
        else:
            self._count(
                counts,
                False,
                bool(services.round_update(actor=self.actor, round_=round_, **fields)),
            )
        return round_

    def _write_vacancy(self, round_, values: dict, counts: dict) -> Vacancy:
        rank = self.ranks.get(values.get("rank_code") or "")
        existing = round_.vacancies.filter(code=values["code"]).first()
        wanted = {"title": values["title"], "quota": values["quota"], "rank": rank,
                  "foreign_language": values.get("foreign_language") or ""}
        if existing is not None and all(getattr(existing, k) == v for k, v in wanted.items()):
            self._count(counts, False, False)
            return existing
        vacancy = services.vacancy_save(
            actor=self.actor, round_=round_, code=values["code"], unit=self.agency, **wanted
        )
        self._count(counts, existing is None, True)
        return vacancy

    def _write_candidate(self, round_, vacancy: Vacancy, values: dict, counts: dict) -> None:
        fields = {
            "full_name": values["full_name"],
            "date_of_birth": values["date_of_birth"],
            "sex": values["sex"],
            "priority_codes": sorted(set(values.get("priority_codes") or [])),
            "language_exempt": bool(values.get("language_exempt")),
        }
        application = round_.applications.filter(number=values["number"]).first()
        created = application is None
        changed = False
        if created:
            application = services.application_submit(actor=self.actor, vacancy=vacancy, **fields)
            application.number, application.status = values["number"], Application.Status.ELIGIBLE
            application.save(update_fields=["number", "status"])
        else:
            updates = {k: v for k, v in fields.items() if getattr(application, k) != v}
            if application.vacancy_id != vacancy.pk:
                updates["vacancy"] = vacancy
            if updates:
                Application.objects.filter(pk=application.pk).update(**updates)
                changed = True
        changed |= self._write_scores(application, values)
        self._count(counts, created, changed)

    def _write_scores(self, application: Application, values: dict) -> bool:
        changed = False
        for part, field in ((GENERAL, "general"), (LANGUAGE, "language")):
            spec = self.rules.part(part)
            if values.get(field) is None or spec is None:
                continue
            old = Round1Score.objects.filter(application=application, part=part).first()
            if old is None or old.correct != values[field]:
                services.round1_score_set(
                    actor=self.actor, application=application, part=part, correct=values[field],
                    questions=spec.questions, source="import",
                )
                changed = True
        for component in ("written", "interview"):
            if values.get(component) is None:
                continue
            old = application.marks.filter(component=component, marker=0, replaced=False).first()
            if old is None or old.score != values[component]:
                services.mark_enter(
                    actor=self.actor, application=application, component=component, marker=0,
                    score=values[component], examiner=_("Imported"),
                )
                changed = True
        return changed

