"""A running Cairn with its Teams adapter, driven over real HTTP: activities signed by the token
kit are POSTed to `/api/messages`; Cairn's answers arrive at the fake Bot Connector, which
accepts only the tokens the kit issued to Cairn by the client-credentials grant."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from core.bus import Deps
from core.linking.epoch import LinkEpoch
from core.ports import Clock
from core.view_cache import ViewCache
from storage import Database
from storage.teams import TortoiseTeamsStore
from tests.teams.conftest import APP_ID, APP_PASSWORD, TENANT
from tests.teams.fake_connector import Conversation, FakeConnector, Member
from tests.teams.tokens import TokenKit
from wiring.adapters import Attached
from wiring.registry import audiences_for, subscriptions_for
from wiring.runtime import Runtime, SystemClock
from wiring.server import build_app
from wiring.settings import Settings
from wiring.teams import TEAMS, TeamsAdapter

BOT = {"id": "28:cairn-bot", "name": "Cairn"}
_ids = itertools.count(1_700_000_000_001)


@dataclass
class Posted:
    status: int
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


@dataclass
class TeamsCairn:
    http: aiohttp.ClientSession
    connector: FakeConnector
    kit: TokenKit
    runtime: Runtime
    attached: Attached
    store: TortoiseTeamsStore
    seen: list[str] = field(default_factory=list)

    @property
    def deps(self) -> Deps:
        return self.runtime.deps

    async def post(self, body: Any, *, token: str | None = "good",
                   raw: bytes | None = None) -> Posted:
        headers = {"Content-Type": "application/json"}
        if token == "good":
            token = self.kit.good(self.connector.service_url)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else json.dumps(body).encode()
        async with self.http.post("/api/messages", data=data, headers=headers) as answer:
            return Posted(answer.status, await answer.text())

    def activity(self, member: Member, conversation: Conversation, **fields: Any
                 ) -> dict[str, Any]:
        kind = conversation.kind
        found: dict[str, Any] = {
            "type": "message", "id": str(next(_ids)), "channelId": "msteams",
            "serviceUrl": self.connector.service_url, "timestamp": "2026-12-03T15:00:00Z",
            "localTimezone": "Europe/Berlin",
            "from": {"id": member.id, "name": member.name, "aadObjectId": member.aad_object_id},
            "recipient": BOT,
            "conversation": {"id": conversation.id, "conversationType": kind,
                             "tenantId": conversation.tenant_id,
                             **({"isGroup": True} if kind != "personal" else {})},
            "channelData": {"tenant": {"id": conversation.tenant_id},
                            **({"team": {"id": "19:team@thread.tacv2", "name": "Acme"},
                                "channel": {"id": conversation.id, "name": "General"}}
                               if kind == "channel" else {})},
        }
        return found | fields

    def message(self, member: Member, conversation: Conversation, text: str,
                mentions: list[Member] | None = None) -> dict[str, Any]:
        entities = []
        if conversation.kind != "personal":
            text = f"<at>Cairn</at> {text}"
            entities.append({"type": "mention", "text": "<at>Cairn</at>", "mentioned": BOT})
        for other in mentions or []:
            entities.append({"type": "mention", "text": f"<at>{other.name}</at>",
                             "mentioned": {"id": other.id, "name": other.name}})
        return self.activity(member, conversation, text=text, entities=entities)

    async def say(self, member: Member, conversation: Conversation, text: str,
                  mentions: list[Member] | None = None) -> list[dict[str, Any]]:
        """The cards Cairn answered a message with."""
        before = len(self.connector.cards_in(conversation.id))
        posted = await self.post(self.message(member, conversation, text, mentions))
        assert posted.status == 202, posted.text
        return self.connector.cards_in(conversation.id)[before:]

    def click(self, member: Member, conversation: Conversation, data: dict[str, Any]
              ) -> dict[str, Any]:
        """An Action.Submit: a message whose value is the button's data."""
        return self.activity(member, conversation, value=data, text="")

    def execute(self, member: Member, conversation: Conversation, data: dict[str, Any]
                ) -> dict[str, Any]:
        """An Action.Execute: an adaptiveCard/action invoke."""
        return self.activity(member, conversation, type="invoke", name="adaptiveCard/action",
                             value={"action": {"type": "Action.Execute", "verb": "cairn",
                                               "data": data}})


def card_text(card: dict[str, Any]) -> str:
    """Every text of a card, flattened."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "value"):
                if isinstance(node.get(key), str):
                    found.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return "\n".join(found)


def elements(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in a card, each before what it holds, in order."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from elements(value)
    elif isinstance(node, list):
        for value in node:
            yield from elements(value)


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    """The data of every Cairn button on a card (menus included)."""
    return [{**e["data"], "title": e.get("title")} for e in elements(card)
            if e.get("type") == "Action.Submit" and isinstance(e.get("data"), dict)]


async def running(database: Database, connector: FakeConnector, kit: TokenKit, *,
                  local: bool = False, clock: Clock | None = None,
                  settings_given: dict[str, Any] | None = None,
                  good_token: Callable[[str], bool] | None = None,
                  links: LinkEpoch | None = None) -> AsyncIterator[TeamsCairn]:
    """`settings_given` replace the harness's settings; `good_token` says which tokens the
    connector accepts (by default those the kit issued by the client-credentials grant)."""
    settings = Settings(**{
        "_env_file": None, "database_url": database.url, "teams_enabled": local,
        "microsoft_app_id": None if local else APP_ID,
        "microsoft_app_password": None if local else APP_PASSWORD,
        "microsoft_app_tenant_id": None if local else TENANT,
        "teams_openid_metadata_url": kit.openid_metadata_url, "teams_login_url": kit.base_url,
        **(settings_given or {})})
    adapter = TeamsAdapter()
    subscriptions = subscriptions_for(settings, [adapter])
    clock = clock or SystemClock()
    deps = Deps(uow=database.unit_of_work(subscriptions, audiences_for(settings, [adapter])),
                clock=clock, views=ViewCache(database.versions(), clock),
                links=links or LinkEpoch())
    runtime = Runtime(settings=settings, database=database, subscriptions=subscriptions,
                      deps=deps)
    web_app = build_app(runtime)
    attached = await adapter.attach(runtime, web_app)
    runtime.notifiers[:] = attached.notifiers
    if not local:
        connector.require_tokens(good_token or (lambda token: token in kit.issued))
    server = TestServer(web_app)
    await server.start_server()
    http = aiohttp.ClientSession(base_url=str(server.make_url("")))
    try:
        yield TeamsCairn(http=http, connector=connector, kit=kit, runtime=runtime,
                         attached=attached, store=web_app[TEAMS].store)
    finally:
        await http.close()
        await server.close()
        for hook in attached.on_stop:
            await hook()
