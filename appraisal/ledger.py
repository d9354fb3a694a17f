"""The work ledger of ND 335/2025 (Art 13–14): the catalogue of products per job position, the
products a leader assigns, the person's report that one is done, the leader's review, and the
objective causes that waive a deduction. Each write recomputes the quantity a, quality b and
progress c of the period it touches, so the board and the close of the year read them like any
imported score (PeriodScore, source "ledger"); the general criteria of the period are left as
they are.

Every function takes ``actor``, runs in one transaction and keeps who, when and what in the audit
trail; nothing here is deleted (an item is withdrawn or replaced by a new version, an assignment
cancelled).
"""
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import (
    Appraisal,
    AppraisalCycle,
    PeriodKind,
    PeriodScore,
    WorkAssignment,
    WorkItem,
)
from appraisal.rules import LedgerLine, NoProductsAssigned
from appraisal.services import require_open
from core import audit
from core.rules.registry import get as rule_set


def period_of(cycle: AppraisalCycle, day: date) -> int:
    """The month (1–12) or quarter (1–4) of ``cycle`` that ``day`` falls in."""
    return day.month if cycle.period_kind == PeriodKind.MONTH else (day.month - 1) // 3 + 1


def _audit(actor, obj, action: str, unit, changes: dict, reason: str = "") -> None:
    audit.record(actor=actor, obj=obj, action=action, unit=unit, changes=changes, reason=reason)


# --- the catalogue --------------------------------------------------------------------------------

def work_item_save(*, actor, position=None, code: str, name: str, output_unit: str,
                   coefficient: Decimal, work_item: WorkItem | None = None) -> WorkItem:
    """Add an item to a position's catalogue, or change one: a change makes version n + 1 from
    today and closes version n, so what was assigned before keeps its coefficient."""
    # A zero coefficient would weigh nothing: a period holding only this item could not be scored.
    if coefficient is None or coefficient <= 0:
        raise ValidationError(
            {"coefficient": _("The conversion coefficient must be greater than 0.")})
    code = code.strip()
    with transaction.atomic():
        if work_item is None:
            if WorkItem.objects.filter(position=position, code=code,
                                       valid_to__isnull=True).exists():
                raise ValidationError(
                    {"code": _("This position's catalogue already has an item %(code)s.")
                     % {"code": code}})
            item = WorkItem.objects.create(position=position, code=code, name=name,
                                           output_unit=output_unit, coefficient=coefficient,
                                           created_by=actor)
            _audit(actor, item, "create", position.unit,
                   {"name": [None, name], "coefficient": [None, str(coefficient)],
                    "output_unit": [None, output_unit]})
            return item
        current = WorkItem.objects.select_for_update().get(pk=work_item.pk)
        if current.valid_to is not None:
            raise ValidationError(_("This version has been replaced; edit the current one."))
        values = {"name": name, "output_unit": output_unit, "coefficient": coefficient}
        changes = {k: [str(getattr(current, k)), str(v)] for k, v in values.items()
                   if getattr(current, k) != v}
        if code != current.code:
            raise ValidationError(
                {"code": _("The code of an item does not change; add a new item instead.")})
        if not changes:
            return current
        today = timezone.localdate()
        current.valid_to = today
        current.save(update_fields=["valid_to"])
        item = WorkItem.objects.create(position=current.position, code=current.code,
                                       version=current.version + 1, valid_from=today,
                                       created_by=actor, **values)
        _audit(actor, item, "update", current.position.unit,
               {"version": [current.version, item.version], **changes})
        return item


def work_item_withdraw(*, actor, work_item: WorkItem, reason: str = "") -> WorkItem:
    """Take an item out of the catalogue from today; its assignments stay as they are."""
    if work_item.valid_to is not None:
        raise ValidationError(_("This item is no longer in the catalogue."))
    with transaction.atomic():
        work_item.valid_to = timezone.localdate()
        work_item.save(update_fields=["valid_to"])
        _audit(actor, work_item, "close", work_item.position.unit,
               {"valid_to": [None, str(work_item.valid_to)]}, reason)
    return work_item


def items_for(appraisal: Appraisal):
    """The current catalogue items that may be assigned to the person: those of positions of their
    work unit or of a unit above it (a department's catalogue serves its divisions)."""
    return (WorkItem.objects.filter(valid_to__isnull=True,
                                    position__unit_id__in=appraisal.work_unit.ancestor_ids())
            .select_related("position").order_by("position__title", "name"))


# --- assignments ----------------------------------------------------------------------------------

def _require_open(appraisal: Appraisal) -> None:
    """A year still open, under a rule set that scores products."""
    require_open(appraisal.cycle)
    if not rule_set(appraisal.rule_set).continuous:
        raise ValidationError(
            _("%(name)s is appraised under %(rule_set)s, which does not score products.")
            % {"name": appraisal.servant.full_name, "rule_set": appraisal.rule_set})


def work_assign(*, actor, appraisal: Appraisal, item: WorkItem, due_date: date,
                quantity: Decimal = Decimal(1), title: str = "") -> WorkAssignment:
    """A leader gives a person a product of the catalogue, due on ``due_date`` (its period)."""
    _require_open(appraisal)
    errors = {}
    # The due date places the product in a period; a date in another year has none in this cycle.
    if due_date.year != appraisal.cycle.year:
        errors["due_date"] = _("The due date must fall in %(year)s, the year of the appraisal.") % {
            "year": appraisal.cycle.year}
    if quantity is None or quantity <= 0:
        errors["quantity"] = _("The quantity must be greater than 0.")
    if item.valid_to is not None or not items_for(appraisal).filter(pk=item.pk).exists():
        errors["item"] = _("This item is not in the current catalogue of %(unit)s.") % {
            "unit": appraisal.work_unit.name}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assignment = WorkAssignment.objects.create(
            appraisal=appraisal, work_unit=appraisal.work_unit, item=item, title=title,
            quantity=quantity,
            due_date=due_date, period=period_of(appraisal.cycle, due_date), assigned_by=actor)
        _audit(actor, assignment, "create", appraisal.work_unit, {
            "servant": [None, appraisal.servant.code], "item": [None, str(item)],
            "quantity": [None, str(quantity)],
            "due_date": [None, due_date.strftime("%d/%m/%Y")]})
        recompute(appraisal, assignment.period)
    return assignment


def work_report(*, actor, assignment: WorkAssignment, completed: Decimal, completed_on: date,
                report_note: str = "", attachment=None, link: str = "") -> WorkAssignment:
    """The person reports a product done, with the file or the link where it can be seen."""
    _require_open(assignment.appraisal)
    if assignment.status not in (WorkAssignment.Status.ASSIGNED, WorkAssignment.Status.RETURNED,
                                 WorkAssignment.Status.REPORTED):
        raise ValidationError(_("This product has already been reviewed (%(status)s).")
                              % {"status": assignment.get_status_display()})
    errors = {}
    if completed is None or completed < 0:
        errors["completed"] = _("Enter the quantity completed (0 or more).")
    if completed_on > timezone.localdate():
        errors["completed_on"] = _("The completion date cannot be in the future.")
    if not attachment and not link and not assignment.attachment and not assignment.link:
        errors["link"] = _("Attach the product or give a link to it.")
    if errors:
        raise ValidationError(errors)
    before = {"status": assignment.status, "completed": str(assignment.completed)}
    with transaction.atomic():
        assignment.completed, assignment.completed_on = completed, completed_on
        assignment.report_note = report_note
        if attachment:
            assignment.attachment_name = attachment.name[:255]
            assignment.attachment.save(attachment.name, attachment, save=False)
        if link:
            assignment.link = link
        assignment.status = WorkAssignment.Status.REPORTED
        assignment.reported_at = timezone.now()
        assignment.save()
        _audit(actor, assignment, "update", assignment.work_unit, {
            "status": [before["status"], assignment.status],
            "completed": [before["completed"], str(completed)],
            "completed_on": [None, completed_on.strftime("%d/%m/%Y")]})
    return assignment


def work_review(*, actor, assignment: WorkAssignment, outcome: str, delays: int | None = None,
                review_note: str = "") -> WorkAssignment:
    """The leader's review of a reported product: accepted, or returned for a major content error
    (one failed quality review: 25 % of its quality points). A product done after its due date has
    one delay at least (25 % of its progress points); the leader may count more."""
    _require_open(assignment.appraisal)
    if assignment.status != WorkAssignment.Status.REPORTED:
        raise ValidationError(_("Only a product reported done can be reviewed."))
    if outcome == "return" and not review_note.strip():
        raise ValidationError({"review_note": _("Say what must be corrected.")})
    # Done after its due date is one delay at least (ND 335/2025 Art 14c); the leader may count
    # more, never fewer.
    minimum = 1 if assignment.is_late else 0
    if delays is not None and delays < minimum:
        raise ValidationError(
            {"delays": _("It was completed on %(day)s, after its due date %(due)s: at least one "
                         "delay.")
             % {"day": assignment.completed_on.strftime("%d/%m/%Y"),
                "due": assignment.due_date.strftime("%d/%m/%Y")}})
    before = {"status": assignment.status, "quality_failures": assignment.quality_failures,
              "delays": assignment.delays}
    with transaction.atomic():
        if outcome == "return":
            assignment.status = WorkAssignment.Status.RETURNED
            # Each return for a major content error is one failed review: 25 % of the product's
            # quality points (ND 335/2025 Art 14b).
            assignment.quality_failures += 1
        else:
            assignment.status = WorkAssignment.Status.ACCEPTED
        # Delays only grow: reviewing a corrected product again does not forgive an earlier delay.
        assignment.delays = max(assignment.delays, minimum if delays is None else delays)
        assignment.review_note = review_note
        assignment.reviewed_by, assignment.reviewed_at = actor, timezone.now()
        assignment.save()
        _audit(actor, assignment, "update", assignment.work_unit,
               {k: [v, getattr(assignment, k)] for k, v in before.items()
                if getattr(assignment, k) != v}, review_note)
        recompute(assignment.appraisal, assignment.period)
    return assignment


def work_exempt(*, actor, assignment: WorkAssignment, exempt_quality: bool, exempt_progress: bool,
                exempt_reason: str, exempt_approver: str,
                exempt_approved_on: date) -> WorkAssignment:
    """Record an objective cause confirmed by the competent person: the quality and/or delay
    deductions of this product no longer apply (ND 335/2025 Art 14)."""
    _require_open(assignment.appraisal)
    errors = {}
    if not (exempt_quality or exempt_progress):
        errors["exempt_quality"] = _("Choose which deductions the objective cause waives.")
    if not exempt_reason.strip():
        errors["exempt_reason"] = _("Describe the objective cause.")
    if not exempt_approver.strip():
        errors["exempt_approver"] = _("Name the person who confirmed it (name and title).")
    if exempt_approved_on and exempt_approved_on > timezone.localdate():
        errors["exempt_approved_on"] = _("The approval date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    values = {"exempt_quality": exempt_quality, "exempt_progress": exempt_progress,
              "exempt_reason": exempt_reason, "exempt_approver": exempt_approver,
              "exempt_approved_on": exempt_approved_on}
    changes = {k: [str(getattr(assignment, k)), str(v)] for k, v in values.items()
               if getattr(assignment, k) != v}
    with transaction.atomic():
        for key, value in values.items():
            setattr(assignment, key, value)
        assignment.save()
        _audit(actor, assignment, "update", assignment.work_unit, changes, exempt_reason)
        recompute(assignment.appraisal, assignment.period)
    return assignment


def work_cancel(*, actor, assignment: WorkAssignment, reason: str = "") -> WorkAssignment:
    """Withdraw an assignment that should not count (given by mistake, task dropped)."""
    _require_open(assignment.appraisal)
    if assignment.status == WorkAssignment.Status.CANCELLED:
        raise ValidationError(_("This assignment is already cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    with transaction.atomic():
        before = assignment.status
        assignment.status = WorkAssignment.Status.CANCELLED
        assignment.save(update_fields=["status"])
        _audit(actor, assignment, "close", assignment.work_unit,
               {"status": [before, assignment.status]}, reason)
        recompute(assignment.appraisal, assignment.period)
    return assignment


# --- from the ledger to the period's a, b, c ------------------------------------------------------

def lines_of(assignments: Iterable[WorkAssignment]) -> list[LedgerLine]:
    """The ledger lines of a period: what was assigned (converted by the item's coefficient), what
    was accepted as done, the failed reviews and delays with their waivers."""
    lines = []
    for a in assignments:
        if a.status == WorkAssignment.Status.CANCELLED:
            continue
        # Only an accepted product is done; a reported or returned one is assigned and not yet
        # completed.
        accepted = a.status == WorkAssignment.Status.ACCEPTED
        done = (a.completed or Decimal(0)) if accepted else Decimal(0)
        lines.append(LedgerLine(coefficient=a.item.coefficient, quantity=a.quantity, completed=done,
                                quality_failures=a.quality_failures,
                                quality_exempt=a.exempt_quality, delays=a.delays,
                                delay_exempt=a.exempt_progress))
    return lines


def recompute(appraisal: Appraisal, period: int) -> PeriodScore | None:
    """Write the period's a, b, c from the ledger (the general criteria and đ, e untouched). A
    period whose assignments were all cancelled loses its ledger components."""
    rules = rule_set(appraisal.rule_set)
    assignments = WorkAssignment.objects.filter(appraisal=appraisal,
                                                period=period).select_related("item")
    row = PeriodScore.objects.filter(appraisal=appraisal, period=period).first()
    try:
        a, b, c = rules.task_components(lines_of(assignments))
    except NoProductsAssigned:
        # Only figures the ledger wrote are cleared; components entered by hand or imported stay.
        if row is not None and row.source == PeriodScore.Source.LEDGER:
            row.quantity = row.quality = row.progress = None
            row.save(update_fields=["quantity", "quality", "progress", "updated_at"])
        return row
    values = {"quantity": a.quantize(Decimal("0.01")), "quality": b.quantize(Decimal("0.01")),
              "progress": c.quantize(Decimal("0.01")), "source": PeriodScore.Source.LEDGER,
              "updated_at": timezone.now()}
    row, _created = PeriodScore.objects.update_or_create(appraisal=appraisal, period=period,
                                                         defaults=values)
    return row
