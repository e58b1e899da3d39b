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
            name='ApiTokenRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('cairn.UserRow', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=60)),
                ('scopes', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('hint', fields.CharField(max_length=16)),
                ('created_by_id', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_tokens', 'app': 'api', 'indexes': [Index(fields=['tenant_id', 'user_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiRateRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token', fields.ForeignKeyField('api.ApiTokenRow', source_field='token_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('minute', fields.IntField()),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'api_rate_windows', 'app': 'api', 'unique_together': (('token_id', 'minute'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiReplyRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token', fields.ForeignKeyField('api.ApiTokenRow', source_field='token_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=255)),
                ('fingerprint', fields.CharField(max_length=64)),
                ('status', fields.IntField(default=0)),
                ('body', fields.TextField(default='', unique=False)),
                ('created', fields.BigIntField()),
            ],
            options={'table': 'api_replies', 'app': 'api', 'unique_together': (('token_id', 'key'),), 'indexes': [Index(fields=['created'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
