"""Idempotency keys claimed inside the command's own unit of work (core.interactions)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import commands as c
from core.bus import execute
from core.errors import DomainError
from core.interactions.idempotency import AlreadyDone
from tests.unit.conftest import Company, make_company


def update(who: c.Actor, percent: int, key: str | None) -> c.UpdateProgress:
    return c.UpdateProgress(actor=who, milestone=c.MilestoneRef(number=1), percent=percent,
                            idempotency_key=key)


async def test_the_same_key_changes_nothing_twice(acme: Company) -> None:
    await acme.ok(acme.alice, 'task "Beta"')
    await execute(update(acme.alice, 40, "slack:click:1"), acme.deps)
    with pytest.raises(AlreadyDone):
        await execute(update(acme.alice, 90, "slack:click:1"), acme.deps)
    assert await acme.percent(1) == 40
    await execute(update(acme.alice, 90, "slack:click:2"), acme.deps)  # another request
    assert await acme.percent(1) == 90


async def test_a_refused_command_claims_nothing(acme: Company) -> None:
    await acme.ok(acme.alice, 'task "Beta"')
    with pytest.raises(DomainError):
        await execute(update(acme.erin, 40, "k"), acme.deps)  # a viewer may not
    assert acme.store.state.keys == {}
    await execute(update(acme.alice, 40, "k"), acme.deps)  # so the same key still works
    assert await acme.percent(1) == 40


async def test_a_read_claims_nothing(acme: Company) -> None:
    await acme.ok(acme.alice, 'task "Beta"')
    show = c.ShowMilestone(actor=acme.alice, milestone=c.MilestoneRef(number=1),
                           idempotency_key="k")
    await execute(show, acme.deps)
    await execute(show, acme.deps)
    assert acme.store.state.keys == {}


async def test_keys_are_per_tenant(acme: Company) -> None:
    globex = await make_company(acme.store, acme.clock, slug="globex")
    await acme.ok(acme.alice, 'task "Beta"')
    await globex.ok(globex.alice, 'task "Gamma"')
    await execute(update(acme.alice, 40, "same"), acme.deps)
    await execute(update(globex.alice, 70, "same"), globex.deps)
    assert (await acme.percent(1), await globex.percent(1)) == (40, 70)


async def test_claims_older_than_a_day_are_forgotten(acme: Company) -> None:
    await acme.ok(acme.alice, 'task "Beta"')
    await execute(update(acme.alice, 40, "k"), acme.deps)
    async with acme.deps.uow() as tx:
        assert await tx.idempotency.forget(before=acme.clock.now()) == 0
        assert await tx.idempotency.forget(before=acme.clock.now() + timedelta(days=1)) == 1
        await tx.commit()
    await execute(update(acme.alice, 60, "k"), acme.deps)
    assert await acme.percent(1) == 60
