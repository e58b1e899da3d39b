"""Slash command benchmark: Cairn answering `/cairn list mine` against a bare signature check.

    python bench/slack_ack.py [--database postgres://user@host:5432/db] [--requests 3000]
                              [--quick] [--against <git-ref>] [--with-charts]

Runs, in one process tree on this machine, three HTTP servers one after the other, each loaded
with the same signed slash command requests by 32 concurrent clients (keep-alive, like a busy
Slack):

- baseline: a bare aiohttp handler that only verifies the request signature (HMAC-SHA256 of
  `v0:<timestamp>:<body>`) and answers 200;
- peer: a slack-bolt AsyncApp whose `/cairn` command only acks; measured in both of bolt's modes
  (`process_before_response=True`, as Cairn runs it, and bolt's default, which polls for the ack
  every 10 ms);
- Cairn: `python app.py serve` on PostgreSQL with the Slack adapter (single workspace), a tenant
  of 200 milestones (10 people, 20 each, created through `/cairn milestone ...` beforehand), each
  request `/cairn list mine` from one of the 10: signature, authorization, who is asking, the
  grammar, the list use case's queries, the Block Kit rendering, the answer in the ack.

The load generator and a fake Slack Web API (Cairn asks it who people are while the tenant is
set up, never during the measurement) run in this process. Prints throughput and p50/p99
latency for each server, and Cairn's throughput as a ratio to the baseline. Exits 1 when Cairn
misses the target (at least 0.30 of the baseline, p99 under 100 ms) or a request failed. The
bench's tenant is deleted again at the end.

`--against <git-ref>` measures Cairn at another commit in the same rounds: that commit checked
out into a temporary git worktree (removed at the end), its own `serve` on a database of its own
(`<database>_at_<commit>`, migrated by that commit), the same tenant set up through Slack. Both
ratios to the one baseline are printed side by side. Issue 10 (no lower ratio than before the
interaction layer) compares with the commit before its first: `--against 4a32b25`.
`--with-charts` loads Cairn once more the same way while `/cairn chart status` is asked again
and again beside the load, one chart always being drawn (acked at once, drawn in the chart
worker, uploaded to the fake Slack; the next is asked when its answer arrived): `list mine`'s
p99 must then stay within noise of the run without charts.
`--quick` checks that it all runs (300 requests in one round); it measures nothing fairly.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import os
import re
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

THIS = Path(__file__).resolve()
ROOT = THIS.parents[1]
# Run as `python bench/slack_ack.py`: this checkout's packages win over any installed copy.
sys.path.insert(0, str(ROOT))

from bench.checkout import Checkout, checked_out  # noqa: E402
from bench.servers import start, stop  # noqa: E402
from bench.slack_load import (  # noqa: E402
    BASELINE,
    CONCURRENCY,
    SECRET,
    TOKEN,
    Result,
    cairn_answer,
    chart_traffic,
    command_body,
    load,
    signed,
)

PEOPLE = 10
EACH = 20
TARGET_RATIO = 0.30
TARGET_P99_MS = 100.0
#: What charts drawn meanwhile may add to `list mine`'s p99 and still count as noise: a quarter
#: of it, plus this.
CHARTS_NOISE_MS = 5.0


# --- the servers under test (child processes) --------------------------------------------------


def serve_bare(port: int) -> None:
    from aiohttp import web

    secret = SECRET.encode()

    async def events(request: web.Request) -> web.Response:
        body = await request.read()
        stamp = request.headers.get("X-Slack-Request-Timestamp", "")
        given = request.headers.get("X-Slack-Signature", "")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > 300:
            return web.Response(status=401)
        expected = "v0=" + hmac.new(secret, b"v0:" + stamp.encode() + b":" + body,
                                    hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, given):
            return web.Response(status=401)
        return web.Response(text="")

    app = web.Application()
    app.router.add_post("/slack/events", events)
    _run(app, port)


def serve_bolt(port: int, *, process_before_response: bool) -> None:
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_bolt.authorization import AuthorizeResult

    async def authorize(enterprise_id: str | None, team_id: str | None,
                        user_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_id="B1",
                               bot_user_id="UBOT", bot_token=TOKEN, user_id=user_id)

    bolt = AsyncApp(signing_secret=SECRET, authorize=authorize,
                    process_before_response=process_before_response)

    @bolt.command("/cairn")
    async def command(ack: Callable[[], Awaitable[None]]) -> None:
        await ack()

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(
            await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", events)
    _run(app, port)


def _run(app: object, port: int) -> None:
    from aiohttp import web

    async def main() -> None:
        runner = web.AppRunner(app, access_log=None)  # type: ignore[arg-type]
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        print(f"READY {runner.addresses[0][1]}", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


# --- orchestration ---------------------------------------------------------------------------


async def set_up_tenant(url: str, team: str, users: list[str], fake: object) -> None:
    """Ten people join and each creates twenty milestones of their own, through Slack."""
    import aiohttp

    from tests.slack.fake_slack import FakeSlack

    assert isinstance(fake, FakeSlack)
    async with aiohttp.ClientSession() as http:
        async def say(text: str, user: str) -> None:
            body = command_body(text, user, team, fake.response_url())
            async with http.post(url, data=body.encode(), headers=signed(body)) as response:
                answer = await response.text()
                if response.status != 200:
                    raise SystemExit(f"set-up refused: {response.status} {answer[:200]}")

        expected = len(fake.responses) + 1
        await say("plan enterprise", users[0])  # the first person is the admin
        async with asyncio.timeout(60):
            await fake.wait_for_responses(expected)
        for n in range(EACH):
            for user in users:
                due = f"2026-{(n % 11) + 1:02d}-{(n % 27) + 1:02d}"
                await say(f'milestone "Milestone {n + 1} of {user}" due:{due} priority:high',
                          user)
        print(f"  {len(users)} people, {len(users) * EACH} milestones", flush=True)


async def outbox_drained(database_url: str) -> None:
    """Slack's threads and App Homes have done their work. Only Slack's rows: the calendar's
    are written by every process and wait for a serve with Google Calendar configured."""
    import asyncpg  # type: ignore[import-untyped]

    connection = await asyncpg.connect(database_url)
    try:
        async with asyncio.timeout(120):
            while await connection.fetchval(  # noqa: ASYNC110 - another process's rows
                    "SELECT COUNT(*) FROM outbox WHERE done_at IS NULL "
                    "AND consumer LIKE 'slack.%'") > 0:
                await asyncio.sleep(0.5)
    finally:
        await connection.close()


async def forget_tenant(database_url: str, team: str) -> None:
    """Deletes the bench's rows so a shared database is left as it was found."""
    import asyncpg

    from storage.config import all_tables

    connection = await asyncpg.connect(database_url)
    try:
        tenant = await connection.fetchval(
            "SELECT tenant_id FROM slack_workspaces WHERE team_id = $1", team)
        if tenant is None:
            return
        async with connection.transaction():
            await connection.execute("UPDATE milestones SET parent_id = NULL "
                                     "WHERE tenant_id = $1", tenant)
            for table in all_tables():
                column = "id" if table == "tenants" else "tenant_id"
                exists = await connection.fetchval(
                    "SELECT 1 FROM information_schema.columns WHERE table_name = $1 "
                    "AND column_name = $2", table, column)
                if exists:
                    await connection.execute(f'DELETE FROM "{table}" WHERE {column} = $1',
                                             tenant)
    finally:
        await connection.close()


async def time_use_case(database_url: str, team: str, users: list[str]
                        ) -> tuple[float, float]:
    """Mean milliseconds of `execute(ListMilestones(mine))` for the bench's people: elapsed, and
    this process's CPU (PostgreSQL's own work is on top)."""
    from core.bus import Deps, execute
    from core.commands import ListMilestones
    from core.people.use_cases import actor_of
    from storage import open_database
    from wiring.runtime import SystemClock

    database = await open_database(database_url, migrate=False)
    try:
        deps = Deps(uow=database.unit_of_work(), clock=SystemClock())
        tenant = None
        actors = []
        for user in users:
            async with deps.uow() as tx:
                rows = await (await tx.connection()).execute_query_dict(
                    "SELECT tenant_id FROM slack_workspaces WHERE team_id = $1", [team])
            tenant = rows[0]["tenant_id"]
            async with deps.uow(tenant) as tx:
                found = await tx.users.by_identity(f"slack:{team}:{user}")
            assert found is not None
            actors.append(actor_of(found))
        for actor in actors:
            await execute(ListMilestones(actor=actor), deps)
        calls = 300
        started, cpu = time.perf_counter(), time.process_time()
        for n in range(calls):
            await execute(ListMilestones(actor=actors[n % len(actors)]), deps)
        wall = (time.perf_counter() - started) / calls * 1000
        return wall, (time.process_time() - cpu) / calls * 1000
    finally:
        await database.close()


def show(result: Result, baseline: Result) -> str:
    ratio = f"{result.throughput / baseline.throughput:5.2f}"
    return (f"  {result.name:<34} {result.throughput:8.0f} req/s   p50 "
            f"{result.percentile(0.50):6.1f} ms   p99 {result.percentile(0.99):6.1f} ms   "
            f"x baseline {ratio}")


def merged(parts: list[Result]) -> Result:
    return Result(parts[0].name, sum(p.requests for p in parts), sum(p.seconds for p in parts),
                  [x for p in parts for x in p.latencies], sum(p.failures for p in parts),
                  sum(p.deferred for p in parts))


async def bench(database_url: str, requests: int, warmup: int, rounds: int,
                against: Checkout | None = None, with_charts: bool = False) -> int:
    from bench.databases import create_if_missing
    from tests.slack.fake_slack import FakeSlack

    team = "TB" + secrets.token_hex(4).upper()
    users = [f"UB{n:02d}{secrets.token_hex(2).upper()}" for n in range(PEOPLE)]
    then_url = against.database_url(database_url) if against is not None else ""
    databases = [database_url, *([then_url] if then_url else [])]
    for url in databases:
        await create_if_missing(url)
    fake = await FakeSlack().start()
    fake.add_workspace(team, "Bench", token=TOKEN)
    for n, user in enumerate(users):
        fake.add_user(team, user, f"person{n}", tz="Europe/Berlin")
    bodies = [command_body("list mine", user, team, fake.response_url("list"))
              for user in users]
    env = {**os.environ, "DATABASE_URL": database_url, "PORT": "0", "HOST": "127.0.0.1",
           "SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": TOKEN,
           "SLACK_API_URL": fake.api_url, "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
    for key in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        env.pop(key, None)
    processes: list[asyncio.subprocess.Process] = []
    ready = re.compile(r"READY (\d+)")
    listening = re.compile(r"listening on http://[^:]+:(\d+)")
    cairn_name = "Cairn: /cairn list mine"
    charts_name = "Cairn: /cairn list mine, charts drawn meanwhile"
    then_name = f"Cairn at {against.short}: /cairn list mine" if against is not None else ""
    chart_url = fake.response_url("chart")
    chart_bodies = [command_body("chart status", user, team, chart_url) for user in users]
    chart_acks: list[float] = []
    charts_drawn: list[float] = []
    try:
        servers: dict[str, tuple[str, Callable[[int, str], str] | None]] = {}
        for name, role in ((BASELINE, "bare"), ("peer: bolt, process_before_response", "bolt"),
                           ("peer: bolt, default mode", "bolt-default")):
            process, port = await start([sys.executable, str(THIS), "--serve", role], ready)
            processes.append(process)
            servers[name] = (f"http://127.0.0.1:{port}/slack/events", None)
        process, port = await start([sys.executable, "app.py", "serve"], listening, env=env,
                                    stream="stderr")
        processes.append(process)
        servers[cairn_name] = (f"http://127.0.0.1:{port}/slack/events", cairn_answer)
        if with_charts:
            servers[charts_name] = servers[cairn_name]
        if against is not None:  # the same serve command, run from the other commit's files
            print(f"starting Cairn at {against.label} on its own database", flush=True)
            process, port = await start(
                [sys.executable, "app.py", "serve"], listening, stream="stderr",
                cwd=against.folder, env={**env, "DATABASE_URL": then_url,
                                         "PYTHONPATH": str(against.folder)})
            processes.append(process)
            servers[then_name] = (f"http://127.0.0.1:{port}/slack/events", cairn_answer)
        print("setting up Cairn's tenant through Slack ...", flush=True)
        await set_up_tenant(servers[cairn_name][0], team, users, fake)
        await outbox_drained(database_url)  # the threads' and App Homes' work, done first
        if then_name:
            await set_up_tenant(servers[then_name][0], team, users, fake)
            await outbox_drained(then_url)
        if with_charts:  # the chart worker starts on the first chart: not while measuring
            print("drawing a first chart (starts the chart worker) ...", flush=True)
            await chart_traffic(servers[cairn_name][0], chart_bodies, asyncio.Event(), [], [],
                                fake, chart_url, most=1)
        print(f"{requests:,} signed `/cairn list mine` requests per server, {CONCURRENCY} at a "
              f"time, in {rounds} rounds that take turns (a noisy machine is noisy for all), "
              f"each after {warmup:,} to warm up", flush=True)
        calls = len(fake.calls)
        parts: dict[str, list[Result]] = {name: [] for name in servers}
        for _ in range(rounds):
            for name, (url, check) in servers.items():
                enough = asyncio.Event()
                drawing = (asyncio.create_task(chart_traffic(
                    url, chart_bodies, enough, chart_acks, charts_drawn, fake, chart_url))
                           if name == charts_name else None)
                parts[name].append(await load(name, url, bodies, requests // rounds, warmup,
                                              check=check))
                enough.set()
                if drawing is not None:
                    await drawing
        slack_calls = len(fake.calls) - calls
        use_case_ms, use_case_cpu = await time_use_case(database_url, team, users)
    finally:
        for process in processes:
            await stop(process)
        await fake.close()
        for url in databases:
            await forget_tenant(url, team)
    results = {name: merged(found) for name, found in parts.items()}
    baseline = results[BASELINE]
    for result in results.values():
        print(show(result, baseline), flush=True)
    cairn = results[cairn_name]
    ratio = cairn.throughput / baseline.throughput
    p99 = cairn.percentile(0.99)
    print(f"Cairn answered {cairn.requests - cairn.failures - cairn.deferred:,} of "
          f"{cairn.requests:,} in the ack ({cairn.deferred} deferred to response_url, "
          f"{cairn.failures} failed); {slack_calls} Slack API calls while measuring")
    charts_ok = True
    if with_charts:
        acks = sorted(chart_acks) or [0.0]
        drawn = sorted(charts_drawn) or [0.0]
        with_p99 = results[charts_name].percentile(0.99)
        charts_ok = with_p99 <= p99 * 1.25 + CHARTS_NOISE_MS
        print(f"meanwhile {len(chart_acks)} `/cairn chart status` were acked (p50 "
              f"{acks[len(acks) // 2] * 1000:.1f} ms, max {acks[-1] * 1000:.1f} ms) and drawn "
              f"in the chart worker one after another, each shared in Slack "
              f"{drawn[len(drawn) // 2]:.1f} s (p50; max {drawn[-1]:.1f} s) after it was "
              f"asked; list mine p99 {with_p99:.1f} ms with charts vs "
              f"{p99:.1f} ms without: {'unchanged within noise' if charts_ok else 'SLOWER'} "
              f"(noise: +25% +{CHARTS_NOISE_MS:.0f} ms)")
    print(f"where the time goes: the core's `list mine` use case alone (the same tenant, one call "
          f"at a time in this process, no HTTP, no Slack) takes {use_case_ms:.2f} ms, "
          f"{use_case_cpu:.2f} ms of it Python's CPU: one core runs at most "
          f"{1000 / use_case_cpu:,.0f} a second, before bolt, rendering and PostgreSQL")
    if against is not None:
        print(side_by_side(cairn, results[then_name], baseline, against))
    ok = ratio >= TARGET_RATIO and p99 < TARGET_P99_MS and charts_ok
    verdict = "meets" if ok else "MISSES"
    print(f"ratio Cairn / baseline: {ratio:.2f} (target {TARGET_RATIO:.2f}), p99 {p99:.1f} ms "
          f"(target < {TARGET_P99_MS:.0f} ms): {verdict} the target")
    return 0 if ok and not any(r.failures for r in results.values()) else 1


def side_by_side(now: Result, then: Result, baseline: Result, against: Checkout) -> str:
    """Both commits' ratios to the same baseline, measured in the same rounds."""
    ratio_now, ratio_then = (r.throughput / baseline.throughput for r in (now, then))
    change = "no lower" if ratio_now >= ratio_then else "LOWER"
    return (f"side by side, ratio to the baseline: this checkout {ratio_now:.2f} (p99 "
            f"{now.percentile(0.99):.1f} ms) | at {against.label} {ratio_then:.2f} "
            f"(p99 {then.percentile(0.99):.1f} ms): {change} than before "
            f"({ratio_now / ratio_then:.2f}x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get(
        "CAIRN_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cairn_bench"),
        help="a PostgreSQL database the bench may create and migrate")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true",
                        help="300 requests per server in one round after 50 to warm up: a "
                             "check that it runs, not a measurement")
    parser.add_argument("--against", metavar="GIT-REF",
                        help="also measure Cairn at this commit (checked out into a temporary "
                             "git worktree, on a database of its own) and print both ratios")
    parser.add_argument("--with-charts", action="store_true",
                        help="also load Cairn while charts are drawn beside the load; its p99 "
                             "must stay within noise")
    parser.add_argument("--serve", choices=["bare", "bolt", "bolt-default"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve == "bare":
        serve_bare(args.port)
    elif args.serve in ("bolt", "bolt-default"):
        serve_bolt(args.port, process_before_response=args.serve == "bolt")
    if args.serve:
        return 0
    if not args.database.startswith(("postgres://", "postgresql://")):
        raise SystemExit("this benchmark measures Cairn on PostgreSQL: --database postgres://…")
    if args.quick:
        args.requests, args.warmup, args.rounds = 300, 50, 1
    if args.against is None:
        return asyncio.run(bench(args.database, args.requests, args.warmup,
                                 max(1, args.rounds), with_charts=args.with_charts))
    with checked_out(args.against) as against:
        return asyncio.run(bench(args.database, args.requests, args.warmup,
                                 max(1, args.rounds), against, with_charts=args.with_charts))


if __name__ == "__main__":
    sys.exit(main())
