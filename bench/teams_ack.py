"""Teams message benchmark: Cairn answering `list mine` against a bare JWT check.

    .venv/bin/python bench/teams_ack.py [--database postgres://user@host:5432/db] [--requests 600]

Three HTTP servers on this machine, one after the other, each loaded with the same signed
activities by 32 concurrent clients (keep-alive):

- baseline: a bare aiohttp handler that only validates the Bot Framework JWT (RS256, audience,
  issuer, key from the published JWKS, cached) and answers 202;
- SDK: the same check, then the Agents SDK's CloudAdapter with an agent that sends one short
  text reply to the fake connector (the SDK's own cost, as the Slack bench measures bolt's);
- Cairn: Cairn's HTTP server with the Teams adapter, a tenant of 10 people with 20 milestones
  each (created through Teams messages beforehand), each request `list mine` from one of them:
  token validation, the activity's checks, who is asking, the grammar, the list use case, the
  Adaptive Card, and its post to the connector.

The token kit (OpenID metadata, keys, the bot's own token) and a fake Bot Connector run in this
process, as does the load generator. Prints throughput and p50/p99 latency of each server and
Cairn's throughput as a ratio to the baseline. SQLite in a temporary directory by default.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PEOPLE = 10
EACH = 20
CONCURRENCY = 32
APP_ID = "6a1f3c2e-9d4b-4e8a-b7c5-0f2e1d3c4b5a"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


async def load(name: str, url: str, bodies: list[Any], token: str, requests: int) -> float:
    import aiohttp

    latencies: list[float] = []
    failures = 0
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY)) as http:
        async def one(body: Any) -> None:
            nonlocal failures
            started = time.perf_counter()
            async with http.post(url, json=body, headers=headers) as answer:
                await answer.read()
                if answer.status >= 300:
                    failures += 1
            latencies.append(time.perf_counter() - started)

        queue = list(range(requests))

        async def worker() -> None:
            while queue:
                await one(bodies[queue.pop() % len(bodies)])

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    rate = requests / elapsed
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(f"{name:<34} {rate:8.1f} req/s   p50 {p50:7.1f} ms   p99 {p99:7.1f} ms"
          f"   failed {failures}", flush=True)
    return rate


async def site(app: Any) -> tuple[Any, str]:
    from aiohttp import web

    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/api/messages"


def bare_app(validator: Any, reply: Callable[[Any], Awaitable[None]] | None = None) -> Any:
    from aiohttp import web

    async def messages(request: web.Request) -> web.Response:
        from bots.teams.auth import Unauthorized

        try:
            await validator.claims(request.headers.get("Authorization"))
        except Unauthorized:
            return web.Response(status=401)
        body = await request.json()
        if reply is not None:
            await reply(body)
        return web.Response(status=202)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app


def sdk_app(validator: Any) -> Any:
    from microsoft_agents.activity import Activity
    from microsoft_agents.hosting.aiohttp import CloudAdapter
    from microsoft_agents.hosting.core import (
        AgentAuthConfiguration,
        ConnectionManager,
        MessageFactory,
    )
    from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider, ClaimsIdentity

    adapter = CloudAdapter(connection_manager=ConnectionManager(
        provider_factory=lambda _: AnonymousTokenProvider(),
        connections_configurations={"SERVICE_CONNECTION": AgentAuthConfiguration(
            anonymous_allowed=True)}))

    class Agent:
        async def on_turn(self, context: Any) -> None:
            await context.send_activity(MessageFactory.text("ok"))

    agent = Agent()

    async def reply(body: Any) -> None:
        await adapter.process_activity(ClaimsIdentity(), Activity.model_validate(body),
                                       agent.on_turn)

    return bare_app(validator, reply)


async def main(database: str, requests: int) -> None:
    from bots.teams.auth import BotTokenValidator
    from tests.teams.fake_connector import FakeConnector
    from tests.teams.harness import BOT
    from tests.teams.tokens import TokenKit
    from wiring.runtime import start_runtime
    from wiring.server import attach_adapters, build_app
    from wiring.settings import Settings

    kit = await TokenKit(app_id=APP_ID, app_password="bench-secret", tenant_id=TENANT).start()
    connector = await FakeConnector().start()
    members = [connector.add_member(f"Person {n}", tenant_id=TENANT) for n in range(PEOPLE)]
    chats = [connector.personal_chat(m) for m in members]
    token = kit.good(connector.service_url)

    def activity(n: int, text: str) -> dict[str, Any]:
        member, chat = members[n % PEOPLE], chats[n % PEOPLE]
        return {"type": "message", "id": f"1{n:012d}", "channelId": "msteams",
                "serviceUrl": connector.service_url, "text": text, "recipient": BOT,
                "from": {"id": member.id, "name": member.name,
                         "aadObjectId": member.aad_object_id},
                "conversation": {"id": chat.id, "conversationType": "personal",
                                 "tenantId": TENANT}}

    bodies = [activity(n, "list mine") for n in range(PEOPLE)]
    validator = BotTokenValidator(app_id=APP_ID, metadata_url=kit.openid_metadata_url)
    print(f"{requests} requests, {CONCURRENCY} concurrent; database {database.split('://')[0]}")
    runner, url = await site(bare_app(validator))
    baseline = await load("baseline: JWT check only", url, bodies, token, requests)
    await runner.cleanup()
    runner, url = await site(sdk_app(validator))
    await load("Agents SDK: JWT + one text reply", url, bodies, token, requests)
    await runner.cleanup()

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=database, microsoft_app_id=APP_ID,
        microsoft_app_password="bench-secret", microsoft_app_tenant_id=TENANT,
        teams_openid_metadata_url=kit.openid_metadata_url, teams_login_url=kit.base_url)
    runtime = await start_runtime(settings)
    app = build_app(runtime)
    attached = await attach_adapters(runtime, app)
    runner, url = await site(app)
    import aiohttp

    async with aiohttp.ClientSession() as http:
        for n in range(PEOPLE * EACH):
            body = activity(n, f'task "Bench item {n}" due:2027-01-{1 + n % 28:02d}')
            async with http.post(url, json=body,
                                 headers={"Authorization": f"Bearer {token}"}) as answer:
                assert answer.status == 202, await answer.text()
    cairn = await load("Cairn: list mine, card posted", url, bodies, token, requests)
    print(f"Cairn / baseline throughput: {cairn / baseline:.2f}")
    await runner.cleanup()
    for hook in (h for a in attached for h in a.on_stop):
        await hook()
    await runtime.close()
    await connector.close()
    await kit.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="")
    parser.add_argument("--requests", type=int, default=600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite://{folder}/bench.sqlite3"
        asyncio.run(main(url, args.requests))
