"""Requests to `/api/messages` that do not prove they come from Teams, or are not activities:
401, 400 or 413, never a 500, no traceback in the log, and nothing created."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest

from tests.teams.conftest import TENANT
from tests.teams.fake_connector import FakeConnector
from tests.teams.harness import TeamsCairn
from tests.teams.tokens import TokenKit


@pytest.fixture(params=("sqlite",))
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)  # the edge is the same on every database


async def nothing_created(teams: TeamsCairn, connector: FakeConnector) -> None:
    assert await teams.store.tenant_of(TENANT) is None
    assert [c for c in connector.calls if c.kind != "members"] == []


async def test_bad_tokens_are_refused_before_anything_happens(
        teams: TeamsCairn, connector: FakeConnector, token_kit: TokenKit,
        caplog: pytest.LogCaptureFixture) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    chat = connector.personal_chat(alice)
    url = connector.service_url
    shapes: dict[str, Callable[[str], str]] = {
        "expired": token_kit.expired, "wrong audience": token_kit.wrong_audience,
        "wrong issuer": token_kit.wrong_issuer, "unknown key": token_kit.unknown_key,
        "tampered": token_kit.tampered, "no kid": token_kit.no_key_id,
        "foreign service url": token_kit.bad_service_url,
        "not a jwt": lambda _: "abc.def", "huge": lambda _: "a" * 6_000}
    verdicts = {}
    with caplog.at_level(logging.WARNING):
        for name, make in shapes.items():
            posted = await teams.post(teams.message(alice, chat, "help"), token=make(url))
            verdicts[name] = posted.status
        verdicts["none"] = (await teams.post(teams.message(alice, chat, "help"),
                                             token=None)).status
    assert set(verdicts.values()) == {401}, verdicts
    assert "Traceback" not in caplog.text
    await nothing_created(teams, connector)
    # The same message, properly signed, is answered.
    assert (await teams.post(teams.message(alice, chat, "help"))).status == 202


@pytest.mark.parametrize("body", [
    b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe", b"{}",
    json.dumps({"type": 5}).encode(),
    json.dumps({"type": "message", "serviceUrl": "x"}).encode(),
])
async def test_what_is_not_an_activity_is_a_400(teams: TeamsCairn, connector: FakeConnector,
                                                body: bytes) -> None:
    posted = await teams.post(None, raw=body)
    assert posted.status == 400, posted.text
    await nothing_created(teams, connector)


@pytest.mark.parametrize("change", [
    {"from": "x"}, {"type": "banana"}, {"conversation": {"id": 7}},
    {"text": "x" * 50_000}, {"from": {"id": "29:a" * 100, "aadObjectId": "a"}},
    {"serviceUrl": "ftp://evil.example/"}, {"entities": "many"},
    {"conversation": {"id": "c", "tenantId": ["x"]}},
])
async def test_malformed_activities_are_refused_and_change_nothing(
        teams: TeamsCairn, connector: FakeConnector, change: dict[str, object]) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    chat = connector.personal_chat(alice)
    posted = await teams.post(teams.message(alice, chat, "help") | change)
    assert posted.status in (400, 401), posted.text  # 401: the URL then differs from the token's
    await nothing_created(teams, connector)


async def test_a_huge_body_is_a_413(teams: TeamsCairn, connector: FakeConnector) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    chat = connector.personal_chat(alice)
    posted = await teams.post(teams.message(alice, chat, "x" * (2 * 1024 * 1024)))
    assert posted.status == 413
    await nothing_created(teams, connector)


async def test_a_failure_inside_a_turn_is_an_apology_with_a_reference(
        teams: TeamsCairn, connector: FakeConnector, caplog: pytest.LogCaptureFixture) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    chat = connector.personal_chat(alice)

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a secret detail")

    teams.store.save_personal_reference = broken  # type: ignore[method-assign]
    posted = await teams.post(teams.message(alice, chat, "help"))
    assert posted.status == 202
    [card] = connector.cards_in(chat.id)
    text = json.dumps(card)
    assert "Something went wrong" in text and "Nothing was changed" in text
    assert "secret" not in text
    assert "a secret detail" in caplog.text  # the log has it
