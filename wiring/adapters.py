"""How integrations plug into Cairn: one Adapter per platform or background feature.

An adapter says whether it is on for these settings (and why not), which events its outbox
consumers subscribe to, and what it adds to a running server: routes, outbox consumers,
periodic jobs, things to close. Subscriptions are known before the database is opened, so
every process (serve, shell, demo) writes the same outbox rows for the same change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from core.nudge_ports import Notifier
from core.relay import OutboxConsumer
from wiring.scheduler import PeriodicJob
from wiring.settings import Settings

if TYPE_CHECKING:
    from aiohttp import web

    from wiring.runtime import Runtime


@dataclass(frozen=True, slots=True)
class AdapterStatus:
    name: str
    on: bool
    reason: str


@dataclass
class Attached:
    """What an adapter added to a running server."""

    consumers: Sequence[OutboxConsumer] = ()
    jobs: Sequence[PeriodicJob] = ()
    on_stop: Sequence[Callable[[], Awaitable[None]]] = field(default_factory=list)
    #: How this platform delivers nudges (DMs, channel posts); the delivery queue paces them.
    notifiers: Sequence[Notifier] = ()


class Adapter(Protocol):
    name: str

    def status(self, settings: Settings) -> AdapterStatus:
        """On or off for these settings, and why; no I/O."""
        ...

    def subscriptions(self, settings: Settings) -> Mapping[str, frozenset[str]]:
        """Outbox consumer name -> event verbs it needs (only asked when the adapter is on)."""
        ...

    async def attach(self, runtime: Runtime, app: web.Application) -> Attached:
        """Adds routes to `app` and returns consumers and jobs for `serve`."""
        ...


def available_adapters() -> list[Adapter]:
    """Every adapter this build knows; each decides from the settings whether it is on."""
    from wiring.calendar import CalendarFeedsAdapter, GoogleCalendarAdapter
    from wiring.nudges import NudgesAdapter
    from wiring.slack import SlackAdapter
    from wiring.webhooks import WebhooksAdapter

    return [SlackAdapter(), CalendarFeedsAdapter(), GoogleCalendarAdapter(), NudgesAdapter(),
            WebhooksAdapter()]


def enabled(settings: Settings, adapters: Sequence[Adapter] | None = None) -> list[Adapter]:
    return [a for a in (adapters if adapters is not None else available_adapters())
            if a.status(settings).on]


def subscriptions_for(settings: Settings, adapters: Sequence[Adapter] | None = None
                      ) -> dict[str, frozenset[str]]:
    merged: dict[str, frozenset[str]] = {}
    for adapter in enabled(settings, adapters):
        for consumer, verbs in adapter.subscriptions(settings).items():
            merged[consumer] = merged.get(consumer, frozenset()) | verbs
    return merged


def statuses(settings: Settings, adapters: Sequence[Adapter] | None = None
             ) -> list[AdapterStatus]:
    """Every adapter's state, plus the ones not built yet, for the start-up log."""
    known = [a.status(settings) for a in (adapters if adapters is not None
                                          else available_adapters())]
    names = {s.name for s in known}
    missing = [
        AdapterStatus("teams", False, "the Teams adapter is not part of this build yet"),
    ]
    return [AdapterStatus("shell", True, "always available: python3 dev.py shell"), *known,
            *(s for s in missing if s.name not in names)]
