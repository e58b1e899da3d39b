"""Calendars in a running Cairn: ICS feeds (always) and Google Calendar sync (when configured).

- `calendar-feeds` is always on. It serves `GET /calendar/<token>.ics` (it needs nothing but
  the database); when `serve` starts it stores the installation's calendar setup (PUBLIC_URL,
  the Google settings), which every process then reads instead of guessing from its own
  environment; and in every process (serve, shell, demo) it subscribes the Google sync to
  the outbox, so whether a change reaches Google never depends on where it was made.
- `google-calendar` is on with GOOGLE_APPLICATION_CREDENTIALS and GOOGLE_CALENDAR_ID: only this
  worker needs credentials. One job (`GoogleCalendar.tick`) writes deadlines to Google from
  the outbox, reads the calendars back for moves, keeps every workspace in the calendar that
  is its own, repairs what is stale or was never synced, and, with an https PUBLIC_URL, keeps
  push channels open so that moves notified at `POST /google/notifications` arrive in seconds.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from core.calendar.feeds import read_feed
from core.calendar.inbound import CalendarReader, CalendarRepair
from core.calendar.model import SYNC_CONSUMER, CalendarRef, CalendarSetup
from core.calendar.outbound import VERBS, CalendarSync
from core.calendar.placing import CalendarTenancy
from core.calendar.ports import CalendarGateway
from core.calendar.push import PushChannels
from core.calendar.use_cases import record_installation
from core.people.use_cases import handle_from
from core.ports import Clock
from core.relay import drain
from integrations.calendar.push import BODY_LIMIT, CHANGED_STATES, notification_problem
from storage import Database
from storage.exclusive import exclusive
from wiring.adapters import AdapterStatus, Attached
from wiring.scheduler import PeriodicJob
from wiring.settings import Settings

if TYPE_CHECKING:
    from aiohttp import web

    from wiring.runtime import Runtime

logger = logging.getLogger(__name__)

NOTIFICATIONS_PATH = "/google/notifications"
SYNC_LOCK = "calendar-sync"
TICK_EVERY = timedelta(seconds=5)
#: Outbox messages per drain: a burst of changes is coalesced and batched in one go.
RELAY_BATCH = 1000
READ_EVERY = timedelta(minutes=2)
REPAIR_EVERY = timedelta(minutes=10)
RENEW_EVERY = timedelta(hours=1)


def calendar_setup(settings: Settings) -> CalendarSetup:
    """This process's calendar setup, from its settings (reads the key's client_email);
    `serve` stores its own for every process to read (`store_installation`)."""
    google = bool(settings.google_application_credentials and settings.google_calendar_id)
    account = ""
    if google and settings.google_application_credentials:
        try:
            with open(settings.google_application_credentials, encoding="utf-8") as file:
                account = str(json.load(file).get("client_email", ""))
        except (OSError, ValueError, AttributeError):
            account = ""  # the adapter says what is wrong when it starts
    named = (settings.google_calendar_tenant or "").strip()
    return CalendarSetup(google=google, calendar_id=settings.google_calendar_id or "",
                         tenant=handle_from(named) if named else "",  # spelt like slugs are
                         service_account=account, public_url=settings.public_url,
                         push=settings.public_url.startswith("https://"))


async def store_installation(runtime: Runtime) -> None:
    """`serve` starting: its calendar setup becomes the one every process tells people about."""
    setup = calendar_setup(runtime.settings)
    named = await record_installation(runtime.deps, setup)
    if not named and setup.google:
        logger.warning("GOOGLE_CALENDAR_TENANT=%s names no workspace yet: GOOGLE_CALENDAR_ID "
                       "holds nobody's deadlines until it exists", setup.tenant)


class CalendarFeedsAdapter:
    name = "calendar-feeds"

    def status(self, settings: Settings) -> AdapterStatus:
        return AdapterStatus(self.name, True, f"ICS feeds at {settings.public_url.rstrip('/')}"
                                              "/calendar/<token>.ics")

    def subscriptions(self, settings: Settings) -> Mapping[str, frozenset[str]]:
        # Every process writes the Google sync's outbox rows, configured for Google or not;
        # the worker that has the credentials decides per workspace what reaches Google.
        return {SYNC_CONSUMER: VERBS}

    def audiences(self, settings: Settings) -> Collection[str]:
        return ()

    async def attach(self, runtime: Runtime, app: web.Application) -> Attached:
        # Imported here, like aiohttp below: `shell` and `demo` never load them.
        from aiohttp import web

        from integrations.calendar.ics import CONTENT_TYPE, build_ics, etag

        await store_installation(runtime)

        async def feed(request: web.Request) -> web.StreamResponse:
            content = await read_feed(runtime.deps, request.match_info["token"])
            if content is None:
                raise web.HTTPNotFound(text="No such calendar feed: the address is wrong or "
                                            "was revoked.\n")
            body = build_ics(content)
            tag = etag(body)
            headers = {"ETag": tag, "Cache-Control": "private, max-age=300"}
            if tag in request.headers.get("If-None-Match", ""):
                return web.Response(status=304, headers=headers)
            return web.Response(body=body, headers={**headers, "Content-Type": CONTENT_TYPE})

        app.router.add_get("/calendar/{token}.ics", feed)
        return Attached()


@dataclass
class GoogleCalendar:
    """The parts of Google Calendar sync, and the one job that runs them in turn.

    Every 5 seconds `tick` drains the outbox to Google, reads the calendars that notified a
    change, and now and then polls every calendar, repairs, and renews push channels. One
    coroutine does it all, under a lock every instance shares, so writes and reads never
    interleave, here or between instances.
    """

    database: Database
    clock: Clock
    sync: CalendarSync
    reader: CalendarReader
    repair: CalendarRepair
    tenancy: CalendarTenancy
    push: PushChannels | None
    notified: set[CalendarRef] = field(default_factory=set)
    _due: dict[str, datetime] = field(default_factory=dict)

    def read_soon(self, calendar: CalendarRef) -> None:
        """A push notification: the calendar is read on the next tick, seconds away."""
        self.notified.add(calendar)

    async def tick(self) -> bool:
        """One round of everything that is due; False when another instance had the lock."""
        async with exclusive(self.database, SYNC_LOCK) as mine:
            if not mine:
                return False
            await drain(self.sync, self.sync.uow, self.clock, batch=RELAY_BATCH,
                        max_batches=5)
            while self.notified:
                await self.reader.read(self.notified.pop())
            if self._time_for("read", READ_EVERY):
                await self.reader.poll()
            if self._time_for("repair", REPAIR_EVERY):
                await self.tenancy.run()
                await self.repair.run()
            if self.push is not None and self._time_for("channels", RENEW_EVERY):
                await self.push.renew()
        return True

    def _time_for(self, what: str, every: timedelta) -> bool:
        now = self.clock.now()
        if now < self._due.get(what, now):
            return False
        self._due[what] = now + every
        return True


def build_google(runtime: Runtime, gateway: CalendarGateway) -> GoogleCalendar:
    deps = runtime.deps
    sync = CalendarSync(deps.uow, gateway, deps.clock, deps.calendar)
    push = PushChannels(deps.uow, gateway, deps.clock,
                        address=deps.calendar.public_url.rstrip("/") + NOTIFICATIONS_PATH
                        ) if deps.calendar.push else None
    return GoogleCalendar(database=runtime.database, clock=deps.clock, sync=sync,
                          reader=CalendarReader(deps, gateway),
                          repair=CalendarRepair(deps, sync),
                          tenancy=CalendarTenancy(deps.uow, sync, deps.clock), push=push)


def notifications_handler(google: GoogleCalendar
                          ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """`POST /google/notifications` behind the edge: a small body cap, and headers checked
    before the database is asked about the channel."""
    from aiohttp import web

    from wiring.edge import Refusal, guarded

    def authenticate(headers: Mapping[str, str], body: bytes) -> Refusal | None:
        problem = notification_problem(headers)
        return Refusal(*problem) if problem else None

    async def notified(request: web.Request, body: bytes) -> web.StreamResponse:
        if google.push is None:
            raise web.HTTPNotFound()
        headers = request.headers
        try:
            status, calendar = await google.push.verify(
                headers.get("X-Goog-Channel-ID", ""), headers.get("X-Goog-Channel-Token", ""),
                headers.get("X-Goog-Resource-ID", ""))
        except Exception as error:  # the database out of reach: Google tries again later
            logger.warning("a Google notification could not be checked (%s); answered 503",
                           type(error).__name__)
            return web.Response(status=503)
        if calendar is None:
            return web.Response(status=status)
        if headers.get("X-Goog-Resource-State", "") in CHANGED_STATES:
            google.read_soon(calendar)
        return web.Response(status=200)

    return guarded(notified, limit=BODY_LIMIT, authenticate=authenticate)


class GoogleCalendarAdapter:
    name = "google-calendar"

    def status(self, settings: Settings) -> AdapterStatus:
        missing = [name for name, value in (
            ("GOOGLE_APPLICATION_CREDENTIALS", settings.google_application_credentials),
            ("GOOGLE_CALENDAR_ID", settings.google_calendar_id)) if not value]
        if missing:
            return AdapterStatus(self.name, False, f"set {' and '.join(missing)} to sync "
                                                   "deadlines with Google Calendar")
        push = "push notifications on" if settings.public_url.startswith("https://") else (
            "polling, an https PUBLIC_URL turns push notifications on")
        whose = (f"workspace {settings.google_calendar_tenant}'s" if
                 settings.google_calendar_tenant else "the first workspace's")
        return AdapterStatus(self.name, True, f"deadlines go to {settings.google_calendar_id}, "
                                              f"{whose}; other workspaces choose their own "
                                              f"with calendar shared; {push}")

    def subscriptions(self, settings: Settings) -> Mapping[str, frozenset[str]]:
        return {SYNC_CONSUMER: VERBS}

    def audiences(self, settings: Settings) -> Collection[str]:
        return ()

    async def attach(self, runtime: Runtime, app: web.Application) -> Attached:
        # google-api-python-client takes a while to load, and only this needs it.
        from integrations.calendar.google import GoogleCalendarGateway
        from integrations.calendar.google_credentials import GoogleSetupError

        settings = runtime.settings
        assert settings.google_application_credentials is not None
        try:
            gateway = GoogleCalendarGateway(settings.google_application_credentials,
                                            api_url=settings.google_api_url)
        except GoogleSetupError as error:
            # Changes still wait in the outbox; `calendar status` shows them piling up.
            logger.error("Google Calendar stays off: %s", error)
            return Attached()
        google = build_google(runtime, gateway)
        app.router.add_post(NOTIFICATIONS_PATH, notifications_handler(google))
        return Attached(jobs=[PeriodicJob("calendar", TICK_EVERY, google.tick)])
