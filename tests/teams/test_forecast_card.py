"""In Teams, through its real entry point: a milestone whose check-ins fall behind shows at
risk on its Adaptive Card and in lists, with the forecast that says why."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from storage import Database
from tests.fakes import FrozenClock
from tests.teams.adaptive_cards import card_problems
from tests.teams.conftest import TENANT
from tests.teams.fake_connector import FakeConnector
from tests.teams.harness import TeamsCairn, card_text, elements, running
from tests.teams.tokens import TokenKit


@pytest.fixture(params=("sqlite",))
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock("2026-11-23T09:00:00+00:00")


@pytest.fixture
async def teams(database: Database, connector: FakeConnector, token_kit: TokenKit,
                clock: FrozenClock) -> AsyncIterator[TeamsCairn]:
    async for cairn in running(database, connector, token_kit, clock=clock):
        yield cairn


def status_blocks(card: dict[str, object]) -> list[dict[str, Any]]:
    """The TextBlocks that carry a milestone's badge (a colour of their own)."""
    return [e for e in elements(card)
            if e.get("type") == "TextBlock" and "At risk" in str(e.get("text", ""))]


async def test_a_forecast_past_the_due_date_shows_at_risk_on_the_card(
        teams: TeamsCairn, connector: FakeConnector, clock: FrozenClock) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT, email="alice@acme.example")
    chat = connector.personal_chat(alice)
    await teams.say(alice, chat, 'milestone "Launch beta" due:2026-12-31')
    for day, percent in (("2026-11-23", 10), ("2026-11-30", 15)):
        clock.set(f"{day}T09:00:00+00:00")
        [card] = await teams.say(alice, chat, f"update #1 {percent}%")
        assert "At risk" not in card_text(card)
    clock.set("2026-12-07T09:00:00+00:00")
    [card] = await teams.say(alice, chat, "update #1 20%")
    reason = "forecast P50 Mon 29 Mar 2027, due Thu 31 Dec"
    assert reason in card_text(card), card_text(card)
    assert [b.get("color") for b in status_blocks(card)] == ["warning"]
    assert not card_problems(card)
    [card] = await teams.say(alice, chat, "list")
    assert "At risk" in card_text(card) and reason in card_text(card)
