"""Signatures, bad payloads, and tenants: a request proves it comes from Slack, and a workspace
only ever reaches its own milestones, people and App Home."""

from __future__ import annotations

import json
import time

from storage import Database
from tests.slack import payloads
from tests.slack.conftest import BOTH, Cairn, install
from tests.slack.test_commands import text_of


async def milestones_count(database: Database) -> int:
    async with database.unit_of_work()() as tx:
        rows = await (await tx.connection()).execute_query_dict(
            "SELECT COUNT(*) AS n FROM milestones")
    return int(rows[0]["n"])


@BOTH
async def test_bad_or_stale_signatures_get_401_and_change_nothing(slack: Cairn,
                                                                  database: Database) -> None:
    body = payloads.slash_command('goal "Sneaky"', user_id="U1", team_id="T1", channel="C1",
                                  response_url=slack.fake.response_url())
    wrong = await slack.post(body, secret="not-the-secret")
    stale = await slack.post(body, timestamp=int(time.time()) - 6 * 60)
    future = await slack.post(body, timestamp=int(time.time()) + 6 * 60)
    unsigned = await slack.http.post("/slack/events", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    assert [wrong.status, stale.status, future.status, unsigned.status] == [401] * 4
    assert "Traceback" not in wrong.text + stale.text
    await slack.settle()
    assert await milestones_count(database) == 0
    assert slack.fake.calls == [] and slack.fake.responses == []
    ok = await slack.post(body)
    assert ok.status == 200


async def test_a_tampered_body_fails_its_signature(slack: Cairn) -> None:
    body = payloads.slash_command("help", user_id="U1", team_id="T1", channel="C1",
                                  response_url=slack.fake.response_url())
    ts = int(time.time())
    signed = await slack.post(body, timestamp=ts)
    assert signed.status == 200
    tampered = body.replace("help", "plan+enterprise")
    import hashlib
    import hmac

    signature = "v0=" + hmac.new(slack.signing_secret.encode(), f"v0:{ts}:{body}".encode(),
                                 hashlib.sha256).hexdigest()
    async with slack.http.post("/slack/events", data=tampered, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": signature}) as response:
        assert response.status == 401


async def test_malformed_payloads_get_a_clear_status(slack: Cairn) -> None:
    broken = await slack.post("payload=%7Bnot+json")
    assert broken.status == 400 and json.loads(broken.text) == {"error": "malformed payload"}
    unsigned_broken = await slack.post("payload=%7Bnot+json", secret="wrong")
    assert unsigned_broken.status == 401
    # Signed, readable, but not the shape Slack sends: acked (Slack must not retry it), and
    # ignored.
    odd = await slack.post(payloads.interactive({"type": "block_actions", "actions": []}))
    assert odd.status == 200 and odd.text == ""
    huge = await slack.post("text=" + "x" * (2 * 1024 * 1024))
    assert huge.status == 413


async def test_a_verification_challenge_is_answered(slack: Cairn) -> None:
    sent = await slack.post(json.dumps({"type": "url_verification", "challenge": "abc123",
                                        "token": "x"}), content_type="application/json")
    assert sent.status == 200 and "abc123" in sent.text


@BOTH
async def test_a_workspace_never_sees_another_workspaces_milestones(slack_multi: Cairn) -> None:
    await install(slack_multi, "T1")
    await install(slack_multi, "T2")
    await slack_multi.answer("plan professional")
    await slack_multi.answer('goal "Acme secret plan" owner:<@U2|bob>')
    answer = await slack_multi.answer("show #1", user="U9", team="T2")
    assert "There is no #1 here" in text_of(answer) and "Acme" not in text_of(answer)
    listing = await slack_multi.answer("list team", user="U9", team="T2")
    assert "secret" not in text_of(listing)
    # Foreign people are not found either, even by their Slack id.
    people = await slack_multi.answer("people", user="U9", team="T2")
    assert "alice" not in text_of(people) and "mallory" in text_of(people)
    # T2 mentioning a T1 user id: provisioned in T2 only if T2's Slack knows them (it does not).
    refused = await slack_multi.answer("assign #1 <@U2|bob>", user="U9", team="T2")
    assert "❌" in text_of(refused)
    # The T1 goal is untouched, and T1 still sees it.
    mine = await slack_multi.answer("show #1")
    assert "Owner @bob" in text_of(mine)


async def test_forged_clicks_and_searches_stay_in_their_workspace(slack_multi: Cairn) -> None:
    await install(slack_multi, "T1")
    await install(slack_multi, "T2")
    await slack_multi.answer('goal "Acme goal"')
    await slack_multi.answer('goal "Globex goal"', user="U9", team="T2")
    search = payloads.suggestion("cairn.parent", "goal", user_id="U9", team_id="T2")
    found = await slack_multi.interact(search)
    options = json.loads(found.text)["options"]
    assert [o["text"]["text"] for o in options] == ["#1 Globex goal"]
    url = slack_multi.fake.response_url("forged")
    click = payloads.block_action("cairn.run:done", "done #1", user_id="U9", team_id="T2",
                                  response_url=url)
    await slack_multi.interact(click)
    await slack_multi.settle()
    [answer] = slack_multi.fake.responses_to(url)
    assert "Done: #1" in text_of(answer) and "Globex goal" in text_of(answer)
    acme = await slack_multi.answer("show #1")
    assert "Not started" in text_of(acme)  # Acme's #1 was not the one closed
    # Each workspace's calls use its own token.
    tokens = {c.answer["team"]["id"]: c.answer["access_token"]
              for c in slack_multi.fake.called("oauth.v2.access")}
    for call in slack_multi.fake.called("users.info"):
        user = call.answer["user"]
        assert call.token == tokens[user["team_id"]]


async def test_each_workspace_gets_its_own_app_home(slack_multi: Cairn) -> None:
    await install(slack_multi, "T1")
    await install(slack_multi, "T2")
    await slack_multi.answer('goal "Acme goal"')
    await slack_multi.answer('goal "Globex goal"', user="U9", team="T2")
    await slack_multi.event({"type": "app_home_opened", "user": "U9", "tab": "home"}, team="T2")
    await slack_multi.settle()
    [published] = slack_multi.fake.called("views.publish")
    shown = json.dumps(published.args["view"])
    assert "Globex goal" in shown and "Acme goal" not in shown
    assert published.args["user_id"] == "U9"


async def test_a_workspace_that_never_installed_is_turned_away(slack_multi: Cairn,
                                                               database: Database) -> None:
    await install(slack_multi, "T1")
    sent = await slack_multi.command('goal "Hello"', user="U9", team="T2")
    await slack_multi.settle()
    [refusal] = slack_multi.fake.responses_to(sent.response_url)
    assert "reinstall this app" in refusal["text"]
    assert await milestones_count(database) == 0
