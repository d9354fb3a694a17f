"""Papers and lists for the board's file: the receipt (Giấy biên nhận), the summons (Thông báo triệu
tập), the room list (Danh sách phòng thi) and the results list, each laid out as an administrative
document (Nghị định 30/2020/NĐ-CP, Phụ lục I): the agency and the document's number on the left,
the national motto on the right, the place and date, the title, the body, the signature block.

One :class:`Paper` describes a document; ``templates/recruitment/paper.html`` prints it from the
browser (print CSS) and :func:`render_pdf` writes it as PDF with fpdf2 (pure Python, installs
from a wheel) in DejaVu Serif, which has every Vietnamese glyph; the fonts are vendored under
static/fonts/dejavu so that a fresh machine needs no system package.
"""
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "dejavu"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[int]  # relative widths of the columns
    caption: str = ""
    line_height: float = 6  # mm; taller rows leave room for a signature


@dataclass
class Paper:
    agency_parent: str
    agency: str
    number: str
    place: str
    day: date
    title: str
    filename: str
    subtitle: str = ""
    before: list[str] = field(default_factory=list)  # paragraphs before the fields
    fields: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    signer_role: list[str] = field(default_factory=lambda: ["TM. HỘI ĐỒNG TUYỂN DỤNG", "CHỦ TỊCH"])
    signer_name: str = ""
    signer_hint: str = "(Ký, ghi rõ họ tên, đóng dấu)"
    recipients: list[str] = field(default_factory=list)

    @property
    def date_line(self) -> str:
        place = f"{self.place}, " if self.place else ""
        return f"{place}ngày {self.day.day:02d} tháng {self.day.month:02d} năm {self.day.year}"


def place_of(unit) -> str:
    """The place in the date line: the province of the agency, read from its top unit's name
    ("UBND tỉnh Tuyên Quang" → "Tuyên Quang")."""
    if unit is None:
        return ""
    top = unit
    while top.parent_id is not None:
        top = top.parent
    name = top.name
    for marker in ("thành phố ", "Thành phố ", "tỉnh ", "Tỉnh "):
        if marker in name:
            return name.split(marker, 1)[1].strip()
    return ""


def paper_for_round(round_, *, title: str, number: str, filename: str, **kwargs) -> Paper:
    agency = round_.agency
    return Paper(
        agency_parent=(agency.parent.name if agency and agency.parent_id else "").upper(),
        agency=(agency.name if agency else "Hội đồng tuyển dụng").upper(),
        number=number,
        place=place_of(agency),
        day=kwargs.pop("day", None) or timezone.localdate(),
        title=title,
        filename=filename,
        **kwargs,
    )


# --- PDF ------------------------------------------------------------------------------------------

def render_pdf(paper: Paper) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    # ND 30/2020: left 30-35 mm, right 15-20 mm; narrower left for lists
    pdf.set_margins(20, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("Serif", "", str(FONT_DIR / "DejaVuSerif.ttf"))
    pdf.add_font("Serif", "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
    pdf.add_font("Serif", "I", str(FONT_DIR / "DejaVuSerif-Italic.ttf"))
    pdf.set_title(paper.title)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    left_w = width * 0.42

    # The two columns of the header, each wrapped in its own width (a long
    # agency name takes two lines).
    top = pdf.get_y()
    bottoms = []
    for x, w, lines in (
        (
            pdf.l_margin,
            left_w,
            [
                (paper.agency_parent, ""), (paper.agency, "B"), ("rule", ""),
                (f"Số: {paper.number}", ""),
            ],
        ),
        (
            pdf.l_margin + left_w,
            width - left_w,
            [(NATION, "B"), (MOTTO, "B"), ("rule", ""), (paper.date_line, "I")],
        ),
    ):
        pdf.set_xy(x, top)
        for text, style in lines:
            if text == "rule":  # the short line under the agency and under the motto
                y = pdf.get_y() + 0.5
                pdf.line(x + w * 0.3, y, x + w * 0.7, y)
                pdf.set_xy(x, y + 2)
                continue
            if text:
                pdf.set_font("Serif", style, 9.5)
                pdf.multi_cell(w, 5, text, align="C", new_x="LEFT", new_y="NEXT")
        bottoms.append(pdf.get_y())
    pdf.set_xy(pdf.l_margin, max(bottoms))
    pdf.ln(6)
    pdf.set_font("Serif", "B", 13)
    pdf.multi_cell(0, 7, paper.title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    if paper.subtitle:
        pdf.set_font("Serif", "B", 11)
        pdf.multi_cell(0, 6, paper.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Serif", "", 11)
    for text in paper.before:
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    if paper.fields:
        with pdf.table(
            col_widths=(35, 65), text_align=("LEFT", "LEFT"), first_row_as_headings=False,
            line_height=6.5,
        ) as table:
            for label, value in paper.fields:
                row = table.row()
                row.cell(label, style=FontFace(emphasis="BOLD"))
                row.cell(value)
        pdf.ln(3)
    for block in paper.tables:
        if block.caption:
            pdf.set_font("Serif", "B", 11)
            pdf.multi_cell(0, 6, block.caption, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Serif", "", 9.5)
        with pdf.table(col_widths=block.widths, line_height=block.line_height, repeat_headings=1,
                       headings_style=FontFace(emphasis="BOLD")) as table:
            table.row(block.headers)
            for values in block.rows:
                table.row([str(v) for v in values])
        pdf.ln(3)
    pdf.set_font("Serif", "", 11)
    for text in paper.after:
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    # The signature block: on the right half, the role over the space for the signature and seal.
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    pdf.ln(4)
    top = pdf.get_y()
    if paper.recipients:
        pdf.set_font("Serif", "B", 9.5)
        pdf.cell(left_w, 5, "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Serif", "", 9)
        for recipient in paper.recipients:
            pdf.cell(left_w, 4.5, f"- {recipient}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top)
    for line in paper.signer_role:
        pdf.set_x(pdf.l_margin + left_w)
        pdf.set_font("Serif", "B", 10.5)
        pdf.cell(width - left_w, 5.5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(pdf.l_margin + left_w)
    pdf.set_font("Serif", "I", 9.5)
    pdf.cell(width - left_w, 5.5, paper.signer_hint, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(22)
    pdf.set_x(pdf.l_margin + left_w)
    pdf.set_font("Serif", "B", 10.5)
    pdf.cell(width - left_w, 5.5, paper.signer_name, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def pdf_response(paper: Paper) -> HttpResponse:
    response = HttpResponse(render_pdf(paper), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{paper.filename}.pdf"'
    return response


# --- the papers -----------------------------------------------------------------------------------
# Official documents of a Vietnamese board: their wording is the Vietnamese of the forms (as the
# spreadsheet export of the results), not a translation of the interface.

def _dmy(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _money(amount) -> str:
    return f"{int(amount):,}".replace(",", ".") + " đ"


def receipt_paper(application) -> Paper:
    """Giấy biên nhận hồ sơ dự tuyển."""
    round_ = application.round
    fee = {"paid": "đã nộp", "waived": "được miễn", "unpaid": "chưa nộp"}.get(
        application.fee_status, ""
    )
    if round_.fee:
        fee = f"{_money(round_.fee)}: {fee}"
    if application.fee_receipt:
        fee += f" (biên lai {application.fee_receipt}, {_dmy(application.fee_paid_at)})"
    documents = "; ".join(d.kind for d in application.documents.all()) or "—"
    code = f"HS-{application.pk:06d}"
    return paper_for_round(
        round_,
        title="Giấy biên nhận hồ sơ dự tuyển",
        subtitle=round_.name,
        number=f"{code}/BN-HĐTD",
        filename=f"bien-nhan-{code}",
        day=timezone.localtime(application.submitted_at).date(),
        before=["Hội đồng tuyển dụng đã nhận hồ sơ dự tuyển của thí sinh:"],
        fields=[
            ("Họ và tên", application.full_name),
            ("Ngày sinh", _dmy(application.date_of_birth)),
            ("Số định danh cá nhân", application.national_id or "—"),
            ("Vị trí dự tuyển", f"{application.vacancy.title} ({application.vacancy.code})"),
            ("Mã hồ sơ", code),
            (
                "Thời điểm nhận",
                timezone.localtime(application.submitted_at).strftime("%H:%M ngày %d/%m/%Y"),
            ),
            ("Giấy tờ kèm theo", documents),
            ("Phí dự tuyển", fee or "—"),
        ],
        after=[
            "Thí sinh giữ giấy biên nhận này để đối chiếu khi cần. Kết quả xét điều kiện dự "
            "tuyển được thông báo trên trang hồ sơ của thí sinh và qua thư điện tử."
        ],
        signer_role=["NGƯỜI NHẬN HỒ SƠ"],
        signer_hint="(Ký, ghi rõ họ tên)",
    )


def exam_sitting(application):
    """The sitting of an admitted candidate: (session, seat) from the first computer-based session
    they are seated in, the seat being their place in the room's list by number; (None, None)
    when the board runs the exam on paper or has not seated them yet."""
    attempt = application.attempts.select_related("session").order_by("session__starts_at").first()
    if attempt is None:
        return None, None
    numbers = list(attempt.session.attempts.order_by("number").values_list("number", flat=True))
    return attempt.session, numbers.index(attempt.number) + 1


def summons_paper(application) -> Paper:
    """Thông báo triệu tập thí sinh dự thi vòng 2: time, room, seat, place and what to bring."""
    round_ = application.round
    session, seat = exam_sitting(application)
    when = "Theo thông báo của Hội đồng tuyển dụng"
    if session is not None:
        starts = timezone.localtime(session.starts_at)
        when = (f"{starts.strftime('%H giờ %M')} ngày {starts.strftime('%d/%m/%Y')} "
                "(có mặt trước giờ thi 30 phút)")
    fields = [
        ("Họ và tên", application.full_name),
        ("Ngày sinh", _dmy(application.date_of_birth)),
        ("Số báo danh", application.number),
        ("Vị trí dự tuyển", f"{application.vacancy.title} ({application.vacancy.code})"),
        ("Hình thức thi", round_.get_round2_form_display()),
        ("Thời gian", when),
        (
            "Phòng thi",
            session.room if session is not None and session.room else "Niêm yết tại địa điểm thi",
        ),
        (
            "Vị trí chỗ ngồi",
            f"Số {seat} (theo số báo danh)" if seat else "Theo số báo danh niêm yết tại phòng thi",
        ),
        ("Địa điểm", round_.exam_notice or "Theo thông báo của Hội đồng tuyển dụng"),
    ]
    return paper_for_round(
        round_,
        title="Thông báo triệu tập thí sinh dự thi",
        subtitle=round_.name,
        number=f"{application.number}/TB-HĐTD",
        filename=f"trieu-tap-{application.number}",
        before=["Hội đồng tuyển dụng triệu tập thí sinh có tên dưới đây đến dự thi:"],
        fields=fields,
        after=[
            "Khi đến dự thi, thí sinh mang theo: thông báo triệu tập này; thẻ Căn cước (hoặc "
            "Căn cước công dân, hộ chiếu còn thời hạn); bút mực, bút chì (với bài thi viết).",
            "Thí sinh đến muộn sau khi đã tính giờ làm bài không được dự thi. Thí sinh không mang "
            "điện thoại, thiết bị thu phát và tài liệu vào phòng thi, trừ khi Hội đồng cho phép.",
        ],
        recipients=["Thí sinh;", "Lưu: HĐTD."],
    )


def room_list_paper(round_) -> Paper:
    """Danh sách thí sinh dự thi theo phòng: number, name, date of birth and a column to sign,
    one table per room (computer-based session); candidates not seated yet in one table."""
    from recruitment.models import Application, Attempt, ExamSession

    headers, widths = (
        ["STT", "Số báo danh", "Họ và tên", "Ngày sinh", "Ký tên", "Ghi chú"],
        [8, 18, 40, 17, 22, 15],
    )
    tables, seated = [], set()
    sessions = ExamSession.objects.filter(round=round_).order_by("starts_at", "pk")
    for session in sessions:
        attempts = list(
            Attempt.objects.filter(session=session).select_related("application").order_by("number")
        )
        if not attempts:
            continue
        seated.update(a.application_id for a in attempts)
        starts = timezone.localtime(session.starts_at)
        when = starts.strftime("%H giờ %M ngày %d/%m/%Y")
        caption = f"Phòng thi: {session.room or session.name} – {when}"
        rows = [
            [
                i,
                a.number,
                a.full_name,
                _dmy(a.application.date_of_birth) if a.application_id else "",
                "",
                "",
            ]
            for i, a in enumerate(attempts, start=1)
        ]
        tables.append(Table(headers, rows, widths, caption, line_height=9))
    waiting = [
        a
        for a in round_.applications.filter(status=Application.Status.ELIGIBLE)
        .exclude(number="")
        .order_by("number")
        if a.pk not in seated
    ]
    if waiting:
        rows = [
            [i, a.number, a.full_name, _dmy(a.date_of_birth), "", ""]
            for i, a in enumerate(waiting, start=1)
        ]
        tables.append(
            Table(
                headers,
                rows,
                widths,
                "Thí sinh chưa xếp phòng thi (thi trên giấy)" if tables else "",
                line_height=9,
            )
        )
    total = sum(len(t.rows) for t in tables)
    return paper_for_round(
        round_,
        title="Danh sách thí sinh dự thi",
        subtitle=round_.name,
        number=f"{round_.code}/DS-HĐTD",
        filename=f"danh-sach-phong-thi-{round_.code}",
        tables=tables,
        after=[f"Tổng số thí sinh: {total}. Số có mặt: ....... Số vắng mặt: ......."],
        signer_role=["CÁN BỘ COI THI"],
        signer_hint="(Ký, ghi rõ họ tên)",
    )


def results_paper(round_, results, components: list[tuple[str, str]], labels: dict) -> Paper:
    """Danh sách kết quả (or the provisional ranking before publication)."""
    headers = [
        "STT", "Số báo danh", "Họ và tên", "Ngày sinh", "Vị trí",
        *[str(label) for _c, label in components],
        "Điểm ưu tiên", "Tổng điểm", "Thứ hạng", "Kết quả",
    ]
    widths = [7, 14, 32, 15, 12, *[12 for _c in components], 11, 11, 10, 22]

    def score(value):
        return f"{value:.2f}".replace(".", ",") if value is not None else "—"

    rows = [
        [
            i,
            r.application.number,
            r.application.full_name,
            _dmy(r.application.date_of_birth),
            r.application.vacancy.code,
            *[score(r.components[c].score) for c, _label in components],
            score(r.priority),
            score(r.total),
            r.rank or "",
            labels.get(r.result, r.result),
        ]
        for i, r in enumerate(results.rows, start=1)
    ]
    published = round_.results_published_on
    return paper_for_round(
        round_,
        title="Danh sách kết quả tuyển dụng"
        if published
        else "Bảng xếp hạng tạm thời (chưa công bố)",
        subtitle=round_.name,
        number=f"{round_.code}/KQ-HĐTD",
        filename=f"ket-qua-{round_.code}",
        day=published,
        tables=[Table(headers, rows, widths)],
        before=[results.rule_set.legal_basis]
        if getattr(results.rule_set, "legal_basis", "")
        else [],
        recipients=[
            "Người đứng đầu cơ quan có thẩm quyền tuyển dụng;", "Thí sinh (niêm yết công khai);",
            "Lưu: HĐTD.",
        ],
    )


def admission_paper(round_) -> Paper:
    """Danh sách thí sinh đủ điều kiện dự thi vòng 2 (ND 138/2020 Art 9), by position, and the
    applications not admitted with their reason."""
    from recruitment.models import Application
    from recruitment.rules import PRIORITY_CATEGORIES

    headers, widths = (
        ["STT", "Số báo danh", "Họ và tên", "Ngày sinh", "Giới tính", "Ưu tiên"],
        [8, 17, 40, 17, 13, 25],
    )
    tables = []
    admitted = (
        round_.applications.filter(status=Application.Status.ELIGIBLE)
        .select_related("vacancy")
        .order_by("vacancy__code", "number", "full_name")
    )
    by_vacancy: dict = {}
    for application in admitted:
        by_vacancy.setdefault(application.vacancy, []).append(application)
    for vacancy, applications in by_vacancy.items():
        rows = [
            [
                i, a.number or "—", a.full_name, _dmy(a.date_of_birth),
                "Nam" if a.sex == "male" else "Nữ",
                ", ".join(
                    PRIORITY_CATEGORIES[c][1] for c in a.priority_codes if c in PRIORITY_CATEGORIES
                ),
            ]
            for i, a in enumerate(applications, start=1)
        ]
        tables.append(
            Table(
                headers, rows, widths,
                f"{vacancy.title} ({vacancy.code}) – chỉ tiêu {vacancy.quota}",
            )
        )
    rejected = (
        round_.applications.filter(status=Application.Status.REJECTED)
        .select_related("vacancy")
        .order_by("vacancy__code", "full_name")
    )
    if rejected:
        tables.append(
            Table(
                ["STT", "Họ và tên", "Ngày sinh", "Vị trí", "Lý do"],
                [
                    [i, a.full_name, _dmy(a.date_of_birth), a.vacancy.code, a.rejection_reason]
                    for i, a in enumerate(rejected, start=1)
                ],
                [8, 38, 17, 15, 42],
                "Hồ sơ không đủ điều kiện dự tuyển và lý do",
            )
        )
    return paper_for_round(
        round_, title="Danh sách thí sinh đủ điều kiện dự thi", subtitle=round_.name,
        number=f"{round_.code}/DSĐĐK-HĐTD", filename=f"du-dieu-kien-{round_.code}", tables=tables,
        after=[f"Tổng số thí sinh đủ điều kiện: {admitted.count()}."],
        recipients=["Thí sinh (niêm yết công khai);", "Lưu: HĐTD."])
