from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('cairn', '0002_due_time')]

    initial = True

    operations = [
        ops.CreateModel(
            name='CalendarChannelRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('channel_id', fields.CharField(unique=True, max_length=64)),
                ('calendar_id', fields.CharField(max_length=254)),
                ('subject', fields.CharField(default='', max_length=254)),
                ('token', fields.CharField(max_length=128)),
                ('resource_id', fields.CharField(default='', max_length=200)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('stopped_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calendar_channels', 'app': 'calendar', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CalendarFeedRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('token', fields.CharField(unique=True, max_length=64)),
                ('scope', fields.CharField(max_length=10)),
                ('created_by', fields.ForeignKeyField('cairn.UserRow', source_field='created_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user_id', fields.IntField(null=True)),
                ('root_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calendar_feeds', 'app': 'calendar', 'indexes': [Index(fields=['tenant_id', 'created_by_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CalendarLinkRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('milestone', fields.ForeignKeyField('cairn.MilestoneRow', source_field='milestone_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('calendar_id', fields.CharField(max_length=254)),
                ('subject', fields.CharField(default='', max_length=254)),
                ('event_id', fields.CharField(max_length=100)),
                ('etag', fields.CharField(default='', max_length=100)),
                ('written_when', fields.CharField(default='', max_length=100)),
                ('digest', fields.CharField(default='', max_length=64)),
                ('deleted', fields.BooleanField(default=False)),
                ('stale', fields.BooleanField(default=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calendar_links', 'app': 'calendar', 'unique_together': (('milestone', 'calendar_id', 'subject'),), 'indexes': [Index(fields=['calendar_id', 'subject', 'event_id']), Index(fields=['tenant_id', 'updated_at']), Index(fields=['stale'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CalendarSettingsRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', unique=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('enabled', fields.BooleanField(default=True)),
                ('kinds', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('owner_calendars', fields.BooleanField(default=False)),
                ('calendar_id', fields.CharField(null=True, max_length=254)),
                ('updated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calendar_settings', 'app': 'calendar', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CalendarSyncRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('calendar_id', fields.CharField(max_length=254)),
                ('subject', fields.CharField(default='', max_length=254)),
                ('sync_token', fields.TextField(null=True, unique=False)),
                ('synced_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('error', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'calendar_sync', 'app': 'calendar', 'unique_together': (('calendar_id', 'subject'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
