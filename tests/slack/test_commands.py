"""`/cairn <verb>` for every verb of the grammar, over signed HTTP, answered in Block Kit."""

from __future__ import annotations

import json

from tests.slack.blockkit import message_problems
from tests.slack.conftest import BOTH, Cairn


def text_of(answer: dict) -> str:
    """Everything a person reads in a message: fallback text and every text in its blocks."""
    return json.dumps(answer, ensure_ascii=False)


async def setup_team(slack: Cairn) -> None:
    """Alice (admin), Bob and Carol, a goal #1 with a milestone #2 (Bob) and a task #3."""
    await slack.answer("plan professional")
    await slack.answer('goal "Grow revenue 20%" due:2026-12-31 priority:high')
    await slack.answer('milestone "Launch beta" parent:#1 owner:<@U2|bob> due:2026-12-15')
    await slack.answer('task "Write release notes" parent:#2 owner:<@U3|carol>')


@BOTH
async def test_a_first_command_provisions_the_person_from_users_info(slack: Cairn) -> None:
    sent = await slack.command("me")
    # Someone never seen: acked at once, looked up in Slack, then answered via response_url.
    assert sent.text == ""
    await slack.settle()
    [answer] = slack.fake.responses_to(sent.response_url)
    assert message_problems(answer) == []
    assert answer["response_type"] == "ephemeral"
    profile = text_of(answer)
    assert "@alice" in profile and "Alice Martin" in profile and "Europe/Berlin" in profile
    assert "alice@t1.example" in profile and "admin" in profile
    assert [c.args["user"] for c in slack.fake.called("users.info")] == ["U1"]
    # The second time nothing is looked up, and the answer rides in the ack itself.
    again = await slack.command("me")
    assert "Alice Martin" in again.text and again.json["response_type"] == "ephemeral"
    assert len(slack.fake.called("users.info")) == 1


async def test_a_zone_slack_does_not_know_falls_back_to_the_workspace_zone(slack: Cairn
                                                                           ) -> None:
    answer = await slack.answer("me", user="U4")  # users.info says tz "Not/AZone"
    assert "UTC" in text_of(answer) and "Not/AZone" not in text_of(answer)


async def test_bare_command_and_help_show_the_grammar_with_examples(slack: Cairn) -> None:
    for text in ("", "help"):
        answer = await slack.answer(text)
        shown = text_of(answer)
        assert "`/cairn update #N [#M …] &lt;percent&gt;% [status]" in shown
        assert "*Examples*" in shown and '/cairn goal \\"Grow revenue 20%\\"' in shown
    answer = await slack.answer("help update")
    assert "/cairn update #2 60% on track" in text_of(answer)


async def test_every_verb_answers_with_valid_block_kit(slack: Cairn) -> None:
    await setup_team(slack)
    lines = {
        "list": "Your milestones",
        "list mine": "Your milestones",
        "list team": "Everyone's milestones",
        "list overdue": "Overdue",
        "list at-risk": "At risk",
        "list <@U2|bob>": "@bob's milestones",
        "list #1": "#1 Grow revenue 20% and everything under it",
        "show #2": "Launch beta",
        "#2": "Launch beta",
        "update #3 40% on track outline done": "Updated #3: 40%, on track",
        "update #2 at risk blockers: legal review": "Updated #2",
        "comment #2 Looks good <@U3|carol>, can you review?": "Commented on #2, told @carol",
        "assign #3 <@U2|bob> <@U3|carol>": "@bob owns #3, helped by @carol",
        "unwatch #3": "stopped watching #3",
        "watch #3": "now watching #3",
        "due #2 2026-12-20": "#2 is now due",
        'edit #2 title:"Launch public beta" priority:critical': "Changed priority, title",
        'criteria #1 "ARR" 1.2M -> 1.5M USD': "#1 is measured by ARR",
        "criteria #1 1.32M": "ARR is now 1.32M",
        "move #3 to top": "Moved #3 to the top",
        "move #3 under #1": "Moved #3 under #1",
        "done #3 shipped": "Done: #3",
        "reopen #3": "Reopened #3",
        "cancel #3 not needed": "Cancelled #3",
        'task "Scratch" parent:#1': "Created task #4",
        "delete #4": "Deleted #4",
        "inbox": "@bob commented on #1 Grow revenue 20%",
        "inbox all": "Inbox",
        "inbox read": "Marked 1 as read",
        "activity": "Latest activity",
        "activity #2": "Activity on #2",
        "people": "Acme",
        "me tz America/Chicago": "Profile saved",
        "me <@U2|bob>": "@bob",
        "role <@U3|carol> viewer": "@carol is viewer",
        "plan enterprise": "enterprise plan",
    }
    for line, expected in lines.items():
        if line == "inbox":  # Bob's comment on Alice's goal reaches her inbox
            await slack.answer("comment #1 numbers look good", user="U2")
        answer = await slack.answer(line)
        assert message_problems(answer) == [], (line, answer)
        assert expected in text_of(answer), (line, text_of(answer)[:600])


async def test_milestones_show_title_kind_owner_due_progress_status_and_buttons(
        slack: Cairn) -> None:
    await setup_team(slack)
    await slack.answer("update #3 30% at risk")
    card = await slack.answer("show #3")
    shown = text_of(card)
    assert "📌 *Task #3*  Write release notes" in shown
    assert "`▰▰▰▱▱▱▱▱▱▱` 30%" in shown and "At risk" in shown
    assert "Owner @carol" in shown and "Part of `#2` Launch beta" in shown
    buttons = [b for b in card["blocks"] if b["type"] == "actions"][-1]["elements"]
    assert [e["action_id"] for e in buttons if e["type"] == "button"] == [
        "cairn.checkin", "cairn.comment", "cairn.run:done"]
    assert buttons[-1]["type"] == "overflow"
    listing = await slack.answer("list team")
    assert message_problems(listing) == []
    assert "`#3` *Write release notes*" in text_of(listing)


async def test_wrong_input_gets_a_short_message_and_changes_nothing(slack: Cairn) -> None:
    await setup_team(slack)
    for line, expected in {
        "updat #2 50%": "did you mean `update`?",
        "update #2 150%": "between 0% and 100%",
        "show #99": "There is no #99 here",
        "due #2 someday maybe": "is not a date",
        'goal "unclosed': "A quote is not closed",
        "x" * 20_000: "I read up to 12,000",
    }.items():
        answer = await slack.answer(line)
        assert message_problems(answer) == []
        assert "❌" in text_of(answer) and expected in text_of(answer), (line, text_of(answer))
    listing = text_of(await slack.answer("list #2"))
    assert "0%" in listing and "150" not in listing


async def test_user_text_is_unescaped_once_and_escaped_for_mrkdwn(slack: Cairn) -> None:
    await slack.answer("plan professional")
    created = await slack.answer('goal "R&D <b>bold</b> & more" desc:"a > b"')
    assert message_problems(created) == []
    assert "R&amp;D &lt;b&gt;bold&lt;/b&gt; &amp; more" in text_of(created)
    # Stored as typed (not double-escaped): the shell's view of the same data proves it.
    async with slack.deps.uow(await _tenant(slack)) as tx:
        goal = await tx.milestones.by_number(1)
    assert goal is not None and goal.title == "R&D <b>bold</b> & more"
    assert goal.description == "a > b"


async def test_slack_links_and_channels_in_commands(slack: Cairn) -> None:
    await slack.answer("plan professional")
    answer = await slack.answer('goal "Site" <#C0LAUNCH|launch> link:<https://x.example/a?b=1&c=2>')
    assert "Channel: <#C0LAUNCH>" in text_of(answer)
    async with slack.deps.uow(await _tenant(slack)) as tx:
        goal = await tx.milestones.by_number(1)
    assert goal is not None
    assert goal.channel == "C0LAUNCH" and goal.links == ["https://x.example/a?b=1&c=2"]


async def test_mentions_of_people_never_seen_are_provisioned_first(slack: Cairn) -> None:
    await slack.answer("plan professional")
    sent = await slack.command('goal "Hire" owner:<@U3|carol> <@U2|bob>')
    assert sent.text == ""  # acked before the lookups
    await slack.settle()
    [answer] = slack.fake.responses_to(sent.response_url)
    assert "Created goal #1" in text_of(answer)
    assert "Owner @carol" in text_of(answer) and "Helping: @bob" in text_of(answer)
    looked_up = {c.args["user"] for c in slack.fake.called("users.info")}
    assert looked_up == {"U1", "U2", "U3"}


async def test_a_mention_slack_does_not_know_changes_nothing(slack: Cairn) -> None:
    await slack.answer("plan professional")
    answer = await slack.answer("goal \"Hire\" owner:<@U404|ghost>")
    assert "Slack does not know the user U404" in text_of(answer)
    assert "nothing was changed" in text_of(answer)
    listing = await slack.answer("list team")
    assert "Nothing open yet." in text_of(listing)


async def test_long_lists_paginate_with_a_next_page_button(slack: Cairn) -> None:
    await slack.answer("plan enterprise")
    for n in range(1, 46):
        await slack.command(f'task "Task {n:02d}"')
    first = await slack.answer("list team")
    assert message_problems(first) == [] and len(first["blocks"]) <= 50
    assert "Page 1 of 3" in text_of(first)
    pager = [b for b in first["blocks"] if b["type"] == "actions"][-1]["elements"][0]
    assert pager["action_id"] == "cairn.run:page" and pager["value"] == "list team page 2"
    third = await slack.answer("list team page 3")
    assert "Page 3 of 3" in text_of(third) and "Task 45" in text_of(third)
    assert not [b for b in third["blocks"] if b["type"] == "actions"]


async def _tenant(slack: Cairn) -> int:
    tenant = await slack.app.workspaces.tenant_of(None, "T1", create=False)
    assert tenant is not None
    return tenant


async def test_a_list_asked_again_is_the_same_answer_with_fresh_buttons_until_it_changes(
        slack: Cairn) -> None:
    await slack.command('task "Write the launch post" due:friday')
    first = await slack.answer("list")
    second = await slack.answer("list")
    assert second["response_type"] == "ephemeral" and message_problems(second) == []
    seen = [[{k: v for k, v in b.items() if k != "block_id"} for b in m["blocks"]]
            for m in (first, second)]
    assert seen[0] == seen[1]
    ids = [{b.get("block_id") for b in m["blocks"]} - {None} for m in (first, second)]
    assert ids[0] and not ids[0] & ids[1]  # a double click on the first is not one on the second
    await slack.command("update #1 70% on track")
    third = await slack.answer("list")
    assert "70%" in text_of(third) and "70%" not in text_of(second)
