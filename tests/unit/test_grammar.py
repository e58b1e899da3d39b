from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import commands as c
from core.errors import DomainError, InvalidInput
from core.grammar.parser import parse
from core.grammar.verbs import VERBS
from core.model import Kind, Priority, Status, TenantId, UserId
from core.people.commands import SetPlan, SetRole, UpdateProfile
from core.tenancy import Plan, Role

ME = c.Actor(tenant_id=TenantId(1), user_id=UserId(1), handle="alice", timezone="UTC")
TODAY = date(2026, 11, 23)  # a Monday


def p(text: str, prefix: str = "") -> c.Command:
    return parse(text, actor=ME, today=TODAY, identity_prefix=prefix)


def bad(text: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        p(text)
    return caught.value


def test_a_goal_with_every_option() -> None:
    cmd = p('goal "Grow revenue 20%" due:end of quarter owner:@Bob parent:#4 priority:high '
            'start:2026-12-01 tags:sales,q4 #revenue https://example.com/plan weight:2')
    assert cmd == c.CreateMilestone(
        actor=ME, kind=Kind.GOAL, title="Grow revenue 20%", due=date(2026, 12, 31),
        start=date(2026, 12, 1), owner=c.UserRef(handle="bob"), parent=c.MilestoneRef(4),
        priority=Priority.HIGH, tags=("sales", "q4"), channel="#revenue",
        links=("https://example.com/plan",), weight=2)


def test_unquoted_titles_and_smart_quotes() -> None:
    assert p("task Write the docs due:friday").title == "Write the docs"  # type: ignore[attr-defined]
    cmd = p("milestone “Launch beta” due:in 3 days")
    assert isinstance(cmd, c.CreateMilestone)
    assert cmd.title == "Launch beta" and cmd.due == date(2026, 11, 26)


def test_a_bare_mention_and_ref_in_create_are_owner_and_parent() -> None:
    cmd = p('task "Fix login" @carol #7 @dave')
    assert isinstance(cmd, c.CreateMilestone)
    assert cmd.owner == c.UserRef(handle="carol")
    assert cmd.contributors == (c.UserRef(handle="dave"),)
    assert cmd.parent == c.MilestoneRef(7)


def test_platform_mentions_are_qualified_by_the_front_end() -> None:
    cmd = p("assign #3 <@U123|bob> <@U456>", prefix="slack:T1:")
    assert cmd == c.Assign(actor=ME, milestone=c.MilestoneRef(3), people=(
        c.UserRef(identity="slack:T1:U123", label="bob"), c.UserRef(identity="slack:T1:U456")))


@pytest.mark.parametrize(("text", "percent", "status", "notes", "blockers"), [
    ("update #12 60% shipped beta", 60, None, "shipped beta", ""),
    ("update #12 60% on track shipped beta", 60, Status.ON_TRACK, "shipped beta", ""),
    ("update #12 35% at-risk", 35, Status.AT_RISK, "", ""),
    ("update #12 off track", None, Status.OFF_TRACK, "", ""),
    ("update #12 40", 40, None, "", ""),
    ("update #12 0% not started yet", 0, Status.NOT_STARTED, "yet", ""),
    ("update #12 blocked blockers: legal review", None, Status.BLOCKED, "", "legal review"),
    ("update #12 3 tests written", None, None, "3 tests written", ""),
    ("update #12 50% \"quoted notes\"", 50, None, "quoted notes", ""),
])
def test_update(text: str, percent: int | None, status: Status | None, notes: str,
                blockers: str) -> None:
    assert p(text) == c.UpdateProgress(actor=ME, milestone=c.MilestoneRef(12), percent=percent,
                                       status=status, notes=notes, blockers=blockers)


def test_update_without_anything_opens_the_check_in() -> None:
    assert p("update #12") == c.OpenCheckIn(actor=ME, milestone=c.MilestoneRef(12))


@pytest.mark.parametrize("text", ["update #12 150%", "update #12 -5%", "update #12 abc%"])
def test_percent_out_of_range(text: str) -> None:
    assert bad(text).field == "percent"


@pytest.mark.parametrize(("text", "expected"), [
    ("list", c.ListMilestones(actor=ME)),
    ("list mine", c.ListMilestones(actor=ME)),
    ("ls team page 2", c.ListMilestones(actor=ME, scope=c.ListScope.TEAM, page=2)),
    ("list at risk", c.ListMilestones(actor=ME, scope=c.ListScope.AT_RISK)),
    ("list overdue", c.ListMilestones(actor=ME, scope=c.ListScope.OVERDUE)),
    ("list @Bob", c.ListMilestones(actor=ME, scope=c.ListScope.PERSON,
                                   person=c.UserRef(handle="bob"))),
    ("list #4 page:3", c.ListMilestones(actor=ME, scope=c.ListScope.SUBTREE,
                                        root=c.MilestoneRef(4), page=3)),
])
def test_list(text: str, expected: c.Command) -> None:
    assert p(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("#4", c.ShowMilestone(actor=ME, milestone=c.MilestoneRef(4))),
    ("show #4", c.ShowMilestone(actor=ME, milestone=c.MilestoneRef(4))),
    ("done #4 shipped!", c.MarkDone(actor=ME, milestone=c.MilestoneRef(4), notes="shipped!")),
    ("reopen #4", c.Reopen(actor=ME, milestone=c.MilestoneRef(4))),
    ("cancel #4 not needed", c.CancelMilestone(actor=ME, milestone=c.MilestoneRef(4),
                                               reason="not needed")),
    ("delete #4", c.DeleteMilestone(actor=ME, milestone=c.MilestoneRef(4))),
    ("due #4 next friday", c.ChangeDueDate(actor=ME, milestone=c.MilestoneRef(4),
                                           due=date(2026, 12, 4))),
    ("due #4 none", c.ChangeDueDate(actor=ME, milestone=c.MilestoneRef(4), due=None)),
    ("move #4 under #2", c.MoveMilestone(actor=ME, milestone=c.MilestoneRef(4),
                                         parent=c.MilestoneRef(2))),
    ("move #4 to top", c.MoveMilestone(actor=ME, milestone=c.MilestoneRef(4), parent=None)),
    ("assign #4 @bob @carol", c.Assign(actor=ME, milestone=c.MilestoneRef(4), people=(
        c.UserRef(handle="bob"), c.UserRef(handle="carol")))),
    ("watch #4", c.Watch(actor=ME, milestone=c.MilestoneRef(4))),
    ("unwatch #4 @bob", c.Watch(actor=ME, milestone=c.MilestoneRef(4),
                                people=(c.UserRef(handle="bob"),), stop=True)),
    ('criteria #4 "ARR" 1.2M -> 1.5M USD', c.SetCriterion(
        actor=ME, milestone=c.MilestoneRef(4), metric="ARR", start=1.2e6, target=1.5e6,
        unit="USD")),
    ("criteria #4 Signups 0 → 500", c.SetCriterion(actor=ME, milestone=c.MilestoneRef(4),
                                                  metric="Signups", start=0, target=500)),
    ("criteria #4 1,320k", c.RecordMeasurement(actor=ME, milestone=c.MilestoneRef(4),
                                               current=1_320_000)),
    ("criteria #4 none", c.ClearCriterion(actor=ME, milestone=c.MilestoneRef(4))),
    ("inbox read", c.ShowInbox(actor=ME, mark_read=True)),
    ("activity #4", c.ShowActivity(actor=ME, milestone=c.MilestoneRef(4))),
    ("role @bob viewer", SetRole(actor=ME, person=c.UserRef(handle="bob"), role=Role.VIEWER)),
    ("plan starter", SetPlan(actor=ME, plan=Plan.STARTER)),
    ("me tz Europe/Berlin", UpdateProfile(actor=ME, timezone="Europe/Berlin")),
    ("me days mon-thu", UpdateProfile(actor=ME, working_days=(0, 1, 2, 3))),
    ("me hours 08:30-17", UpdateProfile(actor=ME, work_hours=(510, 1020))),
    ("", c.ShowHelp(actor=ME)),
    ("HELP update", c.ShowHelp(actor=ME, topic="update")),
    ("new Launch beta", c.OpenNewForm(actor=ME, title="Launch beta")),
    ('edit #4 title:"New name" priority:crit', c.EditMilestone(
        actor=ME, milestone=c.MilestoneRef(4), title="New name", priority=Priority.CRITICAL)),
    ("edit #4 start:none channel:none", c.EditMilestone(
        actor=ME, milestone=c.MilestoneRef(4), clear_start=True, clear_channel=True)),
])
def test_verbs(text: str, expected: c.Command) -> None:
    assert p(text) == expected


def test_comment_keeps_text_and_finds_mentions_but_not_emails() -> None:
    cmd = p("comment #4 Ping @Bob and @carol. Mail me at x@example.com, <@U9> too")
    assert isinstance(cmd, c.AddComment)
    assert cmd.text == "Ping @Bob and @carol. Mail me at x@example.com, <@U9> too"
    assert cmd.mentions == (c.UserRef(handle="bob"), c.UserRef(handle="carol"),
                            c.UserRef(identity="U9"))


@pytest.mark.parametrize(("text", "field"), [
    ("frobnicate #4", "verb"),
    ("show", "milestone"),
    ("show twelve", "milestone"),
    ('goal "unclosed title', "text"),
    ("goal", "title"),
    ("goal due:friday", "title"),
    ('goal "X" due:someday', "due"),
    ('goal "X" due:2026-02-30', "due"),
    ('goal "X" priority:extreme', "priority"),
    ('goal "X" owner:bob', "owner"),
    ('goal "X" stray words', "text"),
    ("due #4 2099-01-01", "date"),
    ("due #4 1999-01-01", "date"),
    ("move #4 somewhere", "parent"),
    ("assign #4", "people"),
    ("assign #4 bob", "people"),
    ("comment #4", "text"),
    ("criteria #4 ARR 1 -> x", "criteria"),
    ("role @bob king", "role"),
    ("plan platinum", "plan"),
    ("me tz Mars/Olympus", "timezone"),
    ("me days funday", "days"),
    ("me hours 18-9", "hours"),
    ("list everything", "list"),
    ("edit #4", "text"),
    ("edit #4 owner:@bob", "owner"),
])
def test_bad_input_says_what_was_wrong_with_an_example(text: str, field: str) -> None:
    error = bad(text)
    assert error.field == field
    assert error.message and error.hint


def test_unknown_verb_suggests_the_closest() -> None:
    assert "update" in bad("updte #4 50%").hint


def test_ten_thousand_character_messages_are_refused_politely() -> None:
    assert "characters long" in bad("comment #1 " + "x" * 20_000).message


def test_every_verb_has_usage_and_a_working_example() -> None:
    for verb in VERBS:
        assert verb.usage and verb.summary
        for example in verb.examples:
            p(example)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_fails_with_a_domain_error(text: str) -> None:
    try:
        command = p(text)
    except DomainError:
        return
    assert isinstance(command, c.Command)


verbs = st.sampled_from(sorted({name for verb in VERBS for name in verb.names}))
words = st.lists(st.one_of(
    st.sampled_from(["#1", "#999999999", "@bob", "<@U1>", "due:", "due:friday", "50%", "-1%",
                     '"', "“", "”", "->", "1.5M", "on track", "page", "2", "none", "under",
                     "priority:high", "tags:a,b", "http://x.y", "#chan", "blockers:", ":"]),
    st.text(max_size=12)), max_size=8)


@settings(max_examples=600, deadline=None)
@given(verbs, words)
def test_every_verb_with_junk_never_raises_anything_else(verb: str, parts: list[str]) -> None:
    with contextlib.suppress(DomainError):
        p(" ".join([verb, *parts]))
