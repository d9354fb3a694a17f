"""The table behind the ``throttle`` cache when no Redis is configured (config/settings.py)."""
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # createcachetable makes only the tables of DatabaseCache aliases, and skips existing ones.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_security")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
