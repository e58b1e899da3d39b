"""In-memory fakes of the core's ports. The repository contract tests keep them honest."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from core.events import Event, payload, restore
from core.history import Activity, Comment, Notification, ProgressUpdate
from core.interactions.concerned import audience_of
from core.model import Milestone, MilestoneId, Status, TenantId, UserId
from core.nudges.forecast_alerts import forecast_and_alert
from core.ports import MilestoneFilter, OutboxMessage, RollupNode
from core.scoring.feed import score
from core.scoring.forecast_records import StoredForecast
from core.scoring.recording import ScoringPorts
from core.tenancy import Tenant, User
from tests.fakes_access import FakeAccess, FakeWebhookEndpoints
from tests.fakes_calendar import FakeCalendar
from tests.fakes_linking import FakeLinks, FakeReach
from tests.fakes_nudges import FakeNudges, NudgeState
from tests.fakes_scoring import FakeScoring, ScoringState


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, now: datetime | str = "2026-11-23T09:00:00+00:00") -> None:
        self._now = datetime.fromisoformat(now) if isinstance(now, str) else now
        assert self._now.tzinfo is not None

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime | str) -> None:
        self._now = datetime.fromisoformat(now) if isinstance(now, str) else now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


@dataclass
class _State:
    tenants: dict[int, Tenant] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    identities: dict[str, int] = field(default_factory=dict)
    milestones: dict[int, Milestone] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    updates: dict[int, ProgressUpdate] = field(default_factory=dict)
    forecasts: dict[int, StoredForecast] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    activity: dict[int, Activity] = field(default_factory=dict)
    notifications: dict[int, Notification] = field(default_factory=dict)
    outbox: dict[int, dict[str, Any]] = field(default_factory=dict)
    numbers: dict[int, int] = field(default_factory=dict)
    versions: dict[int, int] = field(default_factory=dict)
    calendar: dict[str, Any] = field(default_factory=dict)  # tables of FakeCalendar
    nudges: NudgeState = field(default_factory=NudgeState)
    scoring: dict[int | None, ScoringState] = field(default_factory=dict)
    access: dict[str, Any] = field(default_factory=dict)  # tables of FakeAccess
    webhooks: Any = None  # an InMemoryWebhooks, made on first use
    linking: dict[str, Any] = field(default_factory=dict)  # tables of FakeLinks
    #: (tenant, key) -> (command, claimed at)
    keys: dict[tuple[int, str], tuple[str, datetime]] = field(default_factory=dict)
    ids: int = 0

    def next_id(self) -> int:
        self.ids += 1
        return self.ids


class InMemoryStore:
    """The whole database of a fake; share one between units of work."""

    def __init__(self, subscriptions: Mapping[str, Collection[str]] | None = None,
                 audiences: Collection[str] = ()) -> None:
        self.state = _State()
        self.subscriptions = dict(subscriptions or {})
        self.audiences = frozenset(audiences)

    def uow(self, tenant_id: TenantId | None = None) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self, tenant_id)

    def versions(self) -> FakeTenantVersions:
        return FakeTenantVersions(self)


class FakeTenantVersions:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    async def current(self, tenant_id: TenantId) -> int:
        return self._store.state.versions.get(tenant_id, 0)


T = TypeVar("T")


def _copy(value: T) -> T:
    return copy.deepcopy(value)


class _Scoped:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def s(self) -> _State:
        return self._uow.store.state

    @property
    def tenant_id(self) -> TenantId:
        if self._uow.tenant_id is None:
            raise RuntimeError("this unit of work has no tenant")
        return self._uow.tenant_id


class FakeTenants(_Scoped):
    def _visible(self, tenant_id: TenantId | None) -> bool:
        return self._uow.tenant_id is None or tenant_id == self._uow.tenant_id

    async def get(self, tenant_id: TenantId) -> Tenant | None:
        return _copy(self.s.tenants.get(tenant_id)) if self._visible(tenant_id) else None

    async def by_slug(self, slug: str) -> Tenant | None:
        return _copy(next((t for t in self.s.tenants.values()
                           if t.slug == slug and self._visible(t.id)), None))

    async def add(self, tenant: Tenant) -> Tenant:
        tenant = _copy(tenant)
        tenant.id = TenantId(self.s.next_id())
        self.s.tenants[tenant.id] = tenant
        return _copy(tenant)

    async def save(self, tenant: Tenant) -> None:
        assert tenant.id is not None and self._visible(tenant.id)
        self.s.tenants[tenant.id] = _copy(tenant)

    async def next_number(self, tenant_id: TenantId) -> int:
        assert self._visible(tenant_id)
        self.s.numbers[tenant_id] = self.s.numbers.get(tenant_id, 0) + 1
        return self.s.numbers[tenant_id]


class FakeUsers(_Scoped):
    def _mine(self) -> list[User]:
        return [u for u in self.s.users.values() if u.tenant_id == self.tenant_id]

    async def get(self, user_id: UserId) -> User | None:
        user = self.s.users.get(user_id)
        return _copy(user) if user and user.tenant_id == self.tenant_id else None

    async def get_many(self, user_ids: Collection[UserId]) -> dict[UserId, User]:
        return {u.id: _copy(u) for u in self._mine() if u.id in user_ids}  # type: ignore[misc]

    async def by_handle(self, handle: str) -> User | None:
        return _copy(next((u for u in self._mine() if u.handle == handle.lower()), None))

    async def by_identity(self, key: str) -> User | None:
        user_id = self.s.identities.get(key)
        return await self.get(UserId(user_id)) if user_id is not None else None

    async def link_identity(self, user_id: UserId, key: str) -> None:
        assert await self.get(user_id) is not None
        linked = self.s.identities.get(key)
        if linked is not None and self.s.users[linked].tenant_id != self.tenant_id:
            raise ValueError(f"identity {key} belongs to another workspace")
        self.s.identities[key] = user_id

    async def all(self) -> list[User]:
        return _copy(sorted(self._mine(), key=lambda u: u.handle))

    async def count(self) -> int:
        return len(self._mine())

    async def add(self, user: User) -> User:
        assert user.tenant_id == self.tenant_id
        if any(u.handle == user.handle for u in self._mine()):
            raise ValueError(f"handle {user.handle} taken")
        user = _copy(user)
        user.id = UserId(self.s.next_id())
        self.s.users[user.id] = user
        return _copy(user)

    async def save(self, user: User) -> None:
        assert user.id is not None and user.tenant_id == self.tenant_id
        assert await self.get(user.id) is not None
        self.s.users[user.id] = _copy(user)


class FakeMilestones(_Scoped):
    def _mine(self) -> list[Milestone]:
        return [m for m in self.s.milestones.values()
                if m.tenant_id == self.tenant_id and m.id not in self.s.deleted]

    async def get(self, milestone_id: MilestoneId, *, lock: bool = False) -> Milestone | None:
        return _copy(next((m for m in self._mine() if m.id == milestone_id), None))

    async def by_number(self, number: int, *, lock: bool = False) -> Milestone | None:
        return _copy(next((m for m in self._mine() if m.number == number), None))

    async def add(self, milestone: Milestone) -> Milestone:
        assert milestone.tenant_id == self.tenant_id
        milestone = _copy(milestone)
        milestone.id = MilestoneId(self.s.next_id())
        self.s.milestones[milestone.id] = milestone
        return _copy(milestone)

    async def save(self, milestone: Milestone) -> None:
        assert milestone.id is not None and milestone.tenant_id == self.tenant_id
        assert await self.get(milestone.id) is not None
        self.s.milestones[milestone.id] = _copy(milestone)

    async def ancestry(self, milestone_id: MilestoneId) -> list[RollupNode]:
        chain: list[RollupNode] = []
        mine = {m.id: m for m in self._mine()}
        current = mine.get(milestone_id)
        while current is not None and current.id is not None and len(chain) < 64:
            counted = [c for c in mine.values()
                       if c.parent_id == current.id and c.status != Status.CANCELLED]
            chain.append(RollupNode(
                id=current.id, parent_id=current.parent_id, progress=current.progress,
                weight=current.weight, status=current.status,
                children_weighted=sum(c.progress * c.weight for c in counted),
                children_weight=sum(c.weight for c in counted)))
            current = mine.get(current.parent_id) if current.parent_id is not None else None
        return chain

    async def write_rollups(self, changes: Mapping[MilestoneId, tuple[int, Status]],
                            at: datetime) -> None:
        for milestone_id, (progress, status) in changes.items():
            m = self.s.milestones[milestone_id]
            assert m.tenant_id == self.tenant_id and milestone_id not in self.s.deleted
            m.progress, m.status = progress, status
            m.last_update_at = m.updated_at = at

    async def delete(self, milestone_id: MilestoneId) -> None:
        assert await self.get(milestone_id) is not None
        self.s.deleted.add(milestone_id)

    async def find(self, query: MilestoneFilter) -> list[Milestone]:
        found = []
        for m in self._mine():
            if query.ids is not None and m.id not in query.ids:
                continue
            if query.owner_id is not None and m.owner_id != query.owner_id:
                continue
            if query.involving is not None and not m.involves(query.involving):
                continue
            if query.parent_id is not None and m.parent_id != query.parent_id:
                continue
            if query.open_only and not m.is_open:
                continue
            if query.due_before is not None and not (m.due_date and m.due_date < query.due_before):
                continue
            if query.statuses is not None and m.status not in query.statuses:
                continue
            if query.tag is not None and query.tag.strip().lstrip("#").lower() not in (
                    t.lower() for t in m.tags):
                continue
            if query.text is not None and not all(
                    w.lower() in f"{m.title} {m.description}".lower() for w in query.text.split()):
                continue
            if query.stale_before is not None and (m.last_update_at or m.created_at) >= (
                    query.stale_before):
                continue
            found.append(m)
        found.sort(key=lambda m: m.number)
        return _copy(found[: query.limit] if query.limit else found)

    async def count_active(self) -> int:
        return sum(1 for m in self._mine() if m.is_open)

    async def descendant_ids(self, milestone_id: MilestoneId) -> list[MilestoneId]:
        found: list[MilestoneId] = []
        frontier = [milestone_id]
        while frontier:
            children = [m.id for m in self._mine() if m.parent_id in frontier]
            found += [c for c in children if c is not None]
            frontier = [c for c in children if c is not None]
        return found

    async def children_rollup(self, parent_id: MilestoneId) -> tuple[int, int] | None:
        children = [m for m in self._mine() if m.parent_id == parent_id]
        if not children:
            return None
        counted = [m for m in children if m.status != Status.CANCELLED]
        return (sum(m.progress * m.weight for m in counted), sum(m.weight for m in counted))


class _Rows(_Scoped, Generic[T]):
    table: str

    def _rows(self) -> dict[int, Any]:
        return getattr(self.s, self.table)  # type: ignore[no-any-return]

    async def add(self, row: T) -> T:
        row = _copy(row)
        assert row.tenant_id == self.tenant_id  # type: ignore[attr-defined]
        row.id = self.s.next_id()  # type: ignore[attr-defined]
        self._rows()[row.id] = row  # type: ignore[attr-defined]
        return _copy(row)


class FakeUpdates(_Rows[ProgressUpdate]):
    table = "updates"

    async def recent(self, milestone_id: MilestoneId, limit: int) -> list[ProgressUpdate]:
        rows = [u for u in self.s.updates.values()
                if u.milestone_id == milestone_id and u.tenant_id == self.tenant_id]
        return _copy(sorted(rows, key=lambda u: (u.created_at, u.id), reverse=True)[:limit])

    async def history(self, milestone_ids: Collection[MilestoneId], since: datetime
                      ) -> dict[MilestoneId, list[ProgressUpdate]]:
        found: dict[MilestoneId, list[ProgressUpdate]] = {}
        for u in sorted(self.s.updates.values(), key=lambda u: (u.created_at, u.id)):
            if (u.tenant_id == self.tenant_id and u.milestone_id in milestone_ids
                    and u.created_at >= since):
                found.setdefault(u.milestone_id, []).append(_copy(u))
        return found


class FakeForecasts(_Scoped):
    async def add(self, forecast: StoredForecast) -> StoredForecast:
        assert forecast.tenant_id == self.tenant_id
        stored = dataclasses.replace(forecast, id=self.s.next_id())
        assert stored.id is not None
        self.s.forecasts[stored.id] = stored
        return stored

    async def latest(self, milestone_ids: Collection[MilestoneId]
                     ) -> dict[MilestoneId, StoredForecast]:
        found: dict[MilestoneId, StoredForecast] = {}
        for f in sorted(self.s.forecasts.values(), key=lambda f: f.id or 0):
            if f.tenant_id == self.tenant_id and f.milestone_id in milestone_ids:
                found[f.milestone_id] = f
        return found


class FakeComments(_Rows[Comment]):
    table = "comments"

    async def recent(self, milestone_id: MilestoneId, limit: int) -> list[Comment]:
        rows = [c for c in self.s.comments.values()
                if c.milestone_id == milestone_id and c.tenant_id == self.tenant_id]
        return _copy(sorted(rows, key=lambda c: (c.created_at, c.id), reverse=True)[:limit])


class FakeActivity(_Scoped):
    async def recent(self, *, milestone_id: MilestoneId | None = None, limit: int = 20,
                     before_id: int | None = None) -> list[Activity]:
        rows = [a for a in self.s.activity.values() if a.tenant_id == self.tenant_id
                and (milestone_id is None or a.milestone_id == milestone_id)
                and (before_id is None or (a.id or 0) < before_id)]
        return _copy(sorted(rows, key=lambda a: (a.created_at, a.id), reverse=True)[:limit])


class FakeNotifications(_Rows[Notification]):
    table = "notifications"

    def _for(self, user_id: UserId) -> list[Notification]:
        return [n for n in self.s.notifications.values()
                if n.user_id == user_id and n.tenant_id == self.tenant_id]

    async def for_user(self, user_id: UserId, *, limit: int = 20, unread_only: bool = False
                       ) -> list[Notification]:
        rows = [n for n in self._for(user_id) if n.unread or not unread_only]
        return _copy(sorted(rows, key=lambda n: (n.created_at, n.id), reverse=True)[:limit])

    async def unread_count(self, user_id: UserId) -> int:
        return sum(1 for n in self._for(user_id) if n.unread)

    async def mark_read(self, user_id: UserId, at: datetime) -> int:
        unread = [n for n in self._for(user_id) if n.unread]
        for n in unread:
            n.read_at = at
        return len(unread)


class FakeOutbox(_Scoped):
    def _mine(self, row: dict[str, Any]) -> bool:
        return self._uow.tenant_id is None or row["tenant_id"] == self._uow.tenant_id

    async def claim(self, consumer: str, *, now: datetime, limit: int) -> list[OutboxMessage]:
        due = [(i, r) for i, r in sorted(self.s.outbox.items())
               if r["consumer"] == consumer and r["done"] is None and r["next"] <= now
               and self._mine(r)][:limit]
        messages = []
        for i, row in due:
            row["attempts"] += 1
            row["next"] = now + timedelta(minutes=5)
            messages.append(OutboxMessage(id=i, tenant_id=row["tenant_id"], consumer=consumer,
                                          event=row["event"], attempts=row["attempts"],
                                          audience=row.get("audience")))
        return messages

    async def done(self, message_ids: Sequence[int]) -> None:
        for i in message_ids:
            if i in self.s.outbox and self._mine(self.s.outbox[i]):
                self.s.outbox[i]["done"] = datetime.now(UTC)

    async def retry(self, message_id: int, *, at: datetime, error: str) -> None:
        if message_id in self.s.outbox and self._mine(self.s.outbox[message_id]):
            self.s.outbox[message_id].update(next=at, error=error[:500])


class FakeIdempotencyKeys(_Scoped):
    def _tenant(self) -> int:
        assert self._uow.tenant_id is not None, "idempotency keys are per tenant"
        return self._uow.tenant_id

    async def claim(self, key: str, *, command: str, at: datetime) -> bool:
        if (self._tenant(), key) in self.s.keys:
            return False
        self.s.keys[(self._tenant(), key)] = (command, at)
        return True

    async def claimed(self, key: str) -> str | None:
        found = self.s.keys.get((self._tenant(), key))
        return found[0] if found else None

    async def forget(self, *, before: datetime) -> int:
        old = [k for k, (_, at) in self.s.keys.items() if at < before]
        for k in old:
            del self.s.keys[k]
        return len(old)


class InMemoryUnitOfWork:
    def __init__(self, store: InMemoryStore, tenant_id: TenantId | None) -> None:
        self.store = store
        self.tenant_id = tenant_id
        self.tenants = FakeTenants(self)
        self.users = FakeUsers(self)
        self.milestones = FakeMilestones(self)
        self.updates = FakeUpdates(self)
        self.forecasts = FakeForecasts(self)
        self.comments = FakeComments(self)
        self.activity = FakeActivity(self)
        self.notifications = FakeNotifications(self)
        self.outbox = FakeOutbox(self)
        self.calendar = FakeCalendar(self)
        self.nudges = FakeNudges(self)
        self.access = FakeAccess(self)
        self.webhooks = FakeWebhookEndpoints(self)
        self.idempotency = FakeIdempotencyKeys(self)
        self.links = FakeLinks(self)
        self.reach = FakeReach(self)
        self._snapshot: _State | None = None
        self.committed = False

    @property
    def scoring(self) -> ScoringPorts:
        # Built from the state of the moment: a rollback swaps the whole state.
        state = self.store.state.scoring.setdefault(self.tenant_id, ScoringState())
        return FakeScoring(state).ports(self.nudges, self.tenant_id)

    async def publish(self, event: Event) -> None:
        assert self.tenant_id is None or event.tenant_id == self.tenant_id
        s = self.store.state
        entry = Activity(id=s.next_id(), tenant_id=event.tenant_id,
                         milestone_id=event.milestone_id, actor_id=event.actor_id,
                         verb=event.verb, data=payload(event), created_at=event.at)
        s.activity[entry.id] = entry  # type: ignore[index]
        stored = restore(event.verb, entry.data, tenant_id=event.tenant_id,
                         milestone_id=event.milestone_id, actor_id=event.actor_id, at=event.at)
        wanted = [c for c, verbs in self.store.subscriptions.items() if event.verb in verbs]
        audience = (await audience_of(self, event)
                    if self.store.audiences.intersection(wanted) else None)
        for consumer, verbs in self.store.subscriptions.items():
            if event.verb in verbs:
                s.outbox[s.next_id()] = {"consumer": consumer, "tenant_id": event.tenant_id,
                                         "audience": audience if consumer in self.store.audiences
                                         else None,
                                         "event": stored, "attempts": 0, "next": event.at,
                                         "done": None, "error": ""}
        await score(self, event)  # as the real unit of work: scoring hangs on its events
        await forecast_and_alert(self, event)  # and forecasts too

    async def commit(self) -> None:
        if self.tenant_id is not None:
            self.store.state.versions[self.tenant_id] = (
                self.store.state.versions.get(self.tenant_id, 0) + 1)
        self._snapshot = copy.deepcopy(self.store.state)
        self.committed = True

    async def __aenter__(self) -> Self:
        self._snapshot = copy.deepcopy(self.store.state)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        assert self._snapshot is not None
        self.store.state = self._snapshot
