"""The job `serve` schedules to forget old idempotency keys: the core's claims, Slack's and
Teams' processed keys and the API's replays, on a real database."""

from __future__ import annotations

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from bots.shell.session import ShellSession
from core import commands as c
from core.bus import Deps, execute
from core.interactions.idempotency import AlreadyDone
from core.tenancy import Plan
from storage import Database
from storage.slack import TortoiseSlackStore
from storage.teams import TortoiseTeamsStore
from tests.api.conftest import secret_in
from tests.fakes import FrozenClock
from tests.shell.talk import say
from wiring.key_pruning import KeysForgotten, idempotency_keys_job
from wiring.runtime import Runtime
from wiring.server import build_app
from wiring.settings import Settings


async def test_old_keys_go_and_fresh_ones_stay(database: Database) -> None:
    clock = FrozenClock("2026-11-23T09:00:00+00:00")
    runtime = Runtime(settings=Settings(database_url="sqlite://unused"), database=database,
                      deps=Deps(uow=database.unit_of_work(), clock=clock))
    shell = await ShellSession.open(runtime.deps, tenant="acme", user="alice",
                                    plan=Plan.PROFESSIONAL)
    await say(shell, 'task "Beta"')
    secret = secret_in(await say(shell, 'token new "CRM" write'))
    token = {"Authorization": f"Bearer {secret}"}
    tenant = shell.actor.tenant_id
    slack = TortoiseSlackStore(database.unit_of_work())
    teams = TortoiseTeamsStore(database.unit_of_work())
    server = TestServer(build_app(runtime))
    await server.start_server()
    try:
        async with ClientSession(base_url=str(server.make_url("/api/v1/"))) as http:
            async def post(key: str) -> tuple[int, str]:
                async with http.post("milestones", json={"title": key}, headers={
                        **token, "Idempotency-Key": key}) as answer:
                    return answer.status, answer.headers.get("Idempotent-Replayed", "")

            async def keys_at_this_time(key: str) -> None:
                await execute(c.UpdateProgress(actor=shell.actor, percent=40,
                                               milestone=c.MilestoneRef(number=1),
                                               idempotency_key=key), runtime.deps)
                assert await slack.claim_key(key, tenant_id=tenant, at=clock.now())
                assert await teams.claim_key(key, tenant_id=tenant, at=clock.now())
                assert await post(key) == (201, "")

            await keys_at_this_time("old")
            clock.advance(days=2, minutes=1)  # past both retentions (2 days; the API's 24 h)
            await keys_at_this_time("fresh")
            clock.advance(hours=23)  # the fresh ones are within both still

            job = idempotency_keys_job(runtime)
            assert job.every.total_seconds() == 3600
            assert await job.run() == KeysForgotten(claims=1, slack=1, teams=1, api_replays=1)
            assert await job.run() == KeysForgotten(claims=0, slack=0, teams=0, api_replays=0)

            # The fresh keys still stop a repeat; the old ones are free to be used again.
            with pytest.raises(AlreadyDone):
                await execute(c.UpdateProgress(actor=shell.actor, percent=60,
                                               milestone=c.MilestoneRef(number=1),
                                               idempotency_key="fresh"), runtime.deps)
            async with runtime.deps.uow(tenant) as tx:
                assert await tx.idempotency.claimed("fresh") == "UpdateProgress"
                assert await tx.idempotency.claimed("old") is None
            for store in (slack, teams):
                assert not await store.claim_key("fresh", tenant_id=tenant, at=clock.now())
                assert await store.claim_key("old", tenant_id=tenant, at=clock.now())
            assert await post("fresh") == (201, "true")  # replayed, not created again
            assert await post("old") == (201, "")  # carried out again
    finally:
        await server.close()
