"""The pure model: event types, secrets and rotation, endpoints, the schedule, planning and
the decision after each attempt."""

from __future__ import annotations

import base64
import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest

from core.errors import InvalidInput, LimitReached
from core.model import MilestoneId, TenantId
from core.webhooks.decisions import AttemptOutcome, Verdict, after_attempt, apply_to_endpoint
from core.webhooks.deliveries import Delivery, DeliveryState, first_in_line, plan_deliveries
from core.webhooks.endpoints import MAX_ENDPOINTS, EndpointId, WebhookEndpoint, new_endpoint
from core.webhooks.events import SUBSCRIBABLE, EventType, WebhookEvent, parse_event_types
from core.webhooks.schedule import MAX_ATTEMPTS, RETRY_SCHEDULE, retry_delay
from core.webhooks.signing_secrets import SigningSecret, check_secret, rotate
from integrations.webhooks.signing import new_secret

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ACME, OTHER = TenantId(1), TenantId(2)


def endpoint(number: int = 1, *, tenant: TenantId = ACME, events: tuple[EventType, ...] = (),
             url: str = "https://hooks.example.com/cairn") -> WebhookEndpoint:
    made = new_endpoint(tenant_id=tenant, url=url, events=events, secret=new_secret(), now=T0,
                        allow_private=False)
    return dataclasses.replace(made, id=EndpointId(number))


def event(number: int = 1, kind: EventType = EventType.MILESTONE_DONE, *,
          milestone: int | None = 7, tenant: TenantId = ACME) -> WebhookEvent:
    return WebhookEvent(id=f"evt_{number}", type=kind, tenant_id=tenant, occurred_at=T0,
                        sequence=number, data={"number": milestone, "title": "Launch “β”"},
                        milestone_id=MilestoneId(milestone) if milestone else None)


def test_the_event_types_are_those_of_the_design() -> None:
    assert [t.value for t in EventType] == [
        "milestone.created", "milestone.updated", "milestone.progress", "milestone.done",
        "milestone.reopened", "milestone.overdue", "milestone.at_risk", "comment.created",
        "challenge.finished", "ping"]


def test_event_types_are_parsed_from_what_an_admin_types() -> None:
    assert parse_event_types([]) == frozenset()
    assert parse_event_types(["*"]) == frozenset()
    assert parse_event_types(["milestone.done,", "Comment.Created"]) == {
        EventType.MILESTONE_DONE, EventType.COMMENT_CREATED}
    assert len(parse_event_types(["milestone.*"])) == 7
    assert parse_event_types(["milestone.*", "comment.*", "challenge.*"]) == frozenset()
    assert set(SUBSCRIBABLE) == set(EventType) - {EventType.PING}
    for words, says in ((["milestone.deleted"], "Unknown event type"),
                        (["ping"], "every endpoint gets it"), (["team.*"], "No event type")):
        with pytest.raises(InvalidInput, match=says):
            parse_event_types(words)


def test_the_body_is_the_standard_webhooks_envelope_and_never_changes() -> None:
    e = event()
    body = json.loads(e.body())
    assert body == {"type": "milestone.done", "timestamp": "2026-11-23T09:00:00.000Z",
                    "data": {"number": 7, "title": "Launch “β”"}}
    assert e.body() == e.body()
    for bad in ("evt.1", "", "x" * 65, "a b"):
        with pytest.raises(ValueError):
            WebhookEvent(id=bad, type=EventType.PING, tenant_id=ACME, occurred_at=T0)
    with pytest.raises(ValueError):
        WebhookEvent(id="e", type=EventType.PING, tenant_id=ACME, occurred_at=T0.replace(
            tzinfo=None))


def test_secrets_are_whsec_base64_of_24_to_64_bytes_and_never_shown() -> None:
    fresh = new_secret()
    assert fresh.startswith("whsec_") and len(base64.b64decode(fresh[6:])) == 32
    assert new_secret() != fresh
    assert check_secret(fresh) == fresh
    assert check_secret("whsec_" + base64.b64encode(b"k" * 24).decode())
    for bad, says in (("abc", "starts with"), ("whsec_***", "base64"),
                      ("whsec_" + base64.b64encode(b"k" * 16).decode(), "holds 16"),
                      ("whsec_" + base64.b64encode(b"k" * 65).decode(), "holds 65")):
        with pytest.raises(InvalidInput, match=says):
            check_secret(bad)
    shown = repr(endpoint())
    assert "whsec_" not in shown


def test_rotation_signs_with_both_secrets_during_the_grace_period_then_the_new_one() -> None:
    e = endpoint()
    old = e.signing_secrets(T0)
    assert len(old) == 1
    new = new_secret()
    rotated = e.rotated(new, now=T0 + timedelta(hours=1), grace=timedelta(hours=24))
    assert rotated.signing_secrets(T0 + timedelta(hours=2)) == (new, *old)
    assert rotated.signing_secrets(T0 + timedelta(hours=24, minutes=59)) == (new, *old)
    assert rotated.signing_secrets(T0 + timedelta(hours=25)) == (new,)
    # Rotating again within the grace keeps the oldest until its own end, not longer.
    newest = new_secret()
    again = rotated.rotated(newest, now=T0 + timedelta(hours=2), grace=timedelta(hours=48))
    assert again.signing_secrets(T0 + timedelta(hours=3)) == (newest, new, *old)
    assert again.signing_secrets(T0 + timedelta(hours=26)) == (newest, new)
    assert again.signing_secrets(T0 + timedelta(hours=51)) == (newest,)
    # No grace: the old secret stops at once.
    assert e.rotated(new, now=T0, grace=timedelta(0)).signing_secrets(T0) == (new,)
    with pytest.raises(InvalidInput, match="grace"):
        e.rotated(new, now=T0, grace=timedelta(days=8))
    many = e
    for hour in range(10):
        many = many.rotated(new_secret(), now=T0 + timedelta(minutes=hour))
    assert len(many.secrets) == 5


def test_rotate_keeps_the_secret_list_clean() -> None:
    first = SigningSecret(value=new_secret(), created_at=T0)
    expired = SigningSecret(value=new_secret(), created_at=T0, expires_at=T0)
    same = rotate((first, expired), dataclasses.replace(first), now=T0 + timedelta(hours=1))
    assert [s.value for s in same] == [first.value] and same[0].expires_at is None


def test_a_new_endpoint_is_checked_and_hears_everything_unless_events_are_named() -> None:
    every = endpoint()
    assert every.enabled and every.events == frozenset()
    assert all(every.wants(t) for t in EventType)
    done_only = endpoint(events=(EventType.MILESTONE_DONE,))
    assert done_only.wants(EventType.MILESTONE_DONE) and done_only.wants(EventType.PING)
    assert not done_only.wants(EventType.COMMENT_CREATED)
    with pytest.raises(InvalidInput, match="https"):
        endpoint(url="http://hooks.example.com/")
    with pytest.raises(LimitReached):
        new_endpoint(tenant_id=ACME, url="https://a.example.com", events=(),
                     secret=new_secret(), now=T0, allow_private=False, existing=MAX_ENDPOINTS)
    with pytest.raises(InvalidInput, match="description"):
        new_endpoint(tenant_id=ACME, url="https://a.example.com", events=(),
                     secret=new_secret(), now=T0, allow_private=False, description="x" * 201)
    with pytest.raises(InvalidInput, match="whsec_"):
        new_endpoint(tenant_id=ACME, url="https://a.example.com", events=(), secret="hunter2",
                     now=T0, allow_private=False)


def test_the_schedule_is_the_standard_webhooks_one() -> None:
    assert [retry_delay(n) for n in range(1, 9)] == [
        timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
        timedelta(hours=5), timedelta(hours=10), timedelta(hours=10), None]
    assert MAX_ATTEMPTS == 8 and sum(RETRY_SCHEDULE, timedelta()) == timedelta(
        hours=27, minutes=35, seconds=5)
    with pytest.raises(ValueError):
        retry_delay(0)


def test_planning_gives_one_delivery_per_enabled_endpoint_of_the_tenant_that_wants_it() -> None:
    endpoints = [endpoint(1), endpoint(2, events=(EventType.COMMENT_CREATED,)),
                 endpoint(3).disabled("gone", now=T0), endpoint(4, tenant=OTHER),
                 dataclasses.replace(endpoint(5), id=None)]
    planned = plan_deliveries(event(), endpoints, T0)
    assert [d.endpoint_id for d in planned] == [1]
    (d,) = planned
    assert (d.due_at, d.state, d.attempts, d.message_id) == (T0, DeliveryState.PENDING, 0,
                                                             "evt_1")
    assert d.body == event().body()
    ping = event(2, EventType.PING, milestone=None)
    assert [p.endpoint_id for p in plan_deliveries(ping, endpoints[1:2], T0)] == [2]


def pending(endpoint_id: int, seq: int, milestone: int | None) -> Delivery:
    return Delivery(tenant_id=ACME, endpoint_id=EndpointId(endpoint_id), event_id=f"e{seq}",
                    event_type=EventType.MILESTONE_PROGRESS,
                    milestone_id=MilestoneId(milestone) if milestone else None, sequence=seq,
                    body="{}", created_at=T0, due_at=T0)


def test_only_the_first_delivery_of_a_milestone_to_an_endpoint_may_go() -> None:
    ds = [pending(1, 3, 7), pending(1, 1, 7), pending(1, 2, 8), pending(2, 4, 7),
          pending(1, 5, None), pending(1, 6, None)]
    heads = {d.event_id for d in first_in_line(ds)}
    assert heads == {"e1", "e2", "e4", "e5", "e6"}
    delivered = dataclasses.replace(ds[1], state=DeliveryState.DELIVERED)
    assert {d.event_id for d in first_in_line([ds[0], delivered])} == {"e3"}


def test_after_attempts_a_delivery_is_retried_on_the_schedule_then_given_up() -> None:
    e = endpoint()
    d = pending(1, 1, 7)
    now = T0
    failure = AttemptOutcome(status=503, latency_ms=12, response="busy")
    for attempt, delay in enumerate(RETRY_SCHEDULE, start=1):
        decision = after_attempt(d, e, failure, now)
        assert decision.verdict is Verdict.RETRY and decision.notice is None
        assert decision.delivery.due_at == now + delay
        assert decision.log.attempt == attempt and decision.log.next_attempt_at == now + delay
        assert decision.log.error == "HTTP 503" and decision.log.response == "busy"
        e = apply_to_endpoint(e, decision, now)
        d, now = decision.delivery, now + delay
    assert e.consecutive_failures == 7 and e.failing_since == T0
    last = after_attempt(d, e, AttemptOutcome(status=None, latency_ms=0, error="timeout"), now)
    assert last.verdict is Verdict.DISABLED and last.delivery.state is DeliveryState.FAILED
    assert last.disable_reason is not None and "2026-11-23 09:00 UTC" in last.disable_reason
    assert last.notice is not None and "webhook log 1" in last.notice
    assert "timeout" in last.notice
    e = apply_to_endpoint(e, last, now)
    assert not e.enabled and e.disabled_at == now


def test_a_refused_event_is_given_up_without_disabling_an_endpoint_that_works() -> None:
    e = endpoint()
    d = dataclasses.replace(pending(1, 1, 7), attempts=7, first_attempt_at=T0)
    now = T0 + timedelta(days=1)
    working = dataclasses.replace(e, failing_since=now - timedelta(minutes=1),
                                  consecutive_failures=1)  # it took another event since T0
    decision = after_attempt(d, working, AttemptOutcome(status=400, latency_ms=3), now)
    assert decision.verdict is Verdict.GAVE_UP and decision.disable_reason is None
    assert decision.notice is not None and "gave up" in decision.notice
    assert apply_to_endpoint(working, decision, now).enabled


def test_success_ends_the_run_of_failures_and_410_disables_at_once() -> None:
    e = dataclasses.replace(endpoint(), consecutive_failures=3, failing_since=T0)
    d = pending(1, 1, 7)
    ok = after_attempt(d, e, AttemptOutcome(status=204, latency_ms=40), T0)
    assert ok.verdict is Verdict.DELIVERED and ok.delivery.state is DeliveryState.DELIVERED
    assert ok.log.error == "" and ok.log.latency_ms == 40
    healthy = apply_to_endpoint(e, ok, T0)
    assert healthy.consecutive_failures == 0 and healthy.failing_since is None
    gone = after_attempt(d, e, AttemptOutcome(status=410, latency_ms=5), T0)
    assert gone.verdict is Verdict.DISABLED and gone.delivery.state is DeliveryState.FAILED
    assert gone.notice is not None and "410 Gone" in gone.notice
    assert not apply_to_endpoint(e, gone, T0).enabled
    redirect = after_attempt(d, e, AttemptOutcome(status=302, latency_ms=5,
                                                  error="redirect not followed"), T0)
    assert redirect.verdict is Verdict.RETRY and "redirect" in redirect.log.error
