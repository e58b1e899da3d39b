"""The committed migrations and the models must agree: a model change without its migration
fails here (run `python -m tortoise -c storage.config.CONFIG makemigrations`)."""

from __future__ import annotations

from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from storage import Database
from storage.config import CONFIG, all_tables

TABLES = all_tables()


async def test_the_models_need_no_new_migration() -> None:
    apps_config = CONFIG["apps"]
    async with TortoiseContext() as context:
        await context.init(config=CONFIG, init_connections=False)
        assert context.apps is not None
        changes = await MigrationAutodetector(context.apps, apps_config).changes()
    assert [(w.name, [type(op).__name__ for op in w.operations]) for w in changes] == []


async def test_every_table_exists_after_migrating(database: Database) -> None:
    async with database.unit_of_work()() as tx:
        db = await tx.connection()
        for table in TABLES:
            await db.execute_query(f'SELECT COUNT(*) FROM "{table}"')


async def test_every_index_covers_real_columns(database: Database) -> None:
    # Tortoise writes index field names verbatim; SQLite accepts an unknown double-quoted name
    # as a string constant and would index that constant instead of the column.
    async with database.unit_of_work()() as tx:
        db = await tx.connection()
        if database.dialect == "sqlite":
            columns = {
                table: {row["name"] for row in await db.execute_query_dict(
                    f'PRAGMA table_info("{table}")')} for table in TABLES}
            for table in TABLES:
                for index in await db.execute_query_dict(f'PRAGMA index_list("{table}")'):
                    info = await db.execute_query_dict(f'PRAGMA index_info("{index["name"]}")')
                    assert info and all(row["name"] in columns[table] for row in info), index
        else:
            rows = await db.execute_query_dict(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
            named = {row["indexname"] for row in rows}
            # the filters the repositories lean on are indexed
            for wanted in ("tenant_id", "owner_id", "parent_id", "milestone_id", "read_at",
                           "next_attempt_at"):
                assert any(wanted in row["indexdef"] for row in rows), wanted
            assert len(named) >= len(TABLES)
