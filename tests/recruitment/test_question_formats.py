"""Question files as exam boards bring them: GIFT with every construct of Moodle's GIFT
documentation (our own questions, written for this test), Aiken, Moodle XML import and export
(round trip), Excel with 6 options and number/date cells, --skip-invalid, and refusals that name
the question by its text and line and the type found."""
import base64
import json
from datetime import date

import pytest
from django.core.management import call_command

from recruitment.exam import moodle_xml
from recruitment.exam.importers import QuestionImporter
from recruitment.models import Question, QuestionBank
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db

# Every construct of the GIFT format, in the order Moodle's documentation presents them.
GIFT = r"""// Ngân hàng kiểm tra: mọi cấu trúc của GIFT (chú thích bằng //)
$CATEGORY: $course$/GIFT/Luật Cán bộ

::MC-01:: Cơ quan nào quản lý thống nhất công chức? {
  =Chính phủ # đúng: Điều 10
  ~Quốc hội # sai: Quốc hội lập pháp
  ~%50%Bộ Nội vụ # một nửa: Bộ giúp Chính phủ
  ~Tòa án
####Xem Luật Cán bộ, công chức 2025.}

::FILL-01:: Công chức được tuyển dụng qua {~bầu cử =thi tuyển hoặc xét tuyển ~bổ nhiệm} theo Luật.

::TF-01:: Công chức là công dân Việt Nam. {T}

::TF-02:: Công chức có thể là người nước ngoài. {FALSE#Sai: phải là công dân Việt Nam.#Đúng rồi.}

::TF-03:: Luật có hiệu lực từ 01/7/2025. {TRUE}

::TF-04:: Công chức không phải tập sự. {F}

::SA-01:: Cơ quan tham mưu về công chức ở tỉnh là Sở nào? {=Sở Nội vụ =%50%Nội vụ}

::SA-02:: Thời gian tập sự công chức loại C là {=6 tháng =sáu tháng} kể từ ngày quyết định.

::NUM-01:: Số pi đến hai chữ số thập phân? {#3.14:0.01}

::NUM-02:: Một số từ 1 đến 5? {#1..5}

::Năm ban hành luật:: Luật Cán bộ, công chức đầu tiên năm nào? {#
  =2008:0 # đúng
  =%50%2008:2 # gần đúng
}

::MATCH-01:: Ghép cơ quan với người đứng đầu. {
  =Bộ -> Bộ trưởng
  =Ủy ban nhân dân -> Chủ tịch
  =Tòa án nhân dân -> Chánh án
  = -> Giám đốc
}

::ESSAY-01:: Trình bày vai trò của công chức trong bộ máy nhà nước. {}

::MR-01:: Những cơ quan nào thuộc Chính phủ? {
  ~%50%Bộ Nội vụ # đúng
  ~%50%Bộ Tài chính
  ~%-100%Quốc hội # sai
  ~%-50%Viện kiểm sát
}

::ESC-01:: Ký tự đặc biệt\: dấu \# thăng, \~ ngã, \= bằng, \{ngoặc\}, gạch \\ và\ndòng mới {
  =a \= b
  ~a \~ b
  ~a \# b
}

$CATEGORY: GIFT/Định dạng

::FMT-HTML:: [html]<p onclick="alert(1)">Chọn <b>đúng</b> <script>alert(2)</script></p> {=<i>Có</i> ~Không}

::FMT-MD:: [markdown]Chọn **một** phương án *đúng* <b>thô</b> {=Có ~Không}

::FMT-PLAIN:: [plain]Văn bản <b> giữ nguyên {=Có ~Không}

::FMT-MOODLE:: [moodle]Định dạng Moodle {=Có ~Không}

Câu hỏi không có tên,
viết trên hai dòng? {=Đúng ~Sai}

::DESC-01:: Đây chỉ là đoạn mô tả, không có câu trả lời.

::BAD-MATCH:: Ghép sai {=Bộ -> Bộ trưởng ~Tòa án}

::BAD-NUM:: Số gì? {#ba}
"""

AIKEN = """Thủ đô của Việt Nam là gì?
A. Hà Nội
B. Huế
C) Đà Nẵng
D) Hồ Chí Minh
ANSWER: A

Chọn hai bộ của Chính phủ.
A. Bộ Nội vụ
B. Quốc hội
C. Bộ Tài chính
ANSWER: A, C

Một câu có tám phương án?
A. Một
B. Hai
C. Ba
D. Bốn
E. Năm
F. Sáu
G. Bảy
H. Tám
ANSWER: H

Câu thiếu dòng đáp án
A. Có
B. Không
"""


def run(*args, capsys):
    code = 0
    try:
        call_command("import_questions", *args, "--json")
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def q(family):
    """The first imported question of this code (the round trip makes a second one elsewhere)."""
    return Question.objects.filter(family=family).order_by("pk").first()


def test_gift_every_construct_with_weights_feedback_escapes_and_formats(tmp_path, capsys):
    path = tmp_path / "gift-day-du.gift"
    path.write_text(GIFT, encoding="utf-8")
    code, doc, _err = run(str(path), capsys=capsys)
    assert code != 0 and doc["created"] == 0  # all or nothing without --skip-invalid
    refused = {e["row"]: e["message"] for e in doc["errors"]}
    lines = GIFT.splitlines()
    assert set(refused) == {
        lines.index(line) + 1 for line in lines if line.startswith(("::DESC", "::BAD"))
    }
    messages = " ".join(refused.values())
    assert "câu hỏi ghép cặp (matching) “Ghép sai”" in messages
    assert "câu hỏi điền số (numerical) “Số gì?”" in messages
    assert "(description) “Đây chỉ là đoạn mô tả" in messages

    code, doc, err = run(str(path), "--skip-invalid", capsys=capsys)
    assert code == 0 and doc["created"] == 20 and doc["rejected"] == 3
    assert "3" in err  # the warning that something was dropped

    mc = q("MC-01")
    assert (mc.kind, mc.options, mc.correct) == (
        "single", ["Chính phủ", "Quốc hội", "Bộ Nội vụ", "Tòa án"], 0,
    )
    assert mc.key == {"weights": [100, 0, 50, 0]}
    assert mc.feedback["options"][:3] == [
        "đúng: Điều 10", "sai: Quốc hội lập pháp", "một nửa: Bộ giúp Chính phủ",
    ]
    assert mc.feedback["general"] == "Xem Luật Cán bộ, công chức 2025."
    assert (mc.bank.code, mc.topic) == ("GIFT", "Luật Cán bộ")
    fill = q("FILL-01")
    assert fill.text == "Công chức được tuyển dụng qua _____ theo Luật."
    assert fill.options[fill.correct] == "thi tuyển hoặc xét tuyển"
    assert [(q(f).kind, q(f).correct) for f in ("TF-01", "TF-02", "TF-03", "TF-04")] == [
        ("truefalse", 0), ("truefalse", 1), ("truefalse", 0), ("truefalse", 1)]
    assert q("TF-02").options == ["Đúng", "Sai"]
    assert q("TF-02").feedback["options"] == ["Sai: phải là công dân Việt Nam.", "Đúng rồi."]
    assert q("SA-01").key["answers"] == [
        {"text": "Sở Nội vụ", "weight": 100},
        {"text": "Nội vụ", "weight": 50},
    ]
    assert q("SA-02").text == "Thời gian tập sự công chức loại C là _____ kể từ ngày quyết định."
    assert q("NUM-01").key == {"answers": [{"value": 3.14, "tolerance": 0.01, "weight": 100}]}
    assert q("NUM-02").key == {"answers": [{"value": 3, "tolerance": 2, "weight": 100}]}
    law = Question.objects.get(text__startswith="Luật Cán bộ, công chức đầu tiên")
    assert law.key["answers"] == [{"value": 2008, "tolerance": 0, "weight": 100},
                                  {"value": 2008, "tolerance": 2, "weight": 50}]
    assert law.feedback["options"][-2:] == ["đúng", "gần đúng"]
    assert "“Năm ban hành luật” → Q" in err  # a title that is not a code is said to be replaced
    match = q("MATCH-01")
    assert match.options == ["Bộ trưởng", "Chủ tịch", "Chánh án", "Giám đốc"]
    assert match.key["pairs"] == [["Bộ", 0], ["Ủy ban nhân dân", 1], ["Tòa án nhân dân", 2]]
    assert q("ESSAY-01").kind == "essay"
    assert q("MR-01").kind == "multiple" and q("MR-01").key == {"weights": [50, 50, -100, -50]}
    escaped = q("ESC-01")
    assert (
        escaped.text == "Ký tự đặc biệt: dấu # thăng, ~ ngã, = bằng, {ngoặc}, gạch \\ và\ndòng mới"
    )
    assert escaped.options == ["a = b", "a ~ b", "a # b"]
    html = q("FMT-HTML")
    assert html.text_format == "html" and "<b>đúng</b>" in html.text
    assert "onclick" not in html.text and "<script" not in html.text and "alert(2)" not in html.text
    assert html.options[0] == "<i>Có</i>"
    markdown = q("FMT-MD")
    assert markdown.text_format == "html" and "<strong>một</strong>" in markdown.text
    assert "<em>đúng</em>" in markdown.text and "&lt;b&gt;thô" in markdown.text
    assert q("FMT-PLAIN").text == "Văn bản <b> giữ nguyên" and q("FMT-PLAIN").text_format == "plain"
    assert q("FMT-MOODLE").topic == "Định dạng"
    assert Question.objects.get(text__startswith="Câu hỏi không có tên").text == \
        "Câu hỏi không có tên,\nviết trên hai dòng?"


def test_aiken_every_construct_eight_options_and_several_letters(tmp_path, capsys):
    path = tmp_path / "aiken.txt"
    path.write_text(AIKEN, encoding="utf-8")
    code, doc, _err = run(str(path), "--bank", "AIK", capsys=capsys)
    assert code != 0
    [error] = doc["errors"]
    assert error["row"] == 25 and "“Câu thiếu dòng đáp án”" in error["message"]
    code, doc, _err = run(str(path), "--bank", "AIK", "--skip-invalid", capsys=capsys)
    assert code == 0 and doc["created"] == 3
    capital = Question.objects.get(text="Thủ đô của Việt Nam là gì?")
    assert capital.options == ["Hà Nội", "Huế", "Đà Nẵng", "Hồ Chí Minh"] and capital.correct == 0
    two = Question.objects.get(text__startswith="Chọn hai bộ")
    assert two.kind == "multiple" and two.key == {"weights": [50, 0, 50]}
    eight = Question.objects.get(text__startswith="Một câu có tám")
    assert len(eight.options) == 8 and eight.correct == 7


def test_duplicates_are_named_by_their_text(tmp_path, capsys):
    path = tmp_path / "lap.txt"
    path.write_text("Câu hỏi lặp lại?\nA. Có\nB. Không\nANSWER: A\n\n"
                    "Câu hỏi lặp lại?\nA. Có\nB. Không\nANSWER: B\n", encoding="utf-8")
    code, doc, _err = run(str(path), "--bank", "LAP", capsys=capsys)
    assert code != 0
    [error] = doc["errors"]
    assert (
        error["row"] == 6
        and "“Câu hỏi lặp lại?”" in error["message"]
        and "Q" not in error["message"][:3]
    )


def test_moodle_xml_round_trip_keeps_every_type_and_pictures(tmp_path, capsys):
    path = tmp_path / "gift.gift"
    path.write_text(GIFT, encoding="utf-8")
    run(str(path), "--skip-invalid", capsys=capsys)
    picture = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
    xml = moodle_xml.export(Question.objects.filter(bank__code="GIFT").order_by("pk"))
    # A picture in a question, as Moodle writes it.
    xml = xml.replace(b"<name><text>ESSAY-01</text></name>",
                      b"<name><text>IMG-01</text></name>", 1)
    xml = xml.replace(
        b"Tr\xc3\xacnh b\xc3\xa0y vai tr\xc3\xb2",
        b'&lt;img src="@@PLUGINFILE@@/so-do.png"&gt; Tr\xc3\xacnh b\xc3\xa0y vai tr\xc3\xb2',
        1,
    )
    xml = xml.replace(
        b"</questiontext>",
        f'<file name="so-do.png" path="/" encoding="base64">{picture}</file>'
        "</questiontext>".encode(),
        1,
    )
    target = tmp_path / "moodle.xml"
    target.write_bytes(xml)
    summary = QuestionImporter(bank="XML").run(target)
    assert summary["errors"] == [] and summary["created"] == 20
    for original in Question.objects.filter(bank__code="GIFT").exclude(family="ESSAY-01"):
        copy = Question.objects.get(bank__code="XML", family=original.family)
        assert (copy.kind, copy.options, copy.correct, copy.key.get("pairs"), copy.text_format) == (
            original.kind, original.options, original.correct, original.key.get("pairs"),
            original.text_format,
        )
        if original.kind in ("multiple", "short", "numerical"):
            assert copy.key["weights" if original.kind == "multiple" else "answers"] == \
                original.key["weights" if original.kind == "multiple" else "answers"]
    assert Question.objects.get(bank__code="XML", family="MC-01").feedback == q("MC-01").feedback
    image = Question.objects.get(bank__code="XML", family="IMG-01").images.get()
    assert image.name == "so-do.png" and bytes(image.data) == b"\x89PNG\r\n\x1a\nfake"
    # Types a recruitment exam does not use are refused by name.
    other = tmp_path / "other.xml"
    other.write_text('<?xml version="1.0"?><quiz><question '
                     'type="calculated"><name><text>C1</text></name><questiontext '
                     'format="html"><text>Tính {a} + {b}</text></questiontext></question></quiz>',
                     encoding="utf-8")
    [error] = QuestionImporter(bank="XML").run(other)["errors"]
    assert (
        error["row"] == 1
        and "calculated" in error["message"]
        and "Tính {a} + {b}" in error["message"]
    )


def test_excel_six_options_several_letters_and_vietnamese_numbers_and_dates(tmp_path, capsys):
    header = [
        "Ngân hàng", "Phần thi", "Mã câu hỏi", "Nội dung câu hỏi", "Phương án A", "Phương án B",
        "Phương án C", "Phương án D", "Phương án E", "Phương án F", "Đáp án",
    ]
    rows = [
        [
            "XLS", "Kiến thức chung", "X-1", "Mức lương cơ sở từ 01/7/2024?", 2340000, 1800000,
            2.34, 1.8,
            date(2025, 10, 18),
            "Không câu nào",
            "F",
        ],
        ["XLS", "Kiến thức chung", "X-2", "Chọn các số chẵn", 2, 3, 4, 5, 6, 7, "A, C, E"],
    ]
    path = write_workbook(tmp_path / "bank.xlsx", [header, *rows])
    code, doc, _err = run(str(path), capsys=capsys)
    assert code == 0 and doc["created"] == 2, doc
    six = q("X-1")
    assert six.options == ["2.340.000", "1.800.000", "2,34", "1,8", "18/10/2025", "Không câu nào"]
    assert six.correct == 5 and six.kind == "single"
    several = q("X-2")
    assert (
        several.kind == "multiple" and [w > 0 for w in several.key["weights"]] == [True, False] * 3
    )
    # A key beyond the options is refused naming the letter.
    rows[0][-1] = "H"
    rows[0][2] = "X-3"
    path = write_workbook(tmp_path / "bad.xlsx", [header, rows[0]])
    code, doc, _err = run(str(path), capsys=capsys)
    assert code != 0 and "H" in doc["errors"][0]["message"]


def test_refused_whole_file_imports_nothing_and_dry_run_writes_nothing(tmp_path, capsys):
    path = tmp_path / "gift.gift"
    path.write_text(GIFT, encoding="utf-8")
    code, doc, _err = run(str(path), "--skip-invalid", "--dry-run", capsys=capsys)
    assert doc["created"] == 20 and not QuestionBank.objects.filter(code="GIFT").exists()


def test_pictures_reach_the_candidate_only_through_their_attempt_and_staff_through_the_bank(
    client, tmp_path, provincial_hr
):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from recruitment.exam import services

    picture = base64.b64encode(b"\x89PNG-so-do").decode()
    xml = ('<?xml version="1.0"?><quiz><question '
           'type="multichoice"><name><text>IMG-1</text></name><questiontext '
           'format="html"><text><![CDATA[<p>Xem sơ đồ <img '
           'src="@@PLUGINFILE@@/so-do.png"></p>]]></text><file name="so-do.png" path="/" '
           f'encoding="base64">{picture}</file></questiontext><single>true</single><answer '
           'fraction="100"><text>Có</text></answer><answer '
           'fraction="0"><text>Không</text></answer></question></quiz>')
    path = tmp_path / "hinh.xml"
    path.write_text(xml, encoding="utf-8")
    assert QuestionImporter(bank="IMG").run(path)["created"] == 1
    question = Question.objects.get(family="IMG-1")
    services.question_approve(actor=None, question=question)
    blueprint = services.blueprint_create(actor=None, name="Đề", parts=[
        services.PartSpec("general", 30, (services.RuleSpec(question.bank, 1),))])
    session = services.session_create(actor=None, name="Ca", blueprint=blueprint,
                                      starts_at=timezone.now() - timedelta(minutes=1))
    (mine, password), (other, other_password) = services.attempts_add(
        actor=None,
        session=session,
        candidates=[{"number": "A1", "full_name": "Một"}, {"number": "A2", "full_name": "Hai"}],
    )
    services.papers_generate(session)
    token = client.post(reverse("exam:api_login"), {"number": "A1", "password": password},
                        content_type="application/json").json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    paper = client.get(reverse("exam:api_attempt", args=[mine.pk]), **auth).json()
    url = reverse("exam:api_image", args=[mine.pk, 1, "so-do.png"])
    assert f'src="{url}"' in paper["questions"][0]["text"]
    assert client.get(url, **auth).content == b"\x89PNG-so-do"
    assert (
        client.get(reverse("exam:api_image", args=[other.pk, 1, "so-do.png"]), **auth).status_code
        == 404
    )
    client.post(reverse("exam:api_submit", args=[mine.pk]), **auth)
    assert client.get(url, **auth).status_code == 404  # the attempt is over
    client.force_login(provincial_hr)
    staff = client.get(reverse("recruitment:question_image", args=[question.pk, "so-do.png"]))
    assert staff.status_code == 200 and staff.content == b"\x89PNG-so-do"
    exported = client.get(reverse("recruitment:bank_export", args=[question.bank.pk])).content
    assert b'<file name="so-do.png"' in exported and b"IMG-1" in exported


def test_excel_options_numbered_one_to_eight(tmp_path, capsys):
    header = [
        "Ngân hàng", "Phần thi", "Nội dung câu hỏi", *[f"Phương án {i}" for i in range(1, 9)],
        "Đáp án",
    ]
    row = ["SO", "Tin học", "Tám phương án?", *[f"Lựa chọn {i}" for i in range(1, 9)], "G"]
    code, doc, _err = run(str(write_workbook(tmp_path / "tam.xlsx", [header, row])), capsys=capsys)
    assert code == 0 and doc["created"] == 1, doc
    question = Question.objects.get(bank__code="SO")
    assert len(question.options) == 8 and question.options[question.correct] == "Lựa chọn 7"


def test_the_upload_preview_imports_only_the_valid_questions(
    client, provincial_hr, tmp_path, settings
):
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.VAR_DIR = tmp_path
    client.force_login(provincial_hr)
    page = client.post(
        reverse("recruitment:bank_list"),
        {
            "file": SimpleUploadedFile("xem-truoc.gift", GIFT.encode()),
            "part": "general",
            "dry_run": "on",
        },
    )
    text = page.content.decode()
    assert "câu hỏi ghép cặp (matching) “Ghép sai”" in text and not Question.objects.exists()
    token = re.search(r'name="preview" value="(\w+)"', text).group(1)
    assert "Nhập 20 câu hỏi hợp lệ" in text
    page = client.post(reverse("recruitment:bank_list"), {"preview": token})
    assert Question.objects.count() == 20 and QuestionBank.objects.filter(code="GIFT").exists()
    assert not list((tmp_path / "question-previews").iterdir())  # the kept file is gone
    page = client.post(reverse("recruitment:bank_list"), {"preview": token})  # twice: nothing more
    assert page.status_code == 302 and Question.objects.count() == 20
