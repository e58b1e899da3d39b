from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('cairn', '0001_initial'), ('cairn', '0002_due_time')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TenantVersionRow',
            fields=[
                ('tenant_id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.BigIntField(default=0)),
            ],
            options={'table': 'tenant_versions', 'app': 'cairn', 'pk_attr': 'tenant_id', 'table_description': 'A number that grows with every committed write of a tenant: caches of what people read'},
            bases=['Model'],
        ),
    ]
