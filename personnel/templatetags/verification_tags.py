"""The verification card of a person's page (personnel.services.verification): the state, who
verified and when, the key fields changed since, and the "Verify" button for the level above."""
from datetime import date

from django import template

from core.audit import REDACTED
from core.models import OrgUnit
from personnel.models import CivilServant
from personnel.privacy import HIDDEN_FIELDS, MASKED_FIELDS, mask_national_id
from personnel.services.verification import differences, may_verify
from positions.models import JobPosition, Rank

register = template.Library()
_RELATED = {"unit": OrgUnit, "job_position": JobPosition, "rank": Rank}


def _shown(field: str, value, names: dict, show_private: bool) -> str:
    """A stored JSON value as the page shows it: names for ids, labels for choices, dd/mm/yyyy."""
    if value in (None, ""):
        return "—"
    if not show_private and field in MASKED_FIELDS:
        return mask_national_id(str(value))
    if not show_private and field in HIDDEN_FIELDS:
        return REDACTED
    if field in _RELATED:
        return names.get((field, value), str(value))
    model_field = CivilServant._meta.get_field(field)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.get_internal_type() == "DateField":
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)


def _names(rows: list[dict]) -> dict:
    names = {}
    for field, model in _RELATED.items():
        ids = {row[key] for row in rows if row["field"] == field
               for key in ("verified", "current")} - {None}
        names.update({(field, pk): str(obj) for pk, obj in model.objects.in_bulk(ids).items()})
    return names


@register.inclusion_tag("personnel/verification_card.html", takes_context=True)
def verification_card(context) -> dict:
    shown = context["servant"]
    # The page may hold a copy with the ID number masked: compare the record itself.
    servant = CivilServant.objects.select_related("unit", "verified_by").get(pk=shown.pk) \
        if getattr(shown, "_redacted", False) else shown
    show_private = bool(context.get("show_private"))
    rows = differences(servant)
    names = _names(rows)
    for row in rows:
        row["verified_shown"] = _shown(row["field"], row["verified"], names, show_private)
        row["current_shown"] = _shown(row["field"], row["current"], names, show_private)
    can_verify = servant.verification != "verified" and may_verify(context["request"].user, servant)
    return {"servant": servant, "differences": rows, "request": context.get("request"),
            "can_verify": can_verify}
