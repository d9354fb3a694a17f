from django.db import migrations


def load(apps, schema_editor):
    from positions import catalogue

    catalogue.load(apps)


class Migration(migrations.Migration):
    dependencies = [("positions", "0003_competency_leadershiptitle_jobposition_search_text_and_more")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
