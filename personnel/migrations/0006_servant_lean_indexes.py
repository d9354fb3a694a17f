"""Fewer indexes on personnel_civilservant, the same uniqueness.

Dropped: the B-tree and LIKE-prefix indexes of search_text (search is LIKE '%word%'; on PostgreSQL
only the trigram index of 0003, left untouched, serves it), the LIKE-prefix indexes PostgreSQL adds
to unique and indexed text columns (code, national_id, sort_key: no query filters them by prefix),
and the unit foreign-key index (servant_unit_sort_idx starts with unit_id). code and national_id
stay unique through named constraints; sort_key keeps a plain B-tree index for the full list.
"""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('personnel', '0005_salary_record_dates'),
        ('positions', '0004_catalogue'),
    ]

    operations = [
        migrations.AlterField(
            model_name='civilservant',
            name='code',
            field=models.CharField(max_length=32, verbose_name='employee code'),
        ),
        migrations.AlterField(
            model_name='civilservant',
            name='national_id',
            field=models.CharField(max_length=12, verbose_name='personal ID number'),
        ),
        migrations.AlterField(
            model_name='civilservant',
            name='search_text',
            field=models.CharField(editable=False, max_length=400),
        ),
        migrations.AlterField(
            model_name='civilservant',
            name='sort_key',
            field=models.CharField(editable=False, max_length=300),
        ),
        migrations.AlterField(
            model_name='civilservant',
            name='unit',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='servants', to='core.orgunit', verbose_name='unit'),
        ),
        migrations.AddIndex(
            model_name='civilservant',
            index=models.Index(fields=['sort_key'], name='servant_sort_idx'),
        ),
        migrations.AddConstraint(
            model_name='civilservant',
            constraint=models.UniqueConstraint(fields=('code',), name='servant_code_unique'),
        ),
        migrations.AddConstraint(
            model_name='civilservant',
            constraint=models.UniqueConstraint(fields=('national_id',), name='servant_national_id_unique'),
        ),
    ]
