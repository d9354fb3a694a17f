"""The evidence of one case, read from the record (DOMAIN-RULES §6.3), kept on the case as JSON so
the dossier shows what the decision rested on even after the record moves on."""
from datetime import date

from appraisal.models import Appraisal
from core.models import UnitChange
from personnel.models import CivilServant, LeaveRecord
from personnel.rules.retirement import NoRetirementRule, retirement_of
from personnel.selectors import competency_gap
from streamlining.amounts import months_between

DECIDED = (Appraisal.Status.DECIDED, Appraisal.Status.PUBLISHED)


def retirement_facts(servant: CivilServant, day: date) -> dict:
    """The ND 135 retirement of the person and the months left from ``day`` to the pension start."""
    try:
        retirement = retirement_of(servant.date_of_birth, servant.sex)
    except NoRetirementRule:
        return {}
    left = months_between(day, retirement.pension_start)
    return {"retirement_date": f"{retirement.retirement_date:%d/%m/%Y}",
            "pension_start": f"{retirement.pension_start:%d/%m/%Y}",
            "rule_set": retirement.rule_set, "months_left": left, "band": band(left)}


def band(months_left: int) -> str:
    """Years to retirement in the bands of ND 178/154: under 2, 2 to 5, over 5."""
    if months_left < 24:
        return "lt2"
    return "2to5" if months_left <= 60 else "gt5"


def evidence_for(servant: CivilServant, *, reorganisation: UnitChange | None, day: date) -> dict:
    # Decided or published levels only: a level still under review is no evidence for the KHT case
    # of ND 154 (DOMAIN-RULES §6.1, case 6).
    appraisals = [{"year": year, "level": level} for year, level in Appraisal.objects.filter(
        servant=servant, status__in=DECIDED).exclude(level="").order_by("cycle__year")
        .values_list("cycle__year", "level")]
    sick = {}
    # The previous and the current year: the sick-leave case of ND 154 looks at those two
    # (its threshold is UNCONFIRMED, DOMAIN-RULES §6.1).
    since = date(day.year - 1, 1, 1)
    for leave in LeaveRecord.objects.filter(servant=servant, kind=LeaveRecord.Kind.SICK,
                                            cancelled=False, end_date__gte=since):
        entry = sick.setdefault(str(leave.start_date.year), {"days": 0, "confirmed": True})
        entry["days"] += (leave.end_date - leave.start_date).days + 1
        # The SI confirmation is the leave's decision (number) on record.
        entry["confirmed"] = entry["confirmed"] and bool(leave.decision_number)
    _description, rows = competency_gap(servant)
    gap = [{"competency": str(r.competency), "required": r.required, "assessed": r.assessed}
           for r in rows if r.gap > 0]
    recruited = servant.recruitment_date
    facts = {"appraisals": appraisals, "sick_leave": sick, "training_gap": gap,
             "retirement": retirement_facts(servant, day),
             # No SI book on record: the SI time is estimated from recruitment (SI_ESTIMATED).
             "si_months_estimated": months_between(recruited, day),
             "recruitment_date": f"{recruited:%d/%m/%Y}" if recruited else ""}
    if reorganisation is not None:
        facts["reorganisation"] = {
            "kind": reorganisation.get_kind_display(),
            "effective_date": f"{reorganisation.effective_date:%d/%m/%Y}",
            "decision_number": reorganisation.decision_number, "signer": reorganisation.signer,
            "decision_date": (f"{reorganisation.decision_date:%d/%m/%Y}"
                              if reorganisation.decision_date else "")}
    return facts
