"""The Slack benches' load: signed slash commands, each with a trigger id of its own, sent by
concurrent keep-alive clients, with latencies and verdicts counted (`bench/slack_ack.py`,
`bench/checkin_burst.py`)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

SECRET = "bench-signing-secret-" + "0" * 11
TOKEN = "xoxb-bench-token"
CONCURRENCY = 32
BASELINE = "baseline: signature check only"


def command_body(text: str, user: str, team: str, response_url: str) -> str:
    return urlencode({
        "token": "x", "team_id": team, "team_domain": "bench", "channel_id": "CBENCH",
        "channel_name": "bench", "user_id": user, "user_name": user.lower(),
        "command": "/cairn", "text": text, "api_app_id": "ABENCH",
        "is_enterprise_install": "false", "response_url": response_url,
        "trigger_id": trigger_id()})


def trigger_id() -> str:
    return f"{time.time_ns()}.1.{secrets.token_hex(6)}"


_TRIGGER = re.compile(r"trigger_id=[^&]*")


def fresh(body: str) -> str:
    """A prepared body with a trigger id of its own, as Slack sends every command. The same
    body sent twice within its timestamp's second has the same signature, and Cairn answers
    such a replay "Already done" without running it, which is not what is measured here."""
    return _TRIGGER.sub(f"trigger_id={trigger_id()}", body, count=1)


def signed(body: str) -> dict[str, str]:
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    latencies: list[float]
    failures: int
    deferred: int = 0

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


async def chart_traffic(url: str, bodies: list[str], stop: asyncio.Event,
                        acked: list[float], answered: list[float], fake: Any,
                        answer_url: str, *, most: int | None = None) -> None:
    """`/cairn chart status` again and again while another load runs, one chart being drawn
    at any moment: each is acked ("Working on it…"), drawn in the chart worker and uploaded,
    and the next is asked once its answer reached `answer_url` on the fake Slack.
    Records each ack's latency and each chart's, from the request to its answer; `most`
    charts at most."""
    import aiohttp

    async with aiohttp.ClientSession() as http:
        while not stop.is_set() and (most is None or len(answered) < most):
            body = fresh(random.choice(bodies))
            before = len(fake.responses_to(answer_url))
            started = time.perf_counter()
            async with http.post(url, data=body.encode(), headers=signed(body)) as response:
                await response.read()
            acked.append(time.perf_counter() - started)
            async with asyncio.timeout(120):
                await fake.wait_for_responses_to(answer_url, before + 1)
            answered.append(time.perf_counter() - started)


async def load(name: str, url: str, bodies: list[str], requests: int, warmup: int,
               check: Callable[[int, str], str] | None = None) -> Result:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    latencies: list[float] = []
    failures = deferred = 0
    async with aiohttp.ClientSession(connector=connector) as http:
        async def one(body: str, record: bool) -> None:
            nonlocal failures, deferred
            body = fresh(body)
            started = time.perf_counter()
            async with http.post(url, data=body.encode(), headers=signed(body)) as response:
                text = await response.text()
            elapsed = time.perf_counter() - started
            verdict = check(response.status, text) if check else (
                "ok" if response.status == 200 else "failed")
            if record:
                latencies.append(elapsed)
                failures += verdict == "failed"
                deferred += verdict == "deferred"

        async def run(count: int, record: bool) -> float:
            left = count

            async def worker() -> None:
                nonlocal left
                while left > 0:
                    left -= 1
                    await one(random.choice(bodies), record)

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
            return time.perf_counter() - started

        await run(warmup, False)
        seconds = await run(requests, True)
    return Result(name, requests, seconds, latencies, failures, deferred)


def cairn_answer(status: int, text: str) -> str:
    """An answer counts when it is the list itself, in the ack."""
    if status != 200:
        return "failed"
    try:
        answer = json.loads(text)
    except ValueError:
        return "deferred" if not text else "failed"
    blocks = json.dumps(answer.get("blocks", []))
    return "ok" if "Your milestones" in blocks and "Milestone" in blocks else "deferred"
