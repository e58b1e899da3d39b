from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.fields.base import OnDelete

class Migration(migrations.Migration):
    dependencies = [('cairn', '0003_tenant_versions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='IdempotencyKeyRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=200)),
                ('command', fields.CharField(max_length=80)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'idempotency_keys', 'app': 'cairn', 'unique_together': (('tenant_id', 'key'),), 'pk_attr': 'id', 'table_description': 'A request carried out once, unique per tenant and key (`core.interactions.idempotency`).'},
            bases=['Model'],
        ),
    ]
