"""The weekly report schedules, and a tenant's check-ins in time order (read a page after
another by `storage.reports.source`)."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('reports', '0001_checkin_answers')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ReportScheduleRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.OneToOneField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharField(max_length=200)),
                ('weekday', fields.SmallIntField()),
                ('minute', fields.SmallIntField()),
                ('created_by', fields.IntField()),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('period', fields.CharField(default='', max_length=20)),
            ],
            options={'table': 'report_schedules', 'app': 'reports', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS idx_progress_updates_tenant_time "
            "ON progress_updates (tenant_id, created_at, id)",
            reverse_sql="DROP INDEX IF EXISTS idx_progress_updates_tenant_time",
        ),
    ]
