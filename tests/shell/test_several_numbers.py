"""Several numbers in one line (`done #2 #3`, `update #2,#3 50%`, `assign #4 #5 @bob`, ...):
one unit of work, all of them or none, and a number is never taken for a note."""

from __future__ import annotations

from bots.shell.session import ShellSession
from tests.shell.talk import meet, refused, say


async def plan(shell: ShellSession) -> None:
    """#1 a goal; #2 a milestone under it with tasks #3 and #4; #5 a milestone on its own."""
    await meet(shell, "bob")
    await say(shell, 'goal "Grow"')
    await say(shell, 'milestone "Beta" parent:#1')
    await say(shell, 'task "Docs" parent:#2')
    await say(shell, 'task "Demo" parent:#2')
    await say(shell, 'milestone "Hiring"')


async def test_done_closes_a_parent_only_with_everything_under_it(shell: ShellSession) -> None:
    await plan(shell)
    text = await refused(shell, "done #2")
    assert "#2 still has 2 open milestones under it (#3 #4)" in text
    assert "Try: close them with it: done #3 #4 #2" in text
    text = await refused(shell, "done #2 #3")
    assert "#2 still has 1 open milestone under it (#4), so none of #2 #3 changed" in text
    assert "done #2 #3 #4" in text
    assert "Not started" in await say(shell, "show #3")  # nothing was closed
    text = await say(shell, "done #2 #3 #4 shipped")
    assert text.startswith("✅ Done: #3, #4 and #2 🎉")
    for number in (2, 3, 4):
        shown = await say(shell, f"show #{number}")
        assert "✅ Done" in shown and "“shipped”" in shown and "“#3”" not in shown
    assert "Grow" in (await say(shell, "show #1")) and "100%" in await say(shell, "show #1")


async def test_update_assign_due_and_move_several_at_once(shell: ShellSession) -> None:
    await plan(shell)
    text = await say(shell, "update #3,#4 50% on track")
    assert text.startswith("✅ Updated #3 and #4: 50%, on track")
    assert "50%" in await say(shell, "show #2")  # rolled up once both moved
    text = await say(shell, "assign #3 #4 @bob")
    assert text.startswith("✅ @bob owns #3 and #4")
    bobs = await say(shell, "list @bob")
    assert "#3 " in bobs and "#4 " in bobs
    text = await say(shell, "due #3 #4 friday")
    assert text.startswith("✅ #3 and #4 are now due Fri 27 Nov")
    assert text.count("due Fri 27 Nov") == 3  # the headline and both lines
    text = await say(shell, "move #3 #4 under #5")
    assert text.startswith("✅ Moved #3 and #4 under #5")
    assert "├ #3" in await say(shell, "show #5")
    text = await say(shell, "due #3, #4 none")
    assert text.startswith("✅ #3 and #4 have no due date any more")


async def test_one_refusal_changes_none_of_them(shell: ShellSession) -> None:
    await plan(shell)
    text = await refused(shell, "update #3 #2 40%")
    assert "#2's progress is rolled up from the milestones under it, so none of #3 #2 changed" \
        in text
    assert "0%" in await say(shell, "show #3")
    text = await refused(shell, "due #3 #77 friday")
    assert "There is no #77 here, so none of #3 #77 changed" in text
    assert "Due" not in await say(shell, "show #3")
    text = await refused(shell, "move #3 #4 under #3")
    assert "#3 cannot be under itself, so none of #3 #4 changed" in text
    assert "Part of #2" in await say(shell, "show #4")
    text = await refused(shell, "assign #3 #4 #5")
    assert "Who should own it?" in text and "Try: assign #3 #4 #5 @bob" in text


async def test_verbs_of_one_milestone_refuse_a_second_number(shell: ShellSession) -> None:
    await plan(shell)
    assert "`show` takes one milestone at a time" in await refused(shell, "show #3 #4")
    assert "`criteria` takes one milestone at a time" in await refused(shell, "criteria #3 #4")
    assert "`comment` takes one milestone and what to say" in await refused(
        shell, "comment #3 #4")
    assert "Commented on #3" in await say(shell, "comment #3 #4 goes first")
    assert "That is 21 milestones; I change up to 20 at once" in await refused(
        shell, "done " + " ".join(f"#{n}" for n in range(1, 22)))


async def test_help_says_what_done_does_to_a_parent(shell: ShellSession) -> None:
    text = await say(shell, "help done")
    assert "done #N [#M …] [notes]" in text and "once nothing under it is open" in text
    assert "done #3 #4 #2" in text
