"""The HTTP server's own endpoints over real HTTP, in process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from wiring.runtime import Runtime, start_runtime
from wiring.server import build_app
from wiring.settings import Settings


@pytest.fixture
async def runtime(database_url: str) -> AsyncIterator[Runtime]:
    runtime = await start_runtime(Settings(database_url=database_url), migrate=False)
    yield runtime
    await runtime.close()


async def test_readiness_follows_the_database(runtime: Runtime) -> None:
    server = TestServer(build_app(runtime))
    await server.start_server()
    try:
        async with aiohttp.ClientSession(base_url=str(server.make_url(""))) as http:
            async with http.get("/readyz") as response:
                assert response.status == 200
                assert (await response.json())["database"] is True
            await runtime.database.close()
            async with http.get("/readyz") as response:
                assert response.status == 503
                assert (await response.json()) == {"status": "database unreachable",
                                                   "database": False}
            async with http.get("/healthz") as response:
                assert response.status == 200  # alive, just not ready
            async with http.get("/metrics") as response:
                body = await response.text()
                assert 'cairn_http_requests_total{route="/readyz",status="503"} 1.0' in body
    finally:
        await server.close()
