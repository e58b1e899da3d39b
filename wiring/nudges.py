"""Nudges in a running Cairn: the scheduler's tick, the delivery queue and its notifiers.

Always on. Every minute `serve` sweeps (claims what is due in the database) and delivers; a
shorter tick delivers what came due in between (snoozes ending, retries). Deliveries go to the
inbox and to every platform notifier the enabled adapters provide (`Attached.notifiers`): with
the Slack adapter on, Slack DMs and channel posts (`bots.slack.notifier`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from core.nudges.delivery import Delivered, deliver_due
from core.nudges.makers import PostMaker
from core.nudges.pacing import Pacer
from core.nudges.sweep import Swept, sweep
from core.reports.posts import WeeklyReportMaker, claim_weekly_reports
from wiring.adapters import AdapterStatus, Attached
from wiring.scheduler import PeriodicJob
from wiring.settings import Settings

if TYPE_CHECKING:
    from aiohttp import web

    from wiring.metrics import Metrics
    from wiring.runtime import Runtime

logger = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(minutes=1)
DELIVER_EVERY = timedelta(seconds=15)
#: At most about one message per second to one DM or channel (Slack's pace), for every platform.
PACE_SECONDS = 1.0


def pacer() -> Pacer:
    return Pacer(PACE_SECONDS, monotonic=time.monotonic, sleep=asyncio.sleep)


class NudgeEngine:
    """The sweep and the delivery queue of one process, over the runtime's notifiers."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.pacer = pacer()
        self.on_swept: Callable[[Swept], None] = lambda _: None
        self.on_delivered: Callable[[Delivered], None] = lambda _: None

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.runtime.settings.nudges_grace_minutes)

    @property
    def makers(self) -> list[PostMaker]:
        """Who words the deliveries the engine does not: the weekly reports, when they are on."""
        reports = self.runtime.deps.reports
        if reports is None or reports.schedules is None:
            return []
        return [WeeklyReportMaker(self.runtime.deps)]

    async def sweep(self) -> Swept:
        swept = await sweep(self.runtime.deps.uow, self.runtime.deps.clock, self.grace)
        reports = await claim_weekly_reports(self.runtime.deps)
        if reports:
            logger.info("nudges: claimed %d weekly reports", reports)
        if swept.claimed:
            logger.info("nudges: claimed %d (%d check-ins, %d alerts, %d digests) after %d "
                        "daily passes", swept.claimed, swept.checkins, swept.alerts,
                        swept.digests, swept.people)
        self.on_swept(swept)
        return swept

    async def deliver(self) -> Delivered:
        delivered = await deliver_due(self.runtime.deps.uow, self.runtime.deps.clock,
                                      self.runtime.notifiers, self.pacer, makers=self.makers)
        if delivered.handled:
            logger.info("nudges: %d sent, %d skipped, %d later", delivered.sent,
                        delivered.skipped, delivered.later)
        self.on_delivered(delivered)
        return delivered

    async def tick(self) -> tuple[Swept, Delivered]:
        return await self.sweep(), await self.deliver()


class NudgesAdapter:
    name = "nudges"

    def status(self, settings: Settings) -> AdapterStatus:
        return AdapterStatus(self.name, True, "check-ins, deadline alerts, weekly digests "
                             "and weekly reports, swept every minute; delivered to the inbox "
                             "and to every chat platform that is on")

    def subscriptions(self, settings: Settings) -> Mapping[str, frozenset[str]]:
        return {}

    def audiences(self, settings: Settings) -> Collection[str]:
        return ()

    async def attach(self, runtime: Runtime, app: web.Application) -> Attached:
        engine = NudgeEngine(runtime)
        _count(engine, runtime.metrics)
        return Attached(jobs=[
            PeriodicJob("nudges:sweep", SWEEP_EVERY, engine.tick),
            PeriodicJob("nudges:deliver", DELIVER_EVERY, engine.deliver,
                        first_delay=timedelta(seconds=20)),
        ])


def _count(engine: NudgeEngine, metrics: Metrics) -> None:
    """Prometheus counters of what the sweeps claimed and the deliveries did."""
    from prometheus_client import Counter

    registry = metrics.registry
    claimed = Counter("cairn_nudges_claimed", "Nudges claimed by sweeps", registry=registry)
    delivered = Counter("cairn_nudges_delivered", "Nudge delivery outcomes", ["outcome"],
                        registry=registry)

    def swept(s: Swept) -> None:
        claimed.inc(s.claimed)

    def done(d: Delivered) -> None:
        for outcome, count in (("sent", d.sent), ("skipped", d.skipped), ("later", d.later)):
            delivered.labels(outcome).inc(count)

    engine.on_swept, engine.on_delivered = swept, done

