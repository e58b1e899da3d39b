"""A bot registered with a user-assigned managed identity (`MICROSOFT_APP_TYPE=UserAssignedMSI`,
no client secret): Cairn gets its connector token from the host's token service, here a local
fake of App Service's (`IDENTITY_ENDPOINT`, `IDENTITY_HEADER`) over real HTTP, and the fake
connector accepts only tokens that service issued."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from storage import Database
from tests.teams.conftest import APP_ID, TENANT
from tests.teams.fake_connector import FakeConnector
from tests.teams.harness import card_text, running
from tests.teams.tokens import TokenKit
from wiring.registry import statuses
from wiring.settings import Settings
from wiring.teams import TeamsAdapter

HEADER = "a-header-only-the-host-knows"


class IdentityService:
    """App Service's managed identity endpoint: a GET with the resource and the identity's
    client id, authorised by the `X-IDENTITY-HEADER` the host put in the environment."""

    def __init__(self) -> None:
        self.issued: set[str] = set()
        self.asked: list[dict[str, str]] = []
        self.refuse = False

    async def token(self, request: web.Request) -> web.Response:
        self.asked.append(dict(request.query))
        if request.headers.get("X-IDENTITY-HEADER") != HEADER:
            return web.json_response({"error": "unauthorized"}, status=401)
        if self.refuse or request.query.get("client_id") != APP_ID:
            return web.json_response({"statusCode": 400, "message": "No managed identity "
                                      "with this client id"}, status=400)
        token = "mi." + secrets.token_urlsafe(24)
        self.issued.add(token)
        return web.json_response({"access_token": token, "token_type": "Bearer",
                                  "expires_on": str(int(time.time()) + 3600),
                                  "resource": request.query.get("resource", ""),
                                  "client_id": APP_ID})


@pytest.fixture
async def identity_service(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[IdentityService]:
    service = IdentityService()
    app = web.Application()
    app.router.add_get("/msi/token", service.token)
    server = TestServer(app)
    await server.start_server()
    monkeypatch.setenv("IDENTITY_ENDPOINT", str(server.make_url("/msi/token")))
    monkeypatch.setenv("IDENTITY_HEADER", HEADER)
    monkeypatch.delenv("IDENTITY_SERVER_THUMBPRINT", raising=False)
    try:
        yield service
    finally:
        await server.close()


MANAGED = {"microsoft_app_password": None, "microsoft_app_type": "UserAssignedMSI"}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_the_bot_answers_with_a_token_from_its_managed_identity(
        database: Database, connector: FakeConnector, token_kit: TokenKit,
        identity_service: IdentityService) -> None:
    async for teams in running(database, connector, token_kit, settings_given=MANAGED,
                               good_token=lambda token: token in identity_service.issued):
        alice = connector.add_member("Alice Adams", tenant_id=TENANT)
        chat = connector.personal_chat(alice)
        [card] = await teams.say(alice, chat, "help")
        assert "list" in card_text(card)
        [card] = await teams.say(alice, chat, 'milestone "Launch beta"')
        assert "Launch beta" in card_text(card)
        # The token was asked for the Bot Connector, for the bot's identity, and kept: two
        # answers, one request to the token service.
        assert len(identity_service.asked) == 1
        asked = identity_service.asked[0]
        assert asked["resource"] == "https://api.botframework.com"
        assert asked["client_id"] == APP_ID
        assert token_kit.token_requests == []  # no client secret was ever used


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_refusing_token_service_changes_nothing_and_teams_may_retry(
        database: Database, connector: FakeConnector, token_kit: TokenKit,
        identity_service: IdentityService) -> None:
    identity_service.refuse = True
    async for teams in running(database, connector, token_kit, settings_given=MANAGED,
                               good_token=lambda token: token in identity_service.issued):
        alice = connector.add_member("Alice Adams", tenant_id=TENANT)
        chat = connector.personal_chat(alice)
        posted = await teams.post(teams.message(alice, chat, "help"))
        assert posted.status in (502, 503), posted  # not a 500: Teams retries it later
        assert connector.cards_in(chat.id) == []


def test_serve_says_which_credential_the_bot_uses() -> None:
    def teams_line(**given: Any) -> str:
        settings = Settings(_env_file=None, database_url="sqlite://:memory:",  # type: ignore[call-arg]
                            microsoft_app_id=APP_ID, **given)
        [status] = [s for s in statuses(settings, [TeamsAdapter()]) if s.name == "teams"]
        return f"{'on' if status.on else 'off'}: {status.reason}"

    assert teams_line(microsoft_app_type="UserAssignedMSI").startswith(
        f"on: bot {APP_ID}, its token from the managed identity")
    assert teams_line().startswith("off: MICROSOFT_APP_ID is set but neither")
    assert teams_line(microsoft_app_password="s3cret").startswith(f"on: bot {APP_ID}, messaging")
