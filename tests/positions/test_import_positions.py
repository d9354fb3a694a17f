"""import_positions: two sheets, all-or-nothing, errors with sheet/row/column, idempotent, approved
frozen."""
import json

import pytest
from django.core.management import call_command

from positions import services
from positions.models import JobDescription, JobPosition
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db
MAIN = ["Mã đơn vị", "Mã vị trí", "Tên vị trí", "Nhóm", "Mã ngạch", "Số lượng người làm việc",
        "Mục tiêu", "Nhiệm vụ"]
FRAMEWORK = ["Mã đơn vị", "Mã vị trí", "Mã năng lực", "Cấp độ"]


def run(path, capsys, *args):
    code = 0
    try:
        call_command("import_positions", str(path), "--json", *args)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


def workbook(tmp_path, main_rows, framework_rows, name="vt.xlsx"):
    return write_workbook(tmp_path / name, [MAIN, *main_rows], title="Vị trí việc làm",
                          extra_sheets={"Khung năng lực": [FRAMEWORK, *framework_rows]})


def test_positions_with_descriptions_and_frameworks(world, tmp_path, capsys):
    path = workbook(tmp_path, [
        ["A1", "CV-QLCC", "Chuyên viên quản lý công chức", "Chuyên môn", "01.003", 3, "Tham mưu",
         "Theo dõi hồ sơ"],
        ["A1", "TP", "Trưởng phòng", "Lãnh đạo, quản lý", "01.002", 1, "", ""],
    ], [["A1", "CV-QLCC", "NLC01", 3], ["A1", "CV-QLCC", "CM-NV02", 4], ["A1", "TP", "NLQL02", 4]])
    code, doc = run(path, capsys)
    assert code == 0 and (doc["rows"], doc["created"]) == (2, 2), doc
    position = JobPosition.objects.get(code="CV-QLCC")
    draft = services.latest_description(position)
    assert (position.posts, position.rank.code, draft.tasks) == (3, "01.003", "Theo dõi hồ sơ")
    assert {r.competency.code: r.level
                for r in draft.requirements.all()} == {"NLC01": 3, "CM-NV02": 4}
    code, doc = run(path, capsys)
    assert code == 0 and doc["unchanged"] == 2


def test_a_bad_framework_row_rejects_its_position_and_nothing_is_written(world, tmp_path, capsys):
    path = workbook(tmp_path, [["A1", "CV", "Chuyên viên", "Chuyên môn", "01.003", 2, "", ""]],
                    [["A1", "CV", "NLC99", 3], ["A1", "CV", "NLC01", 7],
                     ["A1", "KHONG", "NLC01", 2]])
    code, doc = run(path, capsys)
    assert code != 0 and JobPosition.objects.count() == 0 and doc["rejected"] == 1
    found = {(e["sheet"], e["row"], e["column"]) for e in doc["errors"]}
    assert found == {("Khung năng lực", 2, "Mã năng lực"), ("Khung năng lực", 3, "Cấp độ"),
                     ("Khung năng lực", 4, "Mã vị trí")}


def test_unknown_unit_and_rank_are_reported(world, tmp_path, capsys):
    path = workbook(tmp_path, [["ZZ", "CV", "Chuyên viên", "Nhóm lạ", "9.9", "ba", "", ""]], [])
    code, doc = run(path, capsys)
    assert code != 0
    assert {e["column"] for e in doc["errors"]} == {"Mã đơn vị", "Nhóm", "Mã ngạch",
                                                    "Số lượng người làm việc"}


def test_an_approved_description_is_not_changed_a_new_draft_is(world, tmp_path, capsys,
                                                               provincial_hr):
    path = workbook(tmp_path,
                    [["A1", "CV", "Chuyên viên", "Chuyên môn", "01.003", 2, "Mục tiêu cũ", ""]], [])
    run(path, capsys)
    dossier = services.dossier_create(actor=None, unit=JobPosition.objects.get().unit,
                                      title="Hồ sơ")
    for action in ("submit", "appraise"):
        services.dossier_transition(actor=provincial_hr, dossier=dossier, action=action)
    services.dossier_transition(actor=provincial_hr, dossier=dossier, action="approve",
                                decision_number="1/QĐ")
    path = workbook(tmp_path, [["A1", "CV", "Chuyên viên", "Chuyên môn", "01.003", 2,
                                "Mục tiêu mới", ""]], [],
                    name="vt2.xlsx")
    code, doc = run(path, capsys)
    assert code == 0 and doc["updated"] == 1
    approved = JobDescription.objects.get(position__code="CV", status="approved")
    assert approved.objectives == "Mục tiêu cũ"
    draft = JobDescription.objects.get(position__code="CV", status="draft")
    assert draft.objectives == "Mục tiêu mới"


def test_export_imports_back_unchanged(client, world, officer_a, tmp_path, capsys):
    run(workbook(tmp_path, [["A1", "CV", "Chuyên viên", "Chuyên môn", "01.003", 2, "Tham mưu", ""]],
                 [["A1", "CV", "NLC01", 3]]), capsys)
    client.force_login(officer_a)
    from django.urls import reverse

    exported = tmp_path / "export.xlsx"
    exported.write_bytes(client.get(reverse("positions:position_export")).content)
    code, doc = run(exported, capsys)
    assert code == 0 and (doc["rows"], doc["unchanged"]) == (1, 1), doc
