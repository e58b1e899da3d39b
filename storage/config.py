"""Database URLs and the tortoise configuration built from them.

`CONFIG` exists for tortoise's own CLI, which imports a configuration by name:

    python -m tortoise -c storage.config.CONFIG makemigrations

It points at an in-memory SQLite database because generating migrations needs the models, not a
server. The application applies migrations through `storage.database.Database.migrate`.
"""

from __future__ import annotations

import importlib
import urllib.parse
from typing import Any, Literal

from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import ConfigurationError

from storage.errors import StorageError

APP_LABEL = "cairn"

#: Every tortoise app of Cairn: label -> (models module, migrations package). A feature keeps its
#: tables in an app of its own (`storage/<feature>/models.py` + `.../migrations`), so features
#: built side by side never number their migrations alike. Apps that refer to others come later.
#: Each models module lists its tables, children first, as `TABLES`.
APPS: dict[str, tuple[str, str]] = {
    APP_LABEL: ("storage.models", "storage.migrations"),
    "calendar": ("storage.calendar.models", "storage.calendar.migrations"),
    "slack": ("storage.slack.models", "storage.slack.migrations"),
    "nudges": ("storage.nudges.models", "storage.nudges.migrations"),
    "teams": ("storage.teams.models", "storage.teams.migrations"),
    "scoring": ("storage.scoring.models", "storage.scoring.migrations"),
    "reports": ("storage.reports.models", "storage.reports.migrations"),
    "api": ("storage.api.models", "storage.api.migrations"),
    "webhooks": ("storage.webhooks.models", "storage.webhooks.migrations"),
    "linking": ("storage.linking.models", "storage.linking.migrations"),
}

Dialect = Literal["sqlite", "postgres"]

# Waits this long for another process's write lock before SQLite reports "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5000
# asyncpg pool: enough for the web handlers, the scheduler and a few background workers.
POSTGRES_POOL_MAX = 10
POSTGRES_CONNECT_TIMEOUT_S = 10


def normalise_url(url: str) -> str:
    """One spelling per backend: `postgresql://` becomes `postgres://`."""
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise StorageError(
            f"DATABASE_URL {redact(url)!r} is not a URL; "
            "use sqlite://cairn.sqlite3 or postgres://user:password@host:5432/cairn")
    scheme = scheme.lower()
    if scheme == "postgresql":
        scheme = "postgres"
    if scheme not in ("sqlite", "postgres"):
        raise StorageError(
            f"DATABASE_URL scheme {scheme!r} is not supported; use sqlite:// or postgres://")
    return f"{scheme}://{rest}"


def dialect_of(url: str) -> Dialect:
    return "sqlite" if normalise_url(url).startswith("sqlite://") else "postgres"


def redact(url: str) -> str:
    """The URL with its password replaced, fit for logs and error messages."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def connection_config(url: str) -> dict[str, Any]:
    url = normalise_url(url)
    try:
        config = expand_db_url(url)
    except ConfigurationError as error:
        raise StorageError(f"DATABASE_URL {redact(url)!r} is not usable: {error}") from error
    credentials = config["credentials"]
    if dialect_of(url) == "sqlite":
        # Each key becomes `PRAGMA key=value` on connect (journal_mode=WAL is tortoise's default).
        credentials.setdefault("busy_timeout", SQLITE_BUSY_TIMEOUT_MS)
    else:
        credentials.setdefault("maxsize", POSTGRES_POOL_MAX)
        credentials.setdefault("timeout", POSTGRES_CONNECT_TIMEOUT_S)
        credentials.setdefault("application_name", "cairn")
        credentials.setdefault("reset", keep_session)
    return config


async def keep_session(connection: Any) -> None:
    """The pool's reset of a connection given back, after asyncpg's own (which rolls back a
    transaction left open): nothing more, where asyncpg's default sends `RESET ALL`, `UNLISTEN *`,
    `CLOSE ALL` and `pg_advisory_unlock_all()`, a round trip on every unit of work. Cairn sets
    nothing for a session, listens on connections of its own, and whoever takes a session
    advisory lock on a pooled connection (`storage.exclusive`, the migrations) ends that
    session when it cannot be sure it unlocked."""


def connection_name(url: str) -> str:
    # Named after the dialect: tortoise caches each model's INSERT/UPDATE SQL per process by
    # connection name, so a process that opens SQLite and then PostgreSQL (the tests do) must
    # not find SQLite's `?` placeholders under the same name.
    return dialect_of(url)


def tortoise_config(url: str) -> dict[str, Any]:
    name = connection_name(url)
    return {
        "connections": {name: connection_config(url)},
        "apps": {
            label: {"models": [models], "default_connection": name, "migrations": migrations}
            for label, (models, migrations) in APPS.items()
        },
        "use_tz": True,
        "timezone": "UTC",
    }


CONFIG = tortoise_config("sqlite://:memory:")


def all_tables() -> tuple[str, ...]:
    """Every table of every app, the ones that refer to others first (safe to delete in order)."""
    tables: list[str] = []
    for models, _ in reversed(APPS.values()):
        tables += importlib.import_module(models).TABLES
    return tuple(tables)
