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

#: An outage is over once the database answers and no failure follows for this long; failures
#: closer together (the stragglers of one kill, a flapping server) are one incident.
SETTLE_S = 2.0
#: While an incident lasts, a "still unreachable" line at most this often.
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
# The server is there but turns sessions away: trying again at once would not help.
_REFUSING = (
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    ConnectionRefusedError,
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


def killed(error: BaseException) -> bool:
    """Whether a connection, open or being opened, was closed under Cairn (a kill, a restart,
    the network), as opposed to the server refusing connections: another try may work at once.
    (asyncpg's "cannot switch to state ..." is its protocol thrown out of step by the server's
    last message on a killed connection, before it notices the connection is closed.)"""
    chain = list(_chain(error))
    if any(isinstance(e, asyncpg.exceptions.InternalClientError) for e in chain):
        return True
    return server_gone(error) and not any(isinstance(e, _REFUSING) for e in chain)


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
    said = f"{type(error).__name__}: {first}" if first else type(error).__name__
    if isinstance(error, (asyncpg.InterfaceError, asyncpg.exceptions.InternalClientError)):
        # asyncpg's words for a connection the server closed under it ("cannot switch to
        # state ...") say little to an operator.
        return f"the connection was closed ({said})"
    return said


class Outages:
    """The database's availability as this process sees it, one incident at a time.

    An incident opens with the first failure (one error line) and closes once the database has
    answered and no failure has followed for `settle_s` (one "back" line, stating how long it
    was out). Failures meanwhile, the stragglers of a mass kill or a flapping server, are part
    of it: they add a "still unreachable" line at most every `report_every_s`.
    """

    def __init__(self, where: str, *, settle_s: float = SETTLE_S,
                 report_every_s: float = REPORT_EVERY_S,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._where = where
        self._settle = settle_s
        self._every = report_every_s
        self._monotonic = monotonic
        self._started: float | None = None
        self._last_failure = 0.0
        self._answered: float | None = None
        self._last_report = 0.0
        self._failures = 0

    @property
    def down(self) -> bool:
        """Whether the last word from the database was a failure."""
        return self._started is not None and self._answered is None

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
        state = "locked by another connection" if sqlite_busy(error) else "unreachable"
        if self._started is None:
            self._started, self._failures, self._last_report = now, 0, now
            logger.error("database %s %s: %s; commands fail with a plain message and nothing "
                         "is saved until it answers again", self._where, state, reason(error))
        elif now - self._last_report >= self._every:
            self._last_report = now
            logger.error("database %s still %s after %s (%d failures): %s", self._where,
                         state, _duration(now - self._started), self._failures + 1,
                         reason(error))
        self._failures += 1
        self._last_failure, self._answered = now, None

    def reached(self) -> None:
        """The database answered: the incident ends once no failure follows for a while."""
        if self._started is None:
            return
        now = self._monotonic()
        if self._answered is None:
            self._answered = now
        if now - self._last_failure >= self._settle:
            logger.warning("database %s back after %s (%d failures meanwhile)", self._where,
                           _duration(self._answered - self._started), self._failures)
            self._started = None


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
