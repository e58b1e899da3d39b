"""Modals: the milestone form (create and edit), the check-in and the comment forms, with
field errors for wrong input and nothing saved until it is valid."""

from __future__ import annotations

import json
from typing import Any

from core.model import Priority, Status
from storage import Database
from tests.slack import payloads
from tests.slack.blockkit import view_problems
from tests.slack.conftest import BOTH, Cairn
from tests.slack.test_commands import setup_team, text_of


def opened(slack: Cairn) -> dict[str, Any]:
    view = slack.fake.called("views.open")[-1].args["view"]
    assert view_problems(view) == []
    return dict(view)


def text(value: str) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": value}}


def choice(value: str, action: str = "value") -> dict[str, Any]:
    return {action: {"type": "static_select", "selected_option": {"value": value}}}


def day(value: str) -> dict[str, Any]:
    return {"value": {"type": "datepicker", "selected_date": value}}


def number(value: str) -> dict[str, Any]:
    return {"value": {"type": "number_input", "value": value}}


def person(user: str) -> dict[str, Any]:
    return {"value": {"type": "users_select", "selected_user": user}}


def people(*users: str) -> dict[str, Any]:
    return {"value": {"type": "multi_users_select", "selected_users": list(users)}}


def initial(view: dict[str, Any], block_id: str) -> Any:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    element = block["element"]
    for key in ("initial_value", "initial_option", "initial_user", "initial_users",
                "initial_date", "initial_conversation"):
        if key in element:
            return element[key]["value"] if key == "initial_option" else element[key]
    return None


async def submit(slack: Cairn, view: dict[str, Any], values: dict[str, Any], *,
                 user: str = "U1", view_id: str = "") -> dict[str, Any]:
    sent = await slack.interact(payloads.view_submission(view, values, user_id=user,
                                                         team_id="T1", view_id=view_id))
    return sent.json


def milestone_values(**extra: dict[str, Any]) -> dict[str, Any]:
    return {"title": text("Launch beta"), "kind": choice("milestone"),
            "priority": choice("medium"), **extra}


async def milestone(database: Database, n: int) -> Any:
    async with database.unit_of_work()() as tx:
        rows = await (await tx.connection()).execute_query_dict(
            "SELECT * FROM milestones WHERE number = $1" if database.dialect == "postgres"
            else "SELECT * FROM milestones WHERE number = ?", [n])
    return rows[0] if rows else None


@BOTH
async def test_new_opens_a_form_and_a_valid_submit_creates_everything(
        slack: Cairn, database: Database) -> None:
    await slack.answer("plan professional")
    await slack.answer('goal "Grow revenue"')
    sent = await slack.command("new Launch beta")
    assert sent.text == ""  # acked; the form opens right after
    await slack.settle()
    form = opened(slack)
    assert form["callback_id"] == "cairn.milestone" and initial(form, "title") == "Launch beta"
    assert initial(form, "owner") == "U1"
    assert json.loads(form["private_metadata"])["r"] == sent.response_url
    answer = await submit(slack, form, milestone_values(
        description=text("Beta for <5> customers & partners"),
        parent={"cairn.parent": {"type": "external_select",
                                 "selected_option": {"value": "#1"}}},
        owner=person("U2"), members=people("U3"), start=day("2026-12-01"),
        due=day("2026-12-15"), priority=choice("high"), crit_metric=text("Signups"),
        crit_start=number("0"), crit_target=number("500"), crit_unit=text("users"),
        channel={"value": {"type": "conversations_select",
                           "selected_conversation": "C0LAUNCH"}}))
    assert answer == {}  # closes the form
    await slack.settle()
    [result] = slack.fake.responses_to(sent.response_url)
    shown = text_of(result)
    assert "Created milestone #2" in shown and "Owner @bob" in shown
    assert "Helping: @carol" in shown and "Part of `#1` Grow revenue" in shown
    assert "Signups: 0 → 500 users" in shown and "High priority" in shown
    row = await milestone(database, 2)
    assert row["description"] == "Beta for <5> customers & partners"
    assert str(row["due_date"]) == "2026-12-15" and str(row["start_date"]) == "2026-12-01"
    assert row["channel"] == "C0LAUNCH" and row["priority"] == Priority.HIGH


async def test_wrong_input_comes_back_as_field_errors_and_saves_nothing(
        slack: Cairn, database: Database) -> None:
    await slack.command("new")
    await slack.settle()
    form = opened(slack)
    errors = await submit(slack, form, milestone_values(
        title=text("   "), start=day("2026-12-20"), due=day("2026-12-01"),
        crit_metric=text("ARR"), crit_start=number("abc")))
    assert errors["response_action"] == "errors"
    assert set(errors["errors"]) == {"title", "start", "crit_start", "crit_target"}
    assert all(len(m) <= 150 for m in errors["errors"].values())
    assert await milestone(database, 1) is None


async def test_the_cores_refusals_land_on_the_right_field(slack: Cairn,
                                                          database: Database) -> None:
    await setup_team(slack)
    await slack.answer("done #3")
    await slack.command("new")
    await slack.settle()
    form = opened(slack)
    parent = {"cairn.parent": {"type": "external_select", "selected_option": {"value": "#3"}}}
    errors = await submit(slack, form, milestone_values(parent=parent), view_id="VCLOSED")
    assert errors["response_action"] == "errors"
    assert "#3 is done" in errors["errors"]["parent"]
    await slack.answer("role <@U3|carol> viewer")
    refused = await submit(slack, form, milestone_values(), user="U3", view_id="VVIEWER")
    assert "Viewers can read everything" in refused["errors"]["title"]
    assert await milestone(database, 4) is None
    # The same form, corrected, goes through (a refused submit does not use up the form).
    ok = await submit(slack, form, milestone_values(), view_id="VCLOSED")
    assert ok == {}
    await slack.settle()
    assert (await milestone(database, 4))["title"] == "Launch beta"


@BOTH
async def test_edit_opens_prefilled_and_applies_every_change(slack: Cairn,
                                                             database: Database) -> None:
    await setup_team(slack)
    await slack.answer('criteria #3 "Pages" 0 -> 10')
    url = slack.fake.response_url()
    await slack.interact(payloads.block_action("cairn.more", "cairn.edit #3", user_id="U1",
                                               team_id="T1", response_url=url, overflow=True))
    await slack.settle()
    form = opened(slack)
    assert form["title"]["text"] == "Edit #3"
    assert initial(form, "title") == "Write release notes" and initial(form, "owner") == "U3"
    assert initial(form, "parent") == "#2" and initial(form, "crit_metric") == "Pages"
    answer = await submit(slack, form, milestone_values(
        title=text("Write the release notes"), kind=choice("task"), owner=person("U2"),
        members=people("U1"), due=day("2026-12-10"), priority=choice("critical"),
        parent={"cairn.parent": {"type": "external_select", "selected_option": {"value": "#1"}}},
        crit_metric=text("Pages"), crit_start=number("0"), crit_target=number("10"),
        crit_current=number("5")))
    assert answer == {}
    await slack.settle()
    [result] = slack.fake.responses_to(url)
    shown = text_of(result)
    assert "Saved #3" in shown and "Owner @bob" in shown and "Helping: @alice" in shown
    assert "Part of `#1`" in shown and "Pages: 0 → 10, now 5 (50%)" in shown
    row = await milestone(database, 3)
    assert row["title"] == "Write the release notes" and row["priority"] == Priority.CRITICAL
    assert str(row["due_date"]) == "2026-12-10" and row["progress"] == 50


async def test_emptying_the_start_date_and_home_channel_in_the_edit_form_clears_them(
        slack: Cairn, database: Database) -> None:
    await slack.answer('milestone "Beta" start:2026-11-30 due:2026-12-31 '
                       "channel:<#C0LAUNCH|launch>")
    await slack.interact(payloads.block_action("cairn.edit", "#1", user_id="U1", team_id="T1",
                                               response_url=slack.fake.response_url()))
    await slack.settle()
    form = opened(slack)
    assert initial(form, "start") == "2026-11-30" and initial(form, "channel") == "C0LAUNCH"
    answer = await submit(slack, form, milestone_values(title=text("Beta"),
                                                        due=day("2026-12-31")))
    assert answer == {}
    row = await milestone(database, 1)
    assert row["start_date"] is None and row["channel"] is None
    assert str(row["due_date"]) == "2026-12-31"


async def test_an_edit_the_core_refuses_changes_nothing(slack: Cairn,
                                                        database: Database) -> None:
    await setup_team(slack)
    await slack.interact(payloads.block_action("cairn.edit", "#1", user_id="U1", team_id="T1",
                                               response_url=slack.fake.response_url()))
    await slack.settle()
    form = opened(slack)
    loop = {"cairn.parent": {"type": "external_select", "selected_option": {"value": "#3"}}}
    errors = await submit(slack, form, milestone_values(title=text("Renamed"), kind=choice("goal"),
                                                        parent=loop, priority=choice("high")))
    assert "would make a loop" in errors["errors"]["parent"]
    row = await milestone(database, 1)
    assert row["title"] == "Grow revenue 20%" and row["parent_id"] is None


async def test_check_in_form_from_update_and_from_the_button(slack: Cairn,
                                                             database: Database) -> None:
    await setup_team(slack)
    sent = await slack.command("update #3", user="U3")
    await slack.settle()
    form = opened(slack)
    assert form["callback_id"] == "cairn.checkin" and initial(form, "percent") == "0"
    errors = await submit(slack, form, {"percent": number("150"), "status": choice("on_track")},
                          user="U3")
    assert set(errors["errors"]) == {"percent"}
    ok = await submit(slack, form, {"percent": number("60"), "status": choice("at_risk"),
                                    "notes": text("draft done"),
                                    "blockers": text("waiting for <legal>")}, user="U3")
    assert ok == {}
    await slack.settle()
    [result] = slack.fake.responses_to(sent.response_url)
    assert "Updated #3: 60%, at risk" in text_of(result)
    assert "blockers: waiting for &lt;legal&gt;" in text_of(result)
    row = await milestone(database, 3)
    assert row["progress"] == 60 and row["status"] == Status.AT_RISK
    # A parent's progress rolls up: its form asks for a status and notes only.
    await slack.interact(payloads.block_action("cairn.checkin", "#1", user_id="U1",
                                               team_id="T1", response_url="",
                                               home_view="VHOME"))
    await slack.settle()
    parent_form = opened(slack)
    assert initial(parent_form, "status") == "on_track"
    assert not [b for b in parent_form["blocks"] if b.get("block_id") == "percent"]


async def test_a_closed_milestone_has_no_check_in_form(slack: Cairn) -> None:
    await setup_team(slack)
    await slack.answer("done #3")
    sent = await slack.command("update #3")
    assert "#3 is done" in sent.text
    await slack.settle()
    assert not slack.fake.called("views.open")


async def test_comment_form_posts_a_comment_with_mentions(slack: Cairn) -> None:
    await setup_team(slack)
    url = slack.fake.response_url()
    await slack.interact(payloads.block_action("cairn.comment", "#2", user_id="U1",
                                               team_id="T1", response_url=url))
    await slack.settle()
    form = opened(slack)
    assert initial(form, "milestone") == "#2"
    empty = await submit(slack, form, {"milestone": choice("#2", "cairn.pick"),
                                       "text": text("  ")})
    assert set(empty["errors"]) == {"text"}
    ok = await submit(slack, form, {"milestone": choice("#2", "cairn.pick"),
                                    "text": text("Ready for review @carol?")})
    assert ok == {}
    await slack.settle()
    [result] = slack.fake.responses_to(url)
    assert "Commented on #2, told @carol" in text_of(result)
    inbox = await slack.answer("inbox", user="U3")
    assert "mentioned you on #2" in text_of(inbox)


async def test_the_parent_picker_searches_and_never_offers_a_loop(slack: Cairn) -> None:
    await setup_team(slack)
    found = await slack.interact(payloads.suggestion("cairn.parent", "launch", user_id="U1",
                                                     team_id="T1"))
    assert [o["value"] for o in json.loads(found.text)["options"]] == ["#2"]
    by_number = await slack.interact(payloads.suggestion("cairn.parent", "#3", user_id="U1",
                                                         team_id="T1"))
    assert [o["value"] for o in json.loads(by_number.text)["options"]] == ["#3"]
    editing_one = {"id": "VF", "type": "modal", "private_metadata": '{"n":1}'}
    everything = await slack.interact(payloads.suggestion("cairn.parent", "", user_id="U1",
                                                          team_id="T1", view=editing_one))
    assert json.loads(everything.text)["options"] == []  # #1 and all below it are excluded
    await slack.answer('task "Lots of < & > chars ' + "x" * 100 + '"')
    long = await slack.interact(payloads.suggestion("cairn.parent", "chars", user_id="U1",
                                                    team_id="T1"))
    [option] = json.loads(long.text)["options"]
    assert len(option["text"]["text"]) <= 75
