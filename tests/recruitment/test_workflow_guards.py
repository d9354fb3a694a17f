"""A round cannot be numbered, examined and published with confirm clicks only: numbering and the
exams wait for the end of the application period and for every application's decision (or the
board's recorded reason); one re-marking appeal per candidate and part, offered for the round's
parts only."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from recruitment import services
from recruitment.models import Application, RecruitmentRound
from tests.factories import make_application, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_round(world):
    """Open until a month from now, with 12 applications nobody has reviewed yet."""
    round_ = make_round(world.unit_a, code="TD-G", status="open",
                        applications_close_on=timezone.localdate() + timedelta(days=30))
    vacancy = services.vacancy_save(
        actor=None, round_=round_, code="VT-1", title="Chuyên viên", quota=2
    )
    for i in range(12):
        make_application(vacancy, full_name=f"Thí sinh {i}")
    return round_


def test_a_round_still_receiving_applications_gets_no_numbers_and_no_exams(
    client, open_round, officer_a
):
    with pytest.raises(ValidationError, match="12"):
        services.numbers_assign(actor=None, round_=open_round)
    with pytest.raises(ValidationError):
        services.round_advance(actor=None, round_=open_round, target="review")
    client.force_login(officer_a)
    page = client.get(open_round.get_absolute_url()).content.decode()
    assert 'data-testid="round-blockers"' in page and "12" in page
    client.post(reverse("recruitment:round_status", args=[open_round.pk]), {"status": "review"})
    assert RecruitmentRound.objects.get(pk=open_round.pk).status == "open"


def test_after_the_period_the_review_starts_but_the_exams_wait_for_every_decision(open_round):
    after = open_round.applications_close_on + timedelta(days=1)
    services.round_advance(actor=None, round_=open_round, target="review", today=after)
    applications = list(open_round.applications.order_by("pk"))
    for application in applications[:11]:
        services.application_review(actor=None, application=application, eligible=True)
    with pytest.raises(ValidationError, match="1"):
        services.round_advance(actor=None, round_=open_round, target="exams", today=after)
    services.application_review(
        actor=None, application=applications[11], eligible=False, reason="Sai chuyên ngành"
    )
    assert services.numbers_assign(actor=None, round_=open_round, today=after) == 11
    services.round_advance(actor=None, round_=open_round, target="exams", today=after)
    assert open_round.status == "exams"


def test_the_board_may_go_on_with_a_recorded_reason(open_round, officer_a):
    reason = (
        "Hội đồng họp ngày 05/12 quyết định giữ nguyên lịch thi; 12 hồ sơ chờ xác minh văn bằng"
    )
    services.round_advance(actor=officer_a, round_=open_round, target="review", reason=reason)
    services.round_advance(actor=officer_a, round_=open_round, target="exams", reason=reason)
    entry = AuditEntry.objects.filter(action="update", changes__status=["review", "exams"]).get()
    assert entry.reason == reason


def test_a_stage_cannot_be_skipped(open_round):
    with pytest.raises(ValidationError):
        services.round_advance(actor=None, round_=open_round, target="exams", reason="bỏ qua")


@pytest.fixture
def published(world, candidate):
    round_ = make_round(
        world.unit_a, code="TD-W", status="open", round2_form=RecruitmentRound.Round2Form.WRITTEN
    )
    vacancy = services.vacancy_save(
        actor=None, round_=round_, code="VT-1", title="Chuyên viên", quota=1
    )
    application = make_application(vacancy, candidate=candidate, eligible=True)
    services.numbers_assign(actor=None, round_=round_)
    services.round1_score_set(
        actor=None, application=application, part="general", correct=40, questions=60
    )
    for marker, score in ((1, 48), (2, 50)):
        services.mark_enter(actor=None, application=application, component="written", marker=marker,
                            score=Decimal(score))
    services.results_publish(actor=None, round_=round_, on=timezone.localdate())
    return application


def test_the_appeal_form_offers_only_the_rounds_parts_and_refuses_a_second_request(
    client, published, candidate
):
    client.force_login(candidate)
    url = reverse("recruitment:my_application", args=[published.pk])
    page = client.get(url).content.decode()
    assert (
        'value="written"' in page
        and 'value="interview"' not in page
        and 'value="practical"' not in page
    )
    appeal = reverse("recruitment:my_appeal", args=[published.pk])
    client.post(appeal, {"component": "interview", "reason": "Phúc khảo phỏng vấn"})
    assert not published.appeals.exists()
    client.post(appeal, {"component": "written", "reason": "Phúc khảo bài viết"})
    response = client.post(appeal, {"component": "written", "reason": "Lần nữa"}, follow=True)
    assert published.appeals.count() == 1
    assert "đã đề nghị phúc khảo" in response.content.decode()
    assert (
        reverse("recruitment:my_appeal", args=[published.pk])
        not in client.get(url).content.decode()
    )


def test_the_refusal_names_the_part_the_round_does_not_have(published, candidate):
    with pytest.raises(ValidationError, match="không có"):
        services.appeal_submit(
            actor=candidate, application=Application.objects.get(pk=published.pk),
            component="interview", reason="x",
        )
