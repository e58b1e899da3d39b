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
            name='SlackCardMessageRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('milestone_id', fields.IntField()),
                ('channel', fields.CharField(max_length=32)),
                ('ts', fields.CharField(max_length=32)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'slack_card_messages', 'app': 'slack', 'unique_together': (('tenant', 'milestone_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SlackInstallationRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('enterprise_id', fields.CharField(default='', max_length=32)),
                ('team_id', fields.CharField(default='', max_length=32)),
                ('is_enterprise_install', fields.BooleanField(default=False)),
                ('installer_user_id', fields.CharField(default='', max_length=32)),
                ('data', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('secrets', fields.TextField(unique=False)),
                ('installed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'slack_installations', 'app': 'slack', 'unique_together': (('enterprise_id', 'team_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SlackMemberRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('cairn.UserRow', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('team_id', fields.CharField(max_length=32)),
                ('slack_user_id', fields.CharField(max_length=32)),
            ],
            options={'table': 'slack_members', 'app': 'slack', 'unique_together': (('team_id', 'slack_user_id'),), 'indexes': [Index(fields=['tenant_id', 'user_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SlackOAuthStateRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('state', fields.CharField(unique=True, max_length=200)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'slack_oauth_states', 'app': 'slack', 'indexes': [Index(fields=['expires_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SlackProcessedKeyRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=100)),
                ('tenant_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'slack_processed_keys', 'app': 'slack', 'indexes': [Index(fields=['created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SlackWorkspaceRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('enterprise_id', fields.CharField(default='', max_length=32)),
                ('team_id', fields.CharField(default='', max_length=32)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'slack_workspaces', 'app': 'slack', 'unique_together': (('enterprise_id', 'team_id'),), 'indexes': [Index(fields=['tenant_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
