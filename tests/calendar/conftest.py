"""A workspace on a real database, syncing through the real Google gateway (real HTTP, the real
service-account flow) to the local fake Google Calendar, on a clock the tests move."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from core.bus import Deps, run_text
from core.calendar.event_ids import event_id
from core.calendar.model import SYNC_CONSUMER, CalendarRef, CalendarSetup
from core.calendar.outbound import VERBS
from core.commands import Actor
from core.model import Milestone
from core.people.use_cases import ensure_tenant, join
from core.relay import Drained, drain
from core.tenancy import Plan
from core.views import Notice, Tone, View
from integrations.calendar.google import GoogleCalendarGateway
from integrations.calendar.google_rate import RateLimit
from storage import Database
from tests.fakes import FrozenClock
from tests.google_calendar_fake import SERVICE_ACCOUNT, FakeGoogleCalendar
from wiring.calendar import GoogleCalendar, build_google, calendar_setup, store_installation
from wiring.runtime import Runtime
from wiring.settings import Settings

SHARED_ID = "deadlines@group.calendar.google.com"
SHARED = CalendarRef(SHARED_ID)


def no_wait(seconds: float) -> None:
    """The rate limit's pause, skipped: the tests count calls, they do not wait for quota."""


@dataclass
class World:
    """One workspace (alice admin; bob, carol members), its database and the fake Google."""

    deps: Deps
    clock: FrozenClock
    fake: FakeGoogleCalendar
    gateway: GoogleCalendarGateway
    google: GoogleCalendar
    runtime: Runtime
    alice: Actor
    bob: Actor
    carol: Actor

    async def say(self, who: Actor, text: str) -> View:
        view = await run_text(text, who, self.deps)
        assert not (isinstance(view, Notice) and view.tone == Tone.ERROR), (text, view)
        return view

    async def drain(self) -> Drained:
        return await drain(self.google.sync, self.deps.uow, self.clock, batch=1000)

    async def milestone(self, number: int) -> Milestone:
        async with self.deps.uow(self.alice.tenant_id) as tx:
            found = await tx.milestones.by_number(number)
        assert found is not None
        return found

    async def event_id(self, number: int) -> str:
        m = await self.milestone(number)
        assert m.id is not None
        return event_id(m.tenant_id, m.id)

    async def event(self, number: int, calendar: str = SHARED_ID) -> dict[str, Any] | None:
        return self.fake.event(calendar, await self.event_id(number))

    def live(self, calendar: str = SHARED_ID) -> dict[str, dict[str, Any]]:
        return {e["summary"]: e for e in self.fake.live_events(calendar)}

    def calls(self, since: int = 0) -> list[tuple[str, int]]:
        """(method, status) of the API calls made since an index of `fake.calls`."""
        return [(method, status) for method, _, status in self.fake.calls[since:]]

    async def set_email(self, who: Actor, email: str) -> None:
        async with self.deps.uow(who.tenant_id) as tx:
            user = await tx.users.get(who.user_id)
            assert user is not None
            user.email = email
            await tx.users.save(user)
            await tx.commit()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock("2026-11-23T09:00:00+00:00")  # a Monday


@pytest.fixture
async def fake_google(clock: FrozenClock) -> AsyncIterator[FakeGoogleCalendar]:
    fake = FakeGoogleCalendar(now=clock.now)
    await fake.start()
    fake.add_calendar(SHARED_ID)
    try:
        yield fake
    finally:
        await fake.close()


async def make_world(database: Database, fake: FakeGoogleCalendar, clock: FrozenClock,
                     tmp_path: Path, *, http_timeout: float = 5.0, push: bool = False,
                     **env: str) -> World:
    """Acme on a Cairn whose `serve` started with these settings (and stored its setup)."""
    credentials = fake.credentials_file(tmp_path)
    gateway = GoogleCalendarGateway(str(credentials), api_url=fake.url, timeout=http_timeout,
                                    rate_limit=RateLimit(sleep=no_wait))
    subscriptions = {SYNC_CONSUMER: VERBS}
    settings = Settings(_env_file=None, database_url=database.url,  # type: ignore[call-arg]
                        google_application_credentials=str(credentials),
                        google_calendar_id=SHARED_ID, google_api_url=fake.url,
                        public_url="http://127.0.0.1:9", **env)
    setup: CalendarSetup = replace(calendar_setup(settings), push=push)
    assert setup.service_account == SERVICE_ACCOUNT
    deps = Deps(uow=database.unit_of_work(subscriptions), clock=clock, calendar=setup)
    runtime = Runtime(settings=settings, database=database, deps=deps,
                      subscriptions=subscriptions)
    await store_installation(runtime)
    google = build_google(runtime, gateway)
    tenant = await ensure_tenant(deps, slug="acme", name="Acme", plan=Plan.PROFESSIONAL)
    assert tenant.id is not None
    people = {h: await join(deps, tenant.id, handle=h, timezone="Europe/Berlin")
              for h in ("alice", "bob", "carol")}
    return World(deps=deps, clock=clock, fake=fake, gateway=gateway, google=google,
                 runtime=runtime, **people)


@pytest.fixture
async def world(database: Database, fake_google: FakeGoogleCalendar, clock: FrozenClock,
                tmp_path: Path) -> World:
    return await make_world(database, fake_google, clock, tmp_path)
