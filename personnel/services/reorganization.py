"""Reorganising units together with their positions and people (the 2025 mergers): one operation
that reorganises the tree, re-creates the open job positions in the units that replace the old
ones, and transfers every working person with a career event under the same decision."""
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from core.models import OrgUnit
from core.services.units import ReorganizationResult, UnitSpec, unit_reorganize
from personnel.models import CareerEvent, CivilServant
from personnel.services.servants import Decision, servant_assign
from positions.models import JobDescription, JobPosition, RequiredCompetency


def _carry_positions(moved: dict[int, OrgUnit], day: date) -> dict[int, JobPosition]:
    """Open positions of each replaced unit re-created in its successor (texts and framework as a
    new draft: the new unit approves its positions again under ND 361/2025)."""
    carried: dict[int, JobPosition] = {}
    open_positions = JobPosition.objects.filter(unit_id__in=list(moved), valid_to__isnull=True)
    for old in open_positions.prefetch_related("descriptions__requirements"):
        target = moved[old.unit_id]
        code = old.code if not JobPosition.objects.filter(unit=target, code=old.code,
                                                          valid_to__isnull=True) \
            .exists() else f"{old.code}-{old.unit.code}"
        new = JobPosition.objects.create(unit=target, code=code, title=old.title, group=old.group,
                                         rank=old.rank, posts=old.posts,
                                         leadership_title=old.leadership_title, valid_from=day,
                                         search_text=old.search_text)
        latest = max(old.descriptions.all(), key=lambda d: d.version, default=None)
        draft = JobDescription.objects.create(position=new, version=1, **(
            {f: getattr(latest, f) for f in JobDescription.TEXT_FIELDS} if latest else {}))
        if latest is not None:
            RequiredCompetency.objects.bulk_create(
                RequiredCompetency(description=draft, competency_id=r.competency_id, level=r.level)
                for r in latest.requirements.all())
        JobPosition.objects.filter(pk=old.pk).update(valid_to=day - timedelta(days=1))
        carried[old.pk] = new
    return carried


def records_follow_reorganization(*, actor, result: ReorganizationResult) -> None:
    """Positions and people moved to the units that replace the old ones,
    under the reorganisation's decision (registered in PersonnelConfig.ready
    as a step of ``core.services.units.units_reorganize``)."""
    change = result.change
    effective_date = change.effective_date
    positions = _carry_positions(result.moved, effective_date)
    decision = Decision(change.decision_number, change.decision_date, change.signer)
    people = (CivilServant.objects.active().filter(unit_id__in=list(result.moved))
              .select_related("unit"))
    for servant in people:
        target = result.moved[servant.unit_id]
        servant_assign(actor=actor, servant=servant, start_date=effective_date,
                       kind=CareerEvent.Kind.TRANSFERRED, unit=target, title=servant.title,
                       job_position=positions.get(servant.job_position_id), decision=decision,
                       reason=_("Reorganisation: %(old)s → %(new)s")
                       % {"old": servant.unit.name, "new": target.name})


@transaction.atomic
def units_reorganize(*, actor, kind: str, predecessors: list[OrgUnit], successors: list[UnitSpec],
                     effective_date: date, decision_number: str = "",
                     decision_date: date | None = None, signer: str = "", note: str = "",
                     **options) -> ReorganizationResult:
    """``core.services.units.unit_reorganize`` plus positions and people moved to the new units."""
    result = unit_reorganize(actor=actor, kind=kind, predecessors=predecessors,
                             successors=successors, effective_date=effective_date,
                             decision_number=decision_number, decision_date=decision_date,
                             signer=signer, note=note, **options)
    records_follow_reorganization(actor=actor, result=result)
    return result
