from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('cairn', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='AskStateRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('milestone', fields.OneToOneField('cairn.MilestoneRow', source_field='milestone_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('unanswered', fields.SmallIntField(default=0)),
                ('last_asked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('asked_on', fields.DateField(null=True)),
                ('escalated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'nudge_ask_states', 'app': 'nudges', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeliveryRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user_id', fields.IntField()),
                ('channel', fields.CharField(default='', max_length=200)),
                ('kind', fields.CharField(max_length=20)),
                ('milestone_id', fields.IntField(default=0)),
                ('period', fields.CharField(max_length=40)),
                ('detail', fields.CharField(default='', max_length=80)),
                ('status', fields.CharField(default='pending', max_length=10)),
                ('not_before', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('routes_done', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('prepared', fields.BooleanField(default=False)),
                ('snoozed', fields.BooleanField(default=False)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'nudge_deliveries', 'app': 'nudges', 'unique_together': (('tenant', 'user_id', 'channel', 'kind', 'milestone_id', 'period'),), 'indexes': [Index(fields=['status', 'not_before'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MilestoneCadenceRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('milestone', fields.OneToOneField('cairn.MilestoneRow', source_field='milestone_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('weekday', fields.SmallIntField()),
                ('minute', fields.SmallIntField()),
                ('every_weeks', fields.SmallIntField(default=1)),
                ('anchor_week', fields.IntField(default=0)),
            ],
            options={'table': 'nudge_milestone_cadences', 'app': 'nudges', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PersonDayRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user', fields.OneToOneField('cairn.UserRow', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('swept_on', fields.DateField()),
            ],
            options={'table': 'nudge_people', 'app': 'nudges', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PersonPolicyRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user', fields.OneToOneField('cairn.UserRow', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('weekday', fields.SmallIntField(null=True)),
                ('minute', fields.SmallIntField(null=True)),
                ('every_weeks', fields.SmallIntField(null=True)),
                ('anchor_week', fields.IntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'nudge_person_policies', 'app': 'nudges', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReceiptRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('nudge', fields.ForeignKeyField('nudges.DeliveryRow', source_field='nudge_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user_id', fields.IntField()),
                ('notification_id', fields.IntField()),
            ],
            options={'table': 'nudge_receipts', 'app': 'nudges', 'indexes': [Index(fields=['user_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SnoozeRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('cairn.UserRow', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('milestone_id', fields.IntField(null=True)),
                ('until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'nudge_snoozes', 'app': 'nudges', 'indexes': [Index(fields=['user_id', 'until'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TeamPolicyRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.OneToOneField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('checkin_weekday', fields.SmallIntField(default=0)),
                ('checkin_minute', fields.SmallIntField(default=540)),
                ('every_weeks', fields.SmallIntField(default=1)),
                ('anchor_week', fields.IntField(default=0)),
                ('deadline_days', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('overdue_every', fields.SmallIntField(default=2)),
                ('digest_weekday', fields.SmallIntField(null=True)),
                ('digest_minute', fields.SmallIntField(default=960)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'nudge_team_policies', 'app': 'nudges', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VacationRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('cairn.UserRow', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('starts', fields.DateField()),
                ('ends', fields.DateField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'nudge_vacations', 'app': 'nudges', 'indexes': [Index(fields=['user_id', 'ends'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
