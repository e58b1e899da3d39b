"""The unit of work: one database transaction per use case call, scoped to one tenant.

`commit()` makes everything so far durable; anything done after it needs its own commit, and
leaving the `async with` block rolls back whatever was not committed, exactly like the in-memory
fake the core is tested with.

A database that is not there (unreachable, a connection killed, SQLite's write lock not granted)
fails the unit of work with `core.errors.StorageUnavailable`, never with the driver's error; its
`retry` is True only when the connection died in use and nothing was committed. The transaction
itself is `storage.transaction`'s.
"""

from __future__ import annotations

import contextvars
import itertools
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, cast

from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.base.client import BaseDBAsyncClient

from core.access.ports import AccessRepository
from core.calendar.ports import CalendarRepository
from core.errors import StorageUnavailable
from core.events import Event, payload
from core.interactions.concerned import audience_of
from core.linking.ports import LinkRepository
from core.model import TenantId
from core.nudges.forecast_alerts import forecast_and_alert
from core.nudges.ports import NudgeRepository
from core.people.reachability import ReachRecords
from core.ports import (
    ActivityRepository,
    CommentRepository,
    IdempotencyKeys,
    MilestoneRepository,
    NotificationRepository,
    Outbox,
    ProgressUpdateRepository,
    TenantRepository,
    UserRepository,
)
from core.scoring.feed import score
from core.scoring.ports import ForecastRecords
from core.scoring.recording import ScoringPorts
from core.webhooks.ports import WebhookEndpointRepository
from storage import raw_writes
from storage.api import TortoiseAccess
from storage.availability import Outages, killed, unreachable
from storage.calendar import TortoiseCalendar
from storage.config import Dialect
from storage.crash_points import crash_point
from storage.errors import NotInTenant, StorageError
from storage.feed import (
    TortoiseActivity,
    TortoiseComments,
    TortoiseNotifications,
    TortoiseProgressUpdates,
)
from storage.forecasts import TortoiseForecasts
from storage.idempotency import TortoiseIdempotencyKeys
from storage.linking import TortoiseLinks
from storage.linking.reach import TortoiseReach
from storage.mapping import utc
from storage.milestones import TortoiseMilestones
from storage.models import ActivityRow, OutboxRow
from storage.nudges.repository import TortoiseNudges
from storage.outbox import AUDIENCE_KEY, TortoiseOutbox
from storage.people import TortoiseTenants, TortoiseUsers
from storage.scoring.ports import scoring_ports
from storage.transaction import Transaction, transaction
from storage.versions import BUMP_VERSION
from storage.webhooks import TortoiseWebhookEndpoints
from storage.webhooks.sealing import SecretBox

Subscriptions = Mapping[str, Collection[str]]

# SQLite has one connection per process, so a unit of work waits for the one before it to end.
# Opening one inside another in the same task would wait forever: refuse it instead.
_open_on_sqlite: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "cairn_open_sqlite_unit_of_work", default=False)


# The tenant's version moves on last in every commit (so the version row is never held while
# waiting for another lock); on PostgreSQL the same statement returns the transaction's id, which
# settles a COMMIT whose connection died (`storage.transaction`).
_BUMP_RETURNING_XID = BUMP_VERSION["postgres"] + " RETURNING txid_current() AS xid"


class TortoiseUnitOfWork:
    def __init__(
        self,
        client: BaseDBAsyncClient,
        dialect: Dialect,
        tenant_id: TenantId | None,
        subscriptions: Subscriptions,
        is_open: Callable[[], bool],
        outages: Outages,
        audiences: frozenset[str] = frozenset(),
        secret_box: SecretBox | None = None,
    ) -> None:
        self._client = client
        self._is_open = is_open
        self._outages = outages
        self._dialect: Dialect = dialect
        self._tenant_id = tenant_id
        self._subscriptions = subscriptions
        self._audiences = audiences
        self._transaction: Transaction | None = None
        self._connection: BaseDBAsyncClient | None = None
        self._entered = False
        self._nesting_token: contextvars.Token[bool] | None = None
        # Typed as the ports: the core's UnitOfWork protocol declares them as attributes.
        self.tenants: TenantRepository = TortoiseTenants(self)
        self.users: UserRepository = TortoiseUsers(self)
        self._milestone_rows = TortoiseMilestones(self)
        self.milestones: MilestoneRepository = self._milestone_rows
        self._update_rows = TortoiseProgressUpdates(self)
        self.updates: ProgressUpdateRepository = self._update_rows
        self.comments: CommentRepository = TortoiseComments(self)
        self.activity: ActivityRepository = TortoiseActivity(self)
        self.notifications: NotificationRepository = TortoiseNotifications(self)
        self.outbox: Outbox = TortoiseOutbox(self)
        self.calendar: CalendarRepository = TortoiseCalendar(self)
        self.nudges: NudgeRepository = TortoiseNudges(self)
        self.scoring: ScoringPorts = scoring_ports(self)
        self.forecasts: ForecastRecords = TortoiseForecasts(self)
        self.access: AccessRepository = TortoiseAccess(self)
        self.webhooks: WebhookEndpointRepository = TortoiseWebhookEndpoints(self, secret_box)
        self.links: LinkRepository = TortoiseLinks(self)
        self.reach: ReachRecords = TortoiseReach(self)
        self._keys = TortoiseIdempotencyKeys(self)
        self.idempotency: IdempotencyKeys = self._keys

    @property
    def tenant_id(self) -> TenantId | None:
        return self._tenant_id

    @property
    def dialect(self) -> Dialect:
        return self._dialect

    async def connection(self) -> BaseDBAsyncClient:
        if not self._entered:
            raise RuntimeError("use the unit of work inside `async with`")
        if self._connection is None:
            await self._begin()
        assert self._connection is not None
        return self._connection

    async def _begin(self) -> None:
        # Its own connection from the root client, never a savepoint of a unit of work that
        # happens to be open in the same task.
        opening = transaction(self._client, self._dialect, self._outages)
        self._connection = await opening.begin()
        self._transaction = opening

    async def _end(self, commit: bool) -> None:
        ending, connection = self._transaction, self._connection
        self._transaction = self._connection = None
        self._milestone_rows.forget_known()
        self._update_rows.forget_known()
        claimed, self._keys.claimed_now = self._keys.claimed_now, False
        if ending is None:
            return
        if not commit:
            await ending.rollback()
            return
        xid: int | None = None
        # A unit of work that wrote nothing changed nothing: the version stays (and on
        # PostgreSQL no transaction was ever begun, `storage.lazy_begin`).
        if self._tenant_id is not None and connection is not None and ending.wrote:
            try:
                xid = await self._bump_version(connection, self._tenant_id)
            except BaseException as error:
                unavailable = ending.unavailable(error)
                await ending.rollback()
                if unavailable is not None:
                    raise unavailable from error
                raise
        await ending.commit(xid)
        if claimed:
            crash_point("idempotency-committed")

    async def _bump_version(self, connection: BaseDBAsyncClient, tenant_id: TenantId
                            ) -> int | None:
        if self._dialect == "postgres":
            rows = await connection.execute_query_dict(_BUMP_RETURNING_XID, [tenant_id])
            return int(rows[0]["xid"])
        await connection.execute_query(BUMP_VERSION[self._dialect], [tenant_id])
        return None

    async def publish(self, event: Event) -> None:
        """One activity entry, and one outbox row per consumer subscribed to the event's verb,
        carrying who the change concerns for the consumers that asked for it."""
        if self._tenant_id is not None and event.tenant_id != self._tenant_id:
            raise NotInTenant("event of tenant", event.tenant_id, self._tenant_id)
        db = await self.connection()
        data = payload(event)
        at = utc(event.at)
        sql, params = raw_writes.insert(self._dialect, ActivityRow, {
            "tenant_id": event.tenant_id, "milestone_id": event.milestone_id,
            "actor_id": event.actor_id, "verb": event.verb, "data": data, "created_at": at})
        await db.execute_query_dict(sql, params)
        consumers = [name for name, verbs in self._subscriptions.items() if event.verb in verbs]
        if consumers:
            told = data
            if any(name in self._audiences for name in consumers):
                told = {**data, AUDIENCE_KEY: (await audience_of(self, event)).data()}
            await OutboxRow.bulk_create([
                OutboxRow(consumer=name, tenant_id=event.tenant_id, verb=event.verb,
                          payload=told if name in self._audiences else data,
                          milestone_id=event.milestone_id,
                          actor_id=event.actor_id, occurred_at=at, attempts=0,
                          next_attempt_at=at, last_error="")
                for name in consumers], using_db=db)
        await score(self, event)  # the points move in this transaction, whoever made the change
        await forecast_and_alert(self, event)  # and the forecast is made anew, as it stood then

    async def commit(self) -> None:
        await self._end(commit=True)

    async def __aenter__(self) -> Self:
        if self._entered:
            raise RuntimeError("a unit of work is entered once; open a new one")
        if not self._is_open():
            # Tortoise would quietly open a new pool on a closed client.
            raise StorageError("the database is closed")
        if self._dialect == "sqlite":
            if _open_on_sqlite.get():
                raise RuntimeError(
                    "a unit of work is already open in this task; on SQLite they cannot nest")
            self._nesting_token = _open_on_sqlite.set(True)
        self._entered = True
        try:
            await self._begin()
        except BaseException:
            self._release_nesting()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        unavailable = None
        try:
            if (self._transaction is not None and isinstance(exc, Exception)
                    and not isinstance(exc, StorageUnavailable)):
                # Judged before the rollback gives the connection back.
                unavailable = self._transaction.unavailable(exc)
            await self._end(commit=False)
        finally:
            self._release_nesting()
        if unavailable is not None:
            raise unavailable from exc

    def _release_nesting(self) -> None:
        if self._nesting_token is not None:
            _open_on_sqlite.reset(self._nesting_token)
            self._nesting_token = None


class TortoiseUnitOfWorkFactory:
    """Makes units of work on one database; `subscriptions` maps each outbox consumer to the
    event verbs it wants; the consumers in `audiences` also get who each change concerns."""

    def __init__(self, client: BaseDBAsyncClient, dialect: Dialect,
                 subscriptions: Subscriptions, is_open: Callable[[], bool],
                 outages: Outages | None = None, audiences: Collection[str] = (),
                 secret_box: SecretBox | None = None) -> None:
        self._client = client
        self._secret_box = secret_box
        self._outages = outages or Outages(dialect)
        self._dialect: Dialect = dialect
        self._is_open = is_open
        self._subscriptions = {name: frozenset(verbs) for name, verbs in subscriptions.items()}
        self._audiences = frozenset(audiences)

    def __call__(self, tenant_id: TenantId | None = None) -> TortoiseUnitOfWork:
        return TortoiseUnitOfWork(self._client, self._dialect, tenant_id, self._subscriptions,
                                  self._is_open, self._outages, self._audiences,
                                  self._secret_box)

    async def one_statement(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        """One statement (`?` placeholders) that is a transaction by itself, outside any unit
        of work: on PostgreSQL it runs in autocommit, without the round trips of BEGIN and
        COMMIT (an edge's replay record, on every request's path)."""
        if self._dialect == "sqlite":  # one connection per process: queue like the rest
            async with self() as tx:
                rows = await (await tx.connection()).execute_query_dict(sql, list(params))
                await tx.commit()
            return rows
        if not self._is_open():
            raise StorageError("the database is closed")
        numbers = itertools.count(1)
        client = cast(AsyncpgDBClient, self._client)
        try:
            # The pool itself, not tortoise's client: that one reconnects on its own errors.
            if client._pool is None:
                async with client._pool_init_lock:
                    if client._pool is None:
                        await client.create_connection(with_db=True)
            assert client._pool is not None
            connection = await client._pool.acquire()
            try:
                found = await connection.fetch(
                    re.sub(r"\?", lambda _: f"${next(numbers)}", sql), *params)
            except BaseException:
                connection.terminate()  # cancelled or failed: never handed out again
                raise
            finally:
                await client._pool.release(connection)
            rows = [dict(row) for row in found]
        except Exception as error:
            if unreachable(error) or killed(error):
                raise self._outages.unavailable(error) from error
            raise
        self._outages.reached()
        return rows
