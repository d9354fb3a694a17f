"""The work ledger of ND 335/2025 (Art 13–14) as a unit uses it: HR's catalogue with versions, the
leader's assignments and reviews, the person's reports, objective causes; and the period's quantity,
quality and progress the board reads from it."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal import ledger, services
from appraisal.models import PeriodScore, WorkAssignment, WorkItem
from appraisal.results import appraisals_of, compute
from core.models import AuditEntry
from positions.services import position_create
from tests.factories import make_servant

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    position = position_create(actor=None, unit=world.unit_a, code="CV", title="Chuyên viên")
    an = make_servant(world.unit_a1, code="A-01", full_name="Nguyễn Văn An")
    cycle = services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    appraisal = cycle.appraisals.get(servant=an)
    submission = ledger.work_item_save(actor=None, position=position, code="TT", name="Tờ trình",
                                       output_unit="văn bản", coefficient=Decimal(2))
    report = ledger.work_item_save(actor=None, position=position, code="BC", name="Báo cáo",
                                   output_unit="văn bản", coefficient=Decimal(1))
    return {"position": position, "an": an, "cycle": cycle, "appraisal": appraisal,
            "submission": submission, "report": report}


def done(assignment, *, on, completed=None, actor=None):
    return ledger.work_report(actor=actor, assignment=assignment,
                              completed=assignment.quantity if completed is None else completed,
                              completed_on=on, link="https://vanban.example.gov.vn/1")


def period_row(appraisal, period) -> PeriodScore:
    return PeriodScore.objects.get(appraisal=appraisal, period=period)


def test_accepted_on_time_products_give_full_quantity_quality_and_progress(setup, viewer_a):
    a = ledger.work_assign(actor=viewer_a, appraisal=setup["appraisal"], item=setup["submission"],
                           due_date=date(2026, 3, 20))
    assert a.period == 3
    done(a, on=date(2026, 3, 18))
    ledger.work_review(actor=viewer_a, assignment=a, outcome="accept")
    row = period_row(setup["appraisal"], 3)
    assert (row.quantity, row.quality, row.progress) == (100, 100, 100)
    assert row.source == PeriodScore.Source.LEDGER
    # The period counts once the leader has scored the general criteria: 27 + 70 × 100 % = 97.
    services.period_general_save(actor=viewer_a, appraisal=setup["appraisal"], period=3,
                                 general=Decimal(27))
    result = compute(appraisals_of(2026).filter(pk=setup["appraisal"].pk)).results[0]
    assert result.periods[3] == Decimal(97)


def test_quantity_is_measured_on_converted_work(setup, viewer_a):
    """A submission (×2) done, a report (×1) not: 2 of 3 converted units, 66.67 %."""
    first = ledger.work_assign(actor=viewer_a, appraisal=setup["appraisal"],
                               item=setup["submission"], due_date=date(2026, 4, 10))
    ledger.work_assign(actor=viewer_a, appraisal=setup["appraisal"], item=setup["report"],
                       due_date=date(2026, 4, 25))
    done(first, on=date(2026, 4, 9))
    ledger.work_review(actor=viewer_a, assignment=first, outcome="accept")
    row = period_row(setup["appraisal"], 4)
    assert row.quantity == Decimal("66.67")
    assert row.quality == Decimal("66.67")
    assert row.progress == Decimal("66.67")


def test_each_return_for_a_content_error_takes_a_quarter_of_its_quality_points(setup, viewer_a):
    a = ledger.work_assign(actor=viewer_a, appraisal=setup["appraisal"], item=setup["report"],
                           due_date=date(2026, 5, 29))
    done(a, on=date(2026, 5, 20))
    with pytest.raises(ValidationError) as error:
        ledger.work_review(actor=viewer_a, assignment=a, outcome="return")
    assert "review_note" in error.value.error_dict  # a return says what to correct
    ledger.work_review(actor=viewer_a, assignment=a, outcome="return",
                       review_note="Sai số liệu mục II")
    a.refresh_from_db()
    assert a.status == WorkAssignment.Status.RETURNED and a.quality_failures == 1
    done(a, on=date(2026, 5, 25))
    ledger.work_review(actor=viewer_a, assignment=a, outcome="accept")
    row = period_row(setup["appraisal"], 5)
    assert (row.quantity, row.quality, row.progress) == (100, 75, 100)


def test_a_late_product_is_a_delay_unless_an_objective_cause_is_recorded(setup, viewer_a):
    a = ledger.work_assign(actor=viewer_a, appraisal=setup["appraisal"], item=setup["report"],
                           due_date=date(2026, 6, 10))
    done(a, on=date(2026, 6, 15))
    with pytest.raises(ValidationError) as error:
        ledger.work_review(actor=viewer_a, assignment=a, outcome="accept", delays=0)
    assert "delays" in error.value.error_dict
    ledger.work_review(actor=viewer_a, assignment=a, outcome="accept")
    assert period_row(setup["appraisal"], 6).progress == 75
    with pytest.raises(ValidationError) as error:
        ledger.work_exempt(actor=viewer_a, assignment=a, exempt_quality=False, exempt_progress=True,
                           exempt_reason="Mất điện diện rộng 3 ngày", exempt_approver="",
                           exempt_approved_on=date(2026, 6, 16))
    assert "exempt_approver" in error.value.error_dict  # nobody waives a deduction anonymously
    ledger.work_exempt(actor=viewer_a, assignment=a, exempt_quality=False, exempt_progress=True,
                       exempt_reason="Mất điện diện rộng 3 ngày",
                       exempt_approver="Trần Văn Trưởng, Giám đốc Sở",
                       exempt_approved_on=date(2026, 6, 16))
    assert period_row(setup["appraisal"], 6).progress == 100
    entry = AuditEntry.objects.filter(object_id=str(a.pk), reason="Mất điện diện rộng 3 ngày").get()
    assert "exempt_approver" in entry.changes


def test_a_cancelled_assignment_no_longer_counts(setup, viewer_a):
    kept = ledger.work_assign(actor=viewer_a, appraisal=setup["appraisal"], item=setup["report"],
                              due_date=date(2026, 7, 10))
    dropped = ledger.work_assign(actor=viewer_a, appraisal=setup["appraisal"], item=setup["report"],
                                 due_date=date(2026, 7, 20))
    done(kept, on=date(2026, 7, 9))
    ledger.work_review(actor=viewer_a, assignment=kept, outcome="accept")
    assert period_row(setup["appraisal"], 7).quantity == 50
    ledger.work_cancel(actor=viewer_a, assignment=dropped, reason="Nhiệm vụ chuyển cho phòng khác")
    assert period_row(setup["appraisal"], 7).quantity == 100
    assert WorkAssignment.objects.filter(pk=dropped.pk).exists()  # kept in the ledger, cancelled


def test_assignments_are_checked(setup, viewer_a, world):
    with pytest.raises(ValidationError) as error:
        ledger.work_assign(actor=viewer_a, appraisal=setup["appraisal"], item=setup["report"],
                           due_date=date(2027, 1, 5))
    assert "due_date" in error.value.error_dict
    other = position_create(actor=None, unit=world.unit_b, code="YT", title="Chuyên viên y tế")
    foreign = ledger.work_item_save(actor=None, position=other, code="KT", name="Kiểm tra",
                                    output_unit="cuộc", coefficient=Decimal(1))
    with pytest.raises(ValidationError) as error:
        ledger.work_assign(actor=viewer_a, appraisal=setup["appraisal"], item=foreign,
                           due_date=date(2026, 8, 5))
    assert "item" in error.value.error_dict
    a = ledger.work_assign(actor=viewer_a, appraisal=setup["appraisal"], item=setup["report"],
                           due_date=date(2026, 8, 5))
    with pytest.raises(ValidationError) as error:
        ledger.work_report(actor=None, assignment=a, completed=Decimal(1),
                           completed_on=date(2026, 8, 4))
    assert "link" in error.value.error_dict  # a product is shown: a file or a link


def test_a_catalogue_change_is_a_new_version_and_old_assignments_keep_theirs(
    setup, officer_a, viewer_a):
    old = ledger.work_assign(actor=viewer_a, appraisal=setup["appraisal"], item=setup["submission"],
                             due_date=date(2026, 9, 10))
    new_version = ledger.work_item_save(actor=officer_a, work_item=setup["submission"], code="TT",
                                        name="Tờ trình", output_unit="văn bản",
                                        coefficient=Decimal(3))
    assert new_version.version == 2 and new_version.coefficient == 3
    setup["submission"].refresh_from_db()
    assert setup["submission"].valid_to is not None
    old.refresh_from_db()
    assert old.item.coefficient == 2
    assert list(WorkItem.objects.filter(code="TT", valid_to__isnull=True)) == [new_version]
    with pytest.raises(ValidationError):  # a replaced version is not edited
        ledger.work_item_save(actor=officer_a, work_item=setup["submission"], code="TT", name="X",
                              output_unit="y", coefficient=Decimal(1))
    with pytest.raises(ValidationError):  # nor assigned
        ledger.work_assign(actor=viewer_a, appraisal=setup["appraisal"], item=setup["submission"],
                           due_date=date(2026, 9, 11))


def test_a_leader_assigns_and_reviews_through_the_pages(client, setup, viewer_a, officer_b):
    client.force_login(viewer_a)
    response = client.post(reverse("appraisal:work_assign"), {
        "appraisal": setup["appraisal"].pk, "item": setup["report"].pk, "title": "Báo cáo quý III",
        "quantity": "1", "due_date": "30/09/2026"})
    assert response.status_code == 302, response.content.decode()[:2000]
    a = WorkAssignment.objects.get(title="Báo cáo quý III")
    assert a.period == 9 and a.assigned_by == viewer_a
    ledger.work_report(actor=None, assignment=a, completed=Decimal(1),
                       completed_on=date(2026, 9, 29),
                       attachment=SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 ..."))
    page = client.get(reverse("appraisal:ledger")).content.decode()
    assert "Báo cáo quý III" in page and reverse("appraisal:work_review", args=[a.pk]) in page
    response = client.post(reverse("appraisal:work_review", args=[a.pk]),
                           {"outcome": "accept", "delays": "0"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == WorkAssignment.Status.ACCEPTED and a.reviewed_by == viewer_a
    assert client.get(reverse("appraisal:work_file", args=[a.pk])).status_code == 200
    client.force_login(officer_b)  # another department's HR: not even the file
    assert client.get(reverse("appraisal:work_file", args=[a.pk])).status_code == 404


def test_the_leader_scores_a_period_and_the_self_score_stays_beside_it(client, setup, viewer_a):
    services.period_self_score(actor=None, appraisal=setup["appraisal"], period=2,
                               general_self=Decimal(30))
    client.force_login(viewer_a)
    response = client.post(reverse("appraisal:period_score", args=[setup["appraisal"].pk]),
                           {"period": "2", "general": "26,5"})
    assert response.status_code == 302
    row = period_row(setup["appraisal"], 2)
    assert row.general == Decimal("26.5") and row.general_self == 30
    response = client.post(reverse("appraisal:period_score", args=[setup["appraisal"].pk]),
                           {"period": "2", "general": "31"})
    assert response.status_code == 200 and "30" in response.content.decode()  # refused: at most 30
