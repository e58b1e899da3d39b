"""Storage: the core's ports on tortoise-orm, for SQLite (the default) and PostgreSQL.

The composition root needs only this:

    database = await open_database(settings.database_url)      # migrates unless told not to
    uow = database.unit_of_work({"calendar": CALENDAR_VERBS})   # a core UnitOfWorkFactory
    ...
    await database.close()

`storage` imports `core` and tortoise, never `bots`, `integrations` or `wiring`.
"""

from storage.database import Database, open_database
from storage.errors import NotInTenant, StorageError, TenantRequired
from storage.migrate import Progress
from storage.unit_of_work import TortoiseUnitOfWork, TortoiseUnitOfWorkFactory

__all__ = [
    "Database",
    "NotInTenant",
    "Progress",
    "StorageError",
    "TenantRequired",
    "TortoiseUnitOfWork",
    "TortoiseUnitOfWorkFactory",
    "open_database",
]
