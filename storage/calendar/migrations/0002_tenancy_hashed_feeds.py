"""One workspace per shared calendar, the installation's stored setup, and ICS feed tokens
kept only as their SHA-256.

Existing feeds keep working: each stored token is replaced by its hash, which is what an
address is looked up by now. Where several workspaces had chosen the same shared calendar, the
first keeps it and the others go back to the default (`calendar status` tells them why).
"""

import hashlib
from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


async def hash_feed_tokens(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    update = ("UPDATE calendar_feeds SET token_hash = $1 WHERE id = $2" if postgres
              else "UPDATE calendar_feeds SET token_hash = ? WHERE id = ?")
    for row in await client.execute_query_dict("SELECT id, token_hash FROM calendar_feeds"):
        token = row["token_hash"]  # still the token itself: the column was only renamed
        await client.execute_query(
            update, [hashlib.sha256(token.encode()).hexdigest(), row["id"]])


# Before a workspace's own calendar becomes unique: the first to choose one keeps it.
FIRST_CHOICE_KEEPS_IT = """
UPDATE calendar_settings SET calendar_id = NULL
WHERE calendar_id IS NOT NULL AND id NOT IN (
    SELECT MIN(id) FROM calendar_settings WHERE calendar_id IS NOT NULL GROUP BY calendar_id)
"""

class Migration(migrations.Migration):
    dependencies = [('cairn', '0003_tenant_versions'), ('calendar', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CalendarInstallationRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('public_url', fields.CharField(default='', max_length=500)),
                ('google', fields.BooleanField(default=False)),
                ('calendar_id', fields.CharField(default='', max_length=254)),
                ('calendar_tenant', fields.CharField(default='', max_length=80)),
                ('service_account', fields.CharField(default='', max_length=254)),
                ('push', fields.BooleanField(default=False)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('holder', fields.ForeignKeyField('cairn.TenantRow', source_field='holder_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'calendar_installation', 'app': 'calendar', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CalendarPlacementRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', unique=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('calendar_id', fields.CharField(default='', max_length=254)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calendar_placements', 'app': 'calendar', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RenameField(
            model_name='CalendarFeedRow',
            old_name='token',
            new_name='token_hash',
        ),
        ops.RunPython(hash_feed_tokens),
        ops.RunSQL(FIRST_CHOICE_KEEPS_IT),
        ops.AlterField(
            model_name='CalendarSettingsRow',
            name='calendar_id',
            field=fields.CharField(null=True, unique=True, max_length=254),
        ),
    ]
