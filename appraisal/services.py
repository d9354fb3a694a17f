"""Writes of the appraisal module: open a year, record period scores, close the year.

Every function takes ``actor`` and runs in one transaction; the large ones (opening a year for a
whole province, closing it) work in bulk with a bounded number of queries.
"""
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import Appraisal, AppraisalCycle, PeriodKind, PeriodScore, UnitResult
from core import audit, bulk
from core.models import OrgUnit
from personnel.models import CivilServant

CHUNK = 5000
LEADERS_GROUP = "Lãnh đạo, quản lý"
STAFF_GROUP = "Công chức, viên chức không giữ chức vụ"


def default_task_group(servant: CivilServant) -> str:
    """The default group of similar tasks (nhóm nhiệm vụ tương đồng) within a unit: leaders and
    non-leaders, which HR may refine (ND 335/2025 Art 20.5a counts the quota per group)."""
    return LEADERS_GROUP if servant.leadership else STAFF_GROUP


def appraising_unit(unit: OrgUnit, units: dict[int, OrgUnit]) -> OrgUnit:
    """The agency whose committee appraises the people of ``unit``: the unit itself, or for a
    division (phòng) the nearest unit above that is not one (its department, its commune)."""
    while unit.kind == OrgUnit.Kind.DIVISION and unit.parent_id in units:
        unit = units[unit.parent_id]
    return unit


def cycle_open(*, actor, unit: OrgUnit, year: int, period_kind: str = PeriodKind.MONTH,
               progress: Callable[[int], None] | None = None) -> AppraisalCycle:
    """Open ``year`` for ``unit`` and every unit under it: one appraisal per working person, with
    the rule set of their category for that year, their appraising unit and work unit, their task
    group and leader flag. Opening again enrols the people who arrived since (nobody twice)."""
    from appraisal.rules import rule_set_for

    # ND 90/2020 is the oldest regime the software knows: an earlier year has no rule set.
    if not 2020 <= year <= 2100:
        raise ValidationError({"year": _("The appraisal year must be 2020 or later.")})
    progress = progress or (lambda percent: None)
    with transaction.atomic():
        cycle, created = AppraisalCycle.objects.get_or_create(
            year=year, unit=unit, defaults={"period_kind": period_kind, "opened_by": actor})
        require_open(cycle)
        if created:
            audit.record(actor=actor, obj=cycle, action="create", unit=unit,
                         changes={"year": [None, year], "period_kind": [None, period_kind]})
        # Units above the opened one too: a division opened alone is appraised by its department.
        units = {u.pk: u for u in OrgUnit.objects.filter(
            Q(path__startswith=unit.path) | Q(pk__in=unit.ancestor_ids()))}
        # Enrolled in any cycle of the year, not only this one: a person who moved units is
        # appraised once.
        enrolled = set(Appraisal.objects.filter(cycle__year=year)
                       .values_list("servant_id", flat=True))
        people = (CivilServant.objects.active().filter(unit__path__startswith=unit.path)
                  .exclude(pk__in=enrolled).only("pk", "unit_id", "category", "leadership")
                  .order_by("pk"))
        total = people.count()
        rule_sets: dict[str, str] = {}
        batch: list[Appraisal] = []
        for index, servant in enumerate(people.iterator(chunk_size=CHUNK), start=1):
            if servant.category not in rule_sets:
                # One rule-set lookup per category, not per person: a province opens tens of
                # thousands at once.
                rule_sets[servant.category] = rule_set_for(year, servant.category).code
            batch.append(Appraisal(
                cycle=cycle, servant_id=servant.pk,
                unit=appraising_unit(units[servant.unit_id], units),
                work_unit_id=servant.unit_id, category=servant.category,
                rule_set=rule_sets[servant.category],
                task_group=default_task_group(servant), leader=servant.leadership or ""))
            if len(batch) >= CHUNK:
                Appraisal.objects.bulk_create(batch)
                batch = []
                progress(int(100 * index / max(total, 1)))
        Appraisal.objects.bulk_create(batch)
        cycle.progress = 100
        cycle.save(update_fields=["progress"])
    progress(100)
    return cycle


def cycle_for(servant: CivilServant, year: int) -> AppraisalCycle | None:
    """The open cycle of ``year`` covering the person's unit (the nearest ancestor's)."""
    return (AppraisalCycle.objects.filter(year=year, unit_id__in=servant.unit.ancestor_ids())
            .order_by("-unit__depth").first())


SCORE_FIELDS = ("general_self", "general", "quantity", "quality", "progress", "direction",
                "organisation", "solidarity", "score")


def period_scores_save(*, actor, rows: Iterable[dict],
                       source: str = PeriodScore.Source.ENTRY) -> int:
    """Insert or replace period scores in bulk; each row names ``appraisal_id`` and ``period`` and
    carries the components it sets (those it does not name are left as they are: an import of the
    leader's scores keeps the person's own). One COPY and one upsert on PostgreSQL. Returns the
    number of rows written."""
    rows = list(rows)
    if not rows:
        return 0
    given = [name for name in SCORE_FIELDS if any(name in row for row in rows)]
    now = timezone.now()
    data = ((row["appraisal_id"], row["period"], *(row.get(name) for name in given), source, now)
            for row in rows)
    with transaction.atomic():
        return bulk.bulk_upsert(PeriodScore,
                                ["appraisal", "period", *given, "source", "updated_at"], data,
                                conflict=["appraisal", "period"],
                                update=[*given, "source", "updated_at"])


def require_open(cycle: AppraisalCycle) -> None:
    """Refuse any write on a closed year (its levels are final)."""
    if cycle.status != AppraisalCycle.Status.OPEN:
        raise ValidationError(_("The year %(year)s is closed for %(unit)s.")
                              % {"year": cycle.year, "unit": cycle.unit.name})


def _period_row(appraisal: Appraisal, period: int) -> PeriodScore:
    if period not in appraisal.cycle.periods:
        raise ValidationError({"period": _("No such period in this year.")})
    row, _created = PeriodScore.objects.select_for_update().get_or_create(appraisal=appraisal,
                                                                          period=period)
    return row


def period_general_save(*, actor, appraisal: Appraisal, period: int, general: Decimal,
                        organisation: Decimal | None = None,
                        solidarity: Decimal | None = None) -> Appraisal:
    """The leader's score of a period: the general criteria (≤ 30; the leader's counts, the
    person's own score stays beside it) and, for leaders, đ and e (ND 335/2025 Art 12, 15)."""
    require_open(appraisal.cycle)
    # The general criteria weigh at most 30 of the 100 points (ND 335/2025 Art 12).
    if general is None or not 0 <= general <= 30:
        raise ValidationError(
            {"general": _("The general criteria are scored from 0 to 30 points.")})
    with transaction.atomic():
        row = _period_row(appraisal, period)
        values = {"general": general}
        if appraisal.is_leader:
            values.update(organisation=organisation, solidarity=solidarity)
        changes = {f"{k} ({period})": [str(getattr(row, k)), str(v)] for k, v in values.items()
                   if getattr(row, k) != v}
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = timezone.now()
        row.save()
        audit.record(actor=actor, obj=appraisal, action="update", unit=appraisal.unit,
                     changes=changes)
    return appraisal


def period_self_score(*, actor, appraisal: Appraisal, period: int,
                      general_self: Decimal) -> Appraisal:
    """The person's own score of the general criteria of a period."""
    require_open(appraisal.cycle)
    # The same 30-point bound as the leader's score (ND 335/2025 Art 12).
    if general_self is None or not 0 <= general_self <= 30:
        raise ValidationError(
            {"general_self": _("The general criteria are scored from 0 to 30 points.")})
    with transaction.atomic():
        row = _period_row(appraisal, period)
        before = row.general_self
        row.general_self, row.updated_at = general_self, timezone.now()
        row.save(update_fields=["general_self", "updated_at"])
        audit.record(actor=actor, obj=appraisal, action="update", unit=appraisal.unit,
                     changes={f"general_self ({period})": [str(before), str(general_self)]})
    return appraisal


def self_assess(*, actor, appraisal: Appraisal, self_level: str, self_assessment: str) -> Appraisal:
    """The person's self-assessment of the year (the official form's content and the level they
    propose for themselves); it may be corrected until the collective has reviewed it."""
    require_open(appraisal.cycle)
    if appraisal.status not in (Appraisal.Status.OPEN, Appraisal.Status.SELF_ASSESSED):
        raise ValidationError(
            _("The self-assessment has already been reviewed and can no longer change."))
    if not self_assessment.strip():
        raise ValidationError({"self_assessment": _("Write the self-assessment.")})
    stored = Appraisal.objects.filter(pk=appraisal.pk).values("self_level", "self_assessment").get()
    changes = {k: [stored[k], v]
               for k, v in {"self_level": self_level, "self_assessment": self_assessment}.items()
               if stored[k] != v}
    with transaction.atomic():
        appraisal.self_level, appraisal.self_assessment = self_level, self_assessment
        before = appraisal.status
        appraisal.status = Appraisal.Status.SELF_ASSESSED
        appraisal.save(update_fields=["self_level", "self_assessment", "status"])
        if before != appraisal.status:
            changes["status"] = [before, appraisal.status]
        audit.record(actor=actor, obj=appraisal, action="update", unit=appraisal.unit,
                     changes=changes)
    return appraisal


def unit_result_save(*, actor, unit: OrgUnit, year: int, **values) -> UnitResult:
    """Record (or correct) a unit's own result of the year; the change is kept in the history."""
    planned = values.get("targets_planned")
    if planned and values.get("targets_on_time", 0) > planned:
        raise ValidationError({"targets_on_time": _("More targets on time than planned.")})
    with transaction.atomic():
        result, created = UnitResult.objects.get_or_create(unit=unit, year=year, defaults=values)
        before = {} if created else {k: getattr(result, k) for k in values}
        if not created:
            for key, value in values.items():
                setattr(result, key, value)
            result.save()
        changes = {k: [before.get(k), v] for k, v in values.items() if before.get(k) != v}
        audit.record(actor=actor, obj=result, action="create" if created else "update", unit=unit,
                     changes=changes)
    return result


def committee_decide(*, actor, appraisal: Appraisal, proposed_level: str = "",
                     quota_decision: str = "", committee_note: str = "") -> Appraisal:
    """The committee's proposal for one person, and its word on a tie at the quota's cut."""
    require_open(appraisal.cycle)
    values = {"proposed_level": proposed_level, "quota_decision": quota_decision,
              "committee_note": committee_note}
    # Read what is stored: a model form has already put the new values on the instance.
    stored = Appraisal.objects.filter(pk=appraisal.pk).values(*values).get()
    changes = {k: [stored[k], v] for k, v in values.items() if stored[k] != v}
    for key, value in values.items():
        setattr(appraisal, key, value)
    # A proposal moves the appraisal on from any earlier step; a decided one keeps its status.
    if appraisal.status in (Appraisal.Status.OPEN, Appraisal.Status.SELF_ASSESSED,
                            Appraisal.Status.REVIEWED, Appraisal.Status.CONSOLIDATED):
        appraisal.status = Appraisal.Status.PROPOSED
    with transaction.atomic():
        appraisal.save()
        audit.record(actor=actor, obj=appraisal, action="update", unit=appraisal.unit,
                     changes=changes)
    return appraisal


def cycle_close(*, actor, cycle: AppraisalCycle, reason: str = "") -> AppraisalCycle:
    """Close the year: every appraisal of the cycle gets its annual score, level, reasons and quota
    flag as computed (appraisal.results), written in bulk; the cycle is closed and nothing of it
    can change after. Personnel (raises) and streamlining (KHT years) read the levels from here."""
    from appraisal.results import compute

    require_open(cycle)
    with transaction.atomic():
        # What the computation reads: not the people's records (some sixty columns each).
        appraisals = (Appraisal.objects.filter(cycle=cycle)
                      .select_related("unit", "work_unit", "cycle"))
        computed = compute(appraisals)
        changed = []
        for result in computed.results:
            a = result.appraisal
            # The level was decided on the exact mean; only the stored figure is rounded (the decree
            # gives no rounding: UNCONFIRMED, DOMAIN-RULES §2.3).
            a.score = result.score.quantize(Decimal("0.0001")) if result.score is not None else None
            a.level = result.level or ""
            a.reasons = result.reasons
            a.moved_down = result.moved_down
            a.status = Appraisal.Status.DECIDED if a.level else a.status
            changed.append(a)
        bulk.bulk_update(Appraisal, ["id", "score", "level", "reasons", "moved_down", "status"],
                         ((a.pk, a.score, a.level, a.reasons, a.moved_down, a.status)
                          for a in changed))
        cycle.status = AppraisalCycle.Status.CLOSED
        cycle.closed_at = timezone.now()
        cycle.save(update_fields=["status", "closed_at"])
        levels = Counter(a.level or "—" for a in changed)
        audit.record(actor=actor, obj=cycle, action="close", unit=cycle.unit, reason=reason,
                     changes={"status": [AppraisalCycle.Status.OPEN, AppraisalCycle.Status.CLOSED],
                              "levels": [None, dict(sorted(levels.items()))]})
    return cycle
