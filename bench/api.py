"""REST API benchmark: `GET /api/v1/milestones?limit=50` on a 10,000-milestone tenant and a
check-in through the API, against a bare aiohttp handler that only checks a token.

    .venv/bin/python bench/api.py [--database postgres://user@host:5432/db] [--requests 2000]

Three servers run one after the other in this process on loopback, each loaded by 16 concurrent
keep-alive clients: the baseline (the bearer token's SHA-256 looked up in a dict, answer 200),
Cairn's list (token check and rate count in the database, the query, the JSON) and Cairn's
check-in (`POST /milestones/{n}/updates`: the use case's unit of work, roll-up, activity,
outbox). Prints requests per second and p50/p99 for each, and each of Cairn's as a ratio to the
baseline. SQLite in a temporary file by default.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

THIS = Path(__file__).resolve()
sys.path.insert(0, str(THIS.parents[1]))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402

from bench.databases import open_bench_database  # noqa: E402
from core.bus import Deps, run_text  # noqa: E402
from core.commands import Actor  # noqa: E402
from core.model import Kind, Milestone, UserId  # noqa: E402
from core.people.use_cases import ensure_tenant, join  # noqa: E402
from core.tenancy import Plan  # noqa: E402
from storage import Database  # noqa: E402
from wiring.runtime import Runtime, SystemClock  # noqa: E402
from wiring.server import build_app  # noqa: E402
from wiring.settings import Settings  # noqa: E402

CONCURRENCY = 16
MILESTONES = 10_000


async def load(database: Database, deps: Deps) -> tuple[str, list[int]]:
    tenant = await ensure_tenant(deps, slug="bench", plan=Plan.ENTERPRISE)
    assert tenant.id is not None
    actor = await join(deps, tenant.id, handle="alice")
    now = datetime.now(UTC)
    async with deps.uow(tenant.id) as tx:
        loaded = await tx.milestones.by_number(MILESTONES) is not None
    if loaded:
        print(f"reusing the {MILESTONES:,} milestones an earlier run loaded", flush=True)
    for start in range(0, 0 if loaded else MILESTONES, 1000):
        async with deps.uow(tenant.id) as tx:
            for number in range(start + 1, start + 1001):
                await tx.milestones.add(Milestone(
                    tenant_id=tenant.id, number=number, kind=Kind.TASK,
                    title=f"Task {number}", owner_id=UserId(actor.user_id),
                    created_by=UserId(actor.user_id), created_at=now, updated_at=now))
            await tx.commit()
    if not loaded:
        async with deps.uow(tenant.id) as tx:
            await tx.tenants.next_number(tenant.id)  # keep the counter past what was loaded
    answer = await run_text(f'token new "bench {time.time_ns()}" write', Actor(
        tenant_id=tenant.id, user_id=actor.user_id), deps)
    secret = str(answer.secret)
    return secret, list(range(1, MILESTONES + 1, MILESTONES // 200))


async def hammer(url: Callable[[int], str], method: str, headers: dict[str, str],
                 requests: int, body: Callable[[int], object] | None = None
                 ) -> tuple[float, list[float]]:
    latencies: list[float] = []
    counter = iter(range(requests))

    async def client(http: aiohttp.ClientSession) -> None:
        for i in counter:
            started = time.perf_counter()
            async with http.request(method, url(i), headers=headers,
                                    json=body(i) if body else None) as response:
                await response.read()
                assert response.status < 300, (response.status, await response.text())
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(client(http) for _ in range(CONCURRENCY)))
    return requests / (time.perf_counter() - started), latencies


def show(name: str, rps: float, latencies: list[float], baseline: float | None) -> None:
    cuts = statistics.quantiles(latencies, n=100)
    ratio = f"  ratio {rps / baseline:.2f} of the baseline" if baseline else ""
    print(f"{name:<42} {rps:8.0f} req/s  p50 {cuts[49] * 1000:6.1f} ms  "
          f"p99 {cuts[98] * 1000:6.1f} ms{ratio}")


async def bare_server(secret: str) -> TestServer:
    known = {hashlib.sha256(secret.encode()).hexdigest(): 1}

    async def handle(request: web.Request) -> web.Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if hashlib.sha256(token.encode()).hexdigest() not in known:
            return web.Response(status=401)
        return web.json_response({"items": []})

    app = web.Application()
    app.router.add_get("/api/v1/milestones", handle)
    server = TestServer(app)
    await server.start_server()
    return server


async def main(url: str, requests: int) -> None:
    database = await open_bench_database(url)
    deps = Deps(uow=database.unit_of_work(), clock=SystemClock())
    try:
        started = time.perf_counter()
        secret, numbers = await load(database, deps)
        print(f"ready in {time.perf_counter() - started:.1f} s", flush=True)
        auth = {"Authorization": f"Bearer {secret}"}
        bare = await bare_server(secret)
        runtime = Runtime(settings=Settings(database_url=url, api_rate_limit=1_000_000),
                          database=database, deps=deps)
        cairn = TestServer(build_app(runtime))
        await cairn.start_server()
        try:
            runs: list[tuple[str, Callable[[], Awaitable[tuple[float, list[float]]]]]] = [
                ("baseline: token check only", lambda: hammer(
                    lambda i: str(bare.make_url("/api/v1/milestones")), "GET", auth, requests)),
                ("Cairn: GET /milestones?limit=50", lambda: hammer(
                    lambda i: str(cairn.make_url("/api/v1/milestones?limit=50")), "GET", auth,
                    requests)),
                ("Cairn: POST /milestones/{n}/updates", lambda: hammer(
                    lambda i: str(cairn.make_url(
                        f"/api/v1/milestones/{numbers[i % len(numbers)]}/updates")),
                    "POST", auth, max(200, requests // 4),
                    body=lambda i: {"percent": i % 100, "notes": "bench"})),
            ]
            baseline = None
            for name, run in runs:
                rps, latencies = await run()
                show(name, rps, latencies, baseline)
                baseline = baseline or rps
        finally:
            await cairn.close()
            await bare.close()
    finally:
        await database.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a postgres:// URL (default: a temporary SQLite)")
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        target = args.database or f"sqlite:///{folder}/bench.sqlite3"
        asyncio.run(main(target, args.requests))
