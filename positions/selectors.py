"""Read paths of the positions screens."""

from dataclasses import dataclass
from datetime import date

from positions.models import PositionDossier
from positions.services import dossier_deadlines


@dataclass(frozen=True)
class DossierSchedule:
    """The ND 361/2025 deadlines of a dossier, and which have passed with their step not done."""

    deadlines: dict[str, date | None]
    overdue: dict[str, bool]


def dossier_schedule(dossier: PositionDossier, *, today: date) -> DossierSchedule:
    """Deadlines of ``dossier`` as of ``today``: a deadline is overdue once it is past and the step
    it sets a time for has not happened (ND 361/2025 Art. 5; the legal approval deadline of 1/7/2026
    stays overdue until the dossier is approved)."""
    deadlines = dossier_deadlines(dossier)
    status = PositionDossier.Status

    def passed(key: str) -> bool:
        return deadlines[key] is not None and deadlines[key] < today

    overdue = {
        # Completion can be requested only while the dossier waits for its appraisal.
        "completion_request": passed("completion_request") and dossier.status == status.SUBMITTED,
        "appraisal": passed("appraisal") and dossier.appraised_on is None,
        "decision": passed("decision") and dossier.approved_on is None,
        "approval_by_law": passed("approval_by_law") and dossier.status != status.APPROVED,
        "arrangement_by_law": False,  # a deadline for placing people, not for this dossier
    }
    return DossierSchedule(deadlines=deadlines, overdue=overdue)
