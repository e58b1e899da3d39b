"""Who a change concerns is decided by the core when the change is recorded, and travels with
it through the outbox: whose views to refresh, which thread tells it, whom it names."""

from __future__ import annotations

from core.interactions.audience import Audience, ThreadTarget
from core.model import MilestoneId
from core.ports import OutboxMessage
from tests.fakes import FrozenClock, InMemoryStore
from tests.unit.conftest import Company, make_company

VERBS = {"created", "progress", "comment", "assigned", "watchers", "deleted", "moved"}


async def told(store: InMemoryStore, acme: Company, consumer: str) -> list[OutboxMessage]:
    async with store.uow(acme.alice.tenant_id) as tx:
        messages = await tx.outbox.claim(consumer, now=acme.clock.now(), limit=100)
        await tx.commit()
    return messages


async def id_of(store: InMemoryStore, acme: Company, number: int) -> MilestoneId:
    async with store.uow(acme.alice.tenant_id) as tx:
        m = await tx.milestones.by_number(number)
    assert m is not None and m.id is not None
    return m.id


async def company(clock: FrozenClock) -> tuple[InMemoryStore, Company]:
    store = InMemoryStore(subscriptions={"threads": VERBS, "calendar": VERBS},
                          audiences={"threads"})
    return store, await make_company(store, clock)


async def test_a_change_concerns_its_people_and_the_owners_of_everything_above(
        clock: FrozenClock) -> None:
    store, acme = await company(clock)
    a, b, c, e = acme.alice, acme.bob, acme.carol, acme.erin
    await acme.ok(a, 'goal "Launch" #launch')
    await acme.ok(a, 'milestone "Beta" parent:#1 owner:@bob')
    await acme.ok(b, 'task "Docs" parent:#2 owner:@carol')
    await acme.ok(a, "watch #3")
    await told(store, acme, "threads")
    await acme.ok(c, "update #3 40% on track")
    await acme.ok(c, "comment #3 @erin can you review?")
    progress, comment = await told(store, acme, "threads")
    launch = ThreadTarget(channel="#launch", milestone_id=await id_of(store, acme, 1))
    # Carol acts and owns #3, Bob owns #2 above it, Alice owns #1 (and watches #3).
    assert progress.audience == Audience(people=frozenset({a.user_id, b.user_id, c.user_id}),
                                         thread=launch)
    assert comment.audience is not None
    assert comment.audience.named == {e.user_id}
    assert comment.audience.people == {a.user_id, b.user_id, c.user_id, e.user_id}
    # The consumers that did not ask for an audience get the event alone.
    assert all(m.audience is None for m in await told(store, acme, "calendar"))


async def test_a_deleted_milestone_is_told_where_its_parent_tells_its_news(
        clock: FrozenClock) -> None:
    store, acme = await company(clock)
    a, b = acme.alice, acme.bob
    await acme.ok(a, 'goal "Launch" #launch')
    await acme.ok(a, 'milestone "Beta" parent:#1 owner:@bob #beta')
    await acme.ok(b, 'task "Scratch" parent:#2')
    await acme.ok(a, "assign #3 @alice")
    await acme.ok(a, "delete #3")
    *_, assigned, deleted = await told(store, acme, "threads")
    # The nearest home channel wins: #beta, on the way up from the task.
    assert assigned.audience is not None
    assert assigned.audience.thread == ThreadTarget(channel="#beta",
                                                    milestone_id=await id_of(store, acme, 2))
    assert assigned.audience.named == {a.user_id, b.user_id}  # given and relieved of it
    # Gone by the time anyone reads the outbox, yet its thread and owners above are known.
    assert deleted.audience == Audience(people=frozenset({a.user_id, b.user_id}),
                                        thread=assigned.audience.thread)


def test_an_audience_travels_as_plain_data() -> None:
    audience = Audience(people=frozenset({1, 2}), named=frozenset({2}),  # type: ignore[arg-type]
                        thread=ThreadTarget(channel="C1", milestone_id=MilestoneId(7)))
    assert Audience.from_data(audience.data()) == audience
    assert Audience.from_data({"people": "nonsense", "thread": {"milestone_id": "x"}}) == (
        Audience())
