"""The Teams renderer, view by view: valid Adaptive Cards 1.5 under Teams' 28 KB whatever the
text, user text escaped for card markdown, and buttons that carry a verb, an argument and a
fresh stamp. The cards are also posted to the fake Bot Connector, which refuses what Teams
would refuse."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core.connector.client import ConnectorClient

from bots.teams import cards, render
from bots.teams.markdown import code_spans, escape, oneline, paragraphs
from core.model import Kind, Status
from core.nudges.deadline_alerts import AlertStage
from core.nudges.schedule import NudgeKind
from core.nudges.views import (
    ChannelDigest,
    CheckInRequest,
    DeadlineAlert,
    DigestLine,
    EscalationNotice,
    ForecastAlert,
    NudgeAction,
    NudgeLine,
    ReminderSettingsView,
)
from core.views import DueLabel, InboxItem, InboxView, MilestoneLine, Notice, Tone
from tests.slack.test_render import NASTY, VIEWS, card
from tests.teams.adaptive_cards import MESSAGE_BYTES, activity_problems, card_problems
from tests.teams.conftest import TENANT
from tests.teams.fake_connector import FakeConnector

HUGE = "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎯 *[x](javascript:alert(1))* <at>Bob</at> &amp; " * 400
#: The verbs a Teams handler will dispatch on (see `bots.teams.cards`).
VERBS = {"run", "checkin", "comment", "edit", "new", "snooze", "nudge.done", "vacation",
         "settings"}


def nudge_views(title: str) -> dict[str, Any]:
    def line(n: int) -> MilestoneLine:
        return MilestoneLine(number=n, kind=Kind.TASK, title=title, percent=n % 100,
                             status=Status.AT_RISK, owner="bob<&>",
                             due=DueLabel(iso="2026-12-01", text="Tue 1 Dec",
                                          relative="in 8 days"))

    lines = tuple(NudgeLine(line=line(n), last_news=f"no update <yet> {title[:300]}")
                  for n in range(1, 31))
    digest_lines = tuple(DigestLine(line=x.line, change="0% → 40% <&>") for x in lines * 2)
    return {
        "checkin": CheckInRequest(
            nudge_id=7, kind=NudgeKind.CHECKIN, headline=f"30 <milestones> {title[:200]}",
            greeting="Good morning B&b", waiting=lines, up_to_date=lines,
            footer="Check-ins every Monday · `remind settings` changes it",
            actions=(NudgeAction.SNOOZE, NudgeAction.VACATION, NudgeAction.SETTINGS)),
        "alert": DeadlineAlert(nudge_id=8, kind=NudgeKind.DEADLINE, headline="#1 <x> is overdue",
                               stage=AlertStage.OVERDUE, item=lines[0]),
        "watched": DeadlineAlert(nudge_id=9, kind=NudgeKind.OVERDUE_WATCH, headline="#1 late",
                                 stage=AlertStage.OVERDUE, item=lines[0], watching=True,
                                 line_actions=(), actions=(), snoozes=()),
        "escalation": EscalationNotice(
            nudge_id=10, kind=NudgeKind.ESCALATION, headline="quiet", item=lines[0],
            owner="bob", ignored=3, quiet_since="Mon 2 Nov", actions=(), snoozes=(),
            footer="`comment #1 @bob …`"),
        "forecast": ForecastAlert(
            nudge_id=12, kind=NudgeKind.FORECAST, headline=f"#1 <x> is at risk {title[:200]}",
            item=lines[0], reason=f"forecast P50 <&> {title[:100]}", actions=(), snoozes=(),
            footer="`forecast #1` says why"),
        "digest": ChannelDigest(
            nudge_id=11, kind=NudgeKind.DIGEST, headline=f"This week in #launch {title[:300]}",
            channel="#launch", period="Sat 14 Nov – Fri 20 Nov", moved=digest_lines,
            completed=digest_lines, at_risk=digest_lines, overdue=digest_lines, quiet=4,
            actions=(), snoozes=()),
        "settings": ReminderSettingsView(
            headline=NASTY, checkin=NASTY, next_checkin=NASTY, working_days=NASTY,
            quiet_hours=NASTY, deadlines=NASTY, digest=NASTY, timezone=NASTY[:100],
            vacations=(NASTY,) * 30, snoozes=(NASTY,) * 30, overrides=(NASTY,) * 30,
            can_change_team=True),
    }


ALL = {**VIEWS, "card of huge text": card(title=HUGE[:2000], text=HUGE, children=500),
       "huge notice": Notice(text=HUGE, tone=Tone.WARNING, hint=HUGE),
       "huge inbox": InboxView(items=tuple(InboxItem(when="Mon", text=HUGE, unread=True)
                                           for _ in range(200)), unread=200),
       **{f"nudge {k}": v for k, v in nudge_views(NASTY[:400]).items()},
       **{f"huge nudge {k}": v for k, v in nudge_views(HUGE).items()}}


def texts(value: Any) -> list[str]:
    """Every markdown string of a card (text blocks and facts)."""
    found: list[str] = []
    if isinstance(value, dict):
        if value.get("type") == "TextBlock":
            found.append(value["text"])
        if "title" in value and "value" in value and "type" not in value:
            found += [value["title"], value["value"]]
        for item in value.values():
            found += texts(item)
    elif isinstance(value, list):
        for item in value:
            found += texts(item)
    return found


def buttons(value: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if value.get("type") == "Action.Submit":
            found.append(value)
        for item in value.values():
            found += buttons(item)
    elif isinstance(value, list):
        for item in value:
            found += buttons(item)
    return found


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_view_is_a_valid_card_under_28_kb(name: str) -> None:
    payload = render.message(ALL[name])
    assert activity_problems(payload) == []
    content = payload["attachments"][0]["content"]
    assert card_problems(content) == [] and content["version"] == "1.5"
    assert cards.size(content) <= cards.CARD_BYTES < MESSAGE_BYTES
    assert payload["summary"] and len(payload["summary"]) <= 250


def test_user_text_cannot_make_markup() -> None:
    assert escape("R&D <at>Bob</at> **x** _y_ [a](b) `c` ~d~ |e|") == (
        r"R&amp;D &lt;at&gt;Bob&lt;/at&gt; \*\*x\*\* \_y\_ \[a\]\(b\) \`c\` \~d\~ \|e\|")
    assert escape("# not a heading\n- nor a list\n12. nor this\n+ nor that") == (
        "\\# not a heading\n\\- nor a list\n12\\. nor this\n\\+ nor that")
    assert escape("&amp;") == "&amp;amp;"  # an entity typed by a person stays as typed
    assert oneline("a\n\n  b\tc" + "x" * 300, 10) == "a b cxxxx…"
    assert paragraphs("one\ntwo\n\nthree", 100) == "one\n\ntwo\n\nthree"
    assert code_spans("`remind settings` changes *it*") == (
        r"**remind settings** changes \*it\*")
    assert code_spans("an odd ` tick") == r"an odd \` tick"
    for name, view in ALL.items():
        for markdown in texts(render.card(view)):
            unescaped = re.sub(r"\\.", "", markdown)
            assert "<" not in markdown and "[" not in unescaped, (name, markdown[:200])


def test_the_milestone_card_matches_slack() -> None:
    view = card(children=20)
    content = render.card(view, stamp="5eed")
    words = " ".join(texts(content))
    for expected in ("🏁 **Milestone #2** Launch beta", "▰", "At risk", "@bob&lt;&amp;&gt;",
                     "Tue 15 Dec (in 3 days)", "High", "**#1** Launch beta", "Success",
                     "Forecast", "@carol", "…and 5 more: **list #2**", "**Updates**",
                     "**Comments**"):
        assert expected in words, expected
    primary = [a["title"] for a in content["actions"] if a.get("mode") != "secondary"]
    menu = [a["title"] for a in content["actions"] if a.get("mode") == "secondary"]
    assert primary == ["Update progress", "Comment", "Mark done", "Reopen"]
    assert menu == ["Edit, assign, due date, move…", "Watch", "Stop watching", "Details",
                    "Activity"]
    compact = render.card(card(detailed=False, children=2))
    assert any(t.startswith("Last update (Mon) @alice: 40%, on track") for t in texts(compact))


def test_buttons_carry_a_verb_an_argument_and_the_rendering_stamp() -> None:
    everything = [render.card(view) for view in ALL.values()]
    clicks = buttons(everything)
    assert clicks
    for button in clicks:
        data = button["data"]["cairn"]
        assert data["verb"] in VERBS and isinstance(data["arg"], str), data
        assert re.fullmatch(r"[0-9a-f]{8}", data["stamp"]), data
        opens_form = data["verb"] in cards.FORM_VERBS
        assert (button["data"].get("msteams") == {"type": "task/fetch"}) == opens_form, data
    first, second = (render.card(VIEWS["card"]) for _ in range(2))
    stamps = [{b["data"]["cairn"]["stamp"] for b in buttons(c)} for c in (first, second)]
    assert len(stamps[0]) == 1 and stamps[0] != stamps[1]
    done = next(b for b in buttons(first) if b["title"] == "Mark done")
    assert done["data"]["cairn"]["arg"] == "done #2" and done["data"]["cairn"]["verb"] == "run"
    checkin = nudge_views("Launch")["checkin"]
    nudge = render.card(checkin, stamp="0badcafe")
    snoozes = [b["data"]["cairn"]["arg"] for b in buttons(nudge)
               if b["data"]["cairn"]["verb"] == "snooze"]
    assert snoozes == ["7 1h", "7 3h", "7 tomorrow", "7 next week"]
    assert any("…and 10 more waiting" in t for t in texts(nudge))


def test_a_list_pages_and_each_line_opens_its_milestone() -> None:
    content = render.card(VIEWS["list"])
    taps = [c["selectAction"]["data"]["cairn"]["arg"] for c in content["body"]
            if c.get("type") == "Container"]
    assert taps[:3] == ["show #0", "show #1", "show #2"] and len(taps) == 20
    assert "Page 2 of 25" in texts(content)
    assert [a["data"]["cairn"]["arg"] for a in content["actions"]] == ["list team page 3"]


def test_a_card_that_cannot_fit_says_it_was_cut() -> None:
    body = [cards.text("x" * 1000) for _ in range(100)]
    fitted = cards.fit(cards.card(body))
    assert cards.size(fitted) <= cards.CARD_BYTES
    assert fitted["body"][-1]["text"].startswith("…cut short")


async def test_the_fake_connector_takes_every_card(connector: FakeConnector) -> None:
    chat = connector.personal_chat(connector.add_member("Alice Adams", tenant_id=TENANT))
    client = ConnectorClient(endpoint=connector.service_url, token="t0ken")
    try:
        for view in ALL.values():
            await client.conversations.send_to_conversation(
                chat.id, Activity.model_validate(render.message(view)))
    finally:
        await client.close()
    assert len(connector.succeeded("send")) == len(ALL)
    posted = connector.calls[-1].body
    assert isinstance(posted, dict) and len(json.dumps(posted)) <= MESSAGE_BYTES
