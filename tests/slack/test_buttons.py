"""Buttons: on a shared channel card the answer goes to the clicker alone; a refused click
can be tried again once the person may; the speaker is known even when Slack is not sure."""

from __future__ import annotations

from tests.slack import payloads
from tests.slack.conftest import Cairn
from tests.slack.test_commands import setup_team, text_of


async def test_a_click_on_a_channel_card_answers_the_clicker_alone(slack: Cairn) -> None:
    await setup_team(slack)
    url = slack.fake.response_url()
    click = payloads.block_action("cairn.run:done", "done #3", user_id="U3", team_id="T1",
                                  response_url=url, ephemeral=False, block_id="card.c1")
    await slack.interact(click)
    await slack.settle()
    [answer] = slack.fake.responses_to(url)
    assert answer["replace_original"] is False and answer["response_type"] == "ephemeral"
    assert "Done: #3" in text_of(answer)


async def test_a_refused_click_can_be_tried_again(slack: Cairn) -> None:
    await setup_team(slack)
    await slack.answer("role <@U3|carol> viewer")
    url = slack.fake.response_url()
    click = payloads.block_action("cairn.run:done", "done #3", user_id="U3", team_id="T1",
                                  response_url=url, block_id="card.r1")
    await slack.interact(click)
    await slack.settle()
    assert "Viewers can read everything" in text_of(slack.fake.responses_to(url)[-1])
    await slack.answer("role <@U3|carol> member")
    await slack.interact(click)  # the same rendering: allowed again, since nothing happened
    await slack.settle()
    assert "Done: #3" in text_of(slack.fake.responses_to(url)[-1])


async def test_someone_slack_cannot_describe_still_gets_in_by_their_name(slack: Cairn) -> None:
    slack.fake.fail("users.info", error="user_not_found")
    answer = await slack.answer("me", user="U3")
    assert "@u3" in text_of(answer)  # the user_name Slack put in the command
    inbox = await slack.answer("inbox", user="U3")
    assert "Inbox" in text_of(inbox)
