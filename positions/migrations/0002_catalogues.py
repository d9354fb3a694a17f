from django.db import migrations


def load(apps, schema_editor):
    from positions import data

    data.load(apps)


class Migration(migrations.Migration):
    dependencies = [("positions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
