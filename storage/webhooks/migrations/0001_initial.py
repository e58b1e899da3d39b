from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('cairn', '0003_tenant_versions')]

    initial = True

    operations = [
        ops.CreateModel(
            name='WebhookEndpointRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('url', fields.CharField(max_length=2000)),
                ('events', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('secrets', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('description', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by_id', fields.IntField(null=True)),
                ('disabled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('disabled_reason', fields.CharField(default='', max_length=500)),
                ('consecutive_failures', fields.IntField(default=0)),
                ('failing_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_endpoints', 'app': 'webhooks', 'indexes': [Index(fields=['tenant_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookDeliveryRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField()),
                ('endpoint', fields.ForeignKeyField('webhooks.WebhookEndpointRow', source_field='endpoint_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('event_id', fields.CharField(max_length=64)),
                ('event_type', fields.CharField(max_length=40)),
                ('milestone_id', fields.IntField(null=True)),
                ('sequence', fields.BigIntField(default=0)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('state', fields.CharField(default='pending', max_length=12)),
                ('attempts', fields.IntField(default=0)),
                ('first_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(default='', max_length=300)),
                ('leased_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_deliveries', 'app': 'webhooks', 'unique_together': (('endpoint_id', 'event_id'),), 'indexes': [Index(fields=['state', 'due_at']), Index(fields=['endpoint_id', 'milestone_id', 'state'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookLogRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField()),
                ('endpoint', fields.ForeignKeyField('webhooks.WebhookEndpointRow', source_field='endpoint_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('event_id', fields.CharField(max_length=64)),
                ('event_type', fields.CharField(max_length=40)),
                ('attempt', fields.IntField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.IntField(null=True)),
                ('latency_ms', fields.IntField(default=0)),
                ('error', fields.CharField(default='', max_length=300)),
                ('response', fields.CharField(default='', max_length=500)),
                ('verdict', fields.CharField(max_length=12)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_log', 'app': 'webhooks', 'indexes': [Index(fields=['endpoint_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
