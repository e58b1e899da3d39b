"""Deliveries end to end: events planned into the in-memory store, the dispatch loop on a
clock the tests move, the real sender, and a receiver over HTTP that verifies every request
with `standardwebhooks`."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timedelta

from core.webhooks.decisions import AttemptOutcome, Verdict
from core.webhooks.deliveries import DeliveryState, plan_deliveries
from core.webhooks.events import EventType
from core.webhooks.ports import WebhookRequest
from core.webhooks.schedule import MAX_ATTEMPTS, RETRY_SCHEDULE
from integrations.webhooks.sender import AiohttpWebhookSender
from integrations.webhooks.signing import new_secret
from tests.webhooks.conftest import ACME, OTHER, Hooks
from tests.webhooks.receiver import Reply, WebhookReceiver
from wiring.runtime import SystemClock

PROGRESS, DONE = EventType.MILESTONE_PROGRESS, EventType.MILESTONE_DONE


def accepted_ids(receiver: WebhookReceiver) -> list[str]:
    return [r.id for r in receiver.accepted()]


async def jump_to_next_due(hooks: Hooks) -> datetime | None:
    """Moves the clock to the moment the next pending delivery is due, and runs the loop."""
    pending = hooks.store.in_state(DeliveryState.PENDING)
    if not pending:
        return None
    hooks.clock.set(min(d.due_at for d in pending))
    await hooks.run()
    return hooks.clock.now()


async def test_500_then_success_is_delivered_once(hooks: Hooks, receiver: WebhookReceiver,
                                                  secret: str) -> None:
    endpoint = await hooks.endpoint(receiver.url(), secret)
    receiver.then(500)
    event = await hooks.publish(PROGRESS, percent=60)
    assert (await hooks.run()).retried == 1
    assert (await hooks.run()).attempted == 0  # not due before 5 s
    hooks.clock.advance(seconds=5)
    assert (await hooks.run()).delivered == 1
    await hooks.run_until(hooks.clock.now() + timedelta(days=2), every_minutes=60)
    assert [r.status for r in receiver.received] == [500, 200]
    assert accepted_ids(receiver) == [event.id]
    assert receiver.received[0].body == receiver.received[1].body
    first, second = hooks.store.log_of(event.id)
    assert (first.attempt, first.status, first.verdict, first.error) == (
        1, 500, Verdict.RETRY, "HTTP 500")
    assert first.next_attempt_at == first.at + timedelta(seconds=5)
    assert (second.attempt, second.status, second.verdict) == (2, 200, Verdict.DELIVERED)
    assert hooks.delivery(event).state is DeliveryState.DELIVERED
    stored = hooks.stored(endpoint)
    assert stored.consecutive_failures == 0 and stored.enabled


async def test_a_timeout_is_a_failed_attempt_retried_on_the_schedule(
        hooks: Hooks, receiver: WebhookReceiver, secret: str) -> None:
    async with AiohttpWebhookSender(clock=SystemClock(), allow_private=True,
                                    timeout=0.3) as impatient:
        hooks.sender = impatient
        await hooks.endpoint(receiver.url(), secret)
        receiver.then(Reply(200, delay=5))
        event = await hooks.publish(DONE)
        assert (await hooks.run()).retried == 1
        hooks.clock.advance(seconds=5)
        assert (await hooks.run()).delivered == 1
    timed_out, delivered = hooks.store.log_of(event.id)
    assert timed_out.status is None and timed_out.error == "no answer within 0.3 s"
    assert delivered.verdict is Verdict.DELIVERED


async def test_410_disables_the_endpoint_at_once_and_holds_the_rest(
        hooks: Hooks, receiver: WebhookReceiver, secret: str) -> None:
    endpoint = await hooks.endpoint(receiver.url(), secret)
    receiver.then(410)
    gone = await hooks.publish(PROGRESS, milestone=1)
    held = await hooks.publish(DONE, milestone=1)
    assert (await hooks.run()).disabled == 1
    stored = hooks.stored(endpoint)
    assert not stored.enabled and stored.disabled_reason == "The endpoint answered 410 Gone."
    ((tenant, notice),) = hooks.store.notices
    assert tenant == ACME and "410 Gone" in notice and f"webhook log {endpoint.id}" in notice
    assert hooks.delivery(gone).state is DeliveryState.FAILED
    await hooks.run_until(hooks.clock.now() + timedelta(days=2), every_minutes=30)
    later = await hooks.publish(DONE, milestone=2)
    assert [r.id for r in receiver.received] == [gone.id]  # nothing after the 410
    assert hooks.delivery(held).state is DeliveryState.PENDING
    assert not [d for d in hooks.store.deliveries.values() if d.event_id == later.id]
    # An admin enables it again: what was held goes out, nothing was lost.
    await hooks.store.for_tenant(ACME).save(stored.reenabled())
    assert (await hooks.run()).delivered == 1
    assert accepted_ids(receiver) == [held.id]


async def test_an_endpoint_down_for_an_hour_loses_nothing_and_keeps_the_schedule(
        hooks: Hooks, receiver: WebhookReceiver, secret: str) -> None:
    await hooks.endpoint(receiver.url(), secret)
    start = hooks.clock.now()
    await receiver.stop()
    first = await hooks.publish(PROGRESS, milestone=1, percent=40)
    other = await hooks.publish(PROGRESS, milestone=2, percent=10)
    then = await hooks.publish(DONE, milestone=1)
    loose = await hooks.publish(EventType.CHALLENGE_FINISHED, milestone=None)
    down = await hooks.run_until(start + timedelta(hours=1))  # the scheduler's minute ticks
    assert down.delivered == 0 and down.retried == 12  # three heads, four attempts each
    await receiver.start()  # back, on the same port
    up = await hooks.run_until(start + timedelta(hours=4))
    assert up.delivered == 4 and up.retried == 0
    # Each event arrived once, and milestone 1's in the order they happened.
    assert sorted(accepted_ids(receiver)) == sorted([first.id, other.id, then.id, loose.id])
    assert len(receiver.received) == 4
    ids = accepted_ids(receiver)
    assert ids.index(first.id) < ids.index(then.id)
    # The schedule: attempts at 0, then on the first tick after 5 s, 5 min, 30 min, 2 h.
    times = [entry.at - start for entry in hooks.store.log_of(first.id)]
    assert times == [timedelta(0), timedelta(minutes=1), timedelta(minutes=6),
                     timedelta(minutes=36), timedelta(hours=2, minutes=36)]
    for gap, delay in zip([b - a for a, b in itertools.pairwise(times)],
                          RETRY_SCHEDULE, strict=False):
        assert gap >= delay
    # The event behind it waited for it, then went out on the next tick.
    assert [e.at - start for e in hooks.store.log_of(then.id)] == [
        timedelta(hours=2, minutes=37)]
    (endpoint,) = hooks.store.endpoints.values()
    assert endpoint.enabled and endpoint.consecutive_failures == 0
    assert hooks.store.notices == []


async def test_a_dead_endpoint_is_disabled_when_the_schedule_runs_out(
        hooks: Hooks, receiver: WebhookReceiver, secret: str) -> None:
    endpoint = await hooks.endpoint(receiver.url(), secret)
    receiver.default = Reply(503)
    start = hooks.clock.now()
    event = await hooks.publish(DONE)
    await hooks.run()
    while await jump_to_next_due(hooks) is not None:
        pass
    log = hooks.store.log_of(event.id)
    assert len(log) == MAX_ATTEMPTS == len(receiver.received)
    assert {r.id for r in receiver.received} == {event.id}
    assert [b.at - a.at for a, b in itertools.pairwise(log)] == list(RETRY_SCHEDULE)
    assert log[-1].verdict is Verdict.DISABLED and log[-1].next_attempt_at is None
    assert log[-1].at - start == sum(RETRY_SCHEDULE, timedelta())
    stored = hooks.stored(endpoint)
    assert not stored.enabled and stored.consecutive_failures == MAX_ATTEMPTS
    assert "Every delivery failed since 2026-11-23 09:00 UTC" in stored.disabled_reason
    ((_, notice),) = hooks.store.notices
    assert "is disabled" in notice and "HTTP 503" in notice


async def test_an_event_the_receiver_refuses_is_given_up_while_the_endpoint_works_on(
        hooks: Hooks, receiver: WebhookReceiver, secret: str) -> None:
    endpoint = await hooks.endpoint(receiver.url(), secret)
    receiver.by_type["comment.created"] = Reply(400, body=b"unknown type")
    refused = await hooks.publish(EventType.COMMENT_CREATED, milestone=1)
    await hooks.run()
    hooks.clock.advance(hours=1)
    fine = await hooks.publish(PROGRESS, milestone=2)  # taken: the endpoint is alive
    await hooks.run()
    while await jump_to_next_due(hooks) is not None:
        pass
    assert hooks.delivery(refused).state is DeliveryState.FAILED
    assert hooks.store.log_of(refused.id)[-1].verdict is Verdict.GAVE_UP
    assert hooks.store.log_of(refused.id)[-1].response == "unknown type"
    assert hooks.stored(endpoint).enabled
    ((_, notice),) = hooks.store.notices
    assert "gave up" in notice and refused.id in notice and "HTTP 400" in notice
    after = await hooks.publish(DONE, milestone=1)  # milestone 1's line moves on
    await hooks.run()
    assert accepted_ids(receiver) == [fine.id, after.id]


async def test_a_milestone_s_events_never_overtake_each_other(
        hooks: Hooks, receiver: WebhookReceiver, secret: str) -> None:
    await hooks.endpoint(receiver.url(), secret)
    receiver.then(500)
    progress = await hooks.publish(PROGRESS, milestone=1)
    done = await hooks.publish(DONE, milestone=1)
    elsewhere = await hooks.publish(PROGRESS, milestone=2)
    await hooks.run_until(hooks.clock.now() + timedelta(minutes=5))
    assert accepted_ids(receiver) == [elsewhere.id, progress.id, done.id]


async def test_each_event_reaches_each_endpoint_once_even_with_two_workers(
        hooks: Hooks, receiver: WebhookReceiver, secret: str) -> None:
    await hooks.endpoint(receiver.url("/a"), secret)
    await hooks.endpoint(receiver.url("/b"), secret, events=(DONE,))
    events = [await hooks.publish(DONE if n % 2 else PROGRESS, milestone=n)
              for n in range(1, 21)]
    # The outbox consumer may plan an event again (a retried batch): nothing new is stored.
    endpoints = await hooks.store.for_tenant(ACME).all()
    assert await hooks.store.enqueue(plan_deliveries(events[0], endpoints,
                                                     hooks.clock.now())) == 0
    assert len(hooks.store.deliveries) == 30
    first, second = await asyncio.gather(hooks.run(), hooks.run())
    assert first.delivered + second.delivered == 30
    got = [(r.path, r.id) for r in receiver.received]
    assert len(got) == len(set(got)) == 30
    assert {i for p, i in got if p == "/b"} == {e.id for e in events if e.type is DONE}


async def test_events_reach_only_their_own_tenant_s_endpoints(
        hooks: Hooks, receiver: WebhookReceiver, secret: str) -> None:
    theirs = await WebhookReceiver([secret]).start()
    try:
        await hooks.endpoint(receiver.url(), secret)
        await hooks.endpoint(theirs.url(), secret, tenant=OTHER)
        ours = await hooks.publish(DONE)
        await hooks.run()
        assert accepted_ids(receiver) == [ours.id] and theirs.received == []
        assert await hooks.store.for_tenant(OTHER).log(next(iter(
            hooks.store.endpoints))) == []
    finally:
        await theirs.close()


async def test_a_rotated_secret_signs_alongside_the_old_one_until_the_grace_ends(
        hooks: Hooks, receiver: WebhookReceiver, secret: str) -> None:
    endpoint = await hooks.endpoint(receiver.url(), secret)
    repo = hooks.store.for_tenant(ACME)
    new = new_secret()
    await repo.save(endpoint.rotated(new, now=hooks.clock.now(), grace=timedelta(hours=24)))
    during = await hooks.publish(DONE, milestone=1)
    await hooks.run()  # the receiver knows only the old secret and accepts
    receiver.secrets = [new]
    switched = await hooks.publish(DONE, milestone=2)
    await hooks.run()  # it switched to the new one and accepts
    hooks.clock.advance(hours=25)
    receiver.secrets = [secret]
    stale = await hooks.publish(DONE, milestone=3)
    await hooks.run()  # the grace is over: the old secret no longer verifies
    assert accepted_ids(receiver) == [during.id, switched.id]
    assert receiver.received[-1].id == stale.id and receiver.received[-1].status == 401
    assert len(receiver.received[-1].headers["webhook-signature"].split()) == 1
    receiver.secrets = [new]
    hooks.clock.advance(seconds=5)
    await hooks.run()
    assert accepted_ids(receiver)[-1] == stale.id


async def test_the_log_of_an_endpoint_shows_its_latest_attempts(
        hooks: Hooks, receiver: WebhookReceiver, secret: str) -> None:
    endpoint = await hooks.endpoint(receiver.url(), secret)
    receiver.then(500)
    event = await hooks.publish(DONE)
    await hooks.run()
    hooks.clock.advance(seconds=5)
    await hooks.run()
    assert endpoint.id is not None
    log = await hooks.store.for_tenant(ACME).log(endpoint.id)
    assert [(e.attempt, e.status, e.verdict) for e in log] == [
        (2, 200, Verdict.DELIVERED), (1, 500, Verdict.RETRY)]
    assert all(e.event_id == event.id and e.latency_ms >= 0 for e in log)
    assert await hooks.store.for_tenant(ACME).remove(endpoint.id)
    assert hooks.store.deliveries == {} and hooks.store.logs == []


class BrokenSender:
    """A sender with a bug: the loop must count it as a failed attempt, not lose the event."""

    async def send(self, request: WebhookRequest) -> AttemptOutcome:
        raise RuntimeError("boom")


async def test_a_sender_that_raises_costs_an_attempt_not_the_event(
        hooks: Hooks, receiver: WebhookReceiver, secret: str) -> None:
    await hooks.endpoint(receiver.url(), secret)
    event = await hooks.publish(DONE)
    real = hooks.sender
    hooks.sender = BrokenSender()
    assert (await hooks.run()).retried == 1
    assert hooks.store.log_of(event.id)[0].error == "RuntimeError: boom"
    hooks.sender = real
    hooks.clock.advance(seconds=5)
    assert (await hooks.run()).delivered == 1
    assert accepted_ids(receiver) == [event.id]
