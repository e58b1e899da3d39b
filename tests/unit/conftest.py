"""Unit tests of the core tell short stories through the fakes of its ports."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.bus import Deps, run_text
from core.commands import Actor
from core.people.use_cases import ensure_tenant, join
from core.tenancy import Plan
from core.views import MilestoneCard, Notice, Tone, View
from tests.fakes import FrozenClock, InMemoryStore


@dataclass
class Company:
    """A tenant with an admin, two members and a viewer, talking through the text grammar."""

    deps: Deps
    store: InMemoryStore
    clock: FrozenClock
    alice: Actor  # admin
    bob: Actor
    carol: Actor
    erin: Actor  # viewer

    async def say(self, who: Actor, text: str) -> View:
        return await run_text(text, who, self.deps)

    async def ok(self, who: Actor, text: str) -> View:
        view = await self.say(who, text)
        assert not (isinstance(view, Notice) and view.tone == Tone.ERROR), (text, view)
        return view

    async def card(self, who: Actor, text: str) -> MilestoneCard:
        view = await self.ok(who, text)
        assert isinstance(view, MilestoneCard), view
        return view

    async def refused(self, who: Actor, text: str) -> Notice:
        view = await self.say(who, text)
        assert isinstance(view, Notice) and view.tone == Tone.ERROR, (text, view)
        return view

    async def percent(self, number: int) -> int:
        return (await self.card(self.alice, f"show #{number}")).line.percent


async def make_company(store: InMemoryStore, clock: FrozenClock, slug: str = "acme",
                       plan: Plan = Plan.PROFESSIONAL) -> Company:
    deps = Deps(uow=store.uow, clock=clock)
    tenant = await ensure_tenant(deps, slug=slug, plan=plan)
    assert tenant.id is not None
    people = {h: await join(deps, tenant.id, handle=h, timezone="Europe/Berlin")
              for h in ("alice", "bob", "carol", "erin")}
    company = Company(deps, store, clock, **people)
    await company.ok(company.alice, "role @erin viewer")
    return company


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock("2026-11-23T09:00:00+00:00")  # a Monday


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
async def acme(store: InMemoryStore, clock: FrozenClock) -> Company:
    return await make_company(store, clock)
