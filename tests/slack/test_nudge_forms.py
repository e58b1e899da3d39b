"""The nudge DMs' forms in Slack: *I'm away* (a vacation) and *Reminder settings*, opened from a
nudge or `/cairn remind settings`, checked field by field, saving only what changed."""

from __future__ import annotations

from typing import Any

import pytest

from bots.slack import forms
from core.interactions.reminder_forms import settings_before
from tests.fakes import FrozenClock
from tests.slack.blockkit import message_problems
from tests.slack.conftest import Cairn
from tests.slack.test_commands import text_of
from tests.slack.test_forms import choice, day, opened, submit
from tests.slack.test_nudges import (
    BOB_MONDAY,
    START,
    bobs_milestones,
    checkins,
    click,
    dms,
    press,
    tick,
)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


# --- the vacation and settings forms -------------------------------------------------------------


async def test_im_away_opens_a_vacation_form_that_checks_its_dates(
        slack: Cairn, clock: FrozenClock) -> None:
    await bobs_milestones(slack)
    await tick(slack, clock, BOB_MONDAY)
    [dm] = dms(slack)
    body, url = click(slack, dm, "cairn.vacation")
    await press(slack, body, url)
    form = opened(slack)
    assert form["callback_id"] == "cairn.vacation" and form["title"]["text"] == "I'm away"
    starts = next(b for b in form["blocks"] if b.get("block_id") == "starts")
    assert starts["element"]["initial_date"] == "2026-11-23"
    wrong = await submit(slack, form, {"starts": day("2026-12-04"), "ends": day("2026-11-30")},
                         user="U2")
    assert wrong["response_action"] == "errors" and set(wrong["errors"]) == {"ends"}
    past = await submit(slack, form, {"starts": day("2026-11-02"), "ends": day("2026-11-06")},
                        user="U2", view_id="VPAST")
    assert "over already" in past["errors"]["ends"]
    empty = await submit(slack, form, {"starts": day("2026-11-30")}, user="U2",
                         view_id="VEMPTY")
    assert set(empty["errors"]) == {"ends"}
    ok = await submit(slack, form, {"starts": day("2026-11-30"), "ends": day("2026-12-04")},
                      user="U2", view_id="VPAST")
    assert ok == {}
    await slack.settle()
    [answer] = slack.fake.responses_to(url)
    assert message_problems(answer) == [] and "Enjoy!" in text_of(answer)
    assert "Mon 30 Nov – Fri 4 Dec" in text_of(answer)
    await tick(slack, clock, "2026-11-30T14:00:00+00:00")
    assert len(dms(slack)) == 1  # away: nothing at all
    await tick(slack, clock, "2026-12-07T14:00:00+00:00")
    assert len(checkins(slack)) == 2


async def test_reminder_settings_open_in_a_form_that_saves_only_what_changed(
        slack: Cairn, clock: FrozenClock) -> None:
    await bobs_milestones(slack)
    await tick(slack, clock, BOB_MONDAY)
    [dm] = dms(slack)
    body, url = click(slack, dm, "cairn.settings")
    await press(slack, body, url)
    form = opened(slack)
    assert form["callback_id"] == "cairn.settings"
    start = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert start["weekday"]["initial_option"]["value"] == "0"
    assert start["time"]["initial_time"] == "09:00"
    assert start["every"]["initial_option"]["value"] == "1"
    assert [o["value"] for o in start["days"]["initial_options"]] == ["0", "1", "2", "3", "4"]
    assert (start["work_starts"]["initial_time"], start["work_ends"]["initial_time"]) == (
        "09:00", "18:00")
    unchanged = {"weekday": choice("0"), "time": at("09:00"), "every": choice("1"),
                 "days": days("0", "1", "2", "3", "4"), "work_starts": at("09:00"),
                 "work_ends": at("18:00")}
    wrong = await submit(slack, form, {**unchanged, "days": days(), "work_ends": at("08:00")},
                         user="U2", view_id="VSET")
    assert wrong["response_action"] == "errors"
    assert set(wrong["errors"]) == {"days", "work_ends"}
    quiet = await submit(slack, form, {**unchanged, "time": at("07:00")}, user="U2",
                         view_id="VSET")
    assert "07:00 is in your quiet hours" in quiet["errors"]["time"]
    same = await submit(slack, form, unchanged, user="U2", view_id="VSAME")
    assert same == {}
    ok = await submit(slack, form, {**unchanged, "weekday": choice("1"), "time": at("10:30"),
                                    "every": choice("2")}, user="U2", view_id="VSET")
    assert ok == {}
    await slack.settle()
    nothing, saved = slack.fake.responses_to(url)
    assert "Nothing changed" in text_of(nothing) and "(team default)" in text_of(nothing)
    assert message_problems(saved) == []
    # Only what changed: the working days and hours were left as they were.
    assert "✅ *Saved: on Tuesdays, at 10:30, every 2 weeks*" in text_of(saved)
    await tick(slack, clock, "2026-12-01T15:30:00+00:00")  # Tuesday 10:30 in New York,
    assert len(checkins(slack)) == 1  # but every other week, counted from this one
    await tick(slack, clock, "2026-12-08T15:30:00+00:00")
    assert len(checkins(slack)) == 2


async def test_remind_settings_opens_the_form_and_other_remind_answers_render(
        slack: Cairn, clock: FrozenClock) -> None:
    await slack.answer("plan professional")
    for text in ("remind settings", "remind"):
        sent = await slack.command(text)
        assert sent.text == ""  # acked; the form opens right after
        await slack.settle()
        form = opened(slack)
        assert form["callback_id"] == "cairn.settings"
    answer = await slack.answer("remind vacation 2026-12-21 2027-01-03")
    assert message_problems(answer) == [] and "Enjoy!" in text_of(answer)
    assert "cairn.settings" in text_of(answer) and "remind vacation off" in text_of(answer)
    changed = await slack.answer("remind friday 14:00")
    assert "Saved: on Fridays, at 14:00" in text_of(changed)
    assert "For the whole team" in text_of(changed)  # Alice is the admin


def test_forged_form_metadata_reads_as_nothing_to_compare() -> None:
    for text in ('{"x": [1]}', '{"x": {"w": "x"}}', '{"x": {"weekday": 1, "time": "1"}}',
                 "nope"):
        before = forms.read_metadata(text).before
        assert settings_before(before) is None


def at(value: str) -> dict[str, Any]:
    return {"value": {"type": "timepicker", "selected_time": value}}


def days(*values: str) -> dict[str, Any]:
    return {"value": {"type": "checkboxes",
                      "selected_options": [{"value": v} for v in values]}}
