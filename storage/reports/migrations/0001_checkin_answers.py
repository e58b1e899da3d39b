"""The index a check-in request's answer is found by: a person's first check-in after it was
sent (`storage.reports.source`), without reading every check-in of the tenant."""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('cairn', '0003_tenant_versions')]

    initial = True

    operations = [
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS idx_progress_updates_author "
            "ON progress_updates (tenant_id, author_id, created_at)",
            reverse_sql="DROP INDEX IF EXISTS idx_progress_updates_author",
        ),
    ]
