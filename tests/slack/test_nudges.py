"""Nudges in Slack, end to end: the scheduler's tick (sweep, then delivery through the
runtime's notifiers, as `serve` runs it) on a clock the tests move, DMs and channel posts at
the fake Slack, and the clicks and forms of those DMs over signed HTTP.

The workspace T1: Alice (Berlin, admin) and Bob (New York), whose check-in is the team's
default, Monday 09:00 his time (14:00 UTC in November). Every payload Cairn sends is checked
by the fake Slack (`invalid_blocks` otherwise) and again here with `message_problems`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from bots.slack import forms, modal, render
from bots.slack.actions import ACTIONS
from core.interactions import reminder_form_specs as reminder_specs
from core.model import Kind, Status, TenantId
from core.nudges.deadline_alerts import AlertStage
from core.nudges.pacing import Pacer
from core.nudges.schedule import NudgeKind
from core.nudges.views import (
    ChannelDigest,
    CheckInRequest,
    DeadlineAlert,
    DigestLine,
    EscalationNotice,
    NudgeLine,
    ReminderSettingsView,
)
from core.people.use_cases import join
from core.views import DueLabel, MilestoneLine
from storage import Database
from tests.fakes import FrozenClock
from tests.nudge_harness import InstantSleep
from tests.slack import payloads
from tests.slack.blockkit import message_problems, view_problems
from tests.slack.conftest import BOT_TOKEN, BOTH, POSTGRES, Cairn, install
from tests.slack.test_commands import text_of
from tests.slack.test_forms import choice, opened, submit
from tests.slack.test_render import NASTY
from wiring.nudges import NudgeEngine

START = "2026-11-16T10:00:00+00:00"  # a Monday
BOB_MONDAY = "2026-11-23T14:00:00+00:00"  # Monday 09:00 in New York


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


def engine(slack: Cairn) -> NudgeEngine:
    """The scheduler's nudge jobs, over the notifiers `serve` would use; pacing never waits."""
    nudges = NudgeEngine(slack.runtime)
    time = InstantSleep()
    nudges.pacer = Pacer(1.0, monotonic=time.monotonic, sleep=time.sleep)
    return nudges


async def tick(slack: Cairn, clock: FrozenClock, at: str) -> None:
    """One tick of the scheduler at `at`: a sweep, then a delivery."""
    clock.set(at)
    await engine(slack).tick()


async def deliver(slack: Cairn, clock: FrozenClock, at: str) -> None:
    """The delivery tick alone (retries, snoozes coming back)."""
    clock.set(at)
    await engine(slack).deliver()


async def bobs_milestones(slack: Cairn) -> None:
    """#1 Alice's goal; #2 and #3 Bob's, #2 with the home channel C0LAUNCH."""
    await slack.answer("plan professional")
    await slack.answer('goal "Grow revenue" due:2026-12-31')
    await slack.answer('milestone "Launch beta" parent:#1 owner:<@U2|bob> due:2026-12-15 '
                       "<#C0LAUNCH|launch>")
    await slack.answer('task "Security review <&> audit" owner:<@U2|bob> due:2026-11-26')


def dms(slack: Cairn, user: str = "U2") -> list[dict[str, Any]]:
    found = slack.fake.posted_to(slack.fake.dm_of(user))
    for message in found:
        assert message_problems(message) == [], message
    return found


def checkins(slack: Cairn) -> list[dict[str, Any]]:
    return [m for m in dms(slack) if "waiting for your check-in" in m["text"]]


def elements(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every interactive element of a message, with the block it sits in."""
    found = []
    for block in message["blocks"]:
        inner = block.get("elements") if block["type"] == "actions" else (
            [block["accessory"]] if "accessory" in block else [])
        found += [{**e, "block_id": block.get("block_id", "")} for e in inner or []]
    return found


def control(message: dict[str, Any], action_id: str, value: str = "") -> dict[str, Any]:
    """The element with this action id (and value, or an option with this label)."""
    for element in elements(message):
        if element.get("action_id") != action_id:
            continue
        if not value or element.get("value") == value:
            return element
        for o in element.get("options") or []:
            if o["text"]["text"] == value:
                return {**element, "value": o["value"]}
    raise AssertionError(f"no {action_id} {value!r} in {text_of(message)}")


def click(slack: Cairn, message: dict[str, Any], action_id: str, value: str = "", *,
          user: str = "U2", team: str = "T1") -> tuple[dict[str, Any], str]:
    """A click on a control of a message, as Slack posts it, and its response_url."""
    element = control(message, action_id, value)
    raw = f"{message['ts']}-{action_id}-{element['value'][:20]}-{user}"
    url = slack.fake.response_url("".join(ch if ch.isalnum() else "_" for ch in raw))
    body = payloads.block_action(
        action_id, element["value"], user_id=user, team_id=team, channel=message["channel"],
        message_ts=message["ts"], block_id=element["block_id"], ephemeral=False,
        response_url=url, select=element["type"] != "button",
        message={"text": message["text"], "blocks": message["blocks"]})
    return body, url


async def press(slack: Cairn, body: dict[str, Any], url: str) -> list[dict[str, Any]]:
    """Sends a click; what was answered to its response_url so far."""
    await slack.interact(body)
    await slack.settle()
    return slack.fake.responses_to(url)


async def deliveries(database: Database) -> list[dict[str, Any]]:
    async with database.unit_of_work()() as tx:
        return await (await tx.connection()).execute_query_dict(
            "SELECT kind, status, channel, attempts, routes_done, not_before FROM "
            "nudge_deliveries ORDER BY id")


# --- the check-in DM --------------------------------------------------------------------------


@BOTH
async def test_an_owner_gets_one_dm_with_every_open_milestone_at_nine_his_time(
        slack: Cairn, clock: FrozenClock) -> None:
    await bobs_milestones(slack)
    await tick(slack, clock, "2026-11-23T13:59:00+00:00")
    assert dms(slack) == []
    await tick(slack, clock, BOB_MONDAY)
    [dm] = dms(slack)
    [opened_dm] = slack.fake.called("conversations.open")
    assert opened_dm.args["users"] == "U2" and opened_dm.token == BOT_TOKEN
    shown = text_of(dm)
    assert "Good morning Bob" in shown and "2 milestones are waiting for your check-in" in shown
    assert shown.index("#3") < shown.index("#2")  # the one due first comes first
    assert "Security review &lt;&amp;&gt; audit" in shown and "Launch beta" in shown
    assert dm["text"] == "🗓 2 milestones are waiting for your check-in: #3, #2"
    assert [e["value"] for e in elements(dm) if e["action_id"] == "cairn.checkin"] == [
        "#3", "#2"]
    assert [e["value"] for e in elements(dm) if e["action_id"] == "cairn.nudge.done"] == [
        "#3", "#2"]
    snooze = control(dm, "cairn.snooze")
    assert [o["text"]["text"] for o in snooze["options"]] == [
        "1 hour", "3 hours", "Tomorrow", "Next week"]
    assert control(dm, "cairn.vacation") and control(dm, "cairn.settings")
    assert "`/cairn remind settings`" in shown
    await tick(slack, clock, "2026-11-23T14:30:00+00:00")
    assert len(dms(slack)) == 1  # claimed once
    inbox = await slack.answer("inbox", user="U2")
    assert text_of(inbox).count("waiting for your check-in") == 1


@POSTGRES
async def test_snooze_brings_the_nudge_back_later_and_done_closes_a_line_once(
        slack: Cairn, clock: FrozenClock) -> None:
    await bobs_milestones(slack)
    await tick(slack, clock, BOB_MONDAY)
    [dm] = dms(slack)
    clock.set("2026-11-23T14:05:00+00:00")
    body, url = click(slack, dm, "cairn.snooze", "1 hour")
    [edited] = await press(slack, body, url)
    assert edited["replace_original"] is True and message_problems(edited) == []
    assert "Snoozed. Your check-in comes back today at 10:05." in text_of(edited)
    assert "cairn.snooze" not in text_of(edited)  # the menu made way for what it did
    assert "cairn.settings" in text_of(edited) and "cairn.nudge.done" in text_of(edited)
    clock.set("2026-11-23T14:06:00+00:00")
    assert len(await press(slack, body, url)) == 1  # a double click: nothing twice
    await deliver(slack, clock, "2026-11-23T15:04:00+00:00")
    assert len(dms(slack)) == 1  # not before
    await deliver(slack, clock, "2026-11-23T15:05:00+00:00")
    _, again = dms(slack)
    assert "⏰" in text_of(again) and "#3" in text_of(again)
    body, url = click(slack, again, "cairn.nudge.done", "#3")
    [done] = await press(slack, body, url)
    assert done["replace_original"] is True and message_problems(done) == []
    assert "✅ Done: #3" in text_of(done)
    assert [e["value"] for e in elements(done) if e["action_id"] == "cairn.nudge.done"] == [
        "#2"]
    assert len(await press(slack, body, url)) == 1
    shown = text_of(await slack.answer("show #3", user="U2"))
    assert "Done" in shown and "100%" in shown
    activity = text_of(await slack.answer("activity #3", user="U2"))
    assert activity.count("completed") == 1


async def test_update_progress_in_a_dm_opens_the_check_in_form(slack: Cairn,
                                                               clock: FrozenClock) -> None:
    await bobs_milestones(slack)
    await tick(slack, clock, BOB_MONDAY)
    [dm] = dms(slack)
    body, url = click(slack, dm, "cairn.checkin", "#2")
    await press(slack, body, url)
    form = opened(slack)
    assert form["callback_id"] == "cairn.checkin" and "#2" in form["title"]["text"]
    answer = await submit(slack, form, {"percent": {"value": {
        "type": "number_input", "value": "40"}}, "status": choice("on_track")}, user="U2")
    assert answer == {}
    await slack.settle()
    [result] = slack.fake.responses_to(url)
    assert "40%" in text_of(result)


# --- deadline alerts and digests ---------------------------------------------------------------


async def test_a_deadline_alert_arrives_as_a_dm_with_its_buttons(slack: Cairn,
                                                                 clock: FrozenClock) -> None:
    await bobs_milestones(slack)
    await tick(slack, clock, "2026-11-25T14:00:00+00:00")  # Wednesday, #3 is due Thursday
    [alert] = dms(slack)
    shown = text_of(alert)
    assert "⏳" in shown and "#3 Security review &lt;&amp;&gt; audit is due tomorrow" in shown
    assert control(alert, "cairn.checkin", "#3") and control(alert, "cairn.nudge.done", "#3")
    assert control(alert, "cairn.snooze", "Tomorrow")
    body, url = click(slack, alert, "cairn.snooze", "Tomorrow")
    [edited] = await press(slack, body, url)
    assert "comes back tomorrow at 09:00" in text_of(edited)


async def test_the_weekly_digest_is_posted_in_the_home_channel(slack: Cairn,
                                                              clock: FrozenClock) -> None:
    await bobs_milestones(slack)
    clock.set("2026-11-18T12:00:00+00:00")
    await slack.answer("update #2 40% on track beta build is out", user="U2")
    await tick(slack, clock, "2026-11-20T16:00:00+00:00")  # Friday 16:00, the tenant's (UTC)
    [digest] = slack.fake.posted_to("C0LAUNCH")
    assert message_problems(digest) == []
    shown = text_of(digest)
    assert "Weekly digest" in shown and "This week in <#C0LAUNCH>: 1 milestone moved" in shown
    assert digest["text"] == "📰 This week in <#C0LAUNCH>: 1 milestone moved, 0 completed"
    assert "*Moved*" in shown and "#2" in shown and "0% → 40%, 1 check-in" in shown
    assert dms(slack) == [] and not slack.fake.called("conversations.open")


# --- failures: retried when Slack says so, never forever when it cannot --------------------------


@POSTGRES
async def test_rate_limits_and_outages_are_retried_and_the_dm_arrives_once(
        slack: Cairn, clock: FrozenClock, database: Database) -> None:
    await bobs_milestones(slack)
    slack.fake.fail("chat.postMessage", status=429, retry_after=90)
    await tick(slack, clock, BOB_MONDAY)
    assert dms(slack) == [] and len(slack.fake.attempts("chat.postMessage")) == 1
    [pending] = await deliveries(database)
    assert pending["status"] == "pending" and pending["attempts"] == 1
    slack.fake.fail("chat.postMessage", status=503, times=4)  # outlasts the client's retries
    await deliver(slack, clock, "2026-11-23T14:01:29+00:00")
    assert len(slack.fake.attempts("chat.postMessage")) == 1  # Slack said: after 90 seconds
    await deliver(slack, clock, "2026-11-23T14:01:30+00:00")
    assert len(slack.fake.attempts("chat.postMessage")) == 5 and dms(slack) == []
    await deliver(slack, clock, "2026-11-23T14:10:00+00:00")
    [dm] = dms(slack)
    assert "2 milestones are waiting" in text_of(dm)
    await deliver(slack, clock, "2026-11-23T15:00:00+00:00")
    assert len(dms(slack)) == 1 and len(slack.fake.called("conversations.open")) == 1
    [sent] = await deliveries(database)
    assert sent["status"] == "sent" and "slack" in str(sent["routes_done"])
    inbox = await slack.answer("inbox", user="U2")
    assert text_of(inbox).count("waiting for your check-in") == 1


async def test_people_and_channels_slack_cannot_reach_are_not_retried(
        slack: Cairn, clock: FrozenClock, database: Database) -> None:
    await bobs_milestones(slack)
    await slack.answer('task "Tax forms" owner:<@U3|carol>')  # Carol: London
    tenant = await slack.app.workspaces.tenant_of(None, "T1", create=False)
    assert tenant is not None
    await join(slack.deps, TenantId(tenant), handle="zoe", timezone="UTC")  # never on Slack
    await slack.answer('task "Paperwork" owner:@zoe <#CGONE1|gone>')
    await slack.answer('task "Poster" #posters')  # a channel name, not a Slack channel
    slack.fake.deactivate("T1", "U2")
    del slack.fake.workspaces["T1"].users["U3"]  # left the workspace
    await tick(slack, clock, "2026-11-20T16:00:00+00:00")  # the digests
    await tick(slack, clock, "2026-11-23T09:00:00+00:00")  # Alice, Carol and Zoe
    await tick(slack, clock, BOB_MONDAY)
    posts = {c.args["channel"]: c.answer.get("error") for c in
             slack.fake.attempts("chat.postMessage")}
    assert posts == {"C0LAUNCH": None, "CGONE1": "channel_not_found", "DU1": None}
    opens = {c.args["users"]: c.answer.get("error") for c in
             slack.fake.attempts("conversations.open")}
    assert opens == {"U1": None, "U2": "user_disabled", "U3": "user_not_found"}
    kinds = [(d["kind"], d["channel"]) for d in await deliveries(database)]
    assert sorted(kinds) == [("checkin", ""), ("checkin", ""), ("checkin", ""), ("checkin", ""),
                             ("digest", "#posters"), ("digest", "C0LAUNCH"),
                             ("digest", "CGONE1")]
    calls = len(slack.fake.calls)
    for later in ("2026-11-23T18:00:00+00:00", "2026-11-24T14:00:00+00:00"):
        await deliver(slack, clock, later)
    assert len(slack.fake.calls) == calls  # nothing tried again
    assert {d["status"] for d in await deliveries(database)} == {"sent"}


# --- who may click -----------------------------------------------------------------------------


async def test_nobody_else_can_snooze_someones_nudge_not_even_from_another_workspace(
        slack_multi: Cairn, clock: FrozenClock, database: Database) -> None:
    slack = slack_multi
    await install(slack, "T1")
    await install(slack, "T2")
    await bobs_milestones(slack)
    await slack.answer("help", user="U9", team="T2")  # Mallory, in the other workspace
    await tick(slack, clock, BOB_MONDAY)
    [dm] = dms(slack)
    [posted] = slack.fake.called("chat.postMessage")
    assert posted.token == slack.fake.called("oauth.v2.access")[0].answer["access_token"]
    [before] = await deliveries(database)
    for user, team in (("U9", "T2"), ("U1", "T1")):
        body, url = click(slack, dm, "cairn.snooze", "Next week", user=user, team=team)
        [refused] = await press(slack, body, url)
        assert refused["response_type"] == "ephemeral" and refused["replace_original"] is False
        assert "There is no reminder of yours to snooze" in text_of(refused)
    assert await deliveries(database) == [before]
    body, url = click(slack, dm, "cairn.snooze", "Next week")
    [snoozed] = await press(slack, body, url)
    assert "comes back Mon 30 Nov at 09:00" in text_of(snoozed)
    [after] = await deliveries(database)
    assert after["status"] == "pending"


# --- Block Kit within Slack's limits, whatever the data -----------------------------------------


def _line(n: int, title: str) -> MilestoneLine:
    return MilestoneLine(number=n, kind=Kind.TASK, title=title, percent=n % 100,
                         status=Status.AT_RISK, owner="bob<&>",
                         due=DueLabel(iso="2026-12-01", text="Tue 1 Dec", relative="in 8 days"))


def test_every_nudge_renders_valid_block_kit_at_any_size() -> None:
    title = "Ship <the> thing & more " * 12
    lines = tuple(NudgeLine(line=_line(n, title), last_news="no update <yet>")
                  for n in range(1, 31))
    checkin = CheckInRequest(nudge_id=7, kind=NudgeKind.CHECKIN, headline="30 <milestones>",
                             greeting="Good morning B&b", waiting=lines, up_to_date=lines,
                             footer="Check-ins every Monday · `remind settings` changes it")
    payload = render.message(checkin)
    assert message_problems(payload) == [] and len(payload["blocks"]) <= 50
    assert "…and 10 more waiting" in text_of(payload)
    alert = DeadlineAlert(nudge_id=8, kind=NudgeKind.DEADLINE, headline="#1 <x> is overdue",
                          stage=AlertStage.OVERDUE, item=lines[0])
    watched = DeadlineAlert(nudge_id=9, kind=NudgeKind.OVERDUE_WATCH, headline="#1 overdue",
                            stage=AlertStage.OVERDUE, item=lines[0], watching=True,
                            line_actions=(), actions=(), snoozes=())
    escalation = EscalationNotice(nudge_id=10, kind=NudgeKind.ESCALATION, headline="quiet",
                                  item=lines[0], owner="bob", ignored=3, quiet_since="Mon 2 Nov",
                                  actions=(), snoozes=(), footer="`comment #1 @bob …`")
    digest_lines = tuple(DigestLine(line=x.line, change="0% → 40% <&>") for x in lines * 2)
    digest = ChannelDigest(nudge_id=11, kind=NudgeKind.DIGEST, headline="This week in C0X",
                           channel="C0X", period="Sat 14 Nov – Fri 20 Nov", moved=digest_lines,
                           completed=digest_lines, at_risk=digest_lines, overdue=digest_lines,
                           quiet=4, actions=(), snoozes=())
    settings = ReminderSettingsView(
        headline=NASTY, checkin=NASTY, next_checkin=NASTY, working_days=NASTY,
        quiet_hours=NASTY, deadlines=NASTY, digest=NASTY, timezone=NASTY,
        vacations=(NASTY,) * 30, snoozes=(NASTY,) * 30, overrides=(NASTY,) * 30,
        work_ends=24 * 60, can_change_team=True)
    rendered = [render.message(v) for v in (checkin, alert, watched, escalation, digest,
                                            settings)]
    for payload in rendered:
        assert message_problems(payload) == [], payload["text"][:40]
    assert "`/cairn comment #1 @bob …`" in text_of(rendered[3])
    assert "Stop watching" in text_of(rendered[2])
    for action_id in set(re.findall(r"'action_id': '(cairn\.[^']+)'", str(rendered))):
        assert action_id.split(":")[0] in ACTIONS, action_id
    settings_form = reminder_specs.settings_form(settings)
    meta = forms.metadata(origin=forms.Origin(response_url="https://hooks.slack.com/x"),
                          extra=dict(settings_form.initial))
    form = modal.modal(settings_form, meta)
    assert view_problems(form) == []
    ends = next(b for b in form["blocks"] if b.get("block_id") == "work_ends")
    assert ends["element"]["initial_time"] == "23:59"  # a working day that ends at midnight
    vacation = modal.modal(reminder_specs.vacation_form(date(2026, 11, 23)), meta)
    assert view_problems(vacation) == []
