from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from core.errors import StorageUnavailable
from core.ports import OutboxMessage
from core.relay import backoff, drain
from tests.fakes import FrozenClock, InMemoryStore
from tests.unit.conftest import make_company


@dataclass
class FlakyConsumer:
    """Fails the first `failures` deliveries of each message, like a service having a bad hour."""

    failures: int = 0
    crash: bool = False
    name: str = "calendar"
    verbs: frozenset[str] = frozenset({"created", "due_moved"})
    seen: list[tuple[int, int]] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)

    async def handle(self, messages: Sequence[OutboxMessage]) -> Mapping[int, str | None]:
        if self.crash:
            raise ConnectionError("calendar unreachable")
        answers: dict[int, str | None] = {}
        for m in messages:
            self.seen.append((m.id, m.attempts))
            if m.attempts <= self.failures:
                answers[m.id] = "503 from upstream"
            else:
                answers[m.id] = None
                self.delivered.append(m.event.verb)
        return answers


async def outbox_with_events(clock: FrozenClock) -> InMemoryStore:
    store = InMemoryStore(subscriptions={"calendar": {"created", "due_moved"}})
    acme = await make_company(store, clock)
    await acme.ok(acme.alice, 'goal "G" due:friday')
    await acme.ok(acme.alice, "due #1 2026-12-01")
    return store


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30) == timedelta(hours=1)


async def test_failures_are_retried_later_and_finally_delivered(clock: FrozenClock) -> None:
    store = await outbox_with_events(clock)
    consumer = FlakyConsumer(failures=2)
    first = await drain(consumer, store.uow, clock)
    assert (first.delivered, first.retried) == (0, 2)
    assert (await drain(consumer, store.uow, clock)).handled == 0  # not due yet
    clock.advance(seconds=30)
    assert (await drain(consumer, store.uow, clock)).retried == 2
    clock.advance(seconds=60)
    assert (await drain(consumer, store.uow, clock)).delivered == 2
    assert consumer.delivered == ["created", "due_moved"]
    clock.advance(days=1)
    assert (await drain(consumer, store.uow, clock)).handled == 0  # never twice


async def test_a_crashing_consumer_loses_nothing(clock: FrozenClock) -> None:
    store = await outbox_with_events(clock)
    assert (await drain(FlakyConsumer(crash=True), store.uow, clock)).retried == 2
    clock.advance(minutes=1)
    healthy = FlakyConsumer()
    assert (await drain(healthy, store.uow, clock)).delivered == 2


async def test_a_claim_is_a_lease_that_comes_back_after_a_worker_dies(clock: FrozenClock) -> None:
    store = await outbox_with_events(clock)
    async with store.uow() as tx:
        claimed = await tx.outbox.claim("calendar", now=clock.now(), limit=10)
        await tx.commit()
    assert len(claimed) == 2  # ... and the worker dies here
    assert (await drain(FlakyConsumer(), store.uow, clock)).handled == 0
    clock.advance(minutes=6)
    assert (await drain(FlakyConsumer(), store.uow, clock)).delivered == 2


@dataclass
class FailingConsumer:
    error: Exception
    name: str = "calendar"
    verbs: frozenset[str] = frozenset({"created", "due_moved"})

    async def handle(self, messages: Sequence[OutboxMessage]) -> Mapping[int, str | None]:
        raise self.error


async def test_expected_failures_are_one_warning_line_and_bugs_a_traceback(
        clock: FrozenClock, caplog: pytest.LogCaptureFixture) -> None:
    store = await outbox_with_events(clock)
    caplog.set_level(logging.DEBUG, logger="core.relay")
    said: dict[str, list[tuple[str, bool]]] = {}
    for kind, error in (("timeout", TimeoutError()),
                        ("unreachable", ConnectionRefusedError(111, "Connection refused")),
                        ("outage", StorageUnavailable()),
                        ("bug", KeyError("user"))):
        caplog.clear()
        assert (await drain(FailingConsumer(error), store.uow, clock)).retried == 2
        said[kind] = [(r.levelname, bool(r.exc_info)) for r in caplog.records]
        clock.advance(hours=2)  # due again
    assert said == {
        "timeout": [("WARNING", False), ("WARNING", False)],  # and "0 delivered, 2 to retry"
        "unreachable": [("WARNING", False), ("WARNING", False)],
        "outage": [("DEBUG", False), ("WARNING", False)],  # storage logged the outage itself
        "bug": [("ERROR", True), ("WARNING", False)],
    }
    assert (await drain(FlakyConsumer(), store.uow, clock)).delivered == 2  # nothing lost
