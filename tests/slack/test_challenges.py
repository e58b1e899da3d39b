"""Teams, challenges, leaderboards and scores through `/cairn`, over signed HTTP, answered in
valid Block Kit; a close made in Slack moves the leaderboard in the same request."""

from __future__ import annotations

import json

from tests.slack.blockkit import message_problems
from tests.slack.conftest import BOTH, Cairn

BOB, CAROL = "<@U2|bob>", "<@U3|carol>"


def shown(answer: dict) -> str:
    return json.dumps(answer, ensure_ascii=False)


@BOTH
async def test_a_challenge_runs_from_slack(slack: Cairn) -> None:
    await slack.answer("plan professional")
    for user in ("U2", "U3"):
        await slack.answer("me", user=user)
    made = await slack.answer(f'team new "R&D <!channel>" {BOB} {CAROL}')
    assert "R&amp;D" in shown(made) and "<!channel>" not in shown(made)
    await slack.answer('challenge new "Sprint" from:today to:in 30 days')
    await slack.answer(f'challenge add "Sprint" {BOB} {CAROL}')
    started = await slack.answer('challenge start "sprint"')
    assert "has started" in shown(started)
    await slack.answer(f'milestone "Ship it" due:in 10 days owner:{BOB}')
    board = await slack.answer("leaderboard")
    assert message_problems(board) == []
    assert "bob" in shown(board) and "carol" in shown(board)
    # Closed in Slack within 24 hours of creation: counted as a close, scored 0, explained.
    await slack.answer("done #1", user="U2")
    score = await slack.answer("score", user="U2")
    assert message_problems(score) == []
    assert "*#1* Ship it" in shown(score) and "(at least 24 needed): scores 0" in shown(score)
    assert "not a person" in shown(await slack.answer('team add "R&D @channel" bob'))
    refused = await slack.answer('challenge start "Sprint"', user="U2")
    assert "only an admin" in shown(refused).lower()
    assert "No badges yet" in shown(await slack.answer("badges"))
