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
                UnitResult.objects.create(unit=unit, year=year, targets_planned=planned, targets_on_time=on_time,
                                          targets_exceeded=rng.randint(0, on_time // 2),
                                          level=Level.GOOD if on_time == planned else Level.COMPLETED)
        services.cycle_close(actor=None, cycle=past)
        current = services.cycle_open(actor=None, unit=province, year=2026)
        months = range(1, max(2, today.month if today.year == 2026 else 13))
        rows = []
        for a in Appraisal.objects.filter(cycle=current, rule_set="APPR-ND335"):
            base = rng.uniform(0.62, 1.0)
            for month in months:
                def pct(spread=0.08, base=base):
                    return Decimal(min(100, max(30, round(100 * rng.gauss(base, spread))))).quantize(Decimal("1"))
                row = {"appraisal_id": a.pk, "period": month, "general": Decimal(rng.randint(21, 30)),
                       "quantity": pct(), "quality": pct(), "progress": pct()}
                if a.leader:
                    row.update(organisation=pct(0.05), solidarity=pct(0.05))
                rows.append(row)
        services.period_scores_save(actor=None, rows=rows)
    if stdout is not None:
        stdout.write(f"Đánh giá: năm 2025 đã khóa, năm 2026 đang chấm ({len(rows)} điểm kỳ).\n")
    return True
