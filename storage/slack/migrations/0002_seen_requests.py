from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('slack', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SlackSeenRequestRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('digest', fields.CharField(unique=True, max_length=64)),
                ('team_id', fields.CharField(default='', max_length=32)),
                ('seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'slack_seen_requests', 'app': 'slack', 'indexes': [Index(fields=['seen_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
