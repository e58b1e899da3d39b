from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('cairn', '0001_initial'), ('cairn', '0002_due_time'), ('cairn', '0003_tenant_versions')]

    initial = True

    operations = [
        ops.CreateModel(
            name='AwardRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('person_id', fields.IntField()),
                ('badge', fields.CharField(max_length=40)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('context', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'scoring_awards', 'app': 'scoring', 'unique_together': (('tenant_id', 'person_id', 'badge'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BadgeProgressRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField()),
                ('person_id', fields.IntField()),
                ('data', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'scoring_badge_progress', 'app': 'scoring', 'unique_together': (('tenant_id', 'person_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ChallengeRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=100)),
                ('name_key', fields.CharField(max_length=100)),
                ('starts', fields.DateField()),
                ('ends', fields.DateField()),
                ('kind', fields.CharField(max_length=10)),
                ('channel', fields.CharField(null=True, max_length=100)),
                ('rules', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('state', fields.CharField(max_length=10)),
                ('created_by', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'scoring_challenges', 'app': 'scoring', 'unique_together': (('tenant_id', 'name_key'),), 'indexes': [Index(fields=['tenant_id', 'state'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DayRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField()),
                ('challenge', fields.ForeignKeyField('scoring.ChallengeRow', source_field='challenge_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('person_id', fields.IntField()),
                ('day', fields.DateField()),
                ('points', fields.DecimalField(max_digits=14, decimal_places=2)),
            ],
            options={'table': 'scoring_days', 'app': 'scoring', 'unique_together': (('challenge_id', 'person_id', 'day'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EventRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('kind', fields.CharField(max_length=40)),
                ('data', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'scoring_events', 'app': 'scoring', 'indexes': [Index(fields=['tenant_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ItemRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField()),
                ('challenge', fields.ForeignKeyField('scoring.ChallengeRow', source_field='challenge_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('item_id', fields.IntField()),
                ('owner_id', fields.IntField()),
                ('record', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'scoring_items', 'app': 'scoring', 'unique_together': (('challenge_id', 'item_id'),), 'indexes': [Index(fields=['challenge_id', 'owner_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ParticipantRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('challenge', fields.ForeignKeyField('scoring.ChallengeRow', source_field='challenge_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=10)),
                ('ref_id', fields.IntField()),
            ],
            options={'table': 'scoring_participants', 'app': 'scoring', 'unique_together': (('challenge_id', 'kind', 'ref_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StreakRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField()),
                ('challenge', fields.ForeignKeyField('scoring.ChallengeRow', source_field='challenge_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('person_id', fields.IntField()),
                ('record', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'scoring_streaks', 'app': 'scoring', 'unique_together': (('challenge_id', 'person_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TallyRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField()),
                ('challenge', fields.ForeignKeyField('scoring.ChallengeRow', source_field='challenge_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('person_id', fields.IntField()),
                ('points', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('judged', fields.IntField()),
                ('on_time', fields.IntField()),
            ],
            options={'table': 'scoring_tallies', 'app': 'scoring', 'unique_together': (('challenge_id', 'person_id'),), 'indexes': [Index(fields=['challenge_id', 'points'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TeamRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=80)),
                ('name_key', fields.CharField(max_length=80)),
                ('created_by', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'scoring_teams', 'app': 'scoring', 'unique_together': (('tenant_id', 'name_key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TeamMemberRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('cairn.TenantRow', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('team', fields.ForeignKeyField('scoring.TeamRow', source_field='team_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user_id', fields.IntField()),
            ],
            options={'table': 'scoring_team_members', 'app': 'scoring', 'unique_together': (('team_id', 'user_id'),), 'indexes': [Index(fields=['tenant_id', 'user_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WeekRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.IntField()),
                ('challenge', fields.ForeignKeyField('scoring.ChallengeRow', source_field='challenge_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('week', fields.DateField()),
                ('ranks', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'scoring_weeks', 'app': 'scoring', 'unique_together': (('challenge_id', 'week'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
