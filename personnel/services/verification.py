"""Verification of a record by the HR level above, for the national CBCCVC database.

A record is entered by the HR officer of the person's agency and verified by the HR level above
it, which checks it against the documents (TT 11/2012/TT-BNV Art. 9: the managing agency verifies
the declaration; ND 27/2026 holds the agency answerable for the accuracy of management data).
Verifying stores who, when and the key fields as verified (personnel.readiness.KEY_FIELDS). A
later change to a key field through any service — an edit, a transfer, a salary step, a
correction, an import of updates — returns the record to "entered"; the values as verified stay,
so the person's page shows the difference until the level above verifies again.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.access import MANAGE, unit_scope
from core.models import OrgUnit
from personnel.models import CivilServant, Verification
from personnel.readiness import KEY_FIELDS, field_label

# Below the top level only a public service unit is an agency of its own (its own legal status and
# HR); a division, office or inspectorate inside a department or commune belongs to it.
_AGENCY_KINDS_BELOW_TOP = (OrgUnit.Kind.PUBLIC_SERVICE_UNIT,)


def verifying_unit(unit: OrgUnit, ancestors: dict[int, OrgUnit] | None = None) -> OrgUnit | None:
    """The unit whose HR verifies the people of ``unit``: the parent of the person's agency.

    The agency is, going up from the person's unit, the first public service unit, or the unit
    directly under the root (a department, the provincial office or inspectorate, a commune, a
    Party or mass organisation). So provincial HR (Sở Nội vụ, the root's managers) verifies the
    people of departments and communes with their divisions; a department's HR verifies its public
    service units; a commune's HR its own centres. None: the person works at the root itself and
    only province-wide HR verifies.

    In core.access terms the verifier must *manage* the returned unit, which lies strictly above
    the agency: an officer granted only on the person's own agency (or a division of it) never
    verifies that agency's records, an officer who also manages the level above does.
    ``ancestors`` (id → unit) spares the query when many people are checked at once."""
    ids = unit.ancestor_ids()
    if ancestors is None:
        ancestors = OrgUnit.objects.in_bulk(ids)
    chain = [ancestors[pk] for pk in ids if pk in ancestors]  # root first, ``unit`` last
    for depth in range(len(chain) - 1, 0, -1):
        if depth == 1 or chain[depth].kind in _AGENCY_KINDS_BELOW_TOP:
            return chain[depth - 1]
    return None


def may_verify(actor, servant: CivilServant, ancestors: dict[int, OrgUnit] | None = None) -> bool:
    scope = unit_scope(actor, MANAGE)
    above = verifying_unit(servant.unit, ancestors)
    return scope.everything if above is None else scope.contains(above)


def key_values(servant: CivilServant) -> dict:
    """The key fields as JSON values (foreign keys as ids, dates ISO, decimals as text)."""
    return audit.snapshot(servant, KEY_FIELDS)


@transaction.atomic
def servant_verify(*, actor, servant: CivilServant, reason: str = "") -> CivilServant:
    """Mark the record verified by ``actor``, keeping the key fields as they are now."""
    caller, servant = servant, (CivilServant.objects.select_for_update(of=("self",))
                                .select_related("unit").get(pk=servant.pk))
    if not may_verify(actor, servant):
        raise PermissionDenied(
            _("Only the HR officers of the level above %(unit)s verify its records.")
            % {"unit": servant.unit.name})
    if servant.verification == Verification.VERIFIED:
        raise ValidationError(_("This record is already verified."))
    _mark_verified(actor, servant, reason)
    for name in ("verification", "verified_by_id", "verified_at", "verified_values"):
        setattr(caller, name, getattr(servant, name))
    return servant


def _mark_verified(actor, servant: CivilServant, reason: str) -> None:
    before = {"verification": servant.verification}
    servant.verification, servant.verified_by = Verification.VERIFIED, actor
    servant.verified_at, servant.verified_values = timezone.now(), key_values(servant)
    servant.save(update_fields=["verification", "verified_by", "verified_at", "verified_values"])
    audit.record(actor=actor, obj=servant, action="verify", unit=servant.unit, reason=reason,
                 changes={"verification": [before["verification"], Verification.VERIFIED]})


@transaction.atomic
def servants_verify(*, actor, servants: list[CivilServant], reason: str = "") -> int:
    """Verify several records at once (the readiness page's "verify selected"); people the actor
    may not verify or already verified are skipped. Returns how many were verified."""
    ids = [s.pk for s in servants]
    people = list(CivilServant.objects.select_for_update(of=("self",)).select_related("unit")
                  .filter(pk__in=ids).exclude(verification=Verification.VERIFIED))
    ancestor_ids = {pk for person in people for pk in person.unit.ancestor_ids()}
    ancestors = OrgUnit.objects.in_bulk(ancestor_ids)
    done = 0
    for person in people:
        if may_verify(actor, person, ancestors):
            _mark_verified(actor, person, reason)
            done += 1
    return done


def verification_reset(*, actor, servant: CivilServant, changes: dict) -> bool:
    """Return a verified record to "entered" when ``changes`` ({field: [old, new]}, already saved
    and audited by the calling service) touch a key field. The values as verified are kept, so
    the difference stays visible. Returns whether the record was reset."""
    touched = sorted(set(changes) & set(KEY_FIELDS))
    if not touched:
        return False
    reset = CivilServant.objects.filter(pk=servant.pk, verification=Verification.VERIFIED) \
        .update(verification=Verification.ENTERED)
    servant.verification = Verification.ENTERED
    if reset:
        audit.record(actor=actor, obj=servant, action="unverify", unit=servant.unit,
                     reason=_("Key fields changed: %(fields)s") % {"fields": ", ".join(touched)},
                     changes={"verification": [Verification.VERIFIED, Verification.ENTERED]})
    return bool(reset)


def differences(servant: CivilServant) -> list[dict]:
    """The key fields whose value differs from the one verified: [{"field", "label",
    "verified", "current"}] with raw JSON values (see :func:`display_differences`)."""
    verified = servant.verified_values or {}
    current = key_values(servant)
    return [{"field": name, "label": field_label(name), "verified": verified[name],
             "current": current[name]} for name in KEY_FIELDS if name in verified
            and verified[name] != current[name]]
