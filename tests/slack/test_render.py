"""The renderer, view by view: valid Block Kit within DESIGN §6's limits whatever the text,
and Slack's text conventions (unescape once on the way in, escape on the way out)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bots.slack import ack, forms, modal, render, render_home
from bots.slack.actions import ACTIONS, MENU
from bots.slack.app import BOT_SCOPES, COMMAND, EVENTS
from bots.slack.blocks import clip_mrkdwn
from bots.slack.mrkdwn import escape, escape_keeping_mentions, unescape_incoming
from bots.slack.shortcuts import SHORTCUT_COMMENT, SHORTCUT_FROM_MESSAGE, SHORTCUT_NEW
from core.grammar.help import help_view
from core.interactions import form_specs as specs
from core.model import Kind, Priority, Status
from core.views import (
    Action,
    ActivityLine,
    ActivityView,
    CalendarFeedView,
    CalendarStatusView,
    CommentLine,
    DashboardView,
    DueLabel,
    Flag,
    InboxItem,
    InboxView,
    ListSection,
    MilestoneCard,
    MilestoneLine,
    MilestoneList,
    Notice,
    PeopleView,
    PersonLine,
    ProfileView,
    Tone,
    UpdateLine,
)
from tests.scoring_samples import scoring_views
from tests.slack.blockkit import message_problems, view_problems

NASTY = "R&D <b>bold</b> & <!channel> <https://evil.example|click> *stars* `code` " * 60


def line(n: int, title: str = "Launch beta", depth: int = 0) -> MilestoneLine:
    return MilestoneLine(
        number=n, kind=Kind.MILESTONE, title=title, percent=n % 101, status=Status.AT_RISK,
        owner="bob<&>", due=DueLabel(iso="2026-12-15", text="Tue 15 Dec", relative="in 3 days"),
        priority=Priority.HIGH, flags=(Flag(code="stale", text="no update in 12 days"),),
        depth=depth)


def card(*, title: str = "Launch beta", detailed: bool = True, children: int = 3,
         text: str = "notes") -> MilestoneCard:
    update = UpdateLine(author="alice", when="Mon", percent=40, status=Status.ON_TRACK,
                        notes=text, blockers=text)
    return MilestoneCard(
        line=line(2, title), headline=f"Created {title}", description=text, start="Mon 1 Dec",
        criterion=f"{text}: 1 → 2", parent=line(1, title), contributors=("carol", "d<a>ve"),
        watchers=("erin",), tags=("q1", "<x>"), links=("https://x.example/?a=1&b=<2>",),
        channel="C0LAUNCH", children=tuple(line(i, title, 1) for i in range(children)),
        last_update=update, updates=(update,) * 5,
        comments=(CommentLine(author="bob", when="Tue", body=text),) * 5,
        activity=(ActivityLine(when="Tue", text=text, number=2),) * 10,
        forecast="done around Fri", actions=tuple(Action), detailed=detailed)


VIEWS = {
    "notice": Notice(text=NASTY, tone=Tone.ERROR, hint=NASTY),
    "card": card(),
    "card of nasty text": card(title=NASTY[:200], text=NASTY, children=200),
    "compact card": card(detailed=False, children=40),
    "list": MilestoneList(title=NASTY[:200], total=500, page=2, pages=25,
                          next_command="list team page 3", sections=(
                              ListSection(title="Overdue", lines=tuple(line(i) for i in range(8))),
                              ListSection(title="At risk", lines=tuple(line(i, NASTY[:200])
                                                                       for i in range(12))))),
    "empty list": MilestoneList(title="Your milestones", sections=(), empty="Nothing <here>"),
    "help": help_view(),
    "help on a verb": help_view("update"),
    "people": PeopleView(tenant="Acme & Co", plan="free", usage="3 of 3 people", people=tuple(
        PersonLine(handle=f"p{i}", name=NASTY[:80], role="member", timezone="UTC")
        for i in range(300))),
    "profile": ProfileView(person=PersonLine(handle="a", name="<A>", role="admin",
                                             timezone="UTC"), email="a@b.c", headline="Saved"),
    "inbox": InboxView(items=tuple(InboxItem(when="Mon", text=NASTY[:300], unread=True)
                                   for i in range(20)), unread=20, headline="x"),
    "activity": ActivityView(title="Latest", entries=tuple(
        ActivityLine(when="Mon", text=NASTY[:300]) for _ in range(25))),
    "calendar status": CalendarStatusView(
        headline=NASTY[:100], google=True, destinations=(NASTY[:200],) * 3,
        kinds=("goal", "milestone"), events=12, pending=3, failing=2, last_error=NASTY[:400],
        next_retry="in 4 min", last_pushed="5 min ago", last_pulled="1 min ago",
        feeds=("https://cairn.example/calendar/abc.ics",), advice=(NASTY[:200],) * 3),
    "calendar feed": CalendarFeedView(
        title=NASTY[:100], url="https://cairn.example/calendar/abc.ics?x=<1>&y=2", created=True,
        kinds=("goal", "task"), how_to=(NASTY[:300],) * 3, revoke="calendar feed revoke"),
}

VIEWS |= scoring_views()

@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_view_renders_as_valid_block_kit(name: str) -> None:
    payload = render.message(VIEWS[name])
    assert message_problems(payload) == []
    assert len(payload["blocks"]) <= 50 and payload["text"]


def test_the_home_and_the_details_modal_stay_within_100_blocks() -> None:
    many = MilestoneList(title="Your milestones", total=400, page=1, pages=20, sections=(
        ListSection(title="On track", lines=tuple(line(i, NASTY[:200]) for i in range(20))),))
    inbox = InboxView(items=tuple(InboxItem(when="Mon", text=NASTY[:500], unread=True)
                                  for _ in range(20)), unread=20)
    home = render_home.home(DashboardView(mine=many, goals=tuple(line(i) for i in range(10)),
                                     inbox=inbox))
    assert view_problems(home) == [] and len(home["blocks"]) <= 100
    modal = render.card_modal(card(title=NASTY[:200], text=NASTY, children=500))
    assert view_problems(modal) == []


def test_user_text_is_escaped_and_slack_tokens_stay_live() -> None:
    assert escape("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert escape_keeping_mentions("hi <@U123|bob> & <!channel> <#C1>") == (
        "hi <@U123|bob> &amp; &lt;!channel&gt; <#C1>")
    payload = render.message(Notice(text="<!channel> pwned <https://evil|click>"))
    assert "&lt;!channel&gt; pwned &lt;https://evil|click&gt;" in str(payload)


def test_incoming_text_is_unescaped_exactly_once() -> None:
    sent = "R&amp;D &lt;b&gt; &amp;amp; <@U1|bob> <#C2|launch> <https://x.y/?a=1&amp;b=2|x.y>"
    assert unescape_incoming(sent) == "R&D <b> &amp; <@U1|bob> <#C2|launch> https://x.y/?a=1&b=2"
    assert unescape_incoming("<!here> and <!subteam^S1|@design>") == "@here and @design"
    assert unescape_incoming("<mailto:a@b.c|a@b.c>") == "mailto:a@b.c"


def test_clipping_never_cuts_an_entity_or_a_token() -> None:
    assert clip_mrkdwn("abc &amp; def", 7) == "abc…"
    assert clip_mrkdwn("hello <@U12345|bob> there", 12) == "hello…"
    assert len(clip_mrkdwn("x" * 5000, 3000)) == 3000


def test_options_fit_an_external_select() -> None:
    found = MilestoneList(title="x", sections=(ListSection(title="", lines=tuple(
        line(i, NASTY[:200]) for i in range(150))),))
    options = render.options(found)
    assert len(options) == 100
    assert all(len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in options)


def test_forms_are_valid_modals_whatever_they_hold() -> None:
    long_url = "https://hooks.slack.com/actions/T1/" + "9" * 4000
    meta = forms.metadata(origin=forms.Origin("C1", long_url), ref=3,
                          links=("https://a.example/" + "x" * 2000,) * 3)
    assert len(meta) <= 3000
    assert forms.read_metadata(meta).ref == 3
    shown = specs.MilestoneShown(title=NASTY[:200], description=NASTY[:3000], parent=1,
                                 parent_title=NASTY, owner_id=1, member_ids=(2, 3),
                                 channel="C1", crit_start=1.5e6, crit_target=2.5e-7)
    people = {1: "U1", 2: "U2"}
    for form in (specs.milestone_form(shown, channels=True),
                 specs.milestone_form(shown, 123456789, channels=True),
                 specs.check_in_form(123456789, NASTY, percent=40, status=Status.DONE),
                 specs.check_in_form(3, NASTY, percent=40, status=Status.DONE, rolled_up=True),
                 specs.comment_form(1, NASTY, pick=True, text=NASTY),
                 specs.comment_form(None, pick=True, text=NASTY)):
        view = modal.modal(form, meta, people=people)
        assert view_problems(view) == [], view["title"]


def test_forged_metadata_reads_as_none() -> None:
    for text in ("", "not json", "[1, 2]", '{"n": "1; drop", "l": 5, "r": {"x": 1}}'):
        meta = forms.read_metadata(text)
        assert meta.ref is None and meta.links == ()


def test_every_rendered_action_has_a_handler() -> None:
    rendered = str([render.message(VIEWS[name]) for name in VIEWS])
    rendered += str(render_home.home(DashboardView(mine=VIEWS["list"])))  # type: ignore[arg-type]
    import re

    for action_id in set(re.findall(r"'action_id': '(cairn\.[^']+)'", rendered)):
        kind = action_id.split(":")[0]
        assert kind in ACTIONS or kind == MENU, action_id
    for value in re.findall(r"'value': '(cairn\.[^' ]+) ", rendered):
        assert value in ACTIONS, value


def test_the_manifest_matches_the_code() -> None:
    manifest = yaml.safe_load((Path(__file__).parents[2] / "bots/slack/manifest.yml").read_text())
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND and command["should_escape"] is True
    shortcuts = {s["callback_id"]: s for s in manifest["features"]["shortcuts"]}
    assert shortcuts[SHORTCUT_NEW]["type"] == "global"
    assert shortcuts[SHORTCUT_NEW]["name"] == "New milestone"
    assert shortcuts[SHORTCUT_FROM_MESSAGE]["name"] == "Create milestone from this message"
    assert shortcuts[SHORTCUT_COMMENT]["name"] == "Add as comment to a milestone"
    assert {s["type"] for k, s in shortcuts.items() if k != SHORTCUT_NEW} == {"message"}
    assert tuple(manifest["oauth_config"]["scopes"]["bot"]) == BOT_SCOPES
    settings = manifest["settings"]
    assert tuple(settings["event_subscriptions"]["bot_events"]) == EVENTS
    urls = [command["url"], settings["event_subscriptions"]["request_url"],
            settings["interactivity"]["request_url"],
            settings["interactivity"]["message_menu_options_url"]]
    assert set(urls) == {"https://cairn.example.com/slack/events"}
    assert manifest["oauth_config"]["redirect_urls"] == [
        "https://cairn.example.com/slack/oauth_redirect"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_a_reused_list_gets_fresh_button_stamps_and_nothing_else_changes() -> None:
    renderings = ack.Renderings()
    view = VIEWS["list"]
    first, second = renderings.message(view).payload, renderings.message(view).payload
    ids = [[b.get("block_id", "") for b in p["blocks"]] for p in (first, second)]
    stamped = [(a, b) for a, b in zip(*ids, strict=True) if a != b]
    assert stamped and all(a.split(".")[0] == b.split(".")[0] for a, b in stamped)
    strip = [[{k: v for k, v in b.items() if k != "block_id"} for b in p["blocks"]]
             for p in (first, second)]
    assert strip[0] == strip[1] and message_problems(second) == []
    other = MilestoneList(title="Another", sections=())
    assert renderings.message(other).payload["blocks"] != first["blocks"]
    again = renderings.message(view)
    assert again.ephemeral_json is not None
    assert json.loads(again.ephemeral_json) == {**again.payload, "response_type": "ephemeral"}
