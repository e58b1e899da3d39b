"""How integrations plug into Cairn: the protocol of an Adapter (one per platform or
background feature) and what it hands back. The adapters this build knows are listed in
`wiring.registry`.

An adapter says whether it is on for these settings (and why not), which events its outbox
consumers subscribe to (and which of them need to know who a change concerns), and what it
adds to a running server: routes, outbox consumers, periodic jobs, things to close.
Subscriptions are known before the database is opened, so every process (serve, shell, demo)
writes the same outbox rows for the same change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from core.nudges.notifier import Notifier
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

    def audiences(self, settings: Settings) -> Collection[str]:
        """The outbox consumers, among this adapter's, whose messages carry who each change
        concerns (`core.interactions.audience`): a platform that refreshes people's views or posts
        in
        threads names them here, so the core works the audience out when it records it."""
        ...

    async def attach(self, runtime: Runtime, app: web.Application) -> Attached:
        """Adds routes to `app` and returns consumers and jobs for `serve`."""
        ...
