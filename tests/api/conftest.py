"""The REST API served by Cairn's own aiohttp app over real HTTP, on a real database; tokens
are made the way people make them, by typing `token new` in a chat front end (the shell)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from cryptography.fernet import Fernet

from bots.shell.session import ShellSession
from core.bus import Deps
from core.tenancy import Plan
from storage import Database
from storage.webhooks.sealing import SecretBox
from tests.fakes import FrozenClock
from tests.shell.talk import meet, say
from wiring.runtime import Runtime
from wiring.server import build_app
from wiring.settings import Settings

SECRET = re.compile(r"`(cairn_[A-Za-z0-9_-]{43})`")


def secret_in(text: str) -> str:
    found = SECRET.search(text)
    assert found, text
    return found.group(1)


@dataclass
class Api:
    """An HTTP client of the served API, and a shell into the same tenant."""

    base: str
    http: aiohttp.ClientSession
    shell: ShellSession
    clock: FrozenClock

    async def token(self, line: str, *, as_who: str | None = None) -> str:
        if as_who:
            await say(self.shell, f"as @{as_who}")
        return secret_in(await say(self.shell, line))

    async def call(self, method: str, path: str, token: str | None, *,
                   json: Any = None, headers: dict[str, str] | None = None,
                   data: Any = None) -> tuple[int, Any, Any]:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        async with self.http.request(method, self.base + path, json=json, data=data,
                                     headers=sent) as response:
            text = await response.text()
            body = None
            if text and response.content_type in ("application/json",
                                                  "application/problem+json"):
                body = await response.json(content_type=None)
            return response.status, body, response.headers


def seal_secrets(database: Database) -> None:
    """Webhook signing secrets are sealed under a key, as `CAIRN_SECRET_KEY` gives in serve."""
    if database.secret_box is None:
        database.secret_box = SecretBox(Fernet.generate_key().decode())


async def serve_api(database: Database, clock: FrozenClock, *, rate: int = 600
                    ) -> tuple[TestServer, Deps]:
    seal_secrets(database)
    deps = Deps(uow=database.unit_of_work(), clock=clock)
    runtime = Runtime(settings=Settings(database_url="sqlite://unused", api_rate_limit=rate),
                      database=database, deps=deps)
    server = TestServer(build_app(runtime))
    await server.start_server()
    return server, deps


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock("2026-11-23T09:00:00+00:00")


@pytest.fixture
async def api(database: Database, clock: FrozenClock) -> AsyncIterator[Api]:
    server, deps = await serve_api(database, clock)
    shell = await ShellSession.open(deps, tenant="acme", user="alice", plan=Plan.PROFESSIONAL)
    await meet(shell, "bob", "vera")
    await say(shell, "role @vera viewer")
    async with aiohttp.ClientSession() as http:
        yield Api(base=str(server.make_url("/api/v1")), http=http, shell=shell, clock=clock)
    await server.close()
