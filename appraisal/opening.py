"""Opening a year in the background (one action for a whole unit subtree).

The page writes the cycle's row at 0 % and queues :func:`appraisal.tasks.open_cycle` when that
commits; the task enrols everyone through :func:`appraisal.services.cycle_open` (which never enrols
a person twice, so a retried or repeated task does no harm) and writes the percentage on the row,
which the board polls for its progress bar.
"""
import logging

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.utils.translation import gettext as _

from appraisal.models import AppraisalCycle, PeriodKind
from appraisal.services import require_open
from core import audit
from core.models import OrgUnit

logger = logging.getLogger(__name__)


def cycle_row(*, actor, unit: OrgUnit, year: int,
              period_kind: str = PeriodKind.MONTH) -> AppraisalCycle:
    """The cycle of ``year`` for ``unit``, created if need be, at 0 % until its people are enrolled.
    Refused for a closed year, with the messages of :func:`appraisal.services.cycle_open`."""
    if not 2020 <= year <= 2100:
        raise ValidationError({"year": _("The appraisal year must be 2020 or later.")})
    with transaction.atomic():
        # Locked: two clicks on "open" make one row, the second waiting for the first to commit.
        cycle, created = AppraisalCycle.objects.select_for_update().get_or_create(
            year=year, unit=unit,
            defaults={"period_kind": period_kind, "opened_by": actor, "progress": 0})
        require_open(cycle)
        if created:
            # cycle_open records the creation only of a row it makes itself; this one is made here.
            audit.record(actor=actor, obj=cycle, action="create", unit=unit,
                         changes={"year": [None, year], "period_kind": [None, period_kind]})
        elif cycle.progress != 0:
            cycle.progress = 0
            cycle.save(update_fields=["progress"])
    return cycle


def cycle_open_queue(*, actor, unit: OrgUnit, year: int,
                     period_kind: str = PeriodKind.MONTH) -> AppraisalCycle:
    """Open ``year`` for ``unit`` and every unit under it: the cycle now, its people in a background
    task queued when the caller's transaction commits (eager in development and tests: at once)."""
    from appraisal.tasks import open_cycle

    cycle = cycle_row(actor=actor, unit=unit, year=year, period_kind=period_kind)
    actor_id = getattr(actor, "pk", None)
    # Queued on commit: a worker started before it would not find the cycle's row.
    transaction.on_commit(lambda: open_cycle.delay(cycle.pk, actor_id))
    return cycle


class ProgressWriter:
    """The progress callback of an opening: writes the percentage on the cycle's row, only when it
    changes (the service reports it once per chunk of people).

    The enrolment runs in one transaction, so a percentage written in it would be seen only at the
    end. On PostgreSQL it is written through a connection of its own, committed at once, without
    ever waiting for a lock; when that connection cannot reach the row (not committed yet, as in a
    test's transaction, or locked) and on SQLite (one writer at a time) it goes in the transaction.
    """

    def __init__(self, cycle_id: int):
        self.cycle_id = cycle_id
        self.last: int | None = None
        self._aside = None

    def __call__(self, percent: int) -> None:
        percent = max(0, min(100, int(percent)))
        if percent == self.last:
            return
        self.last = percent
        if (connection.vendor == "postgresql" and connection.in_atomic_block
                and self._write_aside(percent)):
            return
        AppraisalCycle.objects.filter(pk=self.cycle_id).update(progress=percent)

    def _write_aside(self, percent: int) -> bool:
        if self._aside is None:
            self._aside = connections.create_connection(DEFAULT_DB_ALIAS)
        table = self._aside.ops.quote_name(AppraisalCycle._meta.db_table)
        # SKIP LOCKED: never wait; a row this connection cannot take is written in the transaction.
        # S608: the table name is the model's own, quoted; the values are parameters.
        sql = (f"UPDATE {table} SET progress = %s WHERE id = "  # noqa: S608
               f"(SELECT id FROM {table} WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED)")
        try:
            with self._aside.cursor() as cursor:
                cursor.execute(sql, [percent, self.cycle_id])
                return cursor.rowcount == 1
        except DatabaseError:
            logger.warning("progress of cycle %s not written aside", self.cycle_id, exc_info=True)
            return False

    def close(self) -> None:
        if self._aside is not None:
            self._aside.close()
            self._aside = None


def cycle_open_run(*, cycle_id: int | None = None, actor_id: int | None = None,
                   unit_id: int | None = None, year: int | None = None,
                   period_kind: str | None = None) -> int:
    """What the task does: enrol the people of a cycle (named by id, or by unit, year and kind of
    periods) with the progress written on the row. Returns the number of appraisals of the cycle.
    A closed year is left alone (its bar set to 100 % so that no page polls it for ever)."""
    from django.contrib.auth import get_user_model

    from appraisal import services

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    if cycle_id is None:
        cycle = cycle_row(actor=actor, unit=OrgUnit.objects.get(pk=unit_id), year=year,
                          period_kind=period_kind or PeriodKind.MONTH)
    else:
        cycle = AppraisalCycle.objects.select_related("unit").get(pk=cycle_id)
    writer = ProgressWriter(cycle.pk)
    try:
        services.cycle_open(actor=actor, unit=cycle.unit, year=cycle.year,
                            period_kind=cycle.period_kind, progress=writer)
    except ValidationError:
        logger.warning("cycle %s not opened: the year is closed", cycle.pk)
        progress_done(cycle.pk)
    finally:
        writer.close()
    return cycle.appraisals.count()


def progress_done(cycle_id: int) -> None:
    """Stop the progress bar of a cycle (after an opening that failed for good)."""
    AppraisalCycle.objects.filter(pk=cycle_id).update(progress=100)
