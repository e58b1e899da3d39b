from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('teams', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TeamsProcessedKeyRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=200)),
                ('tenant_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'teams_processed_keys', 'app': 'teams', 'indexes': [Index(fields=['created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
