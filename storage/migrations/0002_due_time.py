from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('cairn', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='MilestoneRow',
            name='due_minute',
            field=fields.SmallIntField(null=True),
        ),
    ]
