"""Cairn in Teams, through its real entry point: signed activities POSTed over HTTP to
`/api/messages`, answers observed at the fake Bot Connector."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bots.teams.people import identity
from core.people.use_cases import actor_of
from storage import Database
from tests.teams.adaptive_cards import card_problems
from tests.teams.conftest import TENANT
from tests.teams.fake_connector import Conversation, FakeConnector, Member
from tests.teams.harness import Posted, TeamsCairn, buttons, card_text, running
from tests.teams.tokens import TokenKit
from wiring.registry import statuses
from wiring.settings import Settings


@pytest.fixture(params=("sqlite",))
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


@BOTH
async def test_a_personal_chat_and_a_channel_speak_the_grammar(
        teams: TeamsCairn, connector: FakeConnector) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT, email="alice@acme.example")
    bob = connector.add_member("Bob Brown", tenant_id=TENANT, email="bob@acme.example")
    chat = connector.personal_chat(alice)
    [card] = await teams.say(alice, chat, "help")
    assert "list" in card_text(card)
    [card] = await teams.say(alice, chat, 'milestone "Launch <beta>" due:2027-01-15')
    assert "Launch \\<beta\\>" in card_text(card) or "Launch" in card_text(card)
    channel = connector.channel(TENANT, [alice, bob])
    [card] = await teams.say(alice, channel, "list mine")
    assert "Launch" in card_text(card) and "#1" in card_text(card)
    # The answer in a channel is a reply in the message's thread, with Cairn's own token.
    reply = connector.succeeded("reply")[-1]
    assert reply.conversation_id == channel.id and reply.authorization is not None
    # Bob is mentioned for the first time: he joins on the spot, from the roster.
    [card] = await teams.say(alice, channel, f"assign #1 <at>{bob.name}</at>", mentions=[bob])
    assert "❌" not in card_text(card) and "@bob" in card_text(card), card_text(card)
    # What someone types is never a mention: only Teams' mention entities are.
    [card] = await teams.say(alice, channel, f"assign #1 &lt;@{bob.aad_object_id}|bob&gt;")
    assert "❌" in card_text(card)
    async with teams.deps.uow(1) as tx:  # the first Teams tenant is Cairn's tenant 1
        found = await tx.users.by_identity(identity(TENANT, bob.aad_object_id))
        first = await tx.users.by_identity(identity(TENANT, alice.aad_object_id))
    assert found is not None and found.email == "bob@acme.example"
    assert first is not None and first.timezone == "Europe/Berlin"
    assert first.role.value == "admin" and found.role.value == "member"
    # Where to reach them later: Alice's personal chat and the channel.
    tenant_id = actor_of(first).tenant_id
    assert await teams.store.personal_references_of(tenant_id, [actor_of(first).user_id])
    assert [c.conversation_id for c in await teams.store.conversations_of(tenant_id)] == [
        channel.id]


async def test_a_double_click_counts_once_and_a_refusal_goes_to_the_clicker_alone(
        teams: TeamsCairn, connector: FakeConnector) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    bob = connector.add_member("Bob Brown", tenant_id=TENANT)
    chat = connector.personal_chat(alice)
    [card] = await teams.say(alice, chat, 'task "Write docs"')
    done = next(b for b in buttons(card) if b.get("title") == "Mark done")
    before = len(connector.cards_in(chat.id))
    for _ in range(2):
        assert (await teams.post(teams.click(alice, chat, done))).status == 202
    answers = connector.cards_in(chat.id)[before:]
    assert len(answers) == 1 and "Done" in card_text(answers[0]), answers
    # Bob (a member, not the owner) opens his chat once; his click in a channel is refused
    # to him alone: nothing in the channel, a card in his personal chat.
    bob_chat = connector.personal_chat(bob)
    await teams.say(bob, bob_chat, "help")
    channel = connector.channel(TENANT, [alice, bob])
    reopen = {"cairn": {"verb": "run", "arg": "delete #1", "stamp": "abc123"}}
    before_bob = len(connector.cards_in(bob_chat.id))
    assert (await teams.post(teams.click(bob, channel, reopen))).status == 202
    assert connector.cards_in(channel.id) == []
    told = connector.cards_in(bob_chat.id)[before_bob:]
    assert len(told) == 1, told
    # Action.Execute: the answer is the invoke's, a card for the clicker.
    posted = await teams.post(teams.execute(alice, chat, {"cairn": {
        "verb": "run", "arg": "reopen #1", "stamp": "s1"}}))
    assert posted.status == 200, posted.text
    assert posted.json["type"] == "application/vnd.microsoft.card.adaptive"
    again = await teams.post(teams.execute(alice, chat, {"cairn": {
        "verb": "run", "arg": "reopen #1", "stamp": "s1"}}))
    assert again.json == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                          "value": "Already done."}


async def test_installing_stores_the_reference_and_uninstalling_forgets_it(
        teams: TeamsCairn, connector: FakeConnector) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    channel = connector.channel(TENANT, [alice])
    added = teams.activity(alice, channel, type="conversationUpdate",
                           membersAdded=[{"id": "28:cairn-bot"}])
    assert (await teams.post(added)).status == 202
    assert "Cairn" in card_text(connector.cards_in(channel.id)[0])
    tenant_id = await teams.store.tenant_of(TENANT)
    assert tenant_id is not None
    assert len(await teams.store.conversations_of(tenant_id)) == 1
    removed = teams.activity(alice, channel, type="installationUpdate", action="remove")
    assert (await teams.post(removed)).status == 202
    assert await teams.store.conversations_of(tenant_id) == []


def task(teams: TeamsCairn, member: Member, conversation: Conversation, name: str,
         data: dict[str, Any]) -> dict[str, Any]:
    return teams.activity(member, conversation, type="invoke", name=name,
                          value={"data": data, "context": {"theme": "default"}})


def form_of(posted: Posted) -> dict[str, Any]:
    """The Adaptive Card of a task module answer."""
    assert posted.status == 200, posted.text
    answer = posted.json["task"]
    assert answer["type"] == "continue", answer
    return dict(answer["value"]["card"]["content"])


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if str(e.get("type", "")).startswith("Input.")}


def submitted(card: dict[str, Any], **typed: str) -> dict[str, Any]:
    """What Teams sends on submit: the button's data merged with the inputs' values."""
    [button] = card["actions"]
    values = {k: str(v["value"]) for k, v in inputs(card).items() if "value" in v}
    return {**button["data"], **values, **typed}


@BOTH
async def test_a_check_in_task_module_shows_errors_in_the_form_and_saves_once(
        teams: TeamsCairn, connector: FakeConnector) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    chat = connector.personal_chat(alice)
    [card] = await teams.say(alice, chat, 'milestone "Beta" due:2027-01-15')
    update = next(b for b in buttons(card) if b.get("title") == "Update progress")
    assert update["msteams"] == {"type": "task/fetch"}
    form = form_of(await teams.post(task(teams, alice, chat, "task/fetch", update)))
    fields = inputs(form)
    assert fields["percent"]["type"] == "Input.Number" and fields["percent"]["max"] == 100
    assert fields["status"]["type"] == "Input.ChoiceSet" and fields["status"]["value"]
    # A wrong field: the same form again, the error beside the field, nothing saved.
    wrong = form_of(await teams.post(task(teams, alice, chat, "task/submit", submitted(
        form, percent="150", notes="half way"))))
    assert "A whole number from 0 to 100." in card_text(wrong)
    assert inputs(wrong)["notes"]["value"] == "half way"
    async with teams.deps.uow(1) as tx:
        m = await tx.milestones.by_number(1)
    assert m is not None and m.progress == 0
    # Valid: saved once, the module closes, the card is posted; the same delivery again
    # (same activity id) changes nothing.
    before = len(connector.cards_in(chat.id))
    good = task(teams, alice, chat, "task/submit", submitted(wrong, percent="60"))
    posted = await teams.post(good)
    assert posted.status == 200 and posted.json["task"]["type"] == "message", posted.text
    again = await teams.post(good)
    assert again.json["task"] == {"type": "message", "value": "Already saved."}
    answers = connector.cards_in(chat.id)[before:]
    assert len(answers) == 1 and "60%" in card_text(answers[0])
    async with teams.deps.uow(1) as tx:
        m = await tx.milestones.by_number(1)
        assert m is not None and m.progress == 60
        assert m.id is not None and len(await tx.updates.recent(m.id, 10)) == 1


async def test_new_and_edit_milestone_task_modules(teams: TeamsCairn,
                                                   connector: FakeConnector) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    chat = connector.personal_chat(alice)
    new = {"cairn": {"verb": "new", "arg": "Launch", "stamp": "n1"},
           "msteams": {"type": "task/fetch"}}
    form = form_of(await teams.post(task(teams, alice, chat, "task/fetch", new)))
    assert inputs(form)["title"]["value"] == "Launch"
    assert inputs(form)["due"]["type"] == "Input.Date"
    wrong = form_of(await teams.post(task(teams, alice, chat, "task/submit", submitted(
        form, start="2027-03-01", due="2027-02-01", owner="@nobody here!"))))
    text = card_text(wrong)
    assert "It cannot start after it is due." in text and "One person, as @handle." in text
    posted = await teams.post(task(teams, alice, chat, "task/submit", submitted(
        wrong, start="", due="2027-02-01", owner="", crit_metric="ARR", crit_start="0",
        crit_target="1000")))
    assert posted.json["task"]["type"] == "message", posted.text
    assert "Launch" in card_text(connector.cards_in(chat.id)[-1])
    # Edit opens with what the milestone holds, and a refusal of the core lands on its field.
    edit = {"cairn": {"verb": "edit", "arg": "#1", "stamp": "e1"}}
    form = form_of(await teams.post(task(teams, alice, chat, "task/fetch", edit)))
    shown = inputs(form)
    assert shown["due"]["value"] == "2027-02-01" and shown["crit_target"]["value"] == 1000
    assert shown["owner"]["value"].startswith("@alice")
    wrong = form_of(await teams.post(task(teams, alice, chat, "task/submit", submitted(
        form, parent="#1"))))
    assert "parent" in inputs(wrong) and "❌" not in card_text(wrong)
    async with teams.deps.uow(1) as tx:
        m = await tx.milestones.by_number(1)
    assert m is not None and m.parent_id is None and m.title == "Launch"
    posted = await teams.post(task(teams, alice, chat, "task/submit", submitted(
        form, title="Launch v2", crit_current="500")))
    assert posted.json["task"]["type"] == "message", posted.text
    async with teams.deps.uow(1) as tx:
        m = await tx.milestones.by_number(1)
    assert m is not None and m.title == "Launch v2" and m.criterion is not None
    assert m.criterion.current == 500 and m.criterion.target == 1000
    # A comment through its form.
    comment = {"cairn": {"verb": "comment", "arg": "#1", "stamp": "c1"}}
    form = form_of(await teams.post(task(teams, alice, chat, "task/fetch", comment)))
    posted = await teams.post(task(teams, alice, chat, "task/submit", submitted(
        form, text="Looking good")))
    assert posted.json["task"]["type"] == "message", posted.text
    assert "Commented on #1" in card_text(connector.cards_in(chat.id)[-1])


async def test_typed_form_lines_vacation_settings_and_hostile_submissions(
        teams: TeamsCairn, connector: FakeConnector) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    chat = connector.personal_chat(alice)
    # `new Title` typed: a button that opens the form with that title (nothing created yet).
    [card] = await teams.say(alice, chat, "new Launch beta")
    [opener] = buttons(card)
    assert opener["msteams"] == {"type": "task/fetch"} and opener["cairn"]["arg"] == "Launch beta"
    form = form_of(await teams.post(task(teams, alice, chat, "task/fetch", opener)))
    assert inputs(form)["title"]["value"] == "Launch beta" and not card_problems(form)
    async with teams.deps.uow(1) as tx:
        assert await tx.milestones.by_number(1) is None
    # I'm away: two dates, checked, then saved.
    away = {"cairn": {"verb": "vacation", "arg": "", "stamp": "v1"}}
    form = form_of(await teams.post(task(teams, alice, chat, "task/fetch", away)))
    assert {i["type"] for i in inputs(form).values()} == {"Input.Date"}
    wrong = form_of(await teams.post(task(teams, alice, chat, "task/submit", submitted(
        form, starts="2027-01-02", ends="someday"))))
    assert "A date, like 2027-01-15." in card_text(wrong) and not card_problems(wrong)
    posted = await teams.post(task(teams, alice, chat, "task/submit", submitted(
        form, starts="2026-12-20", ends="2027-01-02")))
    assert posted.json["task"]["type"] == "message", posted.text
    assert "2027" in card_text(connector.cards_in(chat.id)[-1])
    # Reminder settings: the core's form; a wrong field comes back beside it, and a submit
    # changes only what changed.
    settings = {"cairn": {"verb": "settings", "arg": "", "stamp": "s1"}}
    form = form_of(await teams.post(task(teams, alice, chat, "task/fetch", settings)))
    shown = inputs(form)
    assert shown["time"]["type"] == "Input.Time" and shown["time"]["value"] == "09:00"
    assert shown["days"]["isMultiSelect"] and shown["days"]["value"] == "0,1,2,3,4"
    assert not card_problems(form)
    wrong = form_of(await teams.post(task(teams, alice, chat, "task/submit", submitted(
        form, days="", work_ends="08:00"))))
    assert "Tick at least one working day." in card_text(wrong)
    posted = await teams.post(task(teams, alice, chat, "task/submit", submitted(
        form, weekday="1", time="10:30")))
    assert posted.json["task"]["type"] == "message", posted.text
    saved = card_text(connector.cards_in(chat.id)[-1])
    assert "Saved: on Tuesdays, at 10:30**" in saved  # only what changed
    # Hostile: someone else's milestone number, junk values, a long title: a form or a
    # message, never a 5xx, nothing saved.
    junk = {"cairn": {"verb": "milestone", "arg": "", "stamp": "j"}, "title": "x" * 50_000,
            "due": {"a": 1}, "parent": "-3", "members": "@a @b; drop table"}
    wrong = form_of(await teams.post(task(teams, alice, chat, "task/submit", junk)))
    assert "Keep the title under" in card_text(wrong) and not card_problems(wrong)
    for data in ({"cairn": {"verb": "checkin", "arg": "#999", "stamp": "x"}}, {"cairn": 5},
                 "text", {"cairn": {"verb": "comment", "arg": "#1", "stamp": "x"}}):
        posted = await teams.post(task(teams, alice, chat, "task/submit", data))  # type: ignore[arg-type]
        assert posted.status == 200 and posted.json["task"]["type"] == "message", posted.text
    async with teams.deps.uow(1) as tx:
        assert await tx.milestones.by_number(1) is None


async def test_local_mode_answers_unsigned_and_says_so(
        database: Database, connector: FakeConnector, token_kit: TokenKit) -> None:
    settings = Settings(_env_file=None, teams_enabled=True)  # type: ignore[call-arg]
    [status] = [s for s in statuses(settings) if s.name == "teams"]
    assert status.on and "LOCAL MODE" in status.reason
    off = Settings(_env_file=None)  # type: ignore[call-arg]
    assert not next(s for s in statuses(off) if s.name == "teams").on
    async for teams in running(database, connector, token_kit, local=True):
        alice = connector.add_member("Alice Adams", tenant_id=TENANT)
        chat = connector.personal_chat(alice)
        posted = await teams.post(teams.message(alice, chat, "list mine"), token=None)
        assert posted.status == 202
        [reply] = connector.succeeded("reply")
        assert reply.authorization is None  # no credentials, no token


EVERY_VERB = [
    "help", "help update", 'goal "Grow revenue 20%" due:2027-03-31',
    'milestone "Launch <beta> & more" parent:#1 due:2027-01-15 priority:high',
    'task "Write docs" parent:#2', "new Plan the offsite", 'edit #3 title:"Write the docs"',
    "due #3 2027-01-10", "move #3 under #1", "assign #3 @alice.adams",
    'criteria #1 "ARR" 1.2 -> 1.5 M', "list", "list team", "list overdue", "list at-risk",
    "list #1", "show #2", "#2", "update #3 60% on track drafted", "done #3", "reopen #3",
    "cancel #3 not needed", "reopen #3", "comment #2 looks good @alice.adams", "watch #2",
    "unwatch #2", "inbox", "activity", "activity #2", "people", "me", "me tz Europe/Paris",
    "remind", "remind settings", "remind snooze #2 3h", "role @alice.adams admin",
    "plan starter", "calendar", "calendar feed", "delete #3", "frobnicate",
    'task "' + "x" * 300 + '"', "list page 99",
]


async def test_every_verb_answers_with_a_card_teams_accepts(
        teams: TeamsCairn, connector: FakeConnector) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT, email="alice.adams@acme.ex")
    chat = connector.personal_chat(alice)
    for line in EVERY_VERB:
        cards = await teams.say(alice, chat, line)
        assert len(cards) == 1, line
        assert "Something went wrong" not in card_text(cards[0]), line
    assert {c.status for c in connector.attempts("reply")} == {201}


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_two_tenants_never_meet_and_simultaneous_clicks_count_once(
        teams: TeamsCairn, connector: FakeConnector) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    chat = connector.personal_chat(alice)
    [card] = await teams.say(alice, chat, 'task "Acme secret plan"')
    other = "0b9d2c1e-5f4a-4c3b-9e8d-7a6b5c4d3e2f"
    mallory = connector.add_member("Mallory Moss", tenant_id=other)
    theirs = connector.personal_chat(mallory)
    [answer] = await teams.say(mallory, theirs, "show #1")
    assert "Acme secret plan" not in card_text(answer) and "❌" in card_text(answer)
    [answer] = await teams.say(mallory, theirs, "list team")
    assert "Acme" not in card_text(answer)
    assert await teams.store.tenant_of(other) != await teams.store.tenant_of(TENANT)
    # The same button twice at once: one "done", one silence.
    done = next(b for b in buttons(card) if b.get("title") == "Mark done")
    before = len(connector.cards_in(chat.id))
    posted = await asyncio.gather(*(teams.post(teams.click(alice, chat, done))
                                    for _ in range(2)))
    assert [p.status for p in posted] == [202, 202]
    answers = connector.cards_in(chat.id)[before:]
    assert len(answers) == 1 and "Done" in card_text(answers[0]), answers
