"""The rough edges a new user hit in their first hour in the shell, each smoothed: wording,
hints, truncation, time zones, reopening and the inbox."""

from __future__ import annotations

from bots.shell.session import ShellSession
from tests.shell.talk import refused, say


async def test_a_time_zone_is_understood_in_any_case(shell: ShellSession) -> None:
    assert "Time zone Asia/Tokyo" in await say(shell, "me tz asia/tokyo")
    assert "Time zone America/New_York" in await say(shell, "me tz AMERICA/NEW_YORK")
    assert "“Mars/Olympus” is not a time zone" in await refused(shell, "me tz Mars/Olympus")


async def test_hints_use_the_number_typed(shell: ShellSession) -> None:
    await say(shell, 'goal "G"')
    await say(shell, 'task "T" parent:#1')
    checks = {
        "update #8 150%": "Try: update #8 60% on track",
        "update #2 lots%": "Try: update #2 60% on track",
        "assign #8 bob": "Try: assign #8 @bob",
        "due #8 someday": "Try: due #8 friday",
        "due #8 friday 25:00": "Try: due #8 friday",
        "edit #8 owner:@bob": "Try: assign #8 @bob",
        "edit #8 due:friday": "Try: due #8 friday",
        "move #8 somewhere": "Try: move #8 under #<number>",
        "criteria #8 nan": "Try: criteria #8 1.32M",
        "comment #8": "Try: comment #8 ",
        "show #8 now": "Try: show #8",
        "reopen #8 please": "Try: reopen #8",
        "remind #8 friday 25:00": "Try: remind #8 friday 14:00",
        "remind #8 blah": "Try: remind #8 friday 14:00",
        "remind snooze #8 forever": "Try: remind snooze #8 3h",
        "remind #8 default friday": "Try: remind #8 default",
    }
    for line, hint in checks.items():
        text = await refused(shell, line)
        assert hint in text, (line, text)
        assert "#12" not in text and "#4" not in text, (line, text)
    card = await say(shell, "show #1")
    assert "update #1 at risk <notes>" in card and "update #1 60%" not in card
    await say(shell, 'criteria #2 "Pages" 0 -> 10')
    assert "criteria #2 <value>" in await say(shell, "show #2")


async def test_wording_a_new_user_meets(shell: ShellSession) -> None:
    await say(shell, "as @bob")
    await say(shell, "as @alice")
    await say(shell, 'goal "G" due:friday')
    await say(shell, 'task "T" parent:#1')
    text = await say(shell, "due #1 none")
    assert "✅ #1 has no due date any more" in text and "due no date" not in text
    assert "💬 #1 has no due date" in await say(shell, "due #1 none")
    text = await refused(shell, "update #2 5% " + "x" * 2001)
    assert "The notes are 2,001 characters long; keep them under 2,000" in text
    text = await say(shell, "update #2")
    assert text.startswith("💬 How is #2 going?") and "✅" not in text.splitlines()[0]
    assert (await say(shell, "done #2")).startswith("✅ Done: #2")
    assert (await say(shell, "done #2")).startswith("💬 #2 was already done")
    await say(shell, 'milestone "Helped" owner:@alice @bob')
    await say(shell, 'milestone "Bobs" owner:@bob')
    assert "“nan” is not a number" in await refused(shell, "criteria #3 nan")
    assert "#3 cannot be under itself" in await refused(shell, "move #3 under #3")
    assert "✅ Moved #3 under #1" in await say(shell, "move #3 under #1")
    assert "✅ Moved #3 to the top" in await say(shell, "move #3 to top")
    assert "💬 #3 is already at the top" in await say(shell, "move #3 to top")
    activity = await say(shell, "activity #3")
    assert "moved #3 to the top" in activity and "under the top" not in activity
    await say(shell, "as @bob")
    inbox = await say(shell, "inbox")
    assert "@alice asked you to help with #3 Helped" in inbox
    assert "@alice gave you #4 Bobs" in inbox
    assert "gave you #3" not in inbox


async def test_dates_out_of_range_say_which_range_works(shell: ShellSession) -> None:
    await say(shell, 'task "T"')
    allowed = "dates from 22 Nov 2025 to 23 Nov 2036 work"
    text = await refused(shell, 'goal "Far" due:in 100 years')
    assert "23 Nov 2126 is more than 10 years away" in text and allowed in text
    assert "not a date I understand" not in text
    assert allowed in await refused(shell, "due #1 in 100 years")
    text = await refused(shell, "remind vacation 2025-01-01 2025-01-05")
    assert "1 Jan 2025 is more than a year in the past" in text and allowed in text
    assert "over already" in await refused(shell, "remind vacation 2026-11-02 2026-11-06")
    assert "“in 99999 years” is not a date I understand" in await refused(
        shell, 'goal "Far" due:in 99999 years')


async def test_nothing_is_cut_short_without_a_word(shell: ShellSession) -> None:
    tags = ",".join(f"t{n}" for n in range(500))
    text = await refused(shell, f'goal "Tagged" tags:{tags}')
    assert "That is 500 tags; a milestone takes up to 20" in text
    text = await refused(shell, f'goal "Tagged" tags:{"x" * 41}')
    assert "is 41 characters long; keep tags under 40" in text
    assert "Nothing open yet" in await say(shell, "list team")  # nothing was created
    for n in range(25):
        await say(shell, f'task "Task {n}"')
    assert "Page 1 of 2" in await say(shell, "list")
    text = await refused(shell, "list page 99")
    assert "There is no page 99 of your milestones: 25 lines fit on 2 pages" in text
    assert "Try: list page 2" in text
    assert "Page 2 of 2" in await say(shell, "list page 2")


async def test_a_parent_shows_one_percentage(shell: ShellSession) -> None:
    await say(shell, 'goal "Revenue"')
    await say(shell, 'task "Deals" parent:#1')
    await say(shell, 'criteria #1 "ARR" 0 -> 100')
    text = await say(shell, "criteria #1 30")
    assert text.startswith("✅ ARR is now 30\n") and "(30%)" not in text
    assert "now 30 (progress comes from the milestones under it)" in text
    await say(shell, "update #2 80%")
    card = await say(shell, "show #1")
    assert "▰▰▰▰▰▰▰▰▱▱ 80%" in card and "30%" not in card
    await say(shell, 'criteria #2 "Signed" 0 -> 4')
    assert "now 3 (75%)" in await say(shell, "criteria #2 3")  # a leaf: it drives the bar


async def test_reopen_and_inbox_read_show_where_things_stand(shell: ShellSession) -> None:
    await say(shell, 'task "T" owner:@alice')
    await say(shell, "update #1 40% on track")
    await say(shell, "done #1")
    text = await say(shell, "reopen #1")
    assert "Reopened #1 at 40%" in text
    assert "Last update (just now) @alice: 40%, on track — “reopened”" in text
    assert "100%, done" not in text
    await say(shell, "as @bob")
    await say(shell, 'task "For alice" owner:@alice')
    await say(shell, "as @alice")
    assert "●" in await say(shell, "inbox")
    text = await say(shell, "inbox read")
    assert "Marked 1 as read" in text and "@bob gave you #2" in text and "●" not in text
    assert "Nothing new" in await say(shell, "inbox")


async def test_a_timed_deadline_stays_put_when_its_owner_moves(shell: ShellSession) -> None:
    await say(shell, "me tz America/Los_Angeles")
    await say(shell, 'task "Ship" due:2026-12-04 17:00')
    await say(shell, "as @bob")
    await say(shell, "me tz Europe/London")
    assert "Due Sat 5 Dec 01:00" in await say(shell, "show #1")  # 17:00 in Los Angeles
    await say(shell, "as @alice")
    await say(shell, "me tz asia/tokyo")
    assert "Due Sat 5 Dec 10:00" in await say(shell, "show #1")  # the same moment, in Tokyo
    await say(shell, "as @bob")
    assert "Due Sat 5 Dec 01:00" in await say(shell, "show #1")  # has not moved for anyone
    await say(shell, "as @alice")
    await say(shell, "assign #1 @bob")  # changing hands does not move it either
    await say(shell, "as @bob")
    assert "Due Sat 5 Dec 01:00" in await say(shell, "show #1")


async def test_lists_say_what_you_only_watch_and_whose_work_is_whose(shell: ShellSession
                                                                       ) -> None:
    await say(shell, "as @bob")
    await say(shell, "as @alice")
    await say(shell, 'task "Mine"')
    await say(shell, 'task "Bobs" owner:@bob')  # Alice made it: she watches it
    await say(shell, 'task "Helped" owner:@alice @bob')  # @bob contributes
    await say(shell, 'task "Watched by bob"')
    await say(shell, "watch #4 @bob")
    mine = await say(shell, "list")
    own, watching = mine.split(" Watching\n")
    assert "#1 " in own and "#3 " in own and "#2 " not in own
    assert "#2 " in watching and "#1 " not in watching
    bobs = await say(shell, "list @bob")
    assert "#2 " in bobs and "#3 " in bobs and "#4 " not in bobs and "Watching" not in bobs
    await say(shell, "as @bob")
    assert "#4 " in (await say(shell, "list mine")).split(" Watching\n")[1]
