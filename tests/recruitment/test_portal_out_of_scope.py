"""Crafted POSTs on the candidate portal: a candidate's scope is their own applications. Another
candidate's application is 404 for a document or a re-marking request, and nothing is written; an
application is always the poster's own, whatever the form says, and one that a service would hand
to someone else is rolled back."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import User
from recruitment import services
from recruitment.models import Application, ApplicationDocument, RecruitmentRound
from recruitment.views.portal import ApplyView
from tests.factories import UserFactory, make_application, make_round

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 diploma"
FORM = {
    "full_name": "Ngô Thị Mai", "date_of_birth": "04/05/1999", "sex": "female",
    "national_id": "008199000123", "phone": "0912345678", "address": "Tuyên Quang",
    "ethnicity": "Tày", "qualification": "Cử nhân Luật", "commitment": "on",
}


@pytest.fixture
def round_a(world):
    round_ = make_round(
        world.unit_a, code="TD-A", status="open", round2_form=RecruitmentRound.Round2Form.WRITTEN
    )
    services.vacancy_save(
        actor=None, round_=round_, code="VT-01", title="Chuyên viên pháp chế", quota=1,
        unit=world.unit_a1,
    )
    return round_


@pytest.fixture
def other(world):
    return UserFactory(
        username="other", email="other@example.vn", account_type=User.AccountType.CANDIDATE
    )


@pytest.fixture
def theirs(round_a, other):
    return make_application(round_a.vacancies.get(), candidate=other, full_name="Người Khác")


def test_a_candidate_cannot_attach_a_document_to_anothers_application(
    client, round_a, candidate, theirs, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(candidate)
    response = client.post(reverse("recruitment:my_document_upload", args=[theirs.pk]),
                           {"kind": "Bằng tốt nghiệp", "file": SimpleUploadedFile("bang.pdf", PDF)})
    assert response.status_code == 404 and not ApplicationDocument.objects.exists()
    # the same post on one's own works
    mine = make_application(round_a.vacancies.get(), candidate=candidate)
    response = client.post(reverse("recruitment:my_document_upload", args=[mine.pk]),
                           {"kind": "Bằng tốt nghiệp", "file": SimpleUploadedFile("bang.pdf", PDF)})
    assert response.status_code == 302 and list(
        ApplicationDocument.objects.values_list("application", flat=True)
    ) == [mine.pk]


def test_a_candidate_cannot_ask_for_re_marking_on_anothers_application(client, candidate, theirs):
    client.force_login(candidate)
    response = client.post(reverse("recruitment:my_appeal", args=[theirs.pk]),
                           {"component": "written", "reason": "Phúc khảo giúp bạn"})
    assert response.status_code == 404 and not theirs.appeals.exists()


def test_staff_cannot_post_on_a_candidates_application(
    client, officer_a, theirs, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer_a)
    assert (
        client.post(
            reverse("recruitment:my_document_upload", args=[theirs.pk]),
            {"kind": "Bằng", "file": SimpleUploadedFile("bang.pdf", PDF)},
        ).status_code
        == 403
    )
    assert client.post(reverse("recruitment:my_appeal", args=[theirs.pk]),
                       {"component": "written", "reason": "x"}).status_code == 403
    assert not ApplicationDocument.objects.exists() and not theirs.appeals.exists()


def test_an_application_is_always_the_posters_own(client, round_a, candidate, other):
    client.force_login(candidate)
    response = client.post(reverse("recruitment:apply", args=[round_a.pk]), {
        **FORM, "vacancy": round_a.vacancies.get().pk, "candidate": other.pk, "email": other.email})
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "recruitment:my_application", args=[application.pk]
    )
    assert (application.candidate, application.email) == (candidate, candidate.email)


def test_an_application_a_service_hands_to_another_candidate_is_rolled_back(
    client, round_a, candidate, other, monkeypatch
):
    def for_someone_else(*, actor, candidate, email, **fields):
        # What a buggy service could do: the application lands in another candidate's name.
        return services.application_submit(
            actor=actor, candidate=other, email=other.email, **fields
        )

    monkeypatch.setattr(ApplyView, "service", staticmethod(for_someone_else))
    client.force_login(candidate)
    response = client.post(reverse("recruitment:apply", args=[round_a.pk]),
                           {**FORM, "vacancy": round_a.vacancies.get().pk})
    assert response.status_code == 403 and not Application.objects.exists()
