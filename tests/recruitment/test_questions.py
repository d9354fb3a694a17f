"""Question banks: import from .xlsx, Aiken and GIFT with row-level errors, versions and review."""
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from recruitment.exam import services
from recruitment.models import Question, QuestionBank
from tests.factories import UserFactory
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db

HEADER = [
    "Ngân hàng", "Phần thi", "Mã câu hỏi", "Chủ đề", "Mức độ", "Nội dung câu hỏi", "Phương án A",
    "Phương án B", "Phương án C", "Phương án D", "Đáp án",
]
GOOD = [
    [
        "KTC", "Kiến thức chung", "KTC-001", "Luật Cán bộ, công chức", "Dễ",
        "Công chức được tuyển dụng thông qua hình thức nào?", "Thi tuyển hoặc xét tuyển",
        "Bổ nhiệm", "Bầu cử", "Hợp đồng", "A",
    ],
    [
        "KTC", "Kiến thức chung", "KTC-002", "Luật Cán bộ, công chức", "trung bình",
        "Thời gian tập sự của công chức loại C theo Nghị định 138/2020 là bao lâu?", "3 tháng",
        "6 tháng", "12 tháng", "", "c",
    ],
]


def run(*args, capsys):
    code = 0
    try:
        call_command("import_questions", *args, "--json")
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


def test_a_spreadsheet_is_imported_as_drafts_and_reimporting_changes_nothing(tmp_path, capsys):
    path = write_workbook(
        tmp_path / "q.xlsx", [["Ngân hàng câu hỏi thi tuyển 2026"], HEADER, *GOOD]
    )
    code, doc = run(str(path), capsys=capsys)
    assert code == 0 and (doc["rows"], doc["created"]) == (2, 2)
    second = Question.objects.get(family="KTC-002")
    assert second.options == ["3 tháng", "6 tháng", "12 tháng"] and second.correct == 2
    assert second.status == "draft" and second.bank.part == "general"
    code, doc = run(str(path), capsys=capsys)
    assert (doc["created"], doc["updated"], doc["unchanged"]) == (0, 0, 2)


def test_every_bad_question_is_reported_and_nothing_is_written(tmp_path, capsys):
    rows = [
        ["KTC", "Kiến thức chung", "X1", "", "Rất khó", "Câu hỏi?", "Có", "Không", "", "", "B"],
        ["KTC", "Kiến thức chung", "X2", "", "", "", "Có", "Không", "", "", "E"],
        ["KTC", "Kiến thức chung", "X1", "", "", "Câu hỏi lặp mã?", "Có", "Có", "", "", "A"],
        ["MOI", "", "X3", "", "", "Ngân hàng chưa có?", "Có", "Không", "", "", "A"],
    ]
    path = write_workbook(tmp_path / "bad.xlsx", [HEADER, *rows])
    code, doc = run(str(path), capsys=capsys)
    assert code != 0 and not Question.objects.exists() and not QuestionBank.objects.exists()
    found = {(e["row"], e["column"]) for e in doc["errors"]}
    assert (2, "Mức độ") in found  # "Rất khó" is no difficulty
    # no text; E is not an option
    assert (3, "Nội dung câu hỏi") in found and (3, "Đáp án") in found
    assert (4, "Mã câu hỏi") in found and (4, "Phương án B") in found  # X1 twice; B repeats A
    assert (5, "Phần thi") in found  # a new bank needs its part
    assert all(e["message"] for e in doc["errors"])


AIKEN = """Cơ quan nào quản lý nhà nước về công chức trong phạm vi cả nước?
A. Chính phủ
B. Bộ Tài chính
C) Quốc hội
ANSWER: A

Công chức cấp xã do ai tuyển dụng
sau ngày 01/7/2025?
A. Chủ tịch UBND cấp tỉnh hoặc cơ quan được phân cấp
B. Chủ tịch UBND cấp xã
ANSWER: A

Câu hỏi thiếu đáp án
A. Một
B. Hai
"""


def test_aiken_is_read_with_line_numbers_for_errors(tmp_path, capsys):
    path = tmp_path / "luat-can-bo.txt"
    path.write_text(AIKEN, encoding="utf-8")
    code, doc = run(str(path), capsys=capsys)
    assert code != 0 and doc["errors"] == [{"row": 13, "column": "ANSWER",
                                            "message": doc["errors"][0]["message"]}]
    path.write_text(AIKEN.rsplit("\n\n", 1)[0] + "\n", encoding="utf-8")
    code, doc = run(str(path), "--bank", "LCB", capsys=capsys)
    assert code == 0 and doc["created"] == 2
    two_lines = Question.objects.get(text__startswith="Công chức cấp xã")
    assert two_lines.text == "Công chức cấp xã do ai tuyển dụng\nsau ngày 01/7/2025?"
    assert two_lines.bank.code == "LCB"


GIFT = """// Ngân hàng tin học
$CATEGORY: $course$/TH/Word
::TH-01:: Phím tắt để lưu văn bản trong Microsoft Word là gì? {
  =Ctrl + S
  ~Ctrl + P # in văn bản
  ~Ctrl + N
}

::TH-02:: Địa chỉ ô A1\\:B2 là {=một vùng ô ~một ô ~một trang tính}

::TH-03:: Trái Đất quay quanh Mặt Trời (một đoạn mô tả, không có câu trả lời).
"""


def test_gift_multiple_choice_is_read_and_other_types_are_refused(tmp_path, capsys):
    QuestionBank.objects.create(code="TH", name="Tin học", part="it")
    path = tmp_path / "tin-hoc.gift"
    path.write_text(GIFT, encoding="utf-8")
    code, doc = run(str(path), capsys=capsys)
    assert code != 0 and [(e["row"], e["column"]) for e in doc["errors"]] == [(11, "{…}")]
    path.write_text(GIFT.rsplit("\n\n", 1)[0] + "\n", encoding="utf-8")
    code, doc = run(str(path), capsys=capsys)
    assert code == 0 and doc["created"] == 2
    word = Question.objects.get(family="TH-01")
    assert (
        word.options == ["Ctrl + S", "Ctrl + P", "Ctrl + N"]
        and word.correct == 0
        and word.topic == "Word"
    )
    assert Question.objects.get(family="TH-02").text == "Địa chỉ ô A1:B2 là"


def test_an_approved_question_changes_by_a_new_version_approved_by_someone_else(tmp_path, capsys):
    author, reviewer = UserFactory(), UserFactory()
    bank = services.bank_create(actor=author, code="KTC", name="Kiến thức chung", part="general")
    services.question_save(
        actor=author, bank=bank, family="Q1", text="2 + 2 = ?", options=["3", "4"], correct=1
    )
    first = Question.objects.get()
    with pytest.raises(ValidationError):
        services.question_approve(actor=author, question=first)
    services.question_approve(actor=reviewer, question=first)
    outcome = services.question_save(
        actor=author, bank=bank, family="Q1", text="2 + 2 = ?", options=["3", "4", "5"], correct=1
    )
    assert outcome == "updated"
    first.refresh_from_db()
    second = Question.objects.get(version=2)
    assert first.status == "approved" and first.options == ["3", "4"] and second.status == "draft"
    services.question_approve(actor=reviewer, question=second)
    first.refresh_from_db()
    assert first.status == "retired"
