"""Competency assessments of people against the framework of their job position."""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from personnel.models import CivilServant, CompetencyAssessment
from positions.models import Competency


@transaction.atomic
def assessment_record(*, actor, servant: CivilServant, levels: dict[Competency, int],
                      assessed_on: date, source: str = CompetencyAssessment.Source.HR,
                      note: str = "") -> list[CompetencyAssessment]:
    """Record assessed levels (1–5) of several competencies of one person on one date."""
    rows = []
    for competency, level in levels.items():
        # Frameworks are assessed on 5 levels (DOMAIN-RULES §4.2); the database refuses others too.
        if not 1 <= level <= 5:
            raise ValidationError(_("A competency level is between 1 and 5."))
        rows.append(CompetencyAssessment(servant=servant, competency=competency, level=level,
                                         assessed_on=assessed_on, source=source, note=note.strip(),
                                         assessed_by=(actor if actor is not None and actor.pk
                                                      else None)))
    CompetencyAssessment.objects.bulk_create(rows)
    audit.record(actor=actor, obj=servant, action="assessment", unit=servant.unit,
                 changes={c.code: [None, level] for c, level in levels.items()})
    return rows
