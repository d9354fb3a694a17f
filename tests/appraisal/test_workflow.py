"""The committee's procedure after the scores (ND 90/2020 Art 17): self-assessment, the review
meeting, the Party committee's opinion on leaders, HR's consolidation, the close, the decision,
publication and petitions with their deadlines; and who sees a province-wide year."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from appraisal import services, workflow
from appraisal.models import Appraisal, Petition
from core.access import VIEW
from personnel.models import CivilServant
from tests.factories import UserFactory, grant, make_servant

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(world):
    head = make_servant(world.unit_a1, code="A-HEAD", full_name="Trần Văn Trưởng")
    CivilServant.objects.filter(pk=head.pk).update(leadership="head")
    an = make_servant(world.unit_a1, code="A-01", full_name="Nguyễn Văn An")
    binh = make_servant(world.unit_a1, code="A-02", full_name="Lê Thị Bình", sex="female")
    cycle = services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    people = {a.servant.code: a for a in cycle.appraisals.select_related("servant", "cycle")}
    rows = [{"appraisal_id": a.pk, "period": p, "general": Decimal(25), "quantity": Decimal(100),
             "quality": Decimal(90), "progress": Decimal(90), "organisation": Decimal(100),
             "solidarity": Decimal(100)} for a in people.values() for p in (1, 2)]
    services.period_scores_save(actor=None, rows=rows)
    return cycle, people, {"head": head, "an": an, "binh": binh}


def assess(appraisal, level="HTT"):
    return services.self_assess(actor=None, appraisal=appraisal, self_level=level,
                                self_assessment="Hoàn thành các nhiệm vụ được giao.")


def test_the_procedure_from_the_self_assessment_to_the_publication(client, year, world, officer_a):
    cycle, people, _ = year
    assess(people["A-01"])
    assess(people["A-HEAD"], "HTXS")
    # Bình has not self-assessed: the meeting cannot review her
    with pytest.raises(ValidationError) as error:
        workflow.review_meeting_record(
            actor=officer_a, cycle=cycle, unit=world.unit_a1, held_on=date(2026, 11, 20),
            chaired_by="Trần Văn Trưởng", attendee_count=3, minutes="Biên bản họp",
            opinions={people["A-02"].pk: ("Tốt", "HTT")})
    assert "Lê Thị Bình" in str(error.value)
    meeting = workflow.review_meeting_record(
        actor=officer_a, cycle=cycle, unit=world.unit_a1, held_on=date(2026, 11, 20),
        chaired_by="Trần Văn Trưởng", attendee_count=3,
        minutes="Biên bản họp nhận xét, đánh giá năm 2026",
        opinions={people["A-01"].pk: ("Hoàn thành tốt", "HTT"),
                  people["A-HEAD"].pk: ("Xuất sắc", "HTXS")})
    assert meeting.opinions.count() == 2
    assert Appraisal.objects.get(pk=people["A-01"].pk).status == Appraisal.Status.REVIEWED
    # the head waits for the Party committee's opinion
    with pytest.raises(ValidationError) as error:
        workflow.consolidate(actor=officer_a, cycle=cycle, unit=world.unit_a)
    assert "Trần Văn Trưởng" in str(error.value)
    with pytest.raises(ValidationError):  # asked of leaders only
        workflow.party_opinion_record(actor=officer_a, appraisal=people["A-01"],
                                      party_opinion="Tốt", party_body="Chi bộ",
                                      party_opinion_on=date(2026, 11, 25))
    workflow.party_opinion_record(actor=officer_a,
                                  appraisal=Appraisal.objects.get(pk=people["A-HEAD"].pk),
                                  party_opinion="Đồng ý mức Hoàn thành tốt",
                                  party_body="Đảng ủy Sở Nội vụ",
                                  party_opinion_on=date(2026, 11, 25))
    assert workflow.consolidate(actor=officer_a, cycle=cycle, unit=world.unit_a,
                                hr_note="Đề nghị") == 2
    assert Appraisal.objects.get(pk=people["A-HEAD"].pk).status == Appraisal.Status.CONSOLIDATED
    with pytest.raises(ValidationError):  # the decision records the final levels: after the close
        workflow.decision_record(actor=officer_a, cycle=cycle, unit=world.unit_a,
                                 decision_number="15/QĐ-SNV", decision_date=date(2026, 12, 2),
                                 decision_authority="Giám đốc Sở Nội vụ")
    services.cycle_close(actor=officer_a, cycle=cycle)
    with pytest.raises(ValidationError):  # nothing is published before its decision
        workflow.publish(actor=officer_a, cycle=cycle, unit=world.unit_a,
                         published_on=date(2026, 12, 3))
    assert workflow.decision_record(actor=officer_a, cycle=cycle, unit=world.unit_a,
                                    decision_number="15/QĐ-SNV", decision_date=date(2026, 12, 2),
                                    decision_authority="Giám đốc Sở Nội vụ") == 3
    assert workflow.publish(actor=officer_a, cycle=cycle, unit=world.unit_a,
                            published_on=date(2026, 12, 3)) == 3
    an = Appraisal.objects.get(pk=people["A-01"].pk)
    assert (an.status, an.decision_number, an.published_on) == (Appraisal.Status.PUBLISHED,
                                                                "15/QĐ-SNV", date(2026, 12, 3))
    # The result is in the person's record, read from the appraisal (not entered again).
    client.force_login(officer_a)
    record = client.get(reverse("personnel:servant_detail", args=[an.servant_id])).content.decode()
    section = record[record.index('data-testid="record-appraisals"'):]
    assert "15/QĐ-SNV" in section and "03/12/2026" in section and an.level in section


def test_a_civil_servants_petition_follows_the_law_on_complaints(year, world, officer_a):
    cycle, people, _ = year
    services.cycle_close(actor=officer_a, cycle=cycle)
    workflow.decision_record(actor=officer_a, cycle=cycle, unit=world.unit_a,
                             decision_number="15/QĐ-SNV", decision_date=date(2026, 8, 3),
                             decision_authority="Giám đốc Sở Nội vụ")
    workflow.publish(actor=officer_a, cycle=cycle, unit=world.unit_a, published_on=date(2026, 8, 4))
    an = Appraisal.objects.get(pk=people["A-01"].pk)
    with pytest.raises(ValidationError) as error:  # 90 days after 4 August is 2 November
        workflow.petition_file(actor=None, appraisal=an, text="Đề nghị xem xét",
                               filed_on=date(2026, 11, 3))
    assert "90" in str(error.value)
    petition = workflow.petition_file(actor=None, appraisal=an, text="Đề nghị xem xét",
                                      filed_on=date(2026, 11, 2))
    assert petition.rule_set == "APPR-PETITION-KN2011" and petition.due_on == date(2026, 12, 2)
    before = an.level
    workflow.petition_answer(actor=officer_a, petition=petition, answer="Giữ nguyên",
                             outcome="kept", answered_on=date(2026, 11, 20))
    assert Appraisal.objects.get(pk=an.pk).level == before


def test_a_public_employees_petition_is_filed_within_5_days_and_answered_within_10_working_days(
    world, officer_a):
    teacher = make_servant(world.unit_a1, code="VC-01", full_name="Ngô Thị Hoa", sex="female",
                           category="public_employee")
    cycle = services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    appraisal = cycle.appraisals.get(servant=teacher)
    Appraisal.objects.filter(pk=appraisal.pk).update(level="HT", published_on=date(2026, 11, 2))
    appraisal.refresh_from_db()
    with pytest.raises(ValidationError):  # Monday 2 November + 5 days = Saturday 7 November
        workflow.petition_file(actor=None, appraisal=appraisal, text="Xin xem xét lại",
                               filed_on=date(2026, 11, 8))
    petition = workflow.petition_file(actor=None, appraisal=appraisal, text="Xin xem xét lại",
                                      filed_on=date(2026, 11, 5))
    # Thursday 5 November + 10 working days (weekends skipped) = Thursday 19 November.
    assert petition.rule_set == "APPR-PETITION-LVC2025" and petition.due_on == date(2026, 11, 19)
    with pytest.raises(ValidationError):  # one open petition at a time
        workflow.petition_file(actor=None, appraisal=appraisal, text="Lần hai",
                               filed_on=date(2026, 11, 6))
    with pytest.raises(ValidationError):  # a changed level names the new one
        workflow.petition_answer(actor=officer_a, petition=petition, answer="Đổi",
                                 outcome="changed", answered_on=date(2026, 11, 18))
    workflow.petition_answer(actor=officer_a, petition=petition,
                             answer="Đủ tiêu chí Hoàn thành tốt", outcome="changed",
                             new_level="HTT", answered_on=date(2026, 11, 18))
    appraisal.refresh_from_db()
    assert appraisal.level == "HTT" and "Đủ tiêu chí Hoàn thành tốt" in appraisal.reasons[-1]
    with pytest.raises(ValidationError):  # the resolution is not reviewed again
        workflow.petition_file(actor=None, appraisal=appraisal, text="Lần ba",
                               filed_on=date(2026, 11, 6))
    assert Petition.objects.filter(appraisal=appraisal).count() == 1


def test_hr_walks_the_procedure_page_and_records_a_meeting(client, year, world, officer_a):
    cycle, people, _ = year
    assess(people["A-01"])
    client.force_login(officer_a)
    page = client.get(reverse("appraisal:workflow", args=[cycle.pk])).content.decode()
    assert "Nguyễn Văn An" in page and reverse("appraisal:meeting", args=[cycle.pk]) in page
    url = reverse("appraisal:meeting", args=[cycle.pk]) + f"?unit={world.unit_a1.pk}"
    form = client.get(url).content.decode()
    assert "Nguyễn Văn An" in form and "Lê Thị Bình" not in form  # only who self-assessed
    response = client.post(url, {"held_on": "20/11/2026", "chaired_by": "Trần Văn Trưởng",
                                 "attendee_count": "3", "minutes": "Biên bản",
                                 f"opinion_{people['A-01'].pk}": "Hoàn thành tốt",
                                 f"level_{people['A-01'].pk}": "HTT"})
    assert response.status_code == 302
    assert Appraisal.objects.get(pk=people["A-01"].pk).opinions.get().proposed_level == "HTT"


def test_a_province_wide_year_is_seen_by_each_department_for_its_own_people(client, world):
    """A year opened for the province: a department's committee member sees it with their
    department's people only; a division head sees the division's people, with the quota their
    department applies (counted over the whole department)."""
    make_servant(world.unit_a1, code="A-01", full_name="Nguyễn Văn An")
    make_servant(world.unit_a, code="A-02", full_name="Lê Thị Bình", sex="female")
    make_servant(world.unit_b, code="B-01", full_name="Phạm Văn Cường")
    cycle = services.cycle_open(actor=None, unit=world.province, year=2026)
    committee = grant(UserFactory(username="hoidong.a", role="appraisal_committee"), world.unit_a,
                      VIEW)
    client.force_login(committee)
    assert reverse("appraisal:board",
                   args=[cycle.pk]) in client.get(reverse("appraisal:cycle_list")).content.decode()
    board = client.get(reverse("appraisal:board", args=[cycle.pk])).content.decode()
    assert "Nguyễn Văn An" in board and "Lê Thị Bình" in board and "Phạm Văn Cường" not in board
    client.force_login(grant(UserFactory(username="truongphong.a1", role="unit_head"),
                             world.unit_a1, VIEW))
    board = client.get(reverse("appraisal:board", args=[cycle.pk])).content.decode()
    assert "Nguyễn Văn An" in board and "Lê Thị Bình" not in board


def test_a_large_board_lists_the_appraising_units_and_each_opens_exact(client, world, provincial_hr,
                                                                       monkeypatch):
    from appraisal import views

    monkeypatch.setattr(views, "BOARD_ROWS", 2)
    for i in range(3):
        make_servant(world.unit_a1, code=f"A-{i}", full_name=f"Nguyễn Văn A{i}")
        make_servant(world.unit_b, code=f"B-{i}", full_name=f"Trần Văn B{i}")
    cycle = services.cycle_open(actor=None, unit=world.province, year=2026)
    client.force_login(provincial_hr)
    page = client.get(reverse("appraisal:board", args=[cycle.pk])).content.decode()
    summary = page[page.index('data-testid="board-summary"'):]
    assert f"?unit={world.unit_a.pk}" in summary and f"?unit={world.unit_b.pk}" in summary
    assert "Nguyễn Văn A0" not in page  # one line per unit, not every person
    page = client.get(reverse("appraisal:board",
                              args=[cycle.pk]) + f"?unit={world.unit_b.pk}").content.decode()
    assert "Trần Văn B2" in page
    assert "Nguyễn Văn A0" not in page
    assert 'data-testid="board-summary"' not in page
