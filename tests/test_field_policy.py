"""The permission matrix of the sensitive fields (personnel.privacy): for each reader and each
output that carries a person's data, which sensitive values come out in full.

The person lives in A1. Those who manage A1 (officer_a, provincial HR, superusers) read every
sensitive field an output carries; view-only readers of A (viewer_a, a unit head like the demo's
truongphong.ccvc; committee_a, an appraisal committee member like hoidong.snv) read none, and
officer_b, outside A, reads nothing of the person at all.
"""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from personnel.models import FamilyMember
from personnel.services.record_parts import photo_set
from tests.factories import VIEW, UserFactory, grant, make_servant

pytestmark = pytest.mark.django_db

SECRETS = {
    "national_id": "001190123456", "id_issue_place": "Cục Cảnh sát QLHC về TTXH",
    "social_insurance_number": "0199887766", "phone": "0987654321",
    "email": "mai.hoang@example.gov.vn",
    "permanent_address": "Số 7 ngõ Thường Trú", "current_address": "Số 9 phố Hiện Ở",
    "health_status": "Tiểu đường", "policy_family": "Con liệt sĩ", "family": "Nguyễn Thị Thân Nhân",
}
MASKED_ID = "001••••••456"
# The photo is a file: an output carries it when it links (or is) the scoped photo view.
PHOTO = "photo"
RESUME = set(SECRETS) - {"phone", "email"}  # Mẫu 2C has no phone or e-mail item
# What each output carries for a reader who may see everything (the page: through its change log
# too). "search" is whether a part of the ID number finds the person.
CARRIES = {
    "page": set(SECRETS) | {PHOTO},
    "list": set(),
    "search": {"national_id"},
    "export": {"national_id", "phone", "email"},
    "resume": RESUME | {PHOTO},
    "resume_xlsx": RESUME | {PHOTO},
    "api": set(),
    # The people API (personnel.api): the list's rows and the record through the same policy.
    "api_list": {"national_id", "phone", "email"},
    "api_person": {"national_id", "phone", "email", "permanent_address", "current_address",
                   "social_insurance_number"},
    "photo": {PHOTO},
}
PERSONAS = ["officer_a", "viewer_a", "committee_a", "officer_b", "provincial_hr", "superuser"]
FULL_READERS = {"officer_a", "provincial_hr", "superuser"}
VIEW_ONLY = {"viewer_a", "committee_a"}


@pytest.fixture
def person(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    profile = {k: v for k, v in SECRETS.items() if k != "family"}
    servant = make_servant(world.unit_a1, full_name="Hoàng Thị Mai", sex="female", code="PM-01",
                           **profile)
    FamilyMember.objects.create(servant=servant, relation="Mẹ", full_name=SECRETS["family"],
                                birth_year=1961)
    return photo_set(actor=None, servant=servant,
                     photo=SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32))


@pytest.fixture
def readers(world, officer_a, viewer_a, officer_b, provincial_hr, superuser):
    committee = grant(UserFactory(username="committee_a", role="appraisal_committee"), world.unit_a,
                      VIEW)
    return {"officer_a": officer_a, "viewer_a": viewer_a, "committee_a": committee,
            "officer_b": officer_b, "provincial_hr": provincial_hr, "superuser": superuser}


def _xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).active
    cells = (value for row in sheet.iter_rows(values_only=True) for value in row)
    return "\n".join(str(value) for value in cells if value is not None)


def read(output: str, client, person) -> str:
    """The text a reader gets from ``output`` (cell values of a spreadsheet)."""
    people = reverse("personnel:servant_list")
    if output == "page":
        return client.get(person.get_absolute_url()).content.decode()
    if output == "list":
        return client.get(people).content.decode()
    if output == "search":
        return client.get(people, {"q": SECRETS["national_id"][4:10]}).content.decode()
    if output == "export":
        response = client.get(reverse("personnel:servant_export"))
        return _xlsx_text(b"".join(response.streaming_content))
    if output == "resume":
        return client.get(reverse("personnel:servant_resume", args=[person.pk])).content.decode()
    if output == "resume_xlsx":
        response = client.get(reverse("personnel:servant_resume_xlsx", args=[person.pk]))
        if response.status_code != 200:
            return ""
        # The photo is an image of the workbook (xl/media/…): counted as the photo's address.
        return _xlsx_text(response.content) + (
            _photo_url(person) if b"xl/media/" in response.content else "")
    if output == "photo":
        response = client.get(_photo_url(person))
        return _photo_url(person) if response.status_code == 200 else ""
    if output == "api_list":
        return client.get(reverse("api:person-list"), {"status": "all"}).content.decode()
    if output == "api_person":
        return client.get(reverse("api:person-detail", args=[person.pk])).content.decode()
    # The unit tree API carries no person; nothing may leak there.
    units = client.get(reverse("api:unit-list")).content.decode()
    return units + client.get(reverse("api:unit-detail", args=[person.unit_id])).content.decode()


def _photo_url(person) -> str:
    return reverse("personnel:servant_photo", args=[person.pk])


def sensitive_in(output: str, text: str, person) -> set[str]:
    if output == "search":
        return {"national_id"} if person.code in text else set()
    return {field for field, value in SECRETS.items() if value in text} | (
        {PHOTO} if _photo_url(person) in text else set())


@pytest.mark.parametrize("output", sorted(CARRIES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_which_sensitive_fields_each_reader_gets_in_each_output(client, readers, person, persona,
                                                                output):
    client.force_login(readers[persona])
    text = read(output, client, person)
    expected = CARRIES[output] if persona in FULL_READERS else set()
    assert sensitive_in(output, text, person) == expected, f"{output} as {persona}"


@pytest.mark.parametrize("output", ["page", "export", "api_list", "api_person"])
@pytest.mark.parametrize("persona", sorted(VIEW_ONLY))
def test_view_only_readers_get_the_id_number_masked(client, readers, person, persona, output):
    client.force_login(readers[persona])
    text = read(output, client, person)
    assert MASKED_ID in text and person.full_name in text


@pytest.mark.parametrize("output", ["resume", "resume_xlsx"])
@pytest.mark.parametrize("persona", sorted(VIEW_ONLY))
def test_view_only_readers_get_the_resume_with_the_id_masked(client, readers, person, persona,
                                                             output):
    """A head who may list and export the unit may print a résumé too, as the export shows it:
    the ID number masked, addresses, health and family left out (see the matrix above)."""
    client.force_login(readers[persona])
    text = read(output, client, person)
    assert MASKED_ID in text and person.full_name in text
