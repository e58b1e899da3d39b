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
            name='TeamsConversationReferenceRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('teams_tenant_id', fields.CharField(max_length=255)),
                ('conversation_id', fields.CharField(max_length=255)),
                ('kind', fields.CharField(max_length=20)),
                ('team_id', fields.CharField(default='', max_length=255)),
                ('name', fields.CharField(default='', max_length=200)),
                ('reference', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'teams_conversation_references', 'app': 'teams', 'unique_together': (('teams_tenant_id', 'conversation_id'),), 'indexes': [Index(fields=['tenant_id', 'conversation_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TeamsPersonalReferenceRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('cairn.UserRow', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('teams_tenant_id', fields.CharField(max_length=255)),
                ('aad_object_id', fields.CharField(max_length=255)),
                ('conversation_id', fields.CharField(max_length=255)),
                ('reference', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'teams_personal_references', 'app': 'teams', 'unique_together': (('teams_tenant_id', 'aad_object_id'),), 'indexes': [Index(fields=['tenant_id', 'user_id']), Index(fields=['teams_tenant_id', 'conversation_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TeamsTenantRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('teams_tenant_id', fields.CharField(unique=True, max_length=255)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'teams_tenants', 'app': 'teams', 'indexes': [Index(fields=['tenant_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
