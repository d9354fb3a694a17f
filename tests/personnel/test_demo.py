"""Demo people: about 3,000 plausible careers in the demo province (loaded once for the module)."""
from collections import Counter, defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from core.dates import add_months
from core.demo import load_units
from core.models import AuditEntry, OrgUnit
from personnel.demo import load_people
from personnel.models import (
    Assignment,
    CareerEvent,
    Category,
    CivilServant,
    DisciplineRecord,
    RewardRecord,
    SalaryRecord,
    TrainingPlan,
    TrainingRecord,
)
from personnel.rules import discipline as discipline_rules
from personnel.rules.retirement import retirement_of
from positions.models import SalaryCoefficient

pytestmark = pytest.mark.django_db
K = OrgUnit.Kind
REFORM, OLD_LAST_DAY = date(2025, 7, 1), date(2025, 6, 30)


# The demo builds careers up to "today" and the tests read them against "today": the module runs on
# one fixed day so that raises due this month, retirements within a year and this year's training
# are the same every time (a month or year boundary crossed mid-run cannot split them).
DEMO_DAY = datetime(2026, 10, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo province with its people, built once and rolled back after the module."""
    with (time_machine.travel(DEMO_DAY, tick=False), django_db_blocker.unblock(),
          transaction.atomic()):
        load_units()
        added = load_people()
        province = OrgUnit.objects.open().get(code="TQ")
        units = {u.pk: u for u in OrgUnit.objects.open().filter(path__startswith=province.path)}
        yield {"added": added, "province": province, "units": units}
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _late_in_2026():
    """Overrides the package's day (7/12/2026): these tests read the demo on the day it was
    built."""
    with time_machine.travel(DEMO_DAY, tick=False):
        yield


def people():
    return CivilServant.objects.filter(code__startswith="TQ-")


def working():
    return people().filter(status=CivilServant.Status.ACTIVE)


def counts_by_unit() -> dict[int, Counter]:
    counts: dict[int, Counter] = defaultdict(Counter)
    for unit_id, leadership in working().values_list("unit_id", "leadership"):
        counts[unit_id][leadership or "staff"] += 1
    return counts


def test_about_three_thousand_people_work_in_the_open_units_of_the_province(demo):
    assert demo["added"] is True
    assert 2_800 <= people().count() <= 3_200
    assert set(working().values_list("unit_id", flat=True)) <= set(demo["units"])
    codes = sorted(people().values_list("code", flat=True))
    assert codes[0] == "TQ-000001" and codes[-1] == f"TQ-{len(codes):06d}"


def test_every_unit_with_people_has_exactly_one_head_and_a_few_deputies(demo):
    province, units = demo["province"], demo["units"]
    for unit_id, count in counts_by_unit().items():
        unit = units[unit_id]
        assert count["head"] == 1, unit.code
        if unit.kind == K.COMMUNE:
            assert count["deputy"] == 2, unit.code
        elif unit.parent_id == province.pk:
            assert 2 <= count["deputy"] <= 3, unit.code
        else:
            assert 1 <= count["deputy"] <= 3, unit.code


def test_leaders_carry_the_titles_of_their_unit(demo):
    units = demo["units"]
    heads = dict(working().filter(leadership="head").values_list("unit_id", "title"))
    titles = Counter()
    for unit_id, title in heads.items():
        titles[(units[unit_id].kind, title.split(" UBND")[0])] += 1
    assert titles[(K.DEPARTMENT, "Giám đốc Sở")] == 11
    assert titles[(K.COMMUNE, "Chủ tịch")] == 40
    assert titles[(K.DIVISION, "Trưởng phòng")] > 100
    assert titles[(K.OFFICE, "Chánh Văn phòng")] > 40
    assert titles[(K.PUBLIC_SERVICE_UNIT, "Hiệu trưởng")] == 3
    deputies = set(working().filter(leadership="deputy").values_list("title", flat=True))
    assert {"Phó Giám đốc Sở", "Phó Trưởng phòng", "Phó Chánh Văn phòng",
            "Phó Giám đốc"} <= deputies


def test_some_divisions_have_as_many_leaders_as_staff_in_a_few_departments(demo):
    province, units = demo["province"], demo["units"]
    divisions = {pk: u for pk, u in units.items()
                 if u.kind in (K.DIVISION, K.OFFICE) and u.parent_id != province.pk}
    counts = counts_by_unit()
    flagged = [divisions[pk] for pk, c in counts.items()
               if pk in divisions and c["head"] + c["deputy"] >= c["staff"]]
    assert 4 <= len(flagged) <= 12
    departments = {u.parent_id for u in flagged}
    assert 2 <= len(departments) <= 3
    for department in departments:
        own = [u for u in divisions.values() if u.parent_id == department]
        assert sum(u.parent_id == department for u in flagged) < len(own)


def test_national_ids_encode_the_province_sex_and_birth_year(demo):
    rows = list(people().values_list("national_id", "sex", "date_of_birth"))
    assert len({row[0] for row in rows}) == len(rows)
    for national_id, sex, born in rows:
        century = 0 if born.year < 2000 else 2
        assert national_id[:3] == "008"
        assert national_id[3] == str(century + (sex == "female")), national_id
        assert national_id[4:6] == f"{born.year % 100:02d}", national_id


def test_people_have_vietnamese_names_and_mostly_local_ethnicities(demo):
    ethnicities = Counter(people().values_list("ethnicity", flat=True))
    assert ethnicities.most_common(1)[0][0] == "Kinh"
    assert {"Tày", "Dao", "H'Mông", "Nùng", "Sán Chay"} <= set(ethnicities)
    religions = Counter(people().values_list("religion", flat=True))
    assert religions["Không"] > 0.9 * sum(religions.values())
    names = list(people().values_list("full_name", "sex"))
    assert all(len(name.split()) >= 3 for name, _ in names)
    family = Counter(name.split()[0] for name, _ in names)
    assert family.most_common(1)[0][0] == "Nguyễn"
    assert {"Ma", "Nông", "Triệu", "Giàng"} <= set(family)
    women = [name for name, sex in names if sex == "female"]
    assert sum(" Thị " in name for name in women) > len(women) / 2
    years = [born.year for born in people().values_list("date_of_birth", flat=True)]
    assert min(years) <= 1964 and max(years) >= 1999


def test_categories_and_ranks_follow_the_kind_of_unit(demo):
    rows = list(working().values_list("unit__name", "unit__sector", "unit__kind", "category",
                                      "rank__code"))
    public = [r for r in rows if r[1] == OrgUnit.Sector.PUBLIC_SERVICE]
    assert sum(r[3] == Category.PUBLIC_EMPLOYEE for r in public) > 0.9 * len(public)
    assert all(r[3] == Category.CADRE for r in rows if r[2] == K.COMMUNE)
    assert 0 < sum(r[3] == Category.CONTRACT for r in rows) < 0.05 * len(rows)
    schools = [r[4] for r in rows if r[0].startswith("Trường")]
    assert sum(code.startswith("V.07.05.") for code in schools) > 0.8 * len(schools)
    hospitals = [r[4] for r in rows if r[0].startswith("Bệnh viện")]
    assert sum(code.startswith(("V.08.01.", "V.08.05."))
               for code in hospitals) > 0.8 * len(hospitals)
    ranks = Counter(r[4] for r in rows)
    assert {"01.001", "01.002", "01.003", "01.004", "01.005"} <= set(ranks)
    assert ranks["01.003"] > ranks["01.002"] > ranks["01.001"]


def test_salary_steps_match_the_decree_table_and_the_years_of_service(demo):
    today = timezone.localdate()
    table = {(c.group_id, c.step): c.coefficient for c in SalaryCoefficient.objects.all()}
    last = {}
    for group_id, step in table:
        last[group_id] = max(last.get(group_id, 0), step)
    for person in working().select_related("rank__salary_group"):
        group = person.rank.salary_group
        assert person.salary_coefficient == table[(group.pk, person.salary_step)], person.code
        assert person.salary_step <= last[group.pk], person.code
        recruited = person.recruitment_date
        months = (today.year - recruited.year) * 12 + today.month - recruited.month
        assert person.salary_step <= 1 + months // group.step_interval_months, person.code
        # Excess seniority comes only after the last step of the group.
        assert person.excess_seniority_percent == 0 or person.salary_step == last[group.pk], \
            person.code


def test_people_long_at_the_last_step_get_the_excess_seniority_allowance(demo):
    allowances = Counter(working().values_list("excess_seniority_percent", flat=True))
    assert sum(n for percent, n in allowances.items() if percent) > 100
    assert min(p for p in allowances if p) == 5


def test_this_months_step_raises_are_left_to_decide(demo):
    today = timezone.localdate()
    due_this_month = 0
    for person in working().filter(excess_seniority_percent=0).select_related("rank__salary_group"):
        due = add_months(person.salary_step_date, person.rank.salary_group.step_interval_months)
        due_this_month += (due.year, due.month) == (today.year, today.month)
    assert due_this_month > 20


def test_salary_and_assignment_histories_have_no_gaps(demo):
    for model in (SalaryRecord, Assignment):
        history = defaultdict(list)
        for row in model.objects.filter(servant__code__startswith="TQ-").values_list(
                "servant_id", "start_date", "end_date").order_by("servant_id", "start_date"):
            history[row[0]].append(row[1:])
        assert len(history) == people().count()
        for rows in history.values():
            for (_, end), (start, _) in zip(rows, rows[1:], strict=False):
                assert (start - end).days == 1, (model.__name__, rows)
    current = Assignment.objects.filter(servant__status=CivilServant.Status.ACTIVE,
                                        end_date__isnull=True, servant__code__startswith="TQ-")
    assert not current.exclude(unit__valid_to__isnull=True).exists()


def test_everyone_working_before_1_july_2025_has_their_career_in_the_former_units(demo):
    closed = Assignment.objects.filter(servant__in=working(), end_date=OLD_LAST_DAY,
                                       unit__valid_to=OLD_LAST_DAY)
    moved = set(closed.values_list("servant_id", flat=True))
    assert moved == set(working().filter(recruitment_date__lt=REFORM).values_list("pk", flat=True))
    assert len(moved) > people().count() / 2
    # Item 28 begins at recruitment (or when the former provinces were formed, 1/10/1991), not at
    # the merger.
    first = {}
    assignments = Assignment.objects.filter(servant__in=working()).order_by("start_date")
    for servant_id, start in assignments.values_list("servant_id", "start_date"):
        first.setdefault(servant_id, start)
    for pk, recruited in working().values_list("pk", "recruitment_date"):
        assert first[pk] == max(recruited, date(1991, 10, 1)), pk
    arrivals = Assignment.objects.filter(servant_id__in=moved, start_date=REFORM) \
        .select_related("unit", "event")
    assert {a.servant_id for a in arrivals} == moved
    for arrival in arrivals:
        assert arrival.unit.valid_to is None and arrival.event.kind == CareerEvent.Kind.TRANSFERRED
        assert arrival.event.decision_number.endswith("/QĐ-UBND")
        assert (arrival.event.decision_date,
                arrival.event.signer) == (OLD_LAST_DAY, "Chủ tịch UBND tỉnh")


def test_some_people_retire_within_a_year_and_those_within_six_months_have_a_notice(demo):
    today = timezone.localdate()
    notices = CareerEvent.objects.filter(kind=CareerEvent.Kind.RETIREMENT_NOTICE)
    noticed = set(notices.values_list("servant_id", flat=True))
    soon, within_six = 0, 0
    for person in working():
        retires = retirement_of(person.date_of_birth, person.sex).retirement_date
        assert retires >= today, person.code
        if retires <= add_months(today, 12):
            soon += 1
        if retires <= add_months(today, 6):
            within_six += 1
            assert person.pk in noticed, person.code
    assert 20 <= soon <= 80 and 3 <= within_six <= 15


def test_people_past_retirement_age_are_recorded_as_retired(demo):
    retired = list(people().filter(status=CivilServant.Status.RETIRED))
    assert 5 <= len(retired) <= 30
    for person in retired:
        retirement = retirement_of(person.date_of_birth, person.sex)
        assert person.status_date == retirement.pension_start
        assert person.events.filter(kind=CareerEvent.Kind.RETIRED,
                                    effective_date=retirement.retirement_date).exists()
        assert not person.assignments.filter(end_date__isnull=True).exists()


def test_about_one_percent_are_disciplined_with_a_form_of_the_regime_then_in_force(demo):
    records = list(DisciplineRecord.objects.filter(servant__code__startswith="TQ-")
                   .select_related("servant"))
    assert 0.005 * people().count() <= len(records) <= 0.02 * people().count()
    for record in records:
        rules = discipline_rules.rules_on(record.effective_from, record.servant.category)
        assert record.rule_set == rules.code
        assert record.form in rules.forms_for(category=record.servant.category, is_leader=False)


def test_about_a_tenth_are_rewarded_and_a_seventh_trained(demo):
    total = people().count()
    rewarded = RewardRecord.objects.filter(servant__code__startswith="TQ-") \
        .values("servant").distinct().count()
    trained = TrainingRecord.objects.filter(servant__code__startswith="TQ-") \
        .values("servant").distinct().count()
    assert 0.07 * total <= rewarded <= 0.13 * total
    assert 0.11 * total <= trained <= 0.19 * total
    courses = set(TrainingRecord.objects.values_list("major", "institution"))
    assert ("Trung cấp lý luận chính trị", "Trường Chính trị tỉnh Tuyên Quang") in courses


def test_some_departments_train_fewer_people_than_planned_this_year(demo):
    year = timezone.localdate().year
    trained = Counter()
    records = TrainingRecord.objects.filter(start_date__year=year)
    for path, kind in records.values_list("unit__path", "kind"):
        trained[(path, kind)] += 1
    below, met = 0, 0
    for plan in TrainingPlan.objects.filter(year=year).select_related("unit"):
        done = sum(n for (path, kind), n in trained.items()
                   if kind == plan.kind and path.startswith(plan.unit.path))
        below, met = (below + 1, met) if done < plan.planned else (below, met + 1)
    assert below >= 3 and met > below


def test_every_record_is_created_with_an_audit_entry_from_a_command(demo):
    entries = AuditEntry.objects.filter(content_type__model="civilservant", action="create")
    assert entries.count() == people().count()
    assert set(entries.values_list("source", flat=True)) == {AuditEntry.Source.COMMAND}
    recruitments = CareerEvent.objects.filter(kind=CareerEvent.Kind.RECRUITED)
    assert recruitments.exclude(decision_number="").count() == people().count()


def test_loading_again_adds_nobody(demo):
    before = (people().count(), CareerEvent.objects.count(), AuditEntry.objects.count())
    assert load_people() is False
    assert (people().count(), CareerEvent.objects.count(), AuditEntry.objects.count()) == before


def test_load_demo_again_changes_nothing_and_prints_the_logins(demo):
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())  # the module built people but not the accounts
    before = (CivilServant.objects.count(), AuditEntry.objects.count())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert (CivilServant.objects.count(), AuditEntry.objects.count()) == before
    assert "tccb.snv" in out.getvalue() and "CongVu@2026" in out.getvalue()


def test_demo_positions_place_people_and_give_frameworks(demo):
    from personnel.demo_positions import load_positions
    from personnel.selectors import competency_gap
    from positions.models import JobPosition, PositionDossier, StaffingQuota

    assert load_positions() is True and load_positions() is False
    placed = working().filter(job_position__isnull=False)
    # everyone in divisions and offices; service units keep their own positions
    assert placed.count() > 1500
    head = placed.filter(leadership="head", unit__kind=K.DIVISION).first()
    assert head.job_position.code == "LD-01" and head.job_position.unit == head.unit
    description, rows = competency_gap(head)
    assert description is not None and {"NLC01", "NLQL02"} <= {r.competency.code for r in rows}
    assert JobPosition.objects.filter(unit__code="TQ.SNV.03", code="LD-01").count() == 1
    assert StaffingQuota.objects.filter(year=timezone.localdate().year).count() >= 10
    assert PositionDossier.objects.get().status == "submitted"


def test_careers_are_dated_by_recruitment_and_leaders_were_appointed(demo):
    recruited = CareerEvent.objects.filter(kind=CareerEvent.Kind.RECRUITED,
                                           servant__code__startswith="TQ-")
    assert recruited.filter(effective_date=REFORM).count() < recruited.count() / 10
    first = {s.pk: s.recruitment_date for s in people()}
    assert all(e.effective_date == first[e.servant_id] for e in recruited[:200])
    heads = working().filter(leadership="head")
    appointed = heads.filter(events__kind__in=[CareerEvent.Kind.APPOINTED,
                                               CareerEvent.Kind.TRANSFERRED]).distinct()
    assert appointed.count() >= heads.count() * 0.9
