"""`people` tells admins why Cairn cannot reach someone, per platform: a person who never
opened their chat with Cairn in Teams, a chat where the app was uninstalled or blocked (403).
A later nudge that arrives clears it; members do not see it."""

from __future__ import annotations

from tests.fakes import FrozenClock
from tests.teams.conftest import TENANT
from tests.teams.fake_connector import FakeConnector
from tests.teams.harness import TeamsCairn, card_text
from tests.teams.test_nudges import backend, cairn, clock, tick

__all__ = ["backend", "cairn", "clock"]  # the fixtures of the Teams nudge stories

MONDAY_NINE_UTC = "2026-11-23T09:00:00+00:00"  # mentioned people are on UTC until they say


async def test_people_shows_admins_why_teams_cannot_reach_someone(
        cairn: TeamsCairn, connector: FakeConnector, clock: FrozenClock) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    bob = connector.add_member("Bob Brown", tenant_id=TENANT)
    carol = connector.add_member("Carol Diaz", tenant_id=TENANT)
    channel = connector.channel(TENANT, [alice, bob, carol])
    await cairn.say(alice, channel, "plan professional")
    for who in (bob, carol):
        await cairn.say(alice, channel, f'task "Review for {who.name}" due:2026-12-10 '
                        f"owner:<at>{who.name}</at>", mentions=[who])
    carol_chat = connector.personal_chat(carol)
    await cairn.say(carol, carol_chat, "help")
    connector.uninstall(carol_chat.id)  # Carol blocked Cairn
    await tick(cairn, clock, MONDAY_NINE_UTC)

    async def people(member: object = alice) -> str:
        cards = await cairn.say(member, channel, "people")  # type: ignore[arg-type]
        return "\n".join(card_text(card) for card in cards)

    shown = await people()
    bob_line = next(line for line in shown.splitlines() if "@bob" in line)
    carol_line = next(line for line in shown.splitlines() if "@carol" in line)
    assert "not reached on Teams: no chat with Cairn yet" in bob_line, shown
    assert "uninstalled or blocked" in carol_line and "HTTP 403" in carol_line, shown
    assert "not reached" not in await people(bob)  # admins only

    await cairn.say(bob, connector.personal_chat(bob), "help")  # Bob opens his chat
    await tick(cairn, clock, "2026-11-30T09:00:00+00:00")
    shown = await people()
    assert "not reached" not in next(line for line in shown.splitlines() if "@bob" in line)
