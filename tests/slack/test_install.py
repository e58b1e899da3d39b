"""Installing Cairn: OAuth v2 into any number of workspaces, tokens encrypted at rest, rotated
before they expire, deleted at once on uninstall; and no `auth.test` per request."""

from __future__ import annotations

import logging

import pytest

from storage import Database
from storage.slack.models import SlackInstallationRow, SlackOAuthStateRow, SlackWorkspaceRow
from tests.slack.conftest import BOTH, Cairn, install
from tests.slack.test_commands import text_of


@BOTH
async def test_install_stores_encrypted_tokens_and_maps_the_workspace_to_a_tenant(
        slack_multi: Cairn, database: Database) -> None:
    done = await install(slack_multi, "T1")
    assert done.status == 200
    [exchange] = slack_multi.fake.called("oauth.v2.access")
    token = exchange.answer["access_token"]
    async with database.unit_of_work()() as tx:
        db = await tx.connection()
        [row] = await SlackInstallationRow.all().using_db(db)
        [workspace] = await SlackWorkspaceRow.all().using_db(db)
    assert row.team_id == "T1" and row.installer_user_id == "U1"
    assert token not in row.secrets and token not in str(row.data)
    assert "client-secret-abc" not in row.secrets + str(row.data)
    assert row.data["bot_user_id"] == "UCAIRNBOT" and row.data["team_name"] == "Acme"
    assert workspace.team_id == "T1"
    # The workspace is usable straight away, with the token it was given.
    answer = await slack_multi.answer("me")
    assert "@alice" in text_of(answer)
    assert {c.token for c in slack_multi.fake.called("users.info")} == {token}


async def test_requests_need_no_auth_test_round_trip(slack_multi: Cairn) -> None:
    await install(slack_multi, "T1")
    installs = len(slack_multi.fake.called("auth.test"))  # bolt's OAuth flow asks once
    for _ in range(5):
        await slack_multi.answer("help")
    assert len(slack_multi.fake.called("auth.test")) == installs


async def test_single_workspace_identifies_its_token_once(slack: Cairn) -> None:
    for _ in range(3):
        await slack.answer("help")
    assert len(slack.fake.called("auth.test")) == 1


async def test_the_oauth_state_works_once_and_only_from_the_browser_that_began(
        slack_multi: Cairn, database: Database) -> None:
    slack_multi.fake.offer_install("c1", "T1")
    async with slack_multi.http.get("/slack/install") as page:
        html = await page.text()
        cookie = page.headers["Set-Cookie"].split(";")[0]
    assert "https://slack.com/oauth/v2/authorize?state=" in html and "client_id=111.222" in html
    assert "scope=commands%2Cchat%3Awrite" in html.replace(",", "%2C").replace(":", "%3A")
    state = html.split("state=")[1].split("&")[0]
    async with slack_multi.http.get(f"/slack/oauth_redirect?code=c1&state={state}") as no_cookie:
        assert no_cookie.status == 400  # another browser
    async with slack_multi.http.get(f"/slack/oauth_redirect?code=c1&state={state}",
                                    headers={"Cookie": cookie}) as first:
        assert first.status == 200
    async with slack_multi.http.get(f"/slack/oauth_redirect?code=c1&state={state}",
                                    headers={"Cookie": cookie}) as again:
        assert again.status == 401  # a state is good once
    async with slack_multi.http.get("/slack/oauth_redirect?code=c1&state=forged",
                                    headers={"Cookie": "slack-app-oauth-state=forged"}) as forged:
        assert forged.status == 401
    async with database.unit_of_work()() as tx:
        assert await SlackOAuthStateRow.all().using_db(await tx.connection()).count() == 0


async def test_a_cancelled_install_changes_nothing(slack_multi: Cairn, database: Database
                                                   ) -> None:
    async with slack_multi.http.get("/slack/oauth_redirect?error=access_denied") as page:
        assert page.status == 200 and "access_denied" in await page.text()
    async with database.unit_of_work()() as tx:
        assert await SlackInstallationRow.all().using_db(await tx.connection()).count() == 0


async def test_expiring_tokens_are_rotated_before_use(slack_multi: Cairn) -> None:
    slack_multi.fake.rotation_seconds = 60  # expires within the 2-hour rotation window
    await install(slack_multi, "T1")
    first_token = slack_multi.fake.called("oauth.v2.access")[0].answer["access_token"]
    answer = await slack_multi.answer("me")
    assert "@alice" in text_of(answer)
    exchanges = slack_multi.fake.called("oauth.v2.access")
    assert [c.args.get("grant_type") for c in exchanges] == [None, "refresh_token"]
    new_token = exchanges[-1].answer["access_token"]
    assert new_token != first_token
    assert slack_multi.fake.called("users.info")[-1].token == new_token


@BOTH
async def test_uninstall_deletes_the_tokens_at_once(slack_multi: Cairn,
                                                    database: Database) -> None:
    await install(slack_multi, "T1")
    await slack_multi.answer("goal \"Keep me\"")
    sent = await slack_multi.event({"type": "app_uninstalled"})
    assert sent.status == 200
    async with database.unit_of_work()() as tx:
        assert await SlackInstallationRow.all().using_db(await tx.connection()).count() == 0
    again = await slack_multi.command("list team")
    await slack_multi.settle()
    [refusal] = slack_multi.fake.responses_to(again.response_url)
    assert "reinstall this app" in refusal["text"]
    # The tenant's data stays: reinstalling finds it again.
    await install(slack_multi, "T1", code="code-again")
    assert "Keep me" in text_of(await slack_multi.answer("list team"))


async def test_revoked_bot_tokens_are_deleted(slack_multi: Cairn, database: Database) -> None:
    await install(slack_multi, "T1")
    await slack_multi.answer("help")
    sent = await slack_multi.event({"type": "tokens_revoked",
                                    "tokens": {"oauth": [], "bot": ["UCAIRNBOT"]}})
    assert sent.status == 200
    async with database.unit_of_work()() as tx:
        assert await SlackInstallationRow.all().using_db(await tx.connection()).count() == 0


async def test_tokens_never_reach_the_logs(slack_multi: Cairn,
                                           caplog: pytest.LogCaptureFixture) -> None:
    from bots.slack.secrets import install_redaction

    install_redaction()  # what serve does once logging is set up (caplog's handler is root's)
    slack_multi.fake.rotation_seconds = 60
    with caplog.at_level(logging.DEBUG):
        await install(slack_multi, "T1")
        await slack_multi.answer("me")
    secrets = [c.answer.get("access_token") for c in slack_multi.fake.called("oauth.v2.access")]
    secrets += [c.answer.get("refresh_token") for c in slack_multi.fake.called("oauth.v2.access")]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Sending a request" in logged  # slack_sdk did log its calls at DEBUG
    for secret in [*filter(None, secrets), "client-secret-abc"]:
        assert secret not in logged
    assert "xoxb-T1" not in repr(slack_multi.app.authorize.__dict__)
