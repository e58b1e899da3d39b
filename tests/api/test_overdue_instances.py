"""Two instances running the overdue job at the same moment announce a passed due date once
(PostgreSQL: the second one's claim waits for the first one's commit, then finds the key)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from bots.shell.session import ShellSession
from core.bus import Deps
from core.delegating_unit import DelegatingUnitOfWork
from core.model import TenantId
from core.ports import UnitOfWork
from core.tenancy import Plan
from core.webhooks.overdue import announce_overdue
from storage import Database
from tests.api.conftest import seal_secrets
from tests.fakes import FrozenClock
from tests.shell.talk import say


class _Feed:
    """The activity feed of one instance: after reading it, wait until the other instance has
    read it too, so both have seen the milestone unannounced before either announces it."""

    def __init__(self, inner: Any, both_read: asyncio.Barrier) -> None:
        self._inner, self._both_read = inner, both_read

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def recent(self, **kwargs: Any) -> Any:
        entries = await self._inner.recent(**kwargs)
        await asyncio.wait_for(self._both_read.wait(), 10)
        return entries


class _Instance(DelegatingUnitOfWork):
    def __init__(self, inner: UnitOfWork, both_read: asyncio.Barrier) -> None:
        super().__init__(inner)
        self.activity = _Feed(inner.activity, both_read)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_two_instances_announce_an_overdue_milestone_once(database: Database) -> None:
    seal_secrets(database)
    clock = FrozenClock("2026-11-23T09:00:00+00:00")
    deps = Deps(uow=database.unit_of_work(), clock=clock, allow_private_webhooks=True)
    shell = await ShellSession.open(deps, tenant="acme", user="alice", plan=Plan.PROFESSIONAL)
    await say(shell, "webhook add https://127.0.0.1:9/hook milestone.overdue")
    await say(shell, 'milestone "Launch beta" due:2026-11-24')
    clock.set("2026-11-26T10:00:00+00:00")
    tenants = [shell.actor.tenant_id]

    both_read = asyncio.Barrier(2)

    def instance(tenant_id: TenantId | None = None) -> UnitOfWork:
        return _Instance(deps.uow(tenant_id), both_read)

    racing = replace(deps, uow=instance)
    first, second = await asyncio.gather(announce_overdue(tenants, racing),
                                         announce_overdue(tenants, racing))
    assert sorted((first, second)) == [0, 1]
    assert await announce_overdue(tenants, deps) == 0
    assert (await say(shell, "activity")).count("#1 is overdue") == 1
