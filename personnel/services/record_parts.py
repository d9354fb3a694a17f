"""Writes on the parts of a record that are not career events: family members (Mẫu 2C item 30),
scanned documents, the photo, allowances, leave and absence, and work contracts.

Every function is keyword-only with an ``actor``, runs in one transaction and writes an audit entry
against the part itself, with the person's unit (so the change log and the field policy know whose
it is). Nothing is deleted: documents are withdrawn, allowances and contracts ended, leave
cancelled; a family member has no such state, so a mistake in one is corrected by an edit whose
old and new values are kept in the audit entry.
"""
import io
import os
import uuid
import zipfile
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.text import clean
from personnel.models import (
    Allowance,
    Attachment,
    CareerEvent,
    CivilServant,
    Contract,
    FamilyMember,
    LeaveRecord,
)
from personnel.services.servants import NO_DECISION, Decision

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_PHOTO_BYTES = 2 * 1024 * 1024
# Accepted files by extension: the content type they are served with and the check of their first
# bytes (a name proves nothing: an HTML page renamed .pdf must not reach another reader's browser).
PDF, JPEG, PNG, OLE, OOXML, ODF = "pdf", "jpeg", "png", "ole", "ooxml", "odf"
ATTACHMENT_TYPES = {
    ".pdf": (PDF, "application/pdf"),
    ".jpg": (JPEG, "image/jpeg"), ".jpeg": (JPEG, "image/jpeg"), ".png": (PNG, "image/png"),
    ".doc": (OLE, "application/msword"), ".xls": (OLE, "application/vnd.ms-excel"),
    ".docx": (OOXML, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": (OOXML, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": (OOXML, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ".odt": (ODF, "application/vnd.oasis.opendocument.text"),
    ".ods": (ODF, "application/vnd.oasis.opendocument.spreadsheet"),
}
PHOTO_TYPES = {".jpg": ATTACHMENT_TYPES[".jpg"], ".jpeg": ATTACHMENT_TYPES[".jpeg"],
               ".png": ATTACHMENT_TYPES[".png"]}
_MAGIC = {PDF: b"%PDF-", JPEG: b"\xff\xd8\xff", PNG: b"\x89PNG\r\n\x1a\n",
          OLE: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}
FAMILY_FIELDS = ("side", "relation", "full_name", "birth_year", "details")


def _actor(actor):
    return actor if actor is not None and actor.pk else None


# --- Files ----------------------------------------------------------------------------------------

def _zip_member(upload, name: str) -> bytes | None:
    """The content of ``name`` inside an Office Open XML or OpenDocument package, None if absent."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(io.BytesIO(upload.read())) as package:
            return package.read(name) if name in package.namelist() else None
    except (zipfile.BadZipFile, OSError, RuntimeError):
        return None
    finally:
        upload.seek(0)


def _content_matches(upload, kind: str) -> bool:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if kind in _MAGIC:
        return head.startswith(_MAGIC[kind])
    if not head.startswith(b"PK\x03\x04"):
        return False
    if kind == OOXML:
        return _zip_member(upload, "[Content_Types].xml") is not None
    mimetype = _zip_member(upload, "mimetype") or b""
    return mimetype.startswith(b"application/vnd.oasis.opendocument.")


def checked_upload(upload, *, types: dict, max_bytes: int, field: str) -> tuple[str, str]:
    """(extension, content type) of an accepted upload; ValidationError for a file too large, of a
    type not accepted, or whose first bytes are not those of its type."""
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in types:
        raise ValidationError({field: _("This kind of file is not accepted (%(types)s).")
                               % {"types": ", ".join(sorted(t.lstrip(".").upper()
                                                            for t in types))}})
    if upload.size > max_bytes:
        raise ValidationError({field: _("The file is larger than %(mb)s MB.")
                               % {"mb": max_bytes // (1024 * 1024)}})
    kind, content_type = types[extension]
    # The name is the uploader's word; the first bytes are the file's: a renamed page or script is
    # refused.
    if not _content_matches(upload, kind):
        raise ValidationError({field: _("The file's content is not a %(ext)s file.")
                               % {"ext": extension.lstrip(".").upper()}})
    return extension, content_type


def _stored_name(servant: CivilServant, extension: str) -> str:
    # A random name: the uploader's file name never becomes a path on the server.
    return f"{servant.pk}-{uuid.uuid4().hex}{extension}"


# --- Family (Mẫu 2C item 30) ----------------------------------------------------------------------

def _family_values(side: str, relation: str, full_name: str, birth_year: int | None,
                   details: str) -> dict:
    values = {"side": side, "relation": clean(relation), "full_name": clean(full_name),
              "birth_year": birth_year, "details": clean(details)}
    if values["side"] not in FamilyMember.Side.values:
        raise ValidationError({"side": _("Choose the person's own family or the spouse's.")})
    if not values["relation"]:
        raise ValidationError({"relation": _("Name the relation (father, mother, wife, son …).")})
    if not values["full_name"]:
        raise ValidationError({"full_name": _("Enter the full name.")})
    if birth_year is not None and not 1850 <= birth_year <= timezone.localdate().year:
        raise ValidationError({"birth_year": _("The birth year %(year)s is not plausible.")
                               % {"year": birth_year}})
    return values


@transaction.atomic
def family_member_add(*, actor, servant: CivilServant, relation: str, full_name: str,
                      side: str = FamilyMember.Side.OWN, birth_year: int | None = None,
                      details: str = "") -> FamilyMember:
    """A relative on the person's side (2C item 30a) or the spouse's (30b)."""
    member = FamilyMember.objects.create(servant=servant,
                                         **_family_values(side, relation, full_name, birth_year,
                                                          details))
    audit.record(actor=actor, obj=member, action="create", unit=servant.unit,
                 changes={k: [None, v] for k, v in audit.snapshot(member, FAMILY_FIELDS).items()
                          if v not in ("", None)})
    return member


@transaction.atomic
def family_member_update(*, actor, member: FamilyMember, relation: str, full_name: str, side: str,
                         birth_year: int | None = None, details: str = "",
                         reason: str = "") -> FamilyMember:
    """Correct a relative's entry; the audit entry keeps the old values (there is no removal)."""
    member = (FamilyMember.objects.select_for_update(of=("self",))
              .select_related("servant__unit").get(pk=member.pk))
    before = audit.snapshot(member, FAMILY_FIELDS)
    for name, value in _family_values(side, relation, full_name, birth_year, details).items():
        setattr(member, name, value)
    changes = audit.diff(before, audit.snapshot(member, FAMILY_FIELDS))
    if changes:
        member.save(update_fields=list(changes))
        audit.record(actor=actor, obj=member, action="update", unit=member.servant.unit,
                     changes=changes, reason=clean(reason))
    return member


# --- Documents and photo --------------------------------------------------------------------------

@transaction.atomic
def attachment_add(*, actor, servant: CivilServant, upload, title: str,
                   kind: str = Attachment.Kind.DECISION, decision: Decision = NO_DECISION,
                   event: CareerEvent | None = None) -> Attachment:
    """A scanned document of the personal file, stored under MEDIA_ROOT and read only through the
    scoped download view; ``event`` links it to the career event it documents."""
    extension, content_type = checked_upload(upload, types=ATTACHMENT_TYPES,
                                             max_bytes=MAX_ATTACHMENT_BYTES, field="upload")
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of document.")})
    if not clean(title):
        raise ValidationError({"title": _("Give the document a title.")})
    if event is not None and event.servant_id != servant.pk:
        raise ValidationError({"event": _("The event belongs to another person's record.")})
    attachment = Attachment(servant=servant, kind=kind, title=clean(title)[:255],
                            content_type=content_type, size=upload.size, event=event,
                            decision_number=clean(decision.number),
                            decision_date=decision.decided_on, signer=clean(decision.signer),
                            uploaded_by=_actor(actor))
    upload.seek(0)
    attachment.file.save(_stored_name(servant, extension), upload, save=False)
    attachment.save(force_insert=True)
    audit.record(actor=actor, obj=attachment, action="create", unit=servant.unit,
                 changes={"title": [None, attachment.title], "kind": [None, kind],
                          "decision_number": [None, attachment.decision_number],
                          "event": [None, event and event.pk]})
    return attachment


@transaction.atomic
def attachment_withdraw(*, actor, attachment: Attachment, reason: str = "") -> Attachment:
    """Take a document off the record (superseded, scanned wrongly); the file is kept."""
    attachment = (Attachment.objects.select_for_update(of=("self",)).select_related("servant__unit")
                  .get(pk=attachment.pk))
    if attachment.withdrawn:
        raise ValidationError(_("The document was already withdrawn."))
    attachment.withdrawn = True
    attachment.save(update_fields=["withdrawn"])
    audit.record(actor=actor, obj=attachment, action="withdraw", unit=attachment.servant.unit,
                 changes={"withdrawn": [False, True]}, reason=clean(reason))
    return attachment


@transaction.atomic
def photo_set(*, actor, servant: CivilServant, photo) -> CivilServant:
    """The portrait of the résumé (Mẫu 2C: a 4 x 6 cm colour photo), JPEG or PNG of at most 2 MB.
    The previous file stays on disk, named in the audit entry."""
    extension, _content_type = checked_upload(photo, types=PHOTO_TYPES, max_bytes=MAX_PHOTO_BYTES,
                                              field="photo")
    servant = (CivilServant.objects.select_for_update(of=("self",))
               .select_related("unit").get(pk=servant.pk))
    before = servant.photo.name or None
    photo.seek(0)
    servant.photo.save(_stored_name(servant, extension), photo, save=False)
    servant.updated_at = timezone.now()
    servant.save(update_fields=["photo", "updated_at"])
    audit.record(actor=actor, obj=servant, action="update", unit=servant.unit,
                 changes={"photo": [before, servant.photo.name]})
    return servant


# --- Allowances (Mẫu 2C items 14 and 31) ----------------------------------------------------------

@transaction.atomic
def allowance_add(*, actor, servant: CivilServant, kind: str, start_date: date,
                  coefficient: Decimal | None = None, percent: int | None = None,
                  end_date: date | None = None, decision: Decision = NO_DECISION) -> Allowance:
    """An allowance from ``start_date`` (ND 204/2004 Art. 6): a coefficient of the base salary or a
    percentage. A new one of the same kind ends the one running the day before."""
    if kind not in Allowance.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of allowance.")})
    # An allowance is either a coefficient or a percentage of salary, never both (the database
    # checks that one is there).
    if (coefficient is None) == (percent is None):
        raise ValidationError({"coefficient": _("Enter either a coefficient or a percentage.")})
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    running = (servant.allowances.select_for_update(of=("self",))
               .filter(kind=kind, start_date__lt=start_date).exclude(end_date__lt=start_date))
    # One allowance of a kind at a time: the one running is closed the day before the new one
    # starts.
    for previous in running:
        _allowance_close(actor, servant, previous, start_date - timedelta(days=1),
                         _("Replaced by the allowance from %(day)s.")
                         % {"day": f"{start_date:%d/%m/%Y}"})
    if servant.allowances.filter(kind=kind, start_date__gte=start_date).exists():
        raise ValidationError(
            {"start_date": _("An allowance of this kind already starts on or after this date.")})
    allowance = Allowance.objects.create(
        servant=servant, kind=kind, coefficient=coefficient, percent=percent, start_date=start_date,
        end_date=end_date,
        decision_number=clean(decision.number), decision_date=decision.decided_on,
        signer=clean(decision.signer))
    audit.record(actor=actor, obj=allowance, action="create", unit=servant.unit, changes={
        k: [None, v]
        for k, v in audit.snapshot(allowance,
                                   ("kind", "coefficient", "percent", "start_date", "end_date",
                                    "decision_number")).items() if v not in ("", None)})
    return allowance


def _allowance_close(actor, servant, allowance: Allowance, last_day: date, reason: str) -> None:
    old = allowance.end_date
    allowance.end_date = last_day
    allowance.save(update_fields=["end_date"])
    audit.record(actor=actor, obj=allowance, action="close", unit=servant.unit, reason=reason,
                 changes={"end_date": [audit.to_json(old), last_day.isoformat()]})


@transaction.atomic
def allowance_end(*, actor, allowance: Allowance, end_date: date, reason: str = "") -> Allowance:
    """The allowance stops after ``end_date`` (the title was relieved, the regime changed)."""
    allowance = (Allowance.objects.select_for_update(of=("self",))
                 .select_related("servant__unit").get(pk=allowance.pk))
    if end_date < allowance.start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    if allowance.end_date is not None and allowance.end_date <= end_date:
        raise ValidationError({"end_date": _("The allowance already ends on %(day)s.")
                               % {"day": f"{allowance.end_date:%d/%m/%Y}"}})
    _allowance_close(actor, allowance.servant, allowance, end_date, clean(reason))
    return allowance


def allowances_on(servant: CivilServant, day: date) -> list[Allowance]:
    """The allowances running on ``day``."""
    return [a for a in servant.allowances.all() if a.start_date <= day
            and (a.end_date is None or a.end_date >= day)]


# --- Leave and absence ----------------------------------------------------------------------------

@transaction.atomic
def leave_record(*, actor, servant: CivilServant, kind: str, start_date: date, end_date: date,
                 reason: str = "", decision: Decision = NO_DECISION) -> LeaveRecord:
    """A period of leave or absence; it may not overlap another one still in force (a person is on
    one kind of leave at a time, and the appraisal counts months worked from these periods)."""
    if kind not in LeaveRecord.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of leave.")})
    if end_date < start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    # Lock the person: two officers entering overlapping periods at once must not both succeed.
    CivilServant.objects.select_for_update(of=("self",)).filter(pk=servant.pk).first()
    clash = servant.leaves.filter(cancelled=False, start_date__lte=end_date,
                                  end_date__gte=start_date).first()
    if clash is not None:
        raise ValidationError({"start_date": _("The period overlaps %(other)s.")
                               % {"other": clash}})
    leave = LeaveRecord.objects.create(
        servant=servant, kind=kind, start_date=start_date, end_date=end_date, reason=clean(reason),
        decision_number=clean(decision.number), decision_date=decision.decided_on,
        signer=clean(decision.signer),
        created_by=_actor(actor))
    audit.record(actor=actor, obj=leave, action="create", unit=servant.unit, changes={
        k: [None, v]
        for k, v in audit.snapshot(leave, ("kind", "start_date", "end_date", "decision_number"))
        .items()
        if v not in ("", None)})
    return leave


@transaction.atomic
def leave_cancel(*, actor, leave: LeaveRecord, reason: str = "") -> LeaveRecord:
    """Cancel a period entered by mistake or revoked; it stays in the record, struck through."""
    leave = (LeaveRecord.objects.select_for_update(of=("self",))
             .select_related("servant__unit").get(pk=leave.pk))
    if leave.cancelled:
        raise ValidationError(_("The period was already cancelled."))
    leave.cancelled = True
    leave.save(update_fields=["cancelled"])
    audit.record(actor=actor, obj=leave, action="close", unit=leave.servant.unit,
                 reason=clean(reason), changes={"cancelled": [False, True]})
    return leave


# --- Contracts ------------------------------------------------------------------------------------

@transaction.atomic
def contract_record(*, actor, servant: CivilServant, kind: str, start_date: date,
                    end_date: date | None = None, number: str = "", signed_on: date | None = None,
                    note: str = "", decision: Decision = NO_DECISION) -> Contract:
    """A work contract (Law on Public Employees Art. 25) or labour contract (ND 111/2022); the
    expiry alerts read ``end_date``. An indefinite-term contract has no end date."""
    if kind not in Contract.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of contract.")})
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    if kind == Contract.Kind.INDEFINITE and end_date is not None:
        raise ValidationError({"end_date": _("An indefinite-term contract has no end date.")})
    if kind != Contract.Kind.INDEFINITE and end_date is None:
        raise ValidationError({"end_date": _("Enter the date the contract ends.")})
    if signed_on is not None and end_date is not None and signed_on > end_date:
        raise ValidationError({"signed_on": _("The contract is signed after it ends.")})
    contract = Contract.objects.create(
        servant=servant, kind=kind, number=clean(number), signed_on=signed_on,
        start_date=start_date,
        end_date=end_date, note=clean(note), decision_number=clean(decision.number),
        decision_date=decision.decided_on, signer=clean(decision.signer), created_by=_actor(actor))
    audit.record(actor=actor, obj=contract, action="create", unit=servant.unit, changes={
        k: [None, v]
        for k, v in audit.snapshot(contract, ("kind", "number", "start_date", "end_date")).items()
        if v not in ("", None)})
    return contract


@transaction.atomic
def contract_end(*, actor, contract: Contract, ended_on: date, reason: str = "") -> Contract:
    """End a contract before its term (ended_on is the last day worked under it)."""
    contract = (Contract.objects.select_for_update(of=("self",))
                .select_related("servant__unit").get(pk=contract.pk))
    if contract.ended_on is not None:
        raise ValidationError(_("The contract was already ended."))
    if ended_on < contract.start_date:
        raise ValidationError({"ended_on": _("The contract ends before it starts.")})
    contract.ended_on = ended_on
    contract.save(update_fields=["ended_on"])
    audit.record(actor=actor, obj=contract, action="close", unit=contract.servant.unit,
                 reason=clean(reason), changes={"ended_on": [None, ended_on.isoformat()]})
    return contract
