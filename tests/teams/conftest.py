"""Fixtures of the Teams tests: the fake Bot Connector and the token kit, each a real HTTP
server on a free port of 127.0.0.1, closed after the test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

from storage import Database
from tests.teams.fake_connector import FakeConnector
from tests.teams.tokens import TokenKit

if TYPE_CHECKING:
    from tests.teams.harness import TeamsCairn

APP_ID = "6a1f3c2e-9d4b-4e8a-b7c5-0f2e1d3c4b5a"
APP_PASSWORD = "not-a-real-secret"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = await FakeConnector().start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
async def token_kit() -> AsyncIterator[TokenKit]:
    kit = await TokenKit(app_id=APP_ID, app_password=APP_PASSWORD, tenant_id=TENANT).start()
    try:
        yield kit
    finally:
        await kit.close()


@pytest.fixture
async def teams(database: Database, connector: FakeConnector, token_kit: TokenKit
                ) -> AsyncIterator[TeamsCairn]:
    from tests.teams.harness import running

    async for cairn in running(database, connector, token_kit):
        yield cairn
