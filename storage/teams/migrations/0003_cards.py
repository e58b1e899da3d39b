from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('cairn', '0001_initial'), ('cairn', '0002_due_time'), ('cairn', '0003_tenant_versions'), ('cairn', '0004_idempotency_keys'), ('teams', '0002_processed_keys')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TeamsCardRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('milestone_id', fields.IntField()),
                ('conversation_id', fields.CharField(max_length=255)),
                ('activity_id', fields.CharField(max_length=255)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'teams_cards', 'app': 'teams', 'unique_together': (('tenant_id', 'milestone_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
