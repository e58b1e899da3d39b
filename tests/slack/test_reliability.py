"""Acks come first; retries and double clicks change nothing twice; Slack's 429s and 5xx are
retried; a post that fails never loses the change that caused it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from core.relay import drain
from storage import Database
from tests.fakes import FrozenClock
from tests.slack import payloads
from tests.slack.conftest import POSTGRES, Cairn
from tests.slack.test_commands import text_of

SLOW = 2.5  # seconds Slack takes to answer in these tests: near its 3-second limit


async def count(database: Database, sql: str) -> int:
    async with database.unit_of_work()() as tx:
        rows = await (await tx.connection()).execute_query_dict(sql)
    return int(next(iter(rows[0].values())))


async def test_commands_are_acked_before_slow_slack_calls(slack: Cairn) -> None:
    slack.fake.fail("users.info", delay=SLOW)
    sent = await slack.command('goal "Ship it"')
    assert sent.status == 200 and sent.elapsed < 0.5, sent.elapsed
    assert slack.fake.responses_to(sent.response_url) == []
    await slack.settle()
    [answer] = slack.fake.responses_to(sent.response_url)
    assert "Created goal #1" in text_of(answer)


async def test_buttons_and_events_are_acked_at_once(slack: Cairn) -> None:
    await slack.answer('goal "Ship it"')
    slack.fake.fail("views.open", delay=SLOW)
    slack.fake.fail("views.publish", delay=SLOW)
    click = await slack.interact(payloads.block_action(
        "cairn.checkin", "#1", user_id="U1", team_id="T1",
        response_url=slack.fake.response_url()))
    opened = await slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    assert click.elapsed < 0.5 and opened.elapsed < 0.5, (click.elapsed, opened.elapsed)
    await slack.settle()
    assert len(slack.fake.called("views.open")) == 1
    assert len(slack.fake.called("views.publish")) == 1


async def test_a_form_is_acked_within_the_budget_even_when_slack_is_slow(slack: Cairn) -> None:
    await slack.answer("help")
    slack.fake.fail("users.info", delay=SLOW)  # the new owner must be looked up first
    url = slack.fake.response_url()
    view = {"type": "modal", "callback_id": "cairn.milestone", "private_metadata":
            f'{{"c":"C1","r":"{url}","h":false}}', "title": {"type": "plain_text",
                                                             "text": "New milestone"}}
    values = {"title": {"value": {"type": "plain_text_input", "value": "Hire"}},
              "kind": {"value": {"type": "static_select", "selected_option": {"value": "goal"}}},
              "owner": {"value": {"type": "users_select", "selected_user": "U2"}},
              "priority": {"value": {"type": "static_select",
                                     "selected_option": {"value": "high"}}}}
    sent = await slack.interact(payloads.view_submission(view, values, user_id="U1",
                                                         team_id="T1"))
    assert sent.elapsed < slack.app.front.ack_budget + 0.5, sent.elapsed
    assert sent.text == ""  # closes the form; the outcome follows
    await slack.settle()
    [answer] = slack.fake.responses_to(url)
    assert "Created goal #1" in text_of(answer) and "Owner @bob" in text_of(answer)


@POSTGRES
async def test_a_retried_event_changes_nothing_twice(slack: Cairn) -> None:
    await slack.answer("help")
    event = {"type": "app_home_opened", "user": "U1", "tab": "home"}
    first = await slack.event(event, event_id="Ev0001")
    retry = await slack.event(event, event_id="Ev0001", retry=1)
    assert first.status == retry.status == 200
    await slack.settle()
    assert len(slack.fake.called("views.publish")) == 1


@POSTGRES
async def test_a_double_click_changes_nothing_twice(slack: Cairn, database: Database) -> None:
    await slack.answer('goal "Ship it"')
    url = slack.fake.response_url()
    click = payloads.block_action("cairn.run:done", "done #1", user_id="U1", team_id="T1",
                                  response_url=url, block_id="card.abc")
    await asyncio.gather(slack.interact(click), slack.interact(click))
    await slack.settle()
    assert await count(database, "SELECT COUNT(*) FROM activity WHERE verb = 'completed'") == 1
    assert len(slack.fake.responses_to(url)) == 1
    # The same button on a newer rendering (a new block id) is a new request.
    reopen = payloads.block_action("cairn.run:reopen", "reopen #1", user_id="U1",
                                   team_id="T1", response_url=url, block_id="card.def")
    await slack.interact(reopen)
    await slack.settle()
    again = payloads.block_action("cairn.run:done", "done #1", user_id="U1", team_id="T1",
                                  response_url=url, block_id="card.ghi")
    await slack.interact(again)
    await slack.settle()
    assert await count(database, "SELECT COUNT(*) FROM activity WHERE verb = 'completed'") == 2


@POSTGRES
async def test_a_double_submitted_form_creates_one_milestone(slack: Cairn,
                                                             database: Database) -> None:
    await slack.answer("help")
    view = {"type": "modal", "callback_id": "cairn.milestone", "private_metadata": "{}",
            "title": {"type": "plain_text", "text": "New milestone"}}
    values = {"title": {"value": {"type": "plain_text_input", "value": "Once"}},
              "kind": {"value": {"type": "static_select",
                                 "selected_option": {"value": "milestone"}}},
              "priority": {"value": {"type": "static_select",
                                     "selected_option": {"value": "medium"}}}}
    submit = payloads.view_submission(view, values, user_id="U1", team_id="T1",
                                      view_id="VTWICE")
    first, second = await asyncio.gather(slack.interact(submit), slack.interact(submit))
    assert first.status == second.status == 200
    await slack.settle()
    assert await count(database, "SELECT COUNT(*) FROM milestones") == 1


async def test_rate_limits_and_server_errors_are_retried(slack: Cairn) -> None:
    await slack.answer("help")
    slack.fake.fail("views.publish", status=429, retry_after=0)
    slack.fake.fail("views.publish", status=503)
    slack.fake.fail("views.publish", status=502)
    await slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    await slack.settle()
    attempts = slack.fake.attempts("views.publish")
    assert [c.status for c in attempts] == [429, 503, 502, 200]
    assert attempts[-1].answer["ok"]


async def test_a_response_url_that_fails_is_retried(slack: Cairn) -> None:
    slack.fake.fail("response_url", status=500, times=2)
    sent = await slack.command("me")  # a first contact: answered through response_url
    await slack.settle()
    [answer] = slack.fake.responses_to(sent.response_url)
    assert "Alice Martin" in text_of(answer)
    assert not slack.fake.failures["response_url"]  # both failures were met, then it worked


async def test_a_form_slack_would_not_open_is_explained(slack: Cairn) -> None:
    await slack.answer("help")
    slack.fake.fail("views.open", error="expired_trigger_id")
    sent = await slack.command("new")
    await slack.settle()
    [notice] = slack.fake.responses_to(sent.response_url)
    assert "took too long to open" in text_of(notice)


@POSTGRES
async def test_a_failed_post_never_loses_the_change(slack: Cairn) -> None:
    await slack.answer("plan professional")
    slack.fake.fail("chat.postMessage", status=503, times=50)
    card = await slack.answer('goal "Launch" <#C0LAUNCH|launch>')
    assert "Created goal #1" in text_of(card)
    threads = slack.app.threads
    result = await drain(threads, slack.deps.uow, slack.deps.clock)
    assert result.retried == 1 and result.delivered == 0
    assert "Created goal #1" not in str(slack.fake.called("chat.postMessage"))
    # Slack recovers; the outbox still holds the change, so the card is posted on a later tick.
    slack.fake.failures.clear()
    later = FrozenClock(slack.deps.clock.now() + timedelta(minutes=5))
    result = await drain(threads, slack.deps.uow, later)
    assert result.delivered == 1
    [post] = slack.fake.called("chat.postMessage")
    assert post.args["channel"] == "C0LAUNCH" and "Launch" in str(post.args["blocks"])


async def test_an_answer_later_than_the_budget_follows_the_ack(slack: Cairn) -> None:
    await slack.answer('goal "Ship it"')
    slack.app.front.ack_budget = 0.0  # as if the database were slow today
    sent = await slack.command("list team")
    assert "Working on it" in sent.json["text"]
    await slack.settle()
    [answer] = slack.fake.responses_to(sent.response_url)
    assert answer["replace_original"] is True and "Ship it" in text_of(answer)
