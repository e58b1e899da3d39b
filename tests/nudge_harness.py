"""A controllable world for nudge stories: a company, a clock, a chat platform that records
what it is sent (and can be down), and the scheduler's tick run by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.bus import Deps, run_text
from core.commands import Actor
from core.nudges.delivery import Delivered, deliver_due
from core.nudges.notifier import (
    SENT,
    ChannelAddress,
    Outgoing,
    PersonAddress,
    RouteResult,
    RouteStatus,
)
from core.nudges.pacing import Pacer
from core.nudges.sweep import Swept, sweep
from core.nudges.views import CheckInRequest, NudgeView
from core.views import Notice, Tone, View
from tests.fakes import FrozenClock


class RecordingNotifier:
    """A chat platform: remembers every message; `down` makes the next sends fail."""

    def __init__(self, name: str = "chat") -> None:
        self.name = name
        self.sent: list[Outgoing] = []
        self.down = 0
        self.attempts = 0
        self.retry_after: timedelta | None = None
        self.strangers: set[str] = set()  # handles this platform does not know

    def destination(self, message: Outgoing) -> str | None:
        to = message.to
        if isinstance(to, PersonAddress):
            return None if to.handle in self.strangers else f"dm:{to.tenant_id}:{to.user_id}"
        assert isinstance(to, ChannelAddress)
        return f"channel:{to.tenant_id}:{to.channel}"

    async def send(self, message: Outgoing) -> RouteResult:
        self.attempts += 1
        if self.down:
            self.down -= 1
            if self.retry_after is not None:
                return RouteResult(RouteStatus.FAILED, "rate limited", self.retry_after)
            raise ConnectionError("the chat platform is down")
        self.sent.append(message)
        return SENT


class InstantSleep:
    """Pacing without waiting: the time it would have slept is recorded and skipped."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@dataclass
class World:
    deps: Deps
    clock: FrozenClock
    notifiers: Sequence[RecordingNotifier] = field(default_factory=lambda: [RecordingNotifier()])
    time: InstantSleep = field(default_factory=InstantSleep)
    swept: list[Swept] = field(default_factory=list)
    delivered: list[Delivered] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.pacer = Pacer(1.0, monotonic=self.time.monotonic, sleep=self.time.sleep)

    @property
    def chat(self) -> RecordingNotifier:
        return self.notifiers[0]

    async def tick(self, at: str | datetime | None = None) -> list[Outgoing]:
        """One scheduler tick (sweep, then deliver) at `at`; returns what the chat got."""
        if at is not None:
            self.clock.set(_moment(at))
        before = len(self.chat.sent)
        self.swept.append(await sweep(self.deps.uow, self.clock))
        self.delivered.append(await self.deliver())
        return self.chat.sent[before:]

    async def deliver(self) -> Delivered:
        return await deliver_due(self.deps.uow, self.clock, self.notifiers, self.pacer)

    async def ticks(self, start: str, end: str, every: timedelta = timedelta(minutes=30)
                    ) -> list[Outgoing]:
        """Ticks from `start` to `end`, like a scheduler that is up the whole time."""
        moment, last = _moment(start), _moment(end)
        got: list[Outgoing] = []
        while moment <= last:
            got += await self.tick(moment)
            moment += every
        return got

    async def say(self, who: Actor, text: str) -> View:
        return await run_text(text, who, self.deps)

    async def ok(self, who: Actor, text: str) -> View:
        view = await self.say(who, text)
        assert not (isinstance(view, Notice) and view.tone == Tone.ERROR), (text, view)
        return view


def _moment(at: str | datetime) -> datetime:
    if isinstance(at, datetime):
        return at
    moment = datetime.fromisoformat(at)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def to(messages: Sequence[Outgoing], handle: str) -> list[NudgeView]:
    return [m.view for m in messages if isinstance(m.to, PersonAddress) and m.to.handle == handle]


def refs(view: NudgeView) -> list[str]:
    assert isinstance(view, CheckInRequest), view
    return [x.ref for x in view.waiting]
