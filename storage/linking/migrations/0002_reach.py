from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('cairn', '0001_initial'), ('cairn', '0002_due_time'), ('cairn', '0003_tenant_versions'), ('cairn', '0004_idempotency_keys'), ('linking', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ReachRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField()),
                ('user', fields.ForeignKeyField('cairn.UserRow', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('platform', fields.CharField(max_length=20)),
                ('reason', fields.CharField(max_length=300)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'person_reach', 'app': 'linking', 'unique_together': (('user_id', 'platform'),), 'indexes': [Index(fields=['tenant_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
