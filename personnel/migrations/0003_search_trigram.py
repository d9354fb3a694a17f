"""PostgreSQL: a trigram index so "contains" searches on the diacritic-free search text use an index
over a million people. SQLite (one commune, thousands of rows) scans and needs nothing."""
import logging

from django.db import migrations

log = logging.getLogger(__name__)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            cursor.execute("SAVEPOINT trgm")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("RELEASE SAVEPOINT trgm")
        except Exception:  # noqa: BLE001 - a role without CREATE EXTENSION keeps working, slower
            cursor.execute("ROLLBACK TO SAVEPOINT trgm")
            log.warning("pg_trgm is not available: people search will scan instead of using an index")
            return
        cursor.execute("CREATE INDEX IF NOT EXISTS servant_search_trgm ON personnel_civilservant "
                       "USING gin (search_text gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS servant_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("personnel", "0002_initial")]
    operations = [migrations.RunPython(create, drop)]
