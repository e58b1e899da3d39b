"""The registry of adapters: every adapter this build knows, which are on, and what they
need from the core (outbox subscriptions, audiences) and give to a running Cairn (notifiers).

Each adapter decides from the settings whether it is on (`wiring.adapters.Adapter`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from core.nudges.notifier import Notifier
from wiring.adapters import Adapter, AdapterStatus
from wiring.settings import Settings

if TYPE_CHECKING:
    from wiring.runtime import Runtime


def available_adapters() -> list[Adapter]:
    """Every adapter this build knows; each decides from the settings whether it is on."""
    from wiring.calendar import CalendarFeedsAdapter, GoogleCalendarAdapter
    from wiring.nudges import NudgesAdapter
    from wiring.slack import SlackAdapter
    from wiring.teams import TeamsAdapter
    from wiring.webhooks import WebhooksAdapter

    return [SlackAdapter(), TeamsAdapter(), CalendarFeedsAdapter(), GoogleCalendarAdapter(),
            NudgesAdapter(), WebhooksAdapter()]


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


def audiences_for(settings: Settings, adapters: Sequence[Adapter] | None = None
                  ) -> frozenset[str]:
    """The outbox consumers of the enabled adapters that need each change's audience (an
    adapter written before `Adapter.audiences` existed needs none)."""
    found: set[str] = set()
    for adapter in enabled(settings, adapters):
        audiences = getattr(adapter, "audiences", None)
        found.update(audiences(settings) if audiences is not None else ())
    return frozenset(found)


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


async def platform_notifiers(runtime: Runtime) -> tuple[list[Notifier],
                                                         Sequence[Callable[[], Awaitable[None]]]]:
    """The notifiers the enabled adapters provide, for a one-off sweep outside `serve`
    (`python app.py nudge`): the adapters are attached to an application that never serves."""
    from aiohttp import web

    from wiring.nudges import NudgesAdapter

    notifiers: list[Notifier] = []
    stops: list[Callable[[], Awaitable[None]]] = []
    app = web.Application()
    for adapter in enabled(runtime.settings):
        if adapter.name == NudgesAdapter.name:
            continue
        attached = await adapter.attach(runtime, app)
        notifiers += attached.notifiers
        stops += attached.on_stop
    return notifiers, stops
