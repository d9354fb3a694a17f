"""The parts of a record beside the career (issue 17): family, documents, photo, allowances,
leave and contracts, each entered through its page, shown on the person's page and in Mẫu 2C
where the form has a place for it, and kept inside the units of whoever reads them."""
import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry
from personnel.models import Allowance, Attachment, Contract, FamilyMember, LeaveRecord
from personnel.resume import resume_context
from personnel.services import record_parts
from tests.factories import make_servant

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def person(world):
    return make_servant(world.unit_a1, full_name="Hoàng Thị Mai", sex="female", code="RP-01")


def _url(name, person, part=None):
    return reverse(f"personnel:{name}", args=[person.pk] if part is None else [person.pk, part.pk])


def _page(client, person) -> str:
    return client.get(person.get_absolute_url()).content.decode()


def _field(context, label):
    return next(f for line in context["items"] for f in line.fields if f.label.startswith(label))


def _post(client, name, person, data, part=None):
    response = client.post(_url(name, person, part), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.get(response["Location"])  # the success message is read, so a page shows only the record
    return response


def test_family_entered_on_its_page_is_on_the_record_and_in_item_30(client, officer_a, person):
    client.force_login(officer_a)
    _post(client, "family_create", person,
          {"side": "own", "relation": "Mẹ", "full_name": "Lê Thị Cúc",
           "birth_year": "1960", "details": "Hưu trí, Hà Nội"})
    _post(client, "family_create", person,
          {"side": "spouse", "relation": "Bố chồng", "full_name": "Phạm Văn Dũng"})
    assert "Lê Thị Cúc" in _page(client, person) and "Phạm Văn Dũng" in _page(client, person)
    own, spouse = resume_context(person, private=True)["family"]
    assert own.rows == (("Mẹ", "Lê Thị Cúc", "1960", "Hưu trí, Hà Nội"),)
    assert spouse.rows == (("Bố chồng", "Phạm Văn Dũng", "", ""),)


def test_a_corrected_family_member_keeps_the_old_values_in_the_change_log(
    client, officer_a, person):
    member = record_parts.family_member_add(actor=officer_a, servant=person, relation="Cha",
                                            full_name="Lê Văn Tý")
    client.force_login(officer_a)
    _post(client, "family_update", person,
          {"side": "own", "relation": "Cha", "full_name": "Lê Văn Tí",
           "reason": "Sai chính tả"}, part=member)
    entry = AuditEntry.objects.filter(object_id=str(member.pk), action="update").get()
    assert entry.changes == {"full_name": ["Lê Văn Tý", "Lê Văn Tí"]}
    assert entry.reason == "Sai chính tả"
    assert FamilyMember.objects.get(pk=member.pk).full_name == "Lê Văn Tí"


def test_a_document_with_its_decision_is_listed_and_served_to_those_who_see_the_person(
        client, officer_a, viewer_a, officer_b, person):
    event = person.events.first()
    client.force_login(officer_a)
    _post(client, "attachment_create", person, {
        "kind": "decision", "title": "Quyết định tuyển dụng",
        "upload": SimpleUploadedFile("qd.pdf", PDF), "decision_number": "12/QĐ-SNV",
        "decision_date": "01/09/2010", "signer": "Giám đốc", "event": event.pk})
    attachment = Attachment.objects.get(servant=person)
    assert (attachment.decision_number, attachment.event, attachment.content_type) == (
        "12/QĐ-SNV", event, "application/pdf")
    assert "Quyết định tuyển dụng" in _page(client, person) and "12/QĐ-SNV" in _page(client, person)
    download = _url("attachment_download", person, attachment)
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    # stored under MEDIA_ROOT, linked only by the view
    assert not attachment.file.url.startswith("/people/")
    client.force_login(viewer_a)
    assert client.get(download).status_code == 200
    client.force_login(officer_b)
    assert client.get(download).status_code == 404


def test_a_withdrawn_document_leaves_the_record_but_is_kept(client, officer_a, person):
    attachment = record_parts.attachment_add(actor=officer_a, servant=person, title="Bằng cử nhân",
                                             kind="diploma",
                                             upload=SimpleUploadedFile("bang.pdf", PDF))
    client.force_login(officer_a)
    _post(client, "attachment_withdraw", person, {"reason": "Quét nhầm"}, part=attachment)
    assert "Bằng cử nhân" not in _page(client, person)
    assert Attachment.objects.get(pk=attachment.pk).withdrawn


@pytest.mark.parametrize(("name", "content"), [
    ("qd.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ("scan.png", JPEG),
    ("macro.docx", b"PK\x03\x04not really a zip"),
    ("run.exe", b"MZ\x90\x00"),
])
def test_a_file_whose_content_is_not_its_type_is_refused(client, officer_a, person, name, content):
    client.force_login(officer_a)
    response = client.post(_url("attachment_create", person), {
        "kind": "decision", "title": "Quyết định", "upload": SimpleUploadedFile(name, content)})
    assert response.status_code == 200 and not Attachment.objects.exists()
    assert response.context["form"].errors["upload"]


def test_office_files_and_the_size_limit(officer_a, person):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
    docx = SimpleUploadedFile("to-trinh.docx", buffer.getvalue())
    assert record_parts.attachment_add(actor=officer_a, servant=person, title="Tờ trình",
                                       upload=docx).size > 0
    too_big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="10 MB"):
        record_parts.attachment_add(actor=officer_a, servant=person, title="Lớn", upload=too_big)


def test_the_photo_is_on_the_page_and_the_resume_only_for_who_sees_private_fields(
        client, officer_a, viewer_a, officer_b, person):
    client.force_login(officer_a)
    _post(client, "servant_photo_update", person, {"photo": SimpleUploadedFile("anh.jpg", JPEG)})
    photo = _url("servant_photo", person)
    assert photo in _page(client, person)
    response = client.get(photo)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == JPEG
    person.refresh_from_db()
    assert resume_context(person, private=True)["photo_url"] == photo
    assert resume_context(person, private=False)["photo_url"] == ""
    assert photo in client.get(_url("servant_resume", person)).content.decode()
    client.force_login(viewer_a)
    assert photo not in _page(client, person) and client.get(photo).status_code == 403
    client.force_login(officer_b)
    assert client.get(photo).status_code == 404


def test_a_photo_that_is_not_an_image_or_too_large_is_refused(officer_a, person):
    with pytest.raises(ValidationError, match="JPG"):
        record_parts.photo_set(actor=officer_a, servant=person,
                               photo=SimpleUploadedFile("anh.jpg", b"<svg/>"))
    # A PNG signature followed by 2 MB of padding: just over the limit.
    too_big = b"\x89PNG\r\n\x1a\n" + b"0" * 2 * 1024 * 1024
    with pytest.raises(ValidationError, match="2 MB"):
        record_parts.photo_set(actor=officer_a, servant=person,
                               photo=SimpleUploadedFile("anh.png", too_big))


def test_allowances_are_on_the_record_and_in_items_14_and_31(client, officer_a, person):
    client.force_login(officer_a)
    _post(client, "allowance_create", person,
          {"kind": "position", "coefficient": "0,30", "start_date": "01/03/2025",
           "decision_number": "5/QĐ-SNV"})
    _post(client, "allowance_create", person, {"kind": "responsibility", "coefficient": "0,10",
                                                "start_date": "01/06/2025"})
    page = _page(client, person)
    assert "Phụ cấp chức vụ lãnh đạo" in page and "0,30" in page and "5/QĐ-SNV" in page
    context = resume_context(person, private=True, today=date(2026, 1, 1))
    assert _field(context, "Phụ cấp chức vụ").value == "0,30"
    assert _field(context, "Phụ cấp khác").value == "Trách nhiệm 0,10"
    months = {row[0]: row[2] for row in context["salary_history"].rows}
    assert months["03/2025"] == "3,00 + PCCV 0,30"
    assert months["06/2025"] == "3,00 + PCCV 0,30; Trách nhiệm 0,10"


def test_a_new_allowance_of_the_same_kind_ends_the_previous_one(officer_a, person):
    first = record_parts.allowance_add(actor=officer_a, servant=person, kind="position",
                                       coefficient=record_parts.Decimal("0.20"),
                                       start_date=date(2020, 1, 1))
    record_parts.allowance_add(actor=officer_a, servant=person, kind="position",
                               coefficient=record_parts.Decimal("0.30"),
                               start_date=date(2024, 1, 1))
    assert Allowance.objects.get(pk=first.pk).end_date == date(2023, 12, 31)
    assert _field(resume_context(person, private=True, today=date(2025, 1, 1)),
                  "Phụ cấp chức vụ").value == "0,30"


def test_leave_is_on_the_record_and_an_overlapping_period_is_refused(client, officer_a, person):
    client.force_login(officer_a)
    _post(client, "leave_record_create", person, {"kind": "maternity", "start_date": "01/02/2026",
                                                  "end_date": "31/07/2026",
                                                  "decision_number": "7/QĐ"})
    assert "01/02/2026" in _page(client, person) and "31/07/2026" in _page(client, person)
    response = client.post(_url("leave_record_create", person),
                           {"kind": "annual", "start_date": "30/07/2026",
                            "end_date": "05/08/2026"})
    assert response.status_code == 200 and LeaveRecord.objects.count() == 1
    assert "01/02/2026" in response.content.decode()  # the message names the period it overlaps
    leave = LeaveRecord.objects.get()
    _post(client, "leave_record_cancel", person, {"reason": "Thu hồi"}, part=leave)
    _post(client, "leave_record_create", person, {"kind": "annual", "start_date": "30/07/2026",
                                                   "end_date": "05/08/2026"})
    assert LeaveRecord.objects.count() == 2


def test_a_contract_is_entered_on_the_record(client, officer_a, person):
    client.force_login(officer_a)
    _post(client, "contract_create", person,
          {"kind": "fixed_term", "number": "HĐ-15/2025", "signed_on": "20/12/2025",
           "start_date": "01/01/2026", "end_date": "31/12/2028"})
    contract = Contract.objects.get(servant=person)
    assert contract.end_date == date(2028, 12, 31)
    assert "HĐ-15/2025" in _page(client, person)
    response = client.post(_url("contract_create", person),
                           {"kind": "fixed_term", "start_date": "01/01/2029"})
    # a fixed term needs its end
    assert response.status_code == 200 and Contract.objects.count() == 1
    _post(client, "contract_end", person, {"end_date": "30/06/2027"}, part=contract)
    assert Contract.objects.get(pk=contract.pk).ended_on == date(2027, 6, 30)


def test_item_12_of_staff_without_a_title_is_their_rank_not_their_unit(person, world):
    value = _field(resume_context(person, private=True), "12)").value
    assert value == person.rank.name and world.unit_a1.name not in value


def test_an_officer_of_another_unit_gets_404_on_every_url(client, officer_a, officer_b, person):
    member = record_parts.family_member_add(actor=officer_a, servant=person, relation="Cha",
                                            full_name="Lê Văn Tý")
    attachment = record_parts.attachment_add(actor=officer_a, servant=person, title="QĐ",
                                             upload=SimpleUploadedFile("qd.pdf", PDF))
    record_parts.photo_set(actor=officer_a, servant=person,
                           photo=SimpleUploadedFile("anh.jpg", JPEG))
    allowance = record_parts.allowance_add(actor=officer_a, servant=person, kind="position",
                                           percent=10, start_date=date(2025, 1, 1))
    leave = record_parts.leave_record(actor=officer_a, servant=person, kind="sick",
                                      start_date=date(2026, 1, 5), end_date=date(2026, 1, 6))
    contract = record_parts.contract_record(actor=officer_a, servant=person, kind="indefinite",
                                            start_date=date(2020, 1, 1))
    urls = [_url(n, person) for n in ("family_create", "attachment_create", "servant_photo",
                                      "servant_photo_update", "allowance_create",
                                      "leave_record_create", "contract_create")]
    urls += [_url("family_update", person, member), _url("attachment_download", person, attachment),
             _url("attachment_withdraw", person, attachment),
             _url("allowance_end", person, allowance), _url("leave_record_cancel", person, leave),
             _url("contract_end", person, contract)]
    client.force_login(officer_b)
    for url in urls:
        assert client.get(url).status_code == 404, url
        # reads
        if url not in (_url("servant_photo", person),
                       _url("attachment_download", person, attachment)):
            assert client.post(url,
                               {"reason": "x", "end_date": "01/01/2027"}).status_code == 404, url
    assert not Attachment.objects.filter(withdrawn=True).exists()


def test_a_part_of_one_person_is_not_reached_through_another_persons_url(
    client, officer_a, person, world):
    other = make_servant(world.unit_a1, full_name="Trần Văn Khác")
    member = record_parts.family_member_add(actor=officer_a, servant=other, relation="Cha",
                                            full_name="Trần Văn Bố")
    client.force_login(officer_a)
    assert client.get(_url("family_update", person, member)).status_code == 404


def test_the_photo_is_in_the_box_of_the_xlsx_resume_only_for_who_sees_private_fields(
    officer_a, person):
    import openpyxl  # noqa: F401 - the workbook must still open

    from personnel.resume import resume_xlsx

    record_parts.photo_set(actor=officer_a, servant=person,
                           photo=SimpleUploadedFile("anh.jpg", JPEG))
    person.refresh_from_db()
    with zipfile.ZipFile(io.BytesIO(resume_xlsx(person, private=True))) as book:
        media = [name for name in book.namelist() if name.startswith("xl/media/")]
        assert media == ["xl/media/image1.jpeg"] and book.read(media[0]) == JPEG
        # the top-left box
        assert "<from><col>0</col>" in book.read("xl/drawings/drawing1.xml").decode()
    with zipfile.ZipFile(io.BytesIO(resume_xlsx(person, private=False))) as book:
        assert not [name for name in book.namelist() if name.startswith("xl/media/")]


def test_item_12_of_staff_without_a_title_is_their_job_position(person, world):
    from personnel.models import CivilServant
    from positions.services import position_create

    position = position_create(actor=None, unit=world.unit_a1, code="VT-KT", title="Kế toán viên")
    CivilServant.objects.filter(pk=person.pk).update(job_position=position)
    person.refresh_from_db()
    assert _field(resume_context(person, private=True), "12)").value == "Kế toán viên"


def test_a_leader_keeps_title_and_unit_in_item_12(world):
    head = make_servant(world.unit_a1, full_name="Trần Văn Trưởng", title="Trưởng phòng")
    item = _field(resume_context(head, private=True), "12)")
    assert item.value == "Trưởng phòng, Phòng Công chức, viên chức"


def test_the_reason_of_a_leave_is_only_for_who_sees_private_fields(
    client, officer_a, viewer_a, person):
    record_parts.leave_record(actor=officer_a, servant=person, kind="sick",
                              start_date=date(2026, 3, 2), end_date=date(2026, 3, 6),
                              reason="Điều trị viêm phổi")
    client.force_login(officer_a)
    assert "Điều trị viêm phổi" in _page(client, person)
    client.force_login(viewer_a)
    page = _page(client, person)
    assert "02/03/2026" in page and "Điều trị viêm phổi" not in page


@pytest.mark.parametrize("count", [1, 8])
def test_the_person_page_reads_the_parts_in_a_constant_number_of_queries(
        client, officer_a, person, count, django_assert_max_num_queries):
    event = person.events.first()
    for i in range(count):
        record_parts.family_member_add(actor=officer_a, servant=person, relation="Con",
                                       full_name=f"Con {i}")
        record_parts.attachment_add(actor=officer_a, servant=person, title=f"QĐ {i}", event=event,
                                    upload=SimpleUploadedFile("qd.pdf", PDF))
        record_parts.allowance_add(actor=officer_a, servant=person, kind="other", percent=i + 1,
                                   start_date=date(2020 + i, 1, 1))
        record_parts.leave_record(actor=officer_a, servant=person, kind="annual",
                                  start_date=date(2025, 1, 1 + 2 * i),
                                  end_date=date(2025, 1, 1 + 2 * i))
        record_parts.contract_record(actor=officer_a, servant=person, kind="labour",
                                     start_date=date(2020, 1, 1), end_date=date(2030, 1, 1),
                                     number=f"HĐ {i}")
    client.force_login(officer_a)
    client.get(person.get_absolute_url())
    with django_assert_max_num_queries(40) as queries:
        assert client.get(person.get_absolute_url()).status_code == 200
    parts = [q["sql"] for q in queries.captured_queries if any(
        table in q["sql"] for table in ("personnel_familymember", "personnel_attachment",
                                        "personnel_allowance", "personnel_leaverecord",
                                        "personnel_contract"))]
    assert len(parts) == 5, parts


def test_the_confirmation_of_an_action_goes_back_to_the_person(client, officer_a, person):
    leave = record_parts.leave_record(actor=officer_a, servant=person, kind="sick",
                                      start_date=date(2026, 3, 2), end_date=date(2026, 3, 6))
    client.force_login(officer_a)
    page = client.get(_url("leave_record_cancel", person, leave)).content.decode()
    assert f'class="btn btn-link" href="{person.get_absolute_url()}"' in page
