"""Telling a database outage from a bug, and logging each outage once.

Driver errors that mean the database is not there (a refused, lost or killed connection, a server
shutting down or starting up, SQLite's write lock not granted in time) become
`core.errors.StorageUnavailable`, which every front end answers with a plain sentence. One outage
fails every request and job that touches the database; `Outages` turns that storm into one error
line when it starts (repeated at most once a minute while it lasts) and one line when the
database answers again, with no traceback: there is no bug to look at.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator

import asyncpg
from tortoise.exceptions import DBConnectionError

from core.errors import StorageUnavailable

logger = logging.getLogger(__name__)

#: At most one "database unreachable" line per this many seconds, however many failures.
REPORT_EVERY_S = 60.0

# The server went away or is refusing sessions: the connection is gone, not the query wrong.
_SERVER_GONE = (
    asyncpg.PostgresConnectionError,          # 08xxx: connection does not exist, failure ...
    asyncpg.exceptions.AdminShutdownError,    # 57P01: pg_terminate_backend, a fast shutdown
    asyncpg.exceptions.CrashShutdownError,    # 57P02
    asyncpg.exceptions.CannotConnectNowError,  # 57P03: starting up, shutting down
    asyncpg.exceptions.TooManyConnectionsError,
    ConnectionError,
    DBConnectionError,
)
# Raised while connecting (the pool opening a connection): any of these means "not reachable"
# (a refused or timed-out socket, a database not accepting connections, a bad password).
_CONNECTING = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError,
               asyncpg.exceptions.InternalClientError, DBConnectionError)


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and what it was raised from or during (tortoise wraps driver errors)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def server_gone(error: BaseException) -> bool:
    return any(isinstance(e, _SERVER_GONE) for e in _chain(error))


def unreachable(error: BaseException) -> bool:
    """For an error raised while connecting, or by a fixed query that cannot fail otherwise
    (`SELECT 1`, an advisory lock, a version read): whether it means "not reachable". (A
    connection killed mid-query can even leave asyncpg's protocol "in another operation".)"""
    return isinstance(error, _CONNECTING) or server_gone(error)


def sqlite_busy(error: BaseException) -> bool:
    """SQLite's "database is locked": another connection held the lock past the busy timeout."""
    for e in _chain(error):
        if isinstance(e, sqlite3.OperationalError) and (
                getattr(e, "sqlite_errorname", "").startswith("SQLITE_BUSY")
                or "database is locked" in str(e)):
            return True
    return False


def reason(error: BaseException) -> str:
    """One line naming what failed, for the log (driver messages carry no password)."""
    text = str(error).strip()
    first = text.splitlines()[0] if text else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


class Outages:
    """The database's availability as this process sees it, logged once per outage."""

    def __init__(self, where: str, *, report_every_s: float = REPORT_EVERY_S,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._where = where
        self._every = report_every_s
        self._monotonic = monotonic
        self._down_since: float | None = None
        self._reported = False
        self._last_report: float | None = None
        self._failures = 0
        self._unreported = 0

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def unavailable(self, error: BaseException, *, retry: bool = False,
                    maybe_saved: bool = False) -> StorageUnavailable:
        """Notes a failure caused by the database not being there; returns what to raise.

        `retry`: the connection died in use and nothing was committed (see StorageUnavailable).
        """
        self.note(error)
        if maybe_saved:
            message = StorageUnavailable.MAYBE_SAVED
        elif sqlite_busy(error):
            message = StorageUnavailable.BUSY
        else:
            message = StorageUnavailable.UNREACHABLE
        return StorageUnavailable(message, retry=retry, maybe_saved=maybe_saved)

    def note(self, error: BaseException) -> None:
        now = self._monotonic()
        if self._down_since is None:
            self._down_since, self._failures = now, 0
        self._failures += 1
        if self._last_report is not None and now - self._last_report < self._every:
            self._unreported += 1
            return
        state = "locked by another connection" if sqlite_busy(error) else "unreachable"
        if self._reported:
            logger.error("database %s still %s after %s (%d failures): %s", self._where, state,
                         _duration(now - self._down_since), self._failures, reason(error))
        else:
            earlier = (f"; {self._unreported} more failures since the last report"
                       if self._unreported else "")
            logger.error("database %s %s: %s; commands fail with a plain message and nothing "
                         "is saved until it answers again%s", self._where, state,
                         reason(error), earlier)
        self._reported, self._last_report, self._unreported = True, now, 0

    def reached(self) -> None:
        """The database answered: ends the outage (and says so, if its start was logged)."""
        if self._down_since is None:
            return
        if self._reported:
            logger.warning("database %s back after %s (%d failures meanwhile)", self._where,
                           _duration(self._monotonic() - self._down_since), self._failures)
        self._down_since, self._reported, self._failures = None, False, 0


def _duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


class PoolRetriesInOutages(logging.Filter):
    """asyncpg's pool reconnects in the background to keep its minimum size and logs every
    failed try with a traceback (`asyncpg.pool`). A try that failed because the database is not
    there counts towards the outage, which is logged once, instead."""

    FLOOR = "Failed to restore the pool connection floor"

    def __init__(self, outages: Outages) -> None:
        super().__init__()
        self._outages = outages

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and str(record.msg).startswith(self.FLOOR) and unreachable(error):
            self._outages.note(error)
            return False
        return True
