"""Exchange with the national CBCCVC database (ND 27/2026/NĐ-CP, in force 1/7/2026;
DOMAIN-RULES §5.2).

The national database holds one electronic dossier per person, keyed by the 12-digit personal
identification number, and must receive management data within 3 working days of their change
(internal HR systems: 1 day). This module writes that data from ``CivilServant`` in two ways:

* the **full file**: every working cán bộ, công chức, viên chức of a scope, as the record stands at
  the moment of the export (``as_of``);
* the **change feed** since a moment: the people whose exported fields changed after it, read from
  the field history (``core.AuditEntry`` rows of the record, which every personnel service, import
  and correction writes), each with what changed and when. Nothing is hard-deleted: a retirement,
  resignation, streamlining or death is an ``end`` line carrying the status and its date.

The official exchange schema (field codes, file layout, code lists) was not published in the
sources available (DOMAIN-RULES §5.2), so ``FIELDS`` is this system's own declaration, grouped by
the data groups of Art. 5; each field says what about its official form is unconfirmed, and the
README lists them. Files are JSON Lines (a header line, then one line per person) or CSV (UTF-8
with BOM, the field codes as headers), both streamed: the people are read with ``iterator()`` in
chunks of ``CHUNK``, with a constant number of queries per chunk and memory bounded by one chunk.
"""
import csv
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from pathlib import Path

from django.db.models import BigIntegerField, DateField, DecimalField, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from core import audit
from core.exporting import safe_cell
from core.models import AuditEntry
from personnel.models import CivilServant, DisciplineRecord
from personnel.readiness import NATIONAL_CATEGORIES

FORMAT_NAME = "cong-vu/csdl-quoc-gia-cbccvc"
FORMAT_VERSION = 1
CHUNK = 2000
NEXT_SINCE_OVERLAP = timedelta(minutes=15)  # longer than any transaction that writes history
SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}

# The data groups of ND 27/2026 Art. 5 that the servant record carries.
IDENTITY, RECRUITMENT, WORK, EDUCATION, MEMBERSHIP, ARMED_FORCES, HEALTH = (
    "identity", "recruitment", "work_salary", "education", "membership", "armed_forces", "health")

CODE_LIST = "value as entered; the national code list (danh mục) is unconfirmed"
OWN_CODE = "this system's code list; the national code list is unconfirmed"
DATE = "ISO date YYYY-MM-DD; the official date format is unconfirmed"
DECIMAL = "decimal as text (2.34); the official number format is unconfirmed"


@dataclass(frozen=True)
class NationalField:
    """One field of the exchange: its code (key in JSON, header in CSV), Vietnamese label, data
    group, the ``CivilServant`` attribute it reads (dotted through relations) and what about its
    official form is unconfirmed (empty: confirmed by the sources)."""

    code: str
    label: str
    group: str
    attr: str
    unconfirmed: str = "field code and format unconfirmed"

    @property
    def model_field(self) -> str:
        """The record's field whose change (in the field history) changes this value."""
        return self.attr.split(".")[0]


FIELDS: tuple[NationalField, ...] = (
    NationalField("so_dinh_danh_ca_nhan", "Số định danh cá nhân", IDENTITY, "national_id",
                  unconfirmed=""),
    NationalField("ma_can_bo", "Mã cán bộ (mã nội bộ)", IDENTITY, "code",
                  "the agency's own code; whether the national database keeps it is unconfirmed"),
    NationalField("ho_va_ten", "Họ và tên", IDENTITY, "full_name"),
    NationalField("ten_goi_khac", "Tên gọi khác", IDENTITY, "other_names"),
    NationalField("ngay_sinh", "Ngày sinh", IDENTITY, "date_of_birth", DATE),
    NationalField("do_chinh_xac_ngay_sinh", "Độ chính xác ngày sinh", IDENTITY, "birth_precision",
                  "day/month/year; how the national database takes a partial birth date is "
                  "unconfirmed"),
    NationalField("gioi_tinh", "Giới tính", IDENTITY, "sex", f"male/female: {OWN_CODE}"),
    NationalField("ngay_cap_dinh_danh", "Ngày cấp CCCD", IDENTITY, "id_issue_date", DATE),
    NationalField("noi_cap_dinh_danh", "Nơi cấp CCCD", IDENTITY, "id_issue_place", CODE_LIST),
    NationalField("noi_sinh", "Nơi sinh", IDENTITY, "place_of_birth",
                  "free text; administrative-unit codes after the 2025 reorganisation unconfirmed"),
    NationalField("que_quan", "Quê quán", IDENTITY, "home_town",
                  "free text; administrative-unit codes unconfirmed"),
    NationalField("dan_toc", "Dân tộc", IDENTITY, "ethnicity", CODE_LIST),
    NationalField("ton_giao", "Tôn giáo", IDENTITY, "religion", CODE_LIST),
    NationalField("noi_thuong_tru", "Nơi thường trú", IDENTITY, "permanent_address"),
    NationalField("noi_o_hien_nay", "Nơi ở hiện nay", IDENTITY, "current_address"),
    NationalField("dien_thoai", "Điện thoại", IDENTITY, "phone",
                  "in the newer 2C variant only, whose legal basis is unconfirmed"),
    NationalField("email", "Thư điện tử", IDENTITY, "email"),
    NationalField("doi_tuong", "Loại cán bộ", RECRUITMENT, "category",
                  f"cadre/civil_servant/public_employee: {OWN_CODE}"),
    NationalField("ngay_tuyen_dung", "Ngày tuyển dụng", RECRUITMENT, "recruitment_date", DATE),
    NationalField("co_quan_tuyen_dung", "Cơ quan tuyển dụng", RECRUITMENT, "recruiting_agency"),
    NationalField("nghe_nghiep_khi_tuyen_dung", "Nghề nghiệp khi được tuyển dụng", RECRUITMENT,
                  "occupation_before"),
    NationalField("trang_thai", "Trạng thái", RECRUITMENT, "status",
                  f"active/retired/resigned/…: {OWN_CODE}"),
    NationalField("ngay_trang_thai", "Trạng thái từ ngày", RECRUITMENT, "status_date", DATE),
    NationalField("ma_don_vi", "Mã đơn vị", WORK, "unit.code",
                  "this province's unit code; the national unit-tree codes (synchronised by API) "
                  "are unconfirmed"),
    NationalField("ten_don_vi", "Tên đơn vị", WORK, "unit.name"),
    NationalField("ma_vi_tri_viec_lam", "Mã vị trí việc làm", WORK, "job_position.code",
                  "the unit's own code; the ND 361/2025 national list of positions is unconfirmed"),
    NationalField("chuc_vu", "Chức vụ, chức danh", WORK, "title"),
    NationalField("cap_lanh_dao", "Cấp lãnh đạo", WORK, "leadership",
                  f"head/deputy/empty: {OWN_CODE}"),
    NationalField("ma_ngach", "Mã ngạch, hạng", WORK, "rank.code",
                  "codes 01.001, 01.004, 01.005 and the public-employee grade codes unconfirmed "
                  "(DOMAIN-RULES §8.8)"),
    NationalField("bac_luong", "Bậc lương", WORK, "salary_step"),
    NationalField("he_so_luong", "Hệ số lương", WORK, "salary_coefficient", DECIMAL),
    NationalField("ngay_huong_bac", "Ngày hưởng bậc lương", WORK, "salary_step_date", DATE),
    NationalField("phu_cap_tham_nien_vuot_khung", "Phụ cấp thâm niên vượt khung (%)", WORK,
                  "excess_seniority_percent"),
    NationalField("he_so_phu_cap_chuc_vu", "Hệ số phụ cấp chức vụ", WORK, "position_allowance",
                  DECIMAL),
    NationalField("danh_hieu_cao_nhat", "Danh hiệu được phong tặng cao nhất", WORK,
                  "honorary_title"),
    NationalField("xac_minh", "Tình trạng xác minh", WORK, "verification",
                  "entered/verified: whether the national database wants unverified records is "
                  "unconfirmed"),
    NationalField("trinh_do_pho_thong", "Trình độ giáo dục phổ thông", EDUCATION,
                  "general_education", CODE_LIST),
    NationalField("trinh_do_chuyen_mon", "Trình độ chuyên môn cao nhất", EDUCATION, "qualification",
                  CODE_LIST),
    NationalField("ly_luan_chinh_tri", "Lý luận chính trị", EDUCATION, "political_theory",
                  CODE_LIST),
    NationalField("quan_ly_nha_nuoc", "Quản lý nhà nước", EDUCATION, "state_management", CODE_LIST),
    NationalField("ngoai_ngu", "Ngoại ngữ", EDUCATION, "foreign_language", CODE_LIST),
    NationalField("tin_hoc", "Tin học", EDUCATION, "it_skill", CODE_LIST),
    NationalField("ngay_vao_dang", "Ngày vào Đảng", MEMBERSHIP, "party_admission_date", DATE),
    NationalField("ngay_chinh_thuc", "Ngày chính thức", MEMBERSHIP, "party_official_date", DATE),
    NationalField("to_chuc_chinh_tri_xa_hoi", "Tổ chức chính trị - xã hội", MEMBERSHIP,
                  "mass_organisations"),
    NationalField("ngay_nhap_ngu", "Ngày nhập ngũ", ARMED_FORCES, "enlistment_date", DATE),
    NationalField("ngay_xuat_ngu", "Ngày xuất ngũ", ARMED_FORCES, "discharge_date", DATE),
    NationalField("quan_ham_cao_nhat", "Quân hàm cao nhất", ARMED_FORCES, "military_rank",
                  CODE_LIST),
    NationalField("tinh_trang_suc_khoe", "Tình trạng sức khỏe", HEALTH, "health_status", CODE_LIST),
    NationalField("chieu_cao_cm", "Chiều cao (cm)", HEALTH, "height_cm"),
    NationalField("can_nang_kg", "Cân nặng (kg)", HEALTH, "weight_kg"),
    NationalField("nhom_mau", "Nhóm máu", HEALTH, "blood_group", CODE_LIST),
    NationalField("hang_thuong_binh", "Thương binh hạng", HEALTH, "war_invalid_grade", CODE_LIST),
    NationalField("gia_dinh_chinh_sach", "Gia đình chính sách", HEALTH, "policy_family", CODE_LIST),
    NationalField("so_so_bhxh", "Số sổ BHXH", HEALTH, "social_insurance_number"),
    # The latest discipline decision (its own query; last, so a record's values keep this order).
    NationalField("ky_luat_hinh_thuc", "Hình thức kỷ luật gần nhất", WORK, "latest_discipline.form",
                  f"reprimand/warning/…: {OWN_CODE}"),
    NationalField("ky_luat_tu_ngay", "Kỷ luật có hiệu lực từ", WORK,
                  "latest_discipline.effective_from", DATE),
    NationalField("ky_luat_den_ngay", "Thời hạn kỷ luật đến", WORK,
                  "latest_discipline.effective_to", DATE),
)
FIELD_CODES = tuple(f.code for f in FIELDS)
ALL_CODES = frozenset(FIELD_CODES)
# Record fields → the codes they feed; a discipline is a career event (action "discipline").
_CODES_OF: dict[str, list[str]] = {}
for _field in FIELDS:
    _CODES_OF.setdefault(_field.model_field, []).append(_field.code)
_CODES_OF["discipline"] = _CODES_OF.pop("latest_discipline")
ENDED = frozenset(CivilServant.Status.values) - {CivilServant.Status.ACTIVE}

FULL, CHANGES = "full", "changes"
OP_FULL, OP_CREATE, OP_UPDATE, OP_END = "full", "create", "update", "end"


class ExchangeError(ValueError):
    """A request the exchange cannot serve, with a Vietnamese message for the operator."""


_DMY_TIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_moment(raw: str) -> datetime:
    """A moment given on the command line: ISO (``2026-07-01``, ``2026-07-01T08:30``, with or
    without an offset) or ``dd/mm/yyyy [HH:MM[:SS]]``; without an offset, in the site's time
    zone."""
    text = (raw or "").strip()
    match = _DMY_TIME.match(text)
    try:
        if match:
            day, month, year, hour, minute, second = (int(g or 0) for g in match.groups())
            # Naive on purpose: made aware in the site's time zone below.
            moment = datetime(year, month, day, hour, minute, second)  # noqa: DTZ001
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise ExchangeError(f"Thời điểm không hợp lệ: “{raw}” "
                            "(dùng YYYY-MM-DD[THH:MM] hoặc dd/mm/yyyy [HH:MM])") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def output_format(path: Path) -> str:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ExchangeError(f"Không hỗ trợ định dạng tệp “{path.suffix or path.name}”: "
                            "dùng .jsonl hoặc .csv")
    return kind


@dataclass
class Change:
    """What the field history says about one person since the feed's start."""

    at: datetime
    created: bool = False
    status_changed: bool = False
    codes: set[str] | frozenset[str] = field(default_factory=set)

    def add(self, action: str, changes: dict, at: datetime) -> None:
        self.at = max(self.at, at)
        self.status_changed |= "status" in changes
        if action == "create":
            self.created = True
            self.codes = ALL_CODES
            return
        if self.codes is not ALL_CODES:
            for name in [*changes, action]:
                self.codes.update(_CODES_OF.get(name, ()))

    def changed_fields(self) -> list[str]:
        if self.codes is ALL_CODES:
            return list(FIELD_CODES)
        return [code for code in FIELD_CODES if code in self.codes]


@dataclass
class Summary:
    file: str
    format: str
    mode: str
    since: datetime | None
    as_of: datetime
    records: int = 0
    created: int = 0
    updated: int = 0
    ended: int = 0

    @property
    def next_since(self) -> datetime:
        """Where the next feed should start: a little before this export's moment, because a
        history entry carries the time it was made, not the time its transaction committed (an
        import's entries carry the import's start), so a change still uncommitted at ``as_of`` may
        be older than it. A line may come twice; the national key makes applying it again
        harmless."""
        return self.as_of - NEXT_SINCE_OVERLAP

    def as_dict(self) -> dict:
        return {"file": self.file, "format": self.format, "mode": self.mode, "since": self.since,
                "as_of": self.as_of, "next_since": self.next_since, "records": self.records,
                "created": self.created, "updated": self.updated, "ended": self.ended}


def _plain(value):
    """The exchanged form of a value: ISO dates, decimals as text (exact), the rest as it is."""
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


DISCIPLINE = "latest_discipline."
# The record's values are read as tuples through the ORM lookups of the fields (model instances
# would cost three times as much over a province); the latest discipline comes from its own query.
_READ = [f for f in FIELDS if not f.attr.startswith(DISCIPLINE)]
_DISCIPLINE_FIELDS = FIELDS[len(_READ):]
assert all(f.attr.startswith(DISCIPLINE) for f in _DISCIPLINE_FIELDS), "discipline fields come last"
_LOOKUPS = ["pk", "status", *(f.attr.replace(".", "__") for f in _READ)]
_DISCIPLINE_ATTRS = [f.attr.removeprefix(DISCIPLINE) for f in _DISCIPLINE_FIELDS]
_NO_DISCIPLINE = (None,) * len(_DISCIPLINE_ATTRS)


def _model_field(attr: str):
    model = CivilServant
    *relations, name = attr.split(".")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


# Positions (in a record's values) of the dates and decimals, the only values that need converting.
_CONVERTED = [i for i, f in enumerate(_READ)
              if isinstance(_model_field(f.attr), DateField | DecimalField)]


def record_values(row: tuple, discipline: tuple | None) -> dict:
    """``{code: value}`` of one person from their tuple (``_LOOKUPS``) and latest discipline."""
    values = [*row[2:], *(discipline or _NO_DISCIPLINE)]
    for index in _CONVERTED:
        if values[index] is not None:
            values[index] = _plain(values[index])
    for index in range(len(_READ), len(values)):
        values[index] = None if values[index] is None else _plain(values[index])
    return dict(zip(FIELD_CODES, values, strict=True))


def people(*, unit_ids: list[int] | None, since: datetime | None,
           as_of: datetime) -> QuerySet[CivilServant]:
    """The people of the exchange in primary-key order: the working cán bộ, công chức, viên chức of
    the units (None: every unit), or, for a feed, those with a history entry after ``since``."""
    queryset = CivilServant.objects.filter(category__in=NATIONAL_CATEGORIES)
    if unit_ids is not None:
        queryset = queryset.filter(unit_id__in=unit_ids)
    if since is None:
        queryset = queryset.filter(status=CivilServant.Status.ACTIVE)
    else:
        # Driven by the history (indexed by time), not by a probe per person: a feed of a quiet
        # day over a province reads the few people who changed.
        changed = _history(since, as_of).values_list(Cast("object_id", BigIntegerField()),
                                                     flat=True)
        queryset = queryset.filter(pk__in=changed)
    return queryset.order_by("pk")


def _history(since: datetime, as_of: datetime) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(content_type_id=audit.content_type_id(CivilServant),
                                     timestamp__gt=since, timestamp__lte=as_of)


def changes_of(ids: list[int], since: datetime, as_of: datetime) -> dict[int, Change]:
    """Each person's changes since ``since`` (one query for a chunk of people)."""
    found: dict[int, Change] = {}
    rows = _history(since, as_of).filter(object_id__in=[str(pk) for pk in ids]) \
        .order_by("timestamp", "id").values_list("object_id", "action", "changes", "timestamp")
    for object_id, action, changes, at in rows:
        found.setdefault(int(object_id), Change(at=at)).add(action, changes or {}, at)
    return found


def disciplines_of(ids: list[int]) -> dict[int, tuple]:
    """The latest discipline decision of each person of a chunk (ids ascending; one query), as
    ``_DISCIPLINE_ATTRS``. Read by the chunk's id range, not a list of 2,000 ids, which costs more
    to build and plan than the few decisions it finds; people of the range outside the chunk are
    dropped."""
    latest: dict[int, tuple] = {}
    wanted = set(ids)
    rows = DisciplineRecord.objects.filter(servant_id__gte=ids[0], servant_id__lte=ids[-1]) \
        .order_by("servant_id", "effective_from", "id") \
        .values_list("servant_id", *_DISCIPLINE_ATTRS)
    for servant_id, *values in rows:
        if servant_id in wanted:
            latest[servant_id] = tuple(values)  # ascending: the last one wins
    return latest


def _chunks(queryset: QuerySet, size: int) -> Iterator[list]:
    rows = queryset.values_list(*_LOOKUPS).iterator(chunk_size=size)
    while chunk := list(islice(rows, size)):
        yield chunk


def lines(*, unit_ids: list[int] | None, since: datetime | None, as_of: datetime,
          chunk_size: int = CHUNK) -> Iterator[dict]:
    """The lines of the file after its header: ``{"op", "changed_at", "changed_fields", "data"}``.

    ``op`` is ``full`` in the full file; in a feed ``create``, ``update`` or ``end`` (the status
    left "active" since ``since``: retirement, resignation, streamlining, death, transfer out). A
    feed leaves out people whose changes touch no exchanged field (a photo, an own account)."""
    for chunk in _chunks(people(unit_ids=unit_ids, since=since, as_of=as_of), chunk_size):
        ids = [row[0] for row in chunk]
        disciplines = disciplines_of(ids)
        changes = changes_of(ids, since, as_of) if since is not None else {}
        for row in chunk:
            if since is None:
                yield {"op": OP_FULL, "changed_at": None, "changed_fields": None,
                       "data": record_values(row, disciplines.get(row[0]))}
                continue
            change = changes.get(row[0])
            if change is None or not change.codes:
                continue
            ended = change.status_changed and row[1] in ENDED
            op = OP_END if ended else OP_CREATE if change.created else OP_UPDATE
            yield {"op": op, "changed_at": change.at.isoformat(),
                   "changed_fields": change.changed_fields(),
                   "data": record_values(row, disciplines.get(row[0]))}


def header(summary: Summary, unit_code: str | None) -> dict:
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "mode": summary.mode,
            "since": summary.since.isoformat() if summary.since else None,
            "as_of": summary.as_of.isoformat(),
            "unit": unit_code, "key": "so_dinh_danh_ca_nhan", "fields": list(FIELD_CODES)}


class _JsonLines:
    def __init__(self, stream, head: dict):
        self.stream = stream
        self.write({"record": "header", **head})

    def write(self, document: dict) -> None:
        self.stream.write(json.dumps(document, ensure_ascii=False) + "\n")

    def line(self, line: dict) -> None:
        self.write({"record": "person", **line})


class _Csv:
    """One row per person: the operation, when and what changed, then the fields by code; text
    that a spreadsheet would run as a formula is neutralised (DESIGN §5)."""

    def __init__(self, stream, head: dict):
        self.writer = csv.writer(stream)
        self.writer.writerow(["thao_tac", "thoi_diem_thay_doi", "truong_thay_doi", *FIELD_CODES])

    def line(self, line: dict) -> None:
        data = line["data"]
        changed = " ".join(line["changed_fields"] or ())
        values = ("" if data[code] is None else safe_cell(data[code]) for code in FIELD_CODES)
        self.writer.writerow([line["op"], line["changed_at"] or "", changed, *values])


def export(*, out: Path, since: datetime | None = None, unit_ids: list[int] | None = None,
           unit_code: str | None = None, as_of: datetime | None = None, chunk_size: int = CHUNK,
           progress: Callable[[int], None] | None = None) -> Summary:
    """Write the full file (``since`` None) or the change feed since ``since`` to ``out``,
    atomically (a temporary file renamed at the end, so a reader never takes a half-written
    file)."""
    kind = output_format(out)
    as_of = as_of or timezone.now()
    if since is not None and since >= as_of:
        raise ExchangeError(f"Thời điểm bắt đầu {timezone.localtime(since):%d/%m/%Y %H:%M} "
                            "không trước thời điểm xuất "
                            f"{timezone.localtime(as_of):%d/%m/%Y %H:%M}.")
    summary = Summary(file=str(out), format=kind, mode=FULL if since is None else CHANGES,
                      since=since, as_of=as_of)
    temporary = out.with_name(f".{out.name}.part")
    try:
        # Readable by its owner only: the file holds ID numbers and health data (DESIGN §5).
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        encoding = "utf-8-sig" if kind == "csv" else "utf-8"
        with open(descriptor, "w", encoding=encoding, newline="") as stream:
            writer = (_Csv if kind == "csv" else _JsonLines)(stream, header(summary, unit_code))
            rows = lines(unit_ids=unit_ids, since=since, as_of=as_of, chunk_size=chunk_size)
            _write_lines(writer, rows, summary, progress)
        os.replace(temporary, out)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ExchangeError(f"Không ghi được tệp {out}: {exc.strerror or exc}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return summary


def _write_lines(writer, rows: Iterable[dict], summary: Summary, progress) -> None:
    for line in rows:
        writer.line(line)
        summary.records += 1
        summary.created += line["op"] == OP_CREATE
        summary.updated += line["op"] == OP_UPDATE
        summary.ended += line["op"] == OP_END
        if progress is not None and summary.records % 50_000 == 0:
            progress(summary.records)
