"""Indexes of the personnel tables (issue 17): each one kept is named with the query that uses it;
the ones no query used are dropped (every index is written by each import row).

Added
  servant_unit_list_idx (unit_id, sort_key, id) INCLUDE (status, search_text) — replaces
    servant_unit_sort_idx (unit_id, sort_key). The people list of a unit subtree
    (personnel.selectors.servant_list: unit_id IN (…) AND status AND search_text LIKE … ORDER BY
    sort_key, id LIMIT 50) and its capped count (views.lists.CappedPaginator) read from the index
    alone: no heap row is read to filter by status or by search text, only the 50 shown. Also the
    export (same servant_list) and the foreign-key index of unit (OrgUnit PROTECT check).

  servant_active_sort_idx (sort_key, id) INCLUDE (unit_id, search_text) WHERE status = 'active'
    — replaces servant_status_sort_idx (status, sort_key). The province-wide list in name order
    (page 1 … N) and its search walk it in order and stop at the page (the trigram index would
    read every "nguyen" of the province first); its capped count walks it to the cap.

Dropped (no query looks rows up by them; the other indexes cover their first column)
  personnel_careerevent.servant_id — event_servant_date_idx (servant_id, effective_date) serves
    the timeline and every "events of a person" query.
  personnel_careerevent.created_by_id — no query filters events by their author.
  personnel_assignment.servant_id — assignment_servant_idx (servant_id, start_date).
  personnel_assignment.unit_id — assignment_unit_dates_idx (unit_id, start_date, end_date).
  personnel_assignment.job_position_id — no query; job positions are never deleted.
  personnel_salaryrecord.servant_id — salary_servant_idx (servant_id, start_date).
  personnel_salaryrecord.rank_id — no query (the timeline fetches ranks by their own key).
  personnel_civilservant.verified_by_id — no query filters records by their verifier.

Kept, with their queries
  personnel_civilservant: servant_code_unique, servant_national_id_unique (uniqueness; the import's
    look-up by code and ID number), account_id unique (one-to-one; self-service sign-in),
    servant_sort_idx (sort_key) (the list with status "all" or a status other than working),
    servant_retirement_idx (sex, date_of_birth) (selectors.retiring_between: retirement lists and
    forecast), servant_search_trgm (gin trigram, migration 0003: a search by code or ID number, or
    a rare name, over the whole province), rank_id (the list's rank filter; staffing by rank), job_position_id
    (a position's holders: staffing).
  personnel_careerevent: event_servant_date_idx (timeline, disciplines of a year, notices of a
    person), event_kind_date_idx (events of a kind over a period: reports, notices due),
    corrects_id (corrections__isnull: every "not corrected" filter, and the timeline).
  personnel_assignment: assignment_servant_idx (a person's history, "as of" lists by person),
    assignment_unit_dates_idx ("as of" lists of a unit: selectors._held_on, people_per_unit),
    event_id (the timeline's prefetch of each event's assignments).
  personnel_salaryrecord: salary_servant_idx (a person's salary history and next raise),
    event_id (the timeline's prefetch; correcting a salary event finds its row by event).
  core_auditentry (core's table, not changed here): audit_object_idx (a record's history),
    audit_unit_idx (the audit log of a unit), timestamp (the log by time), batch (an import's
    entries), actor_id (the log of one user); its content_type_id and unit_id indexes duplicate
    the first columns of audit_object_idx and audit_unit_idx and are left for a core migration.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_notifications'),
        ('personnel', '0008_record_parts'),
        ('positions', '0004_catalogue'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='civilservant',
            name='servant_unit_sort_idx',
        ),
        migrations.AlterField(
            model_name='assignment',
            name='job_position',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to='positions.jobposition', verbose_name='job position'),
        ),
        migrations.AlterField(
            model_name='assignment',
            name='servant',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to='personnel.civilservant'),
        ),
        migrations.AlterField(
            model_name='assignment',
            name='unit',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to='core.orgunit', verbose_name='unit'),
        ),
        migrations.AlterField(
            model_name='careerevent',
            name='created_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='careerevent',
            name='servant',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='personnel.civilservant'),
        ),
        migrations.AlterField(
            model_name='civilservant',
            name='verified_by',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='verified by'),
        ),
        migrations.AlterField(
            model_name='salaryrecord',
            name='rank',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='positions.rank', verbose_name='rank'),
        ),
        migrations.AlterField(
            model_name='salaryrecord',
            name='servant',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='salary_records', to='personnel.civilservant'),
        ),
        migrations.AddIndex(
            model_name='civilservant',
            index=models.Index(fields=['unit', 'sort_key', 'id'], include=('status', 'search_text'), name='servant_unit_list_idx'),
        ),
        migrations.RemoveIndex(
            model_name='civilservant',
            name='servant_status_sort_idx',
        ),
        migrations.AddIndex(
            model_name='civilservant',
            index=models.Index(condition=models.Q(('status', 'active')), fields=['sort_key', 'id'], include=('unit', 'search_text'), name='servant_active_sort_idx'),
        ),
    ]
