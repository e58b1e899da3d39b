"""The shell front end, driven line by line on a real database, as a person would type."""

from __future__ import annotations

from bots.shell.session import ShellSession
from core.bus import Deps
from storage import Database
from tests.fakes import FrozenClock
from tests.shell.talk import meet, refused, say


async def test_a_whole_morning_in_the_shell(shell: ShellSession) -> None:
    await meet(shell, "bob", "carol")
    text = await say(shell, 'goal "Grow revenue 20%" due:end of quarter priority:high')
    assert "✅ Created goal #1" in text
    assert "🎯 Goal #1  Grow revenue 20%" in text
    assert "Due Thu 31 Dec (in 38 days) · High priority" in text
    await say(shell, 'criteria #1 "ARR" 1.2M -> 1.5M USD')
    text = await say(shell, "milestone \"Launch beta\" due:2026-12-15 owner:@bob parent:#1")
    assert "Owner @bob" in text and "Part of #1 Grow revenue 20% (0%)" in text
    await say(shell, "task Write the release notes due:friday parent:#2 start:today")
    await say(shell, 'task "Fix sign-up bug" parent:#2 priority:critical')
    text = await say(shell, "update #3 50% on track first draft done")
    assert "Updated #3: 50%, on track" in text
    assert "▰▰▰▰▰▱▱▱▱▱ 50%" in text
    text = await say(shell, "show #1")
    # One percentage: the bar's, rolled up from below; the criterion is a measurement.
    assert "Success: ARR: 1.2M → 1.5M USD, now 1.2M (progress comes from the milestones" in text
    assert "└ #2" in text and "25%" in text
    text = await say(shell, "comment #2 @bob the demo moved to Thursday")
    assert "Commented on #2, told @bob" in text
    assert "You are now @bob in acme" in await say(shell, "as @bob")
    text = await say(shell, "inbox")
    assert "● " in text and "mentioned you on #2 Launch beta" in text
    text = await say(shell, "update #4 100%")
    assert "Done: #4" in text
    text = await say(shell, "list")
    assert "Your milestones" in text and "#2" in text
    await say(shell, "as @alice")
    text = await say(shell, "list #1")
    lines = text.splitlines()
    assert lines[1].strip().startswith("#1") and lines[2].strip().startswith("#2")
    text = await say(shell, "due #3 next friday")
    assert "is now due Fri 4 Dec" in text
    text = await say(shell, "move #3 to top")
    assert "Moved #3 to the top" in text
    text = await say(shell, "assign #3 @carol @bob")
    assert "@carol owns #3, helped by @bob" in text
    await say(shell, "watch #2")
    await say(shell, "done #3 shipped")
    text = await say(shell, "reopen #3")
    assert "Reopened #3 at 50%" in text
    text = await say(shell, "activity")
    assert "@alice reopened #3" in text and "@bob completed #4" in text
    text = await say(shell, "people")
    assert "professional plan" in text and "@carol" in text
    text = await say(shell, "me tz America/New_York")
    assert "Time zone America/New_York" in text
    assert "Plan" in await say(shell, "help")
    assert "update #2 60% on track" in await say(shell, "help update")


async def test_bad_input_gets_an_answer_and_changes_nothing(shell: ShellSession) -> None:
    await say(shell, 'goal "G"')
    await say(shell, 'task "T" parent:#1')
    assert "I don't know “frobnicate”" in await refused(shell, "frobnicate #1")
    assert "did you mean `update`" in await refused(shell, "updat #1 50%")
    assert "There is no #99 here" in await refused(shell, "show #99")
    assert "not a day of the calendar" in await refused(shell, "due #2 2026-02-30")
    assert "more than 10 years away" in await refused(shell, "due #2 2099-01-01")
    assert "not a date I understand" in await refused(shell, "due #2 someday")
    assert "between 0% and 100%" in await refused(shell, "update #2 150%")
    assert "loop" in await refused(shell, "move #1 under #2")
    assert "10,000 characters long" in await refused(shell, 'goal "' + "x" * 10_000 + '"')
    assert "characters long; I read up to" in await refused(shell, "comment #1 " + "y" * 13_000)
    assert "quote is not closed" in await refused(shell, 'goal "Unclosed')
    assert "Who should I act as" in await refused(shell, "as")
    text = await say(shell, "show #1")
    assert "0%" in text and "#3" not in text


async def test_viewers_and_members_are_held_to_their_role(shell: ShellSession) -> None:
    await say(shell, 'goal "Alice goal"')
    await say(shell, "as @bob")
    assert "only its owner" in (await refused(shell, "due #1 friday")).lower()
    await say(shell, "comment #1 members may comment")
    await say(shell, "as @alice")
    await meet(shell, "erin")
    await say(shell, "role @erin viewer")
    await say(shell, "as @erin")
    text = await refused(shell, "update #1 10%")
    assert "Viewers can read everything but change nothing" in text
    assert "role @erin member" in text
    assert "Alice goal" in await say(shell, "show #1")


async def test_another_tenant_is_invisible_even_by_number(db: Database,
                                                          clock: FrozenClock) -> None:
    deps = Deps(uow=db.unit_of_work(), clock=clock)
    acme = await ShellSession.open(deps, tenant="acme", user="alice")
    globex = await ShellSession.open(deps, tenant="globex", user="mallory")
    await say(acme, 'goal "Acme secret"')
    for line in ("show #1", "update #1 90%", "done #1", "comment #1 hi", "delete #1",
                 "list #1", "move #1 to top"):
        assert "There is no #1 here" in await refused(globex, line)
    assert "0%" in await say(acme, "show #1")
    assert "Nothing open yet" in await say(globex, "list team")


async def test_the_free_plan_limits_people(db: Database, clock: FrozenClock) -> None:
    deps = Deps(uow=db.unit_of_work(), clock=clock)
    shell = await ShellSession.open(deps, tenant="tiny", user="alice")
    await say(shell, "as @bob")
    await say(shell, "as @carol")
    text = await refused(shell, "as @dave")
    assert "free plan has room for 3 people" in text and "plan starter" in text
    assert shell.actor.handle == "carol"


async def test_every_list_scope_and_criteria_through_the_shell(shell: ShellSession,
                                                               clock: FrozenClock) -> None:
    await meet(shell, "bob")
    await say(shell, 'task "Late" due:2026-11-20')
    await say(shell, 'task "Shaky" due:2026-12-20')
    await say(shell, "update #2 30% blocked blockers: waiting for legal")
    await say(shell, 'milestone "Deals" owner:@bob due:2026-12-31')
    assert "#1" in await say(shell, "list overdue") and "#2" not in await say(
        shell, "list overdue")
    risky = await say(shell, "list at-risk")
    assert "#2" in risky and "Blocked" in risky
    bobs = await say(shell, "list @bob")
    assert "@bob's milestones" in bobs and "#3" in bobs and "#1 " not in bobs
    assert "Everyone's milestones  (3)" in await say(shell, "list team")
    text = await say(shell, 'criteria #3 "Deals signed" 0 -> 4')
    assert "Success: Deals signed: 0 → 4, now 0 (0%)" in text
    text = await say(shell, "criteria #3 3")
    assert "Deals signed is now 3 (75%)" in text and "▰▰▰▰▰▰▰▰▱▱ 75%" in text
    clock.advance(days=11)
    assert "no update in 11 days" in await say(shell, "list at-risk")
