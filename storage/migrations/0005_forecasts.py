from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('cairn', '0004_idempotency_keys')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ForecastRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('milestone', fields.ForeignKeyField('cairn.MilestoneRow', source_field='milestone_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('made_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('method', fields.CharField(max_length=20)),
                ('p50', fields.DateField(null=True)),
                ('p85', fields.DateField(null=True)),
                ('chance', fields.FloatField(null=True)),
                ('due', fields.DateField(null=True)),
            ],
            options={'table': 'forecasts', 'app': 'cairn', 'indexes': [Index(fields=['milestone_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A forecast as it was made (`core.scoring.forecast_records`), one row per forecast.'},
            bases=['Model'],
        ),
    ]
