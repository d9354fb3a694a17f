"""Demo appraisal data: 2025 closed under ND 90 (levels as the committees proposed them), 2026
under way under ND 335 with the months so far scored, and the departments' own results."""
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from appraisal import services
from appraisal.models import Appraisal, AppraisalCycle, Level, UnitResult
from core.models import OrgUnit

# 2025 proposals: most HTT, some HTXS above the quota (the close moves them down), a few HT/KHT.
LEVEL_WEIGHTS = [(Level.EXCELLENT, 18), (Level.GOOD, 62), (Level.COMPLETED, 17), (Level.FAILED, 3)]


def load_appraisal(stdout=None) -> bool:
    if AppraisalCycle.objects.exists():
        return False
    province = OrgUnit.objects.open().filter(code="TQ").first()
    if province is None:
        return False
    # A fixed seed: the same demo on every load, which the demo tests rely on.
    rng = random.Random(2026)
    today = timezone.localdate()
    with transaction.atomic():
        past = services.cycle_open(actor=None, unit=province, year=2025)
        levels, weights = zip(*LEVEL_WEIGHTS, strict=True)
        changed = []
        for a in Appraisal.objects.filter(cycle=past):
            a.self_level = rng.choices(levels, weights)[0]
            a.months_worked = 12
            changed.append(a)
        Appraisal.objects.bulk_update(changed, ["self_level", "months_worked"], batch_size=2000)
        departments = list(OrgUnit.objects.open().filter(parent=province))
        for year in (2025, 2026):
            for unit in departments:
                planned = rng.randint(8, 20)
                on_time = planned - rng.randint(0, 2)
                UnitResult.objects.create(unit=unit, year=year, targets_planned=planned,
                                          targets_on_time=on_time,
                                          targets_exceeded=rng.randint(0, on_time // 2),
                                          level=(Level.GOOD if on_time == planned
                                                 else Level.COMPLETED))
        services.cycle_close(actor=None, cycle=past)
        _decide_and_publish(past)
        current = services.cycle_open(actor=None, unit=province, year=2026)
        # The months of 2026 before the current one (January at least); all twelve after 2026.
        months = range(1, max(2, today.month if today.year == 2026 else 13))
        rows = []
        for a in Appraisal.objects.filter(cycle=current, rule_set="APPR-ND335"):
            base = rng.uniform(0.62, 1.0)
            for month in months:
                def pct(spread=0.08, base=base):
                    return (Decimal(min(100, max(30, round(100 * rng.gauss(base, spread)))))
                            .quantize(Decimal("1")))
                row = {"appraisal_id": a.pk, "period": month,
                       "general": Decimal(rng.randint(21, 30)), "quantity": pct(), "quality": pct(),
                       "progress": pct()}
                if a.leader:
                    row.update(organisation=pct(0.05), solidarity=pct(0.05))
                rows.append(row)
        services.period_scores_save(actor=None, rows=rows)
        ledger_count = _work_ledger(rng, current, today)
    if stdout is not None:
        stdout.write(f"Đánh giá: năm 2025 đã khóa, năm 2026 đang chấm ({len(rows)} điểm kỳ, "
                     f"{ledger_count} sản phẩm trong sổ theo dõi công việc).\n")
    return True


CATALOGUE = [  # code, product, unit of output, conversion coefficient
    ("TT", "Tờ trình, dự thảo quyết định", "văn bản", Decimal("2")),
    ("BC", "Báo cáo định kỳ, chuyên đề", "báo cáo", Decimal("1.5")),
    ("VB", "Văn bản hướng dẫn, trả lời", "văn bản", Decimal("1")),
    ("HS", "Thẩm định hồ sơ", "hồ sơ", Decimal("0.5")),
]


def _work_ledger(rng: random.Random, cycle: AppraisalCycle, today) -> int:
    """The division TQ.SNV.03 keeps its products in the ledger: a catalogue for its positions,
    this month's assignments (some accepted, one returned, some waiting for the head's review),
    and its first civil servant signed in as ``congchuc``."""
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model

    from appraisal import ledger
    from personnel.models import CivilServant
    from positions.models import JobPosition

    division = OrgUnit.objects.open().filter(code="TQ.SNV.03").first()
    if division is None or cycle.year != today.year:
        return 0
    department = division.parent
    position = (JobPosition.objects.filter(unit__in=[division, department], valid_to__isnull=True)
                .exclude(group=JobPosition.Group.LEADERSHIP).order_by("unit__depth", "code")
                .first())
    if position is None:
        return 0
    items = [ledger.work_item_save(actor=None, position=position, code=code, name=name,
                                   output_unit=unit, coefficient=k)
             for code, name, unit, k in CATALOGUE]
    staff = list(Appraisal.objects.filter(cycle=cycle, work_unit=division, leader="",
                                          rule_set="APPR-ND335")
                 .select_related("cycle", "servant", "work_unit").order_by("servant__sort_key"))
    head = get_user_model().objects.filter(username="truongphong.ccvc").first()
    first_day = date(today.year, today.month, 1)
    count = 0
    for index, appraisal in enumerate(staff):
        for n, item in enumerate(rng.sample(items, 3)):
            due = min(first_day + timedelta(days=7 * (n + 1)), date(today.year, 12, 31))
            a = ledger.work_assign(actor=head, appraisal=appraisal, item=item, due_date=due,
                                   quantity=Decimal(rng.randint(1, 3)),
                                   title=f"{item.name} tháng {today.month}")
            count += 1
            if due > today or n == 2:
                continue  # still under way
            done_on = min(today, due + timedelta(days=1 if (index + n) % 4 == 0 else -1))
            ledger.work_report(actor=None, assignment=a, completed=a.quantity, completed_on=done_on,
                               link=f"https://qlvb.tq.gov.vn/van-ban/{a.pk}")
            if index == 0 and n == 1:
                continue  # waits for the head's review
            if index == 1 and n == 0:
                ledger.work_review(actor=head, assignment=a, outcome="return",
                                   review_note="Số liệu mục II chưa khớp báo cáo quý; sửa và gửi "
                                               "lại.")
                continue
            ledger.work_review(actor=head, assignment=a, outcome="accept")
    account = get_user_model().objects.filter(username="congchuc").first()
    if staff and account is not None:
        servant = staff[0].servant
        CivilServant.objects.filter(pk=servant.pk).update(account=account)
        account.full_name = servant.full_name
        account.save(update_fields=["full_name"])
    return count


def _decide_and_publish(cycle: AppraisalCycle) -> None:
    """The 2025 levels decided by each agency's head in December and published in January."""
    from datetime import date

    from appraisal import workflow

    for unit in OrgUnit.objects.filter(pk__in=Appraisal.objects.filter(cycle=cycle)
                                       .values("unit_id")):
        head = "Giám đốc" if unit.kind == OrgUnit.Kind.DEPARTMENT else "Thủ trưởng"
        workflow.decision_record(actor=None, cycle=cycle, unit=unit,
                                 decision_number=f"{unit.pk}/QĐ-XLCL",
                                 decision_date=date(2025, 12, 12),
                                 decision_authority=f"{head} {unit.name}")
        workflow.publish(actor=None, cycle=cycle, unit=unit, published_on=date(2025, 12, 15))
