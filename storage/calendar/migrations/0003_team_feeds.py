"""ICS feeds of a team of people (`calendar feed "Sales"`): the team a feed follows."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('calendar', '0002_tenancy_hashed_feeds')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CalendarFeedRow',
            name='team_id',
            field=fields.IntField(null=True),
        ),
    ]
