"""One company on Slack and Teams, over real HTTP: a Slack admin asks for a link code, a Teams
admin types it, and from then on both are one Cairn tenant - shared milestones, one user per
person (matched by the email each platform vouches for), each nudge delivered once. Wrong,
reused, expired and misplaced codes, non-admins and a third company are refused."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from core.bus import Deps
from core.linking.epoch import LinkEpoch
from core.nudges.pacing import Pacer
from core.view_cache import ViewCache
from storage import Database
from tests.fakes import FrozenClock
from tests.nudge_harness import InstantSleep
from tests.slack.conftest import BOT_TOKEN, SECRET, Cairn, add_people
from tests.slack.fake_slack import FakeSlack
from tests.teams.conftest import APP_ID, APP_PASSWORD, TENANT
from tests.teams.fake_connector import FakeConnector, Member
from tests.teams.harness import TeamsCairn, card_text, running
from tests.teams.tokens import TokenKit
from wiring.nudges import NudgeEngine
from wiring.registry import audiences_for, subscriptions_for
from wiring.runtime import Runtime
from wiring.server import build_app
from wiring.settings import Settings
from wiring.slack import SLACK, SlackAdapter
from wiring.teams import TEAMS, TeamsAdapter

START = "2026-11-16T10:00:00+00:00"  # a Monday
ALICE_MONDAY = "2026-11-23T08:00:00+00:00"  # Monday 09:00 in Berlin
OTHER = "0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e"  # a third company's Teams tenant
CODE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b")


@dataclass
class Both:
    slack: Cairn
    teams: TeamsCairn
    clock: FrozenClock


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    add_people(fake)
    yield fake
    await fake.close()


@pytest.fixture
async def both(database: Database, fake_slack: FakeSlack, connector: FakeConnector,
               token_kit: TokenKit) -> AsyncIterator[Both]:
    """One Cairn with the Slack and the Teams adapters on one server, as `serve` runs them."""
    clock = FrozenClock(START)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=database.url, slack_signing_secret=SECRET,
        slack_bot_token=BOT_TOKEN, slack_api_url=fake_slack.api_url, microsoft_app_id=APP_ID,
        microsoft_app_password=APP_PASSWORD, microsoft_app_tenant_id=TENANT,
        teams_openid_metadata_url=token_kit.openid_metadata_url,
        teams_login_url=token_kit.base_url)
    adapters = [SlackAdapter(post_interval=0.0), TeamsAdapter()]
    subscriptions = subscriptions_for(settings, adapters)
    deps = Deps(uow=database.unit_of_work(subscriptions, audiences_for(settings, adapters)),
                clock=clock, views=ViewCache(database.versions(), clock),
                links=LinkEpoch(database.link_epoch))
    runtime = Runtime(settings=settings, database=database, subscriptions=subscriptions,
                      deps=deps)
    web_app = build_app(runtime)
    slack_attached = await adapters[0].attach(runtime, web_app)
    teams_attached = await adapters[1].attach(runtime, web_app)
    runtime.notifiers[:] = [*slack_attached.notifiers, *teams_attached.notifiers]
    connector.require_tokens(lambda token: token in token_kit.issued)
    server = TestServer(web_app)
    await server.start_server()
    http = aiohttp.ClientSession(base_url=str(server.make_url("")))
    try:
        yield Both(
            slack=Cairn(http=http, fake=fake_slack, runtime=runtime, attached=slack_attached,
                        app=web_app[SLACK]),
            teams=TeamsCairn(http=http, connector=connector, kit=token_kit, runtime=runtime,
                             attached=teams_attached, store=web_app[TEAMS].store),
            clock=clock)
    finally:
        await http.close()
        await server.close()
        for hook in [*slack_attached.on_stop, *teams_attached.on_stop]:
            await hook()


async def slack_says(both: Both, text: str, *, user: str = "U1", team: str = "T1") -> str:
    answer = await both.slack.answer(text, user=user, team=team)
    blocks = str(answer.get("blocks") or "")
    return f"{answer.get('text', '')}\n{blocks}"


async def teams_says(both: Both, member: Member, text: str) -> str:
    chat = both.teams.connector.personal_chat(member)
    cards = await both.teams.say(member, chat, text)
    return "\n".join(card_text(card) for card in cards)


async def code_from_slack(both: Both) -> str:
    said = await slack_says(both, "link teams")
    found = CODE.search(said)
    assert found, said
    return found.group(1)


async def test_a_slack_company_and_a_teams_tenant_become_one(both: Both) -> None:
    teams = both.teams.connector
    # Alice is on both platforms under one email; Erin is on Teams only.
    alice = teams.add_member("Alice Martin", tenant_id=TENANT, email="alice@t1.example")
    erin = teams.add_member("Erin Ng", tenant_id=TENANT, email="erin@corp.example")
    await slack_says(both, "plan professional")
    assert "#1" in await slack_says(both, 'milestone "Ship the atlas" due:2026-12-15')
    assert "Ship the atlas" not in await teams_says(both, alice, "list team")  # not linked yet
    await teams_says(both, erin, "help")

    refused = await slack_says(both, "link teams", user="U2")  # Bob is no admin
    assert "admin" in refused and not CODE.search(refused), refused
    code = await code_from_slack(both)
    assert "Only an admin" in await teams_says(both, erin, f"link {code}")
    assert "Not a link code I gave out" in await teams_says(both, alice, "link ABCD-EFGH-JKMN")
    assert "to be typed in Teams" in await slack_says(both, f"link {code}")
    linked = await teams_says(both, alice, f"link {code}")
    assert "Linked" in linked and "1 person matched by email, 1 joined" in linked, linked
    assert "used already" in await teams_says(both, alice, f"link {code}")

    # Shared milestones, and one Alice: her Teams identity is the Slack user's.
    assert "Ship the atlas" in await teams_says(both, alice, "show #1")
    people = await teams_says(both, alice, "people")
    assert people.count("alice") == 1 and "erin" in people, people
    # A third company (another Teams tenant) sees none of it and cannot reuse the code.
    dana = teams.add_member("Dana Fox", tenant_id=OTHER, email="alice@t1.example")
    assert "Ship the atlas" not in await teams_says(both, dana, "list team")
    assert "no #1 here" in await teams_says(both, dana, "show #1")
    assert "used already" in await teams_says(both, dana, f"link {code}")

    # A nudge reaches Alice once, on the platform she used last (Teams, just now).
    await teams_says(both, alice, "list mine")
    alice_chat = teams.personal_chat(alice)
    in_teams = len(teams.cards_in(alice_chat.id))
    in_slack = len(both.slack.fake.posted_to(both.slack.fake.dm_of("U1")))
    await tick(both, ALICE_MONDAY)
    nudges = teams.cards_in(alice_chat.id)[in_teams:]
    assert len(nudges) == 1 and "Ship the atlas" in card_text(nudges[0]), nudges
    assert len(both.slack.fake.posted_to(both.slack.fake.dm_of("U1"))) == in_slack
    # ... or where she chose.
    assert "Slack" in await teams_says(both, alice, "me notify slack")
    await tick(both, "2026-11-30T08:00:00+00:00")
    assert len(teams.cards_in(alice_chat.id)) == in_teams + 2  # nudge, notify: no second nudge
    assert len(both.slack.fake.posted_to(both.slack.fake.dm_of("U1"))) == in_slack + 1

    # Unlinking: admins only; the host keeps everything, Teams is on its own again.
    assert "admin" in await slack_says(both, "unlink", user="U2")
    assert "Unlinked" in await slack_says(both, "unlink teams")
    assert "Ship the atlas" in await slack_says(both, "list")
    assert "no #1 here" in await teams_says(both, alice, "show #1")


async def test_expired_codes_and_a_joining_side_with_milestones_are_refused(both: Both
                                                                             ) -> None:
    teams = both.teams.connector
    dana = teams.add_member("Dana Fox", tenant_id=OTHER, email="dana@other.example")
    code = await code_from_slack(both)
    both.clock.advance(minutes=16)
    assert "expired" in await teams_says(both, dana, f"link {code}")

    await teams_says(both, dana, 'task "Teams-side task"')
    refused = await teams_says(both, dana, f"link {await code_from_slack(both)}")
    assert "milestone" in refused and "link slack" in refused, refused
    # The way round that works: Teams hosts, Slack joins (Slack's side has no milestones).
    said = await teams_says(both, dana, "link slack")
    found = CODE.search(said)
    assert found, said
    joined = await slack_says(both, f"link {found.group(1)}")
    assert "Linked" in joined, joined
    assert "Teams-side task" in await slack_says(both, "list team")


async def tick(both: Both, at: str) -> None:
    both.clock.set(at)
    engine = NudgeEngine(both.slack.runtime)
    time = InstantSleep()
    engine.pacer = Pacer(1.0, monotonic=time.monotonic, sleep=time.sleep)
    await engine.tick()


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_another_instance_follows_a_link_within_a_second(
        both: Both, database: Database, connector: FakeConnector, token_kit: TokenKit) -> None:
    """Two instances of Cairn on one database: the link is made through the first; the second
    had the Teams tenant cached as a company of its own and must stop using that at once."""
    alice = connector.add_member("Alice Martin", tenant_id=TENANT, email="alice@t1.example")
    await slack_says(both, "plan professional")
    await slack_says(both, 'milestone "Ship the atlas" due:2026-12-15')
    database.link_epoch_max_age_s = 0.0  # a second in production: the test need not wait
    async for other in running(database, connector, token_kit, clock=both.clock,
                               links=LinkEpoch(database.link_epoch)):
        async def other_says(text: str, other: TeamsCairn = other) -> str:
            cards = await other.say(alice, connector.personal_chat(alice), text)
            return "\n".join(card_text(card) for card in cards)

        assert "no #1 here" in await other_says("show #1")  # its own company, cached
        code = await code_from_slack(both)
        assert "Linked" in await teams_says(both, alice, f"link {code}")
        assert "Ship the atlas" in await other_says("show #1")
        assert "Unlinked" in await slack_says(both, "unlink teams")
        assert "no #1 here" in await other_says("show #1")
