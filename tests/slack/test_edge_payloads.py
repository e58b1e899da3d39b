"""Signed payloads without the shape Slack documents never become a 500: each is acked (so
Slack does not retry it), ignored with one warning line naming the field, changes nothing, and
the person who acted, where there is one, reads a polite word about it."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from storage import Database
from tests.slack import payloads
from tests.slack.conftest import BOTH, Cairn
from tests.slack.test_edge_unsigned import tracebacks
from tests.slack.test_reliability import count

# Every table a request could write to, the bookkeeping of requests aside.
TABLES = ("tenants", "users", "milestones", "activity", "outbox", "slack_workspaces",
          "slack_members", "slack_installations")


async def rows(database: Database) -> dict[str, int]:
    return {t: await count(database, f"SELECT COUNT(*) FROM {t}") for t in TABLES}


def ignored_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "ignored a Slack" in r.getMessage()]


def event(event: Any, **fields: Any) -> dict[str, Any]:
    body = payloads.event_callback({"type": "app_home_opened", "user": "U1", "tab": "home"},
                                   team_id="T1")
    body["event"] = event
    body.update(fields)
    return body


def click(**fields: Any) -> dict[str, Any]:
    body = payloads.block_action("cairn.run:done", "done #1", user_id="U1", team_id="T1",
                                 response_url=fields.pop("response_url", ""))
    body.update(fields)
    return body


@BOTH
async def test_malformed_events_and_clicks_are_acked_ignored_and_named(
        slack: Cairn, database: Database, caplog: pytest.LogCaptureFixture) -> None:
    await slack.answer('goal "Ship it"')
    await slack.settle()
    before = await rows(database)
    no_action_id = click()
    del no_action_id["actions"][0]["action_id"]
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("json", event("NaN"), "event"),
        ("json", event([1, 2, 3]), "event"),
        ("json", event({"type": "app_home_opened", "user": -1, "tab": "home"}), "event.user"),
        ("json", event({"type": "reaction_added", "user": "U1"}), "event.type"),
        ("json", event({"type": "app_home_opened", "user": "U1"}, team_id="T" * 52),
         "team_id"),
        ("json", event({"type": "app_home_opened", "user": "U1"}, enterprise_id="E" * 92),
         "enterprise_id"),
        ("json", {"type": "something_new", "team_id": "T1"}, "type"),
        ("form", click(api_app_id={}), "payload.api_app_id"),
        ("form", click(user=-1), "payload.user"),
        ("form", click(team=5), "payload.team"),
        ("form", click(team={"id": "T" * 52}), "payload.team.id"),
        ("form", click(enterprise={"id": "E" * 92}), "payload.enterprise.id"),
        ("form", no_action_id, "payload.actions[0].action_id"),
        ("form", click(type="dialog_submission"), "payload.type"),
        ("form", click(actions="NaN"), "payload.actions"),
        ("form", click(view=[]), "payload.view"),
    ]
    with caplog.at_level(logging.INFO):
        for encoding, body, field in cases:
            caplog.clear()
            if encoding == "json":
                sent = await slack.post(json.dumps(body), content_type="application/json")
            else:
                sent = await slack.post(payloads.interactive(body))
            assert sent.status == 200, (field, sent.text)
            lines = ignored_lines(caplog)
            assert len(lines) == 1 and field in lines[0], (field, lines)
            assert tracebacks(caplog) == [], field
    await slack.settle()
    assert await rows(database) == before
    assert slack.fake.called("views.publish") == []


async def test_a_clicker_is_told_when_the_click_cannot_be_read(slack: Cairn,
                                                               database: Database) -> None:
    await slack.answer('goal "Ship it"')
    url = slack.fake.response_url()
    broken = click(response_url=url)
    broken["actions"][0]["value"] = {"not": "text"}
    sent = await slack.interact(broken)
    assert sent.text == ""
    await slack.settle()
    [answer] = slack.fake.responses_to(url)
    assert "could not read" in answer["text"] and "payload.actions[0].value" in answer["text"]
    assert answer["replace_original"] is False
    assert "Not started" in json.dumps(await slack.answer("show #1"))  # not done


async def test_a_command_with_a_bad_field_is_answered_in_the_ack(slack: Cairn) -> None:
    body = payloads.slash_command("list mine", user_id="U1", team_id="T" * 52, channel="C1",
                                  response_url=slack.fake.response_url())
    sent = await slack.post(body)
    assert sent.status == 200
    assert sent.json["response_type"] == "ephemeral" and "team_id" in sent.json["text"]


async def test_a_form_that_cannot_be_read_stays_open_with_a_word(slack: Cairn,
                                                                 database: Database) -> None:
    await slack.answer("help")
    view = {"type": "modal", "callback_id": "cairn.milestone", "private_metadata": "{}",
            "title": {"type": "plain_text", "text": "New milestone"}}
    values = {"title": {"value": {"type": "plain_text_input", "value": "Fine"}},
              "kind": {"value": {"type": "static_select",
                                 "selected_option": {"value": "goal"}}}}
    submit = payloads.view_submission(view, values, user_id="U1", team_id="T1")
    submit["view"]["private_metadata"] = 12
    sent = await slack.interact(submit)
    assert sent.json["response_action"] == "errors"
    assert list(sent.json["errors"]) == ["kind"]  # the first block, sorted
    assert "private_metadata" in sent.json["errors"]["kind"]
    await slack.settle()
    assert await count(database, "SELECT COUNT(*) FROM milestones") == 0


async def test_unknown_but_well_formed_requests_are_acked_quietly(
        slack: Cairn, caplog: pytest.LogCaptureFixture) -> None:
    await slack.answer("help")
    with caplog.at_level(logging.DEBUG):
        other = payloads.block_action("someone.else", "x", user_id="U1", team_id="T1",
                                      response_url=slack.fake.response_url())
        sent = await slack.interact(other)
        assert sent.status == 200
        closed = {"type": "view_closed", "team": payloads.team("T1"),
                  "user": payloads.user("U1", "T1"), "api_app_id": "ACAIRN",
                  "view": {"id": "V1", "type": "modal", "callback_id": "cairn.milestone",
                           "state": {"values": {}}}, "is_cleared": False}
        assert (await slack.interact(closed)).status == 200
        command = payloads.slash_command("hi", user_id="U1", team_id="T1", channel="C1",
                                         response_url=slack.fake.response_url())
        sent = await slack.post(command.replace("%2Fcairn", "%2Fother"))
        assert "Cairn answers /cairn" in sent.json["text"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Unhandled request" not in logged and "legacy-verification-token" not in logged
    assert tracebacks(caplog) == []
