"""The core's use cases as short stories, told through the text grammar and the fakes."""

from __future__ import annotations

import pytest

from core.errors import LimitReached
from core.model import Status
from core.people.use_cases import ensure_tenant, join
from core.tenancy import Plan
from core.views import Action, InboxView, MilestoneCard, MilestoneList, PeopleView
from tests.fakes import FrozenClock, InMemoryStore
from tests.unit.conftest import Company, make_company


async def test_progress_rolls_up_to_every_ancestor(acme: Company) -> None:
    a = acme.alice
    await acme.ok(a, 'goal "Grow revenue" due:2026-12-31')
    await acme.ok(a, 'milestone "Launch beta" parent:#1')
    await acme.ok(a, 'task "Onboarding" parent:#2')
    await acme.ok(a, 'task "Docs" parent:#2')
    card = await acme.card(a, "update #3 50% on track")
    assert card.parent is not None and card.parent.percent == 25
    assert await acme.percent(1) == 25
    goal = await acme.card(a, "show #1")
    assert goal.line.status == Status.ON_TRACK  # rolled-up progress starts the parent
    await acme.ok(a, "edit #4 weight:3")
    await acme.ok(a, "update #4 100%")
    assert await acme.percent(2) == 88  # (50 x 1 + 100 x 3) / 4 = 87.5, half up
    assert (await acme.card(a, "show #4")).line.status == Status.DONE


async def test_cancelled_children_leave_the_roll_up(acme: Company) -> None:
    a = acme.alice
    await acme.ok(a, 'goal "G"')
    await acme.ok(a, 'task "A" parent:#1')
    await acme.ok(a, 'task "B" parent:#1')
    await acme.ok(a, "update #2 80%")
    assert await acme.percent(1) == 40
    await acme.ok(a, "cancel #3 not needed")
    assert await acme.percent(1) == 80


async def test_a_parent_reports_status_but_not_percent(acme: Company) -> None:
    a = acme.alice
    await acme.ok(a, 'goal "G"')
    await acme.ok(a, 'task "A" parent:#1')
    refusal = await acme.refused(a, "update #1 50%")
    assert "rolled up" in refusal.text.lower()
    card = await acme.card(a, "update #1 at risk two deals slipped")
    assert card.line.status == Status.AT_RISK and card.line.percent == 0


async def test_done_then_reopen_restores_the_last_reported_progress(acme: Company) -> None:
    a = acme.alice
    await acme.ok(a, 'task "A" due:2026-12-01')
    await acme.ok(a, "update #1 60% on track")
    done = await acme.card(a, "done #1 shipped")
    assert done.line.percent == 100 and "on time" in done.headline
    assert "already done" in (await acme.card(a, "done #1")).headline
    assert (await acme.refused(a, "update #1 70%")).hint == "reopen #1 first"
    reopened = await acme.card(a, "reopen #1")
    assert reopened.line.percent == 60 and reopened.line.status == Status.ON_TRACK


async def test_viewers_read_but_change_nothing(acme: Company) -> None:
    await acme.ok(acme.alice, 'goal "G"')
    assert (await acme.card(acme.erin, "show #1")).actions == (Action.WATCH,)  # reading only
    for text in ('task "T"', "update #1 10%", "comment #1 hi", "done #1", "due #1 friday"):
        refusal = await acme.refused(acme.erin, text)
        assert "viewers can read everything" in refusal.text.lower()
    assert await acme.percent(1) == 0


async def test_members_update_what_they_own_or_help_with(acme: Company) -> None:
    a, b, c = acme.alice, acme.bob, acme.carol
    await acme.ok(a, 'goal "G"')
    await acme.ok(a, 'milestone "M" parent:#1 owner:@bob')
    refusal = await acme.refused(c, "update #2 10%")
    assert "only its owner, its contributors" in refusal.text.lower()
    await acme.ok(b, "assign #2 @bob @carol")  # bob owns it: carol now contributes
    await acme.ok(c, "update #2 10%")
    assert "only its owner" in (await acme.refused(c, "due #2 friday")).text.lower()
    assert "only its owner" in (await acme.refused(b, "due #1 friday")).text.lower()
    await acme.ok(c, "comment #1 anyone can comment")
    await acme.ok(a, "due #2 friday")  # admin
    await acme.ok(b, 'task "Sub" parent:#2')
    await acme.ok(b, "due #3 2026-12-01")  # owner of the milestone above


async def test_an_ancestor_owner_can_edit_the_subtree(acme: Company) -> None:
    a, b, c = acme.alice, acme.bob, acme.carol
    await acme.ok(a, 'goal "G" owner:@bob')
    await acme.ok(b, 'milestone "M" parent:#1 owner:@carol')
    await acme.ok(c, 'task "T" parent:#2')
    await acme.ok(b, "due #3 friday")
    await acme.ok(b, "assign #3 @bob")


async def test_nobody_sees_another_tenants_milestones(store: InMemoryStore,
                                                      clock: FrozenClock) -> None:
    acme = await make_company(store, clock, "acme")
    globex = await make_company(store, clock, "globex")
    await acme.ok(acme.alice, 'goal "Acme secret plan"')
    for text in ("show #1", "update #1 50%", "comment #1 hi", "done #1", "move #1 to top",
                 "delete #1", "list #1", "activity #1"):
        refusal = await globex.refused(globex.alice, text)
        assert "no #1 here" in refusal.text.lower()
    assert (await acme.card(acme.alice, "show #1")).line.percent == 0
    assert (await globex.ok(globex.alice, "list team")).total == 0  # type: ignore[attr-defined]
    assert "i don't know @" in (await globex.refused(globex.alice, "list @nobody")).text.lower()


async def test_free_plan_allows_three_people_and_ten_open_milestones(
        store: InMemoryStore, clock: FrozenClock) -> None:
    from core.bus import Deps
    from core.bus import run_text as say

    deps = Deps(uow=store.uow, clock=clock)
    tenant = await ensure_tenant(deps, slug="tiny")
    assert tenant.id is not None and tenant.plan == Plan.FREE
    alice = await join(deps, tenant.id, handle="alice")
    await join(deps, tenant.id, handle="bob")
    await join(deps, tenant.id, handle="carol")
    with pytest.raises(LimitReached, match="room for 3 people"):
        await join(deps, tenant.id, handle="dave")
    for n in range(10):
        await say(f'task "T{n}"', alice, deps)
    full = await say('task "One too many"', alice, deps)
    assert "room for 10 open milestones" in full.text  # type: ignore[attr-defined]
    await say("done #1", alice, deps)
    assert isinstance(await say('task "Now it fits"', alice, deps), MilestoneCard)
    assert isinstance(await say("plan free", alice, deps), PeopleView)  # 10 open still fit
    await say("plan professional", alice, deps)
    for n in range(5):
        await say(f'task "More {n}"', alice, deps)
    assert "room for 10 open" in (await say("plan free", alice, deps)).text  # type: ignore[attr-defined]


async def test_mentions_notify_and_unknown_mentions_keep_the_comment_back(acme: Company) -> None:
    a, b, c = acme.alice, acme.bob, acme.carol
    await acme.ok(a, 'goal "G" owner:@carol')
    refusal = await acme.refused(a, "comment #1 @bob and @nobody please look")
    assert "kept the comment back" in refusal.text.lower()
    shown = await acme.card(a, "show #1")
    assert shown.comments == ()
    await acme.ok(a, "comment #1 @bob please look")
    bob_inbox = await acme.ok(b, "inbox")
    assert isinstance(bob_inbox, InboxView) and bob_inbox.unread == 1
    assert "mentioned you on #1 G" in bob_inbox.items[0].text
    carol_inbox = await acme.ok(c, "inbox")
    assert isinstance(carol_inbox, InboxView)
    assert any("commented on #1" in i.text for i in carol_inbox.items)
    marked = await acme.ok(b, "inbox read")
    assert isinstance(marked, InboxView) and marked.headline == "Marked 1 as read"
    after = await acme.ok(b, "inbox")
    assert isinstance(after, InboxView) and after.unread == 0 and not after.items
    everything = await acme.ok(b, "inbox all")
    assert isinstance(everything, InboxView) and len(everything.items) == 1


async def test_moving_refuses_loops_and_rolls_up_both_parents(acme: Company) -> None:
    a = acme.alice
    await acme.ok(a, 'goal "A"')
    await acme.ok(a, 'goal "B"')
    await acme.ok(a, 'task "T" parent:#1')
    await acme.ok(a, 'task "U" parent:#3')
    await acme.ok(a, "update #4 80%")
    assert await acme.percent(1) == 80
    loop = await acme.refused(a, "move #1 under #4")
    assert "loop" in loop.text.lower()
    assert "cannot be under itself" in (await acme.refused(a, "move #1 under #1")).text
    await acme.ok(a, "move #3 under #2")
    assert await acme.percent(2) == 80
    assert "already under" in (await acme.card(a, "move #3 under #2")).headline


async def test_delete_needs_an_empty_milestone(acme: Company) -> None:
    a = acme.alice
    await acme.ok(a, 'goal "G"')
    await acme.ok(a, 'task "T" parent:#1')
    await acme.ok(a, 'task "U" parent:#1')
    await acme.ok(a, "update #2 100%")
    assert "has 2 under it" in (await acme.refused(a, "delete #1")).text.lower()
    await acme.ok(a, "delete #3")
    assert await acme.percent(1) == 100
    assert "no #3 here" in (await acme.refused(a, "show #3")).text.lower()
    numbered = await acme.card(a, 'task "New"')
    assert numbered.line.number == 4  # numbers are never reused


async def test_success_criteria_drive_a_leaf(acme: Company) -> None:
    a = acme.alice
    await acme.ok(a, 'milestone "Close deals"')
    card = await acme.card(a, 'criteria #1 "Deals" 0 -> 4 deals')
    assert card.criterion == "Deals: 0 → 4 deals, now 0 (0%)"
    assert "criterion" in (await acme.refused(a, "update #1 50%")).text.lower()
    card = await acme.card(a, "criteria #1 3")
    assert card.line.percent == 75
    assert (await acme.card(a, "criteria #1 5")).line.percent == 100
    assert "start and the target" in (await acme.refused(a, "criteria #1 X 5 -> 5")).text.lower()


async def test_huge_titles_are_refused_and_nothing_is_created(acme: Company) -> None:
    refusal = await acme.refused(acme.alice, 'goal "' + "x" * 10_000 + '"')
    assert "10,000 characters" in refusal.text.lower()
    listing = await acme.ok(acme.alice, "list team")
    assert isinstance(listing, MilestoneList) and listing.total == 0


async def test_lists_put_what_needs_attention_first(acme: Company) -> None:
    a, b = acme.alice, acme.bob
    await acme.ok(a, 'task "Late" due:2026-11-20')
    await acme.ok(a, 'task "Fine" due:2026-12-20')
    await acme.ok(a, 'task "Risky" due:2026-12-01')
    await acme.ok(a, "update #3 20% at risk")
    await acme.ok(a, 'task "Bobs" owner:@bob')
    mine = await acme.ok(a, "list")
    assert isinstance(mine, MilestoneList)
    # Alice only watches Bob's #4 (she made it): it comes last, under a title that says so.
    assert [s.title for s in mine.sections] == ["Overdue", "At risk", "On track", "Watching"]
    assert [x.number for s in mine.sections for x in s.lines] == [1, 3, 2, 4]
    bobs = await acme.ok(b, "list mine")
    assert isinstance(bobs, MilestoneList) and bobs.total == 1
    overdue = await acme.ok(b, "list overdue")
    assert isinstance(overdue, MilestoneList) and overdue.total == 1
    acme.clock.advance(days=12)
    risky = await acme.ok(a, "list at-risk")
    assert isinstance(risky, MilestoneList)
    stale = next(x for s in risky.sections for x in s.lines if x.number == 2)
    assert any(f.code == "stale" for f in stale.flags)


async def test_lists_paginate(acme: Company) -> None:
    for n in range(45):
        await acme.ok(acme.alice, f'task "Task {n}"')
    first = await acme.ok(acme.alice, "list team")
    assert isinstance(first, MilestoneList)
    assert (first.total, first.pages, first.next_command) == (45, 3, "list team page 2")
    last = await acme.ok(acme.alice, "list team page 3")
    assert isinstance(last, MilestoneList)
    assert sum(len(s.lines) for s in last.sections) == 5 and last.next_command == ""


async def test_subtree_lists_show_the_tree(acme: Company) -> None:
    a = acme.alice
    await acme.ok(a, 'goal "G"')
    await acme.ok(a, 'milestone "M" parent:#1')
    await acme.ok(a, 'task "T" parent:#2')
    await acme.ok(a, 'goal "Other"')
    tree = await acme.ok(a, "list #1")
    assert isinstance(tree, MilestoneList)
    assert [(x.number, x.depth) for x in tree.sections[0].lines] == [(1, 0), (2, 1), (3, 2)]


async def test_assigning_moves_ownership_and_tells_people(acme: Company) -> None:
    a, b = acme.alice, acme.bob
    await acme.ok(a, 'milestone "M"')
    card = await acme.card(a, "assign #1 @bob @carol")
    assert card.line.owner == "bob"
    assert card.contributors == ("carol",) and card.watchers == ("alice",)
    inbox = await acme.ok(b, "inbox")
    assert isinstance(inbox, InboxView) and "gave you #1 M" in inbox.items[0].text


async def test_due_date_changes_reach_the_owner_and_the_feed(acme: Company) -> None:
    a, b = acme.alice, acme.bob
    await acme.ok(a, 'milestone "M" owner:@bob due:2026-12-15')
    card = await acme.card(a, "due #1 2026-12-18")
    assert card.line.due is not None and card.line.due.text == "Fri 18 Dec"
    inbox = await acme.ok(b, "inbox")
    assert isinstance(inbox, InboxView)
    assert any("to Fri 18 Dec" in i.text for i in inbox.items)
    feed = await acme.card(a, "show #1")
    assert any("from Tue 15 Dec to Fri 18 Dec" in x.text for x in feed.activity)


async def test_roles_keep_at_least_one_admin(acme: Company) -> None:
    assert "only an admin" in (await acme.refused(acme.bob, "role @carol admin")).text.lower()
    assert "only admin" in (await acme.refused(acme.alice, "role @alice member")).text.lower()
    await acme.ok(acme.alice, "role @bob admin")
    await acme.ok(acme.alice, "role @alice member")
    assert "only an admin" in (await acme.refused(acme.alice, "plan starter")).text.lower()


async def test_events_reach_subscribed_consumers_through_the_outbox(clock: FrozenClock) -> None:
    store = InMemoryStore(subscriptions={"calendar": {"created", "due_moved"}})
    acme = await make_company(store, clock)
    await acme.ok(acme.alice, 'goal "G" due:friday')
    await acme.ok(acme.alice, "due #1 2026-12-01")
    await acme.ok(acme.alice, "update #1 10%")
    async with store.uow(acme.alice.tenant_id) as tx:
        messages = await tx.outbox.claim("calendar", now=clock.now(), limit=10)
        assert [m.event.verb for m in messages] == ["created", "due_moved"]
        assert await tx.outbox.claim("calendar", now=clock.now(), limit=10) == []
        await tx.commit()


async def test_profiles_and_time_zones(acme: Company) -> None:
    profile = await acme.ok(acme.bob, "me tz America/New_York")
    assert profile.person.timezone == "America/New_York"  # type: ignore[attr-defined]
    assert "not a time zone" in (await acme.refused(acme.bob, "me tz Nowhere/Land")).text.lower()
    people = await acme.ok(acme.bob, "people")
    assert isinstance(people, PeopleView) and people.usage == "4 of 25 people"


async def test_edit_can_empty_the_start_date_and_the_home_channel(acme: Company) -> None:
    a = acme.alice
    await acme.ok(a, 'milestone "Beta" start:2026-11-30 due:2026-12-31 channel:#launch')
    card = await acme.card(a, "show #1")
    assert card.start and card.channel == "#launch"
    card = await acme.card(a, "edit #1 start:none channel:none")
    assert (card.start, card.channel) == ("", "")
    assert card.headline == "Changed home channel, start date"
    refused = await acme.refused(a, "edit #1 start:none")  # already empty: nothing changed
    assert refused.text == "Nothing changed."
