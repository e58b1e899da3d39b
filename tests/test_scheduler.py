"""`serve`'s ticks on the real APScheduler: shutdown drains running jobs, then cancels what is
left with one warning line each (never a `CancelledError` traceback), and a job that fails on an
unavailable database adds nothing to storage's one line per outage."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from core.errors import StorageUnavailable
from core.events import MilestoneCreated
from core.ports import OutboxMessage
from core.relay import drain
from storage import open_database
from tests.databases import migrated_sqlite_url
from tests.fakes import FrozenClock
from tests.storage.builders import NOW, SUBSCRIPTIONS, at, workspace
from wiring.scheduler import PeriodicJob, start_scheduler

SOON = timedelta(milliseconds=10)


def every_minute(name: str, run: Callable[[], Awaitable[object]]) -> PeriodicJob:
    return PeriodicJob(name, timedelta(minutes=1), run, first_delay=SOON)


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info]


class StuckConsumer:
    """A platform that stops answering mid-batch (like a `views.publish` taking minutes)."""

    name = "calendar"
    verbs = frozenset(SUBSCRIPTIONS["calendar"])

    def __init__(self) -> None:
        self.called = asyncio.Event()
        self.batches: list[list[int]] = []

    async def handle(self, messages: Sequence[OutboxMessage]) -> Mapping[int, str | None]:
        self.batches.append([m.id for m in messages])
        self.called.set()
        await asyncio.Event().wait()
        raise AssertionError("never answers")


class QuickConsumer(StuckConsumer):
    async def handle(self, messages: Sequence[OutboxMessage]) -> Mapping[int, str | None]:
        self.batches.append([m.id for m in messages])
        return dict.fromkeys((m.id for m in messages), None)


async def test_sigterm_during_an_outbox_job_is_one_warning_line_and_loses_nothing(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    url = await migrated_sqlite_url(tmp_path / "cairn.sqlite3")
    database = await open_database(url, migrate=False)
    uow, clock = database.unit_of_work(SUBSCRIPTIONS), FrozenClock(NOW)
    try:
        ws = await workspace(uow, "acme")
        async with uow(ws.id) as tx:
            await tx.publish(MilestoneCreated(tenant_id=ws.id, milestone_id=None, actor_id=None,
                                              at=NOW, number=1, kind="goal", title="Launch"))
            await tx.commit()
        stuck = StuckConsumer()
        caplog.set_level(logging.INFO)
        ticks = start_scheduler([every_minute("outbox:calendar",
                                              lambda: drain(stuck, uow, clock))])
        await asyncio.wait_for(stuck.called.wait(), 10)

        await ticks.stop(grace=timedelta(milliseconds=200))  # what serve does on SIGTERM

        assert tracebacks(caplog) == []
        stopped = [r for r in caplog.records if "stopped by shutdown" in r.getMessage()]
        assert [(r.levelname, r.getMessage().split(";")[0]) for r in stopped] == [
            ("WARNING", "periodic job outbox:calendar stopped by shutdown before it finished")]
        # The batch was claimed when shutdown came: it comes back once its lease runs out.
        quick = QuickConsumer()
        clock.set(at(minutes=1))
        assert (await drain(quick, uow, clock)).delivered == 0
        clock.set(at(minutes=30))
        assert (await drain(quick, uow, clock)).delivered == 1
        assert quick.batches == stuck.batches
    finally:
        await database.close()


async def test_running_jobs_get_to_finish_before_shutdown(
        caplog: pytest.LogCaptureFixture) -> None:
    started, finished = asyncio.Event(), asyncio.Event()

    async def short_job() -> None:
        started.set()
        await asyncio.sleep(0.1)
        finished.set()

    caplog.set_level(logging.INFO)
    ticks = start_scheduler([every_minute("short", short_job)])
    await asyncio.wait_for(started.wait(), 10)
    await ticks.stop()
    assert finished.is_set()
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_a_job_failing_on_an_unavailable_database_logs_nothing_more(
        caplog: pytest.LogCaptureFixture) -> None:
    ran = {"outage": asyncio.Event(), "bug": asyncio.Event()}

    async def outage() -> None:
        ran["outage"].set()
        raise StorageUnavailable()

    async def bug() -> None:
        ran["bug"].set()
        raise ValueError("a real bug")

    caplog.set_level(logging.INFO)
    ticks = start_scheduler([every_minute("outage", outage), every_minute("bug", bug)])
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in ran.values())), 10)
    await ticks.stop()
    logged = [(r.levelname, r.getMessage()) for r in caplog.records
              if r.levelno >= logging.WARNING]
    assert logged == [("ERROR", "periodic job bug failed")]  # tracebacks for the unexpected
    assert tracebacks(caplog) == ["periodic job bug failed"]
