"""Shortcuts (global "New milestone", and the two message shortcuts) and the App Home."""

from __future__ import annotations

import json
from datetime import date, timedelta

from storage import Database
from tests.slack import payloads
from tests.slack.blockkit import view_problems
from tests.slack.conftest import BOTH, Cairn
from tests.slack.test_commands import setup_team, text_of
from tests.slack.test_forms import choice, initial, milestone, opened, submit, text


async def test_the_global_shortcut_opens_the_new_form(slack: Cairn) -> None:
    sent = await slack.interact(payloads.global_shortcut("cairn.new", user_id="U1",
                                                         team_id="T1"))
    assert sent.text == ""
    await slack.settle()
    form = opened(slack)
    assert form["callback_id"] == "cairn.milestone" and initial(form, "owner") == "U1"
    assert await submit(slack, form, {"title": text("From anywhere"), "kind": choice("goal"),
                                      "priority": choice("medium")}) == {}
    await slack.settle()
    # No channel to answer in: the outcome arrives as a direct message.
    [dm] = slack.fake.called("chat.postMessage")
    assert dm.args["channel"] == "U1" and "Created goal #1" in dm.args["text"]


async def test_create_a_milestone_from_a_message(slack: Cairn, database: Database) -> None:
    url = slack.fake.response_url()
    message = "Customers ask for SSO & SCIM <soon>\nSecond line"
    shortcut = payloads.message_shortcut(
        "cairn.from_message", payloads_text(message), user_id="U1", team_id="T1",
        channel="C0SALES", response_url=url)
    await slack.interact(shortcut)
    await slack.settle()
    form = opened(slack)
    link = "https://acme.slack.com/archives/C0SALES/p1700000123000200"
    assert initial(form, "title") == "Customers ask for SSO & SCIM <soon>"
    assert initial(form, "description") == f"{message}\n\n{link}"
    values = {"title": text("SSO and SCIM"), "description": text(initial(form, "description")),
              "kind": choice("milestone"), "priority": choice("high")}
    assert await submit(slack, form, values) == {}
    await slack.settle()
    [answer] = slack.fake.responses_to(url)
    assert "Created milestone #1" in text_of(answer) and link in text_of(answer)
    row = await milestone(database, 1)
    assert json.loads(row["links"]) == [link] if isinstance(row["links"], str) else (
        row["links"] == [link])


async def test_the_permalink_falls_back_when_slack_is_slow(slack: Cairn) -> None:
    slack.fake.fail("chat.getPermalink", delay=1.5)
    await slack.interact(payloads.message_shortcut(
        "cairn.from_message", "Quick one", user_id="U1", team_id="T1", channel="C0SALES",
        response_url=slack.fake.response_url()))
    await slack.settle()
    form = opened(slack)
    assert "https://t1.slack.com/archives/C0SALES/p1700000123000200" in initial(
        form, "description")


async def test_add_a_message_as_a_comment(slack: Cairn) -> None:
    await setup_team(slack)
    url = slack.fake.response_url()
    await slack.interact(payloads.message_shortcut(
        "cairn.comment_from_message", "The vendor moved the pen test", user_id="U2",
        team_id="T1", channel="C0SEC", response_url=url))
    await slack.settle()
    form = opened(slack)
    assert form["callback_id"] == "cairn.comment"
    assert initial(form, "text").startswith("The vendor moved the pen test\n\nhttps://")
    assert await submit(slack, form, {"milestone": choice("#2", "cairn.pick"),
                                      "text": text(initial(form, "text"))}, user="U2") == {}
    await slack.settle()
    [answer] = slack.fake.responses_to(url)
    assert "Commented on #2" in text_of(answer)
    card = await slack.answer("show #2")
    assert "The vendor moved the pen test" in text_of(card)


def payloads_text(text: str) -> str:
    """Message text as Slack delivers it in a payload (escaped)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def home(slack: Cairn, user: str = "U1") -> dict:
    await slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    await slack.settle()
    view = slack.fake.called("views.publish")[-1].args["view"]
    assert view["type"] == "home" and view_problems(view) == []
    return dict(view)


@BOTH
async def test_the_app_home_shows_my_work_most_urgent_first(slack: Cairn) -> None:
    await setup_team(slack)
    past = (date.today() - timedelta(days=10)).isoformat()
    await slack.answer(f'task "Fix the overdue thing" due:{past}')
    await slack.answer('task "Risky one"')
    await slack.answer("update #5 10% at risk")
    await slack.answer("comment #1 nice", user="U2")
    shown = json.dumps(await home(slack), ensure_ascii=False)
    overdue, risky = shown.index("Fix the overdue thing"), shown.index("Risky one")
    assert shown.index("*Overdue*") < overdue < shown.index("*At risk*") < risky
    assert "`▰▱▱▱▱▱▱▱▱▱` 10%" in shown
    assert "Goals your work rolls up to" in shown
    assert "*Inbox* · 1 unread" in shown and "@bob commented on #1" in shown
    assert "cairn.new" in shown and "cairn.run:read" in shown
    # Bob's Home: his milestone, and the goal it rolls up to.
    bob = json.dumps(await home(slack, "U2"), ensure_ascii=False)
    assert "Launch beta" in bob
    goals = bob.split("Goals your work rolls up to")[1]
    assert "Grow revenue 20%" in goals


async def test_reminder_settings_and_away_open_their_forms_from_the_app_home(
        slack: Cairn) -> None:
    await slack.answer("plan professional")
    shown = json.dumps(await home(slack))
    assert "cairn.settings" in shown and "cairn.vacation" in shown
    for action, title in (("cairn.settings", "Reminder settings"), ("cairn.vacation", "I'm away")):
        await slack.interact(payloads.block_action(action, action.split(".")[1], user_id="U1",
                                                   team_id="T1", home_view="VHOME"))
        await slack.settle()
        form = opened(slack)
        assert form["callback_id"] == action and form["title"]["text"] == title


async def test_the_app_home_pages_and_never_exceeds_100_blocks(slack: Cairn) -> None:
    await slack.answer("plan enterprise")
    for n in range(1, 61):
        await slack.command(f'task "Task {n:02d}"')
    first = await home(slack)
    assert len(first["blocks"]) <= 100
    shown = json.dumps(first)
    assert "Page 1 of 3" in shown and "cairn.home.page:next" in shown
    await slack.interact(payloads.block_action("cairn.home.page:next", "2", user_id="U1",
                                               team_id="T1", home_view="VHOME"))
    await slack.settle()
    second = slack.fake.called("views.publish")[-1].args["view"]
    assert "Page 2 of 3" in json.dumps(second) and len(second["blocks"]) <= 100


async def test_acting_from_the_home_republishes_it(slack: Cairn) -> None:
    await setup_team(slack)
    await home(slack)
    before = len(slack.fake.called("views.publish"))
    await slack.interact(payloads.block_action("cairn.more", "cairn.run done #1", user_id="U1",
                                               team_id="T1", home_view="VHOME", overflow=True))
    await slack.settle()
    assert len(slack.fake.called("views.publish")) == before + 1
    await slack.interact(payloads.block_action("cairn.more", "cairn.details #2", user_id="U1",
                                               team_id="T1", home_view="VHOME", overflow=True))
    await slack.settle()
    details = opened(slack)
    assert details["callback_id"] == "cairn.details" and "Launch beta" in json.dumps(details)


async def test_a_change_republishes_the_homes_it_shows_up_in_once_per_batch(
        slack: Cairn) -> None:
    await setup_team(slack)
    for user in ("U1", "U2", "U3"):
        await home(slack, user)
    await slack.relay()  # the set-up's own changes
    before = len(slack.fake.called("views.publish"))
    await slack.answer("update #3 40% on track", user="U3")
    await slack.answer("update #3 50% on track", user="U3")
    await slack.answer("comment #3 half way", user="U3")
    await slack.relay()
    published = slack.fake.called("views.publish")[before:]
    # Carol (owner), Bob (owns #2 above it) and Alice (owns #1, watches #3): once each.
    assert sorted(c.args["user_id"] for c in published) == ["U1", "U2", "U3"]
    carol = next(c for c in published if c.args["user_id"] == "U3")
    assert "50%" in json.dumps(carol.args["view"])


async def test_a_deleted_task_republishes_the_homes_of_the_owners_above_it(
        slack: Cairn) -> None:
    await setup_team(slack)
    for user in ("U1", "U2", "U3"):
        await home(slack, user)
    await slack.answer('task "Scratch" parent:#2', user="U2")
    await slack.relay()
    before = len(slack.fake.called("views.publish"))
    await slack.answer("delete #4", user="U2")
    await slack.relay()
    # Gone by the time the Home consumer runs: who it concerned was decided when it was
    # recorded. Bob (deleted it, owns #2 above it) and Alice (owns the goal #1); not Carol.
    published = slack.fake.called("views.publish")[before:]
    assert sorted(c.args["user_id"] for c in published) == ["U1", "U2"]
