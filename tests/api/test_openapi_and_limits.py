"""The published document validates and matches what is served; the rate limit holds across
two instances sharing PostgreSQL."""

from __future__ import annotations

import aiohttp
import pytest
from openapi_spec_validator import validate

from api.app import ROUTES
from storage import Database
from tests.api.conftest import Api, secret_in, serve_api
from tests.fakes import FrozenClock
from tests.shell.talk import say


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_the_served_document_is_valid_openapi_3_1_and_covers_every_route(api: Api
                                                                              ) -> None:
    async with api.http.get(api.base + "/openapi.json") as response:
        assert response.status == 200
        spec = await response.json()
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    served = {(r.method.lower(), r.path) for r in ROUTES}
    documented = {(m, p) for p, ops in spec["paths"].items() for m in ops}
    assert served == documented
    create = spec["paths"]["/milestones"]["post"]
    assert create["security"] == [{"bearer": ["milestones:write"]}]
    assert "title" in spec["components"]["schemas"]["MilestoneCreate"]["required"]
    # Links chain the operations (schemathesis' stateful tests follow them).
    created = create["responses"]["201"]["links"]
    assert created["GetMilestone"] == {"operationId": "getMilestone",
                                       "parameters": {"number": "$response.body#/number"}}
    assert created["CreateChild"]["requestBody"] == {"parent": "$response.body#/number"}
    read = spec["paths"]["/milestones/{number}"]["get"]["responses"]["200"]["links"]
    assert read["UpdateMilestone"]["parameters"]["header.If-Match"] == "$response.header.ETag"
    added = spec["paths"]["/webhooks"]["post"]["responses"]["201"]["links"]
    assert set(added) == {"RemoveWebhook", "WebhookLog"}


async def test_the_rate_limit_is_shared_by_two_instances(pg_database: Database) -> None:
    clock = FrozenClock("2026-11-23T09:00:10+00:00")
    first, deps = await serve_api(pg_database, clock, rate=5)
    second, _ = await serve_api(pg_database, clock, rate=5)
    from bots.shell.session import ShellSession
    from core.tenancy import Plan
    shell = await ShellSession.open(deps, tenant="acme", user="alice", plan=Plan.PROFESSIONAL)
    token = secret_in(await say(shell, 'token new "CRM" read'))
    auth = {"Authorization": f"Bearer {token}"}
    statuses = []
    try:
        async with aiohttp.ClientSession(headers=auth) as http:
            for i in range(7):
                server = first if i % 2 else second
                async with http.get(server.make_url("/api/v1/milestones")) as response:
                    statuses.append(response.status)
                    last = response
                    body = await response.json(content_type=None)
            assert statuses == [200] * 5 + [429] * 2
            assert last.headers["Retry-After"] == "50"
            assert last.headers["RateLimit-Remaining"] == "0"
            assert body["status"] == 429
            clock.advance(minutes=1)
            async with http.get(first.make_url("/api/v1/milestones")) as response:
                assert response.status == 200
                assert response.headers["RateLimit-Remaining"] == "4"
    finally:
        await first.close()
        await second.close()
