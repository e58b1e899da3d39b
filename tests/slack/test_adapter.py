"""The Slack adapter as an operator meets it: settings decide whether it is on and why, and
`python app.py serve` answers Slack on /slack/events."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path

import aiohttp

from tests.shell.test_cli import ROOT, env_for
from tests.slack import payloads
from tests.slack.conftest import BOT_TOKEN, SECRET, SECRET_KEY, signed_headers
from tests.slack.fake_slack import FakeSlack
from wiring.registry import statuses
from wiring.settings import Settings
from wiring.slack import SlackAdapter


def status(**values: str) -> tuple[bool, str]:
    settings = Settings(_env_file=None, **values)  # type: ignore[arg-type]
    found = SlackAdapter().status(settings)
    return found.on, found.reason


def test_the_settings_decide_whether_slack_is_on() -> None:
    assert status() == (False, "SLACK_SIGNING_SECRET is not set")
    off, why = status(slack_signing_secret="s")
    assert not off and "SLACK_BOT_TOKEN" in why
    assert status(slack_signing_secret="s", slack_bot_token="xoxb-1") == (
        True, "single workspace (SLACK_BOT_TOKEN)")
    off, why = status(slack_signing_secret="s", slack_client_id="1", slack_client_secret="2")
    assert not off and "CAIRN_SECRET_KEY" in why
    off, why = status(slack_signing_secret="s", slack_client_id="1", slack_client_secret="2",
                      cairn_secret_key="not a key")
    assert not off and "Fernet" in why
    on, why = status(slack_signing_secret="s", slack_client_id="1", slack_client_secret="2",
                     cairn_secret_key=SECRET_KEY, public_url="https://cairn.example.com")
    assert on and why == "multi-workspace: install at https://cairn.example.com/slack/install"
    names = [s.name for s in statuses(Settings(_env_file=None))]  # type: ignore[call-arg]
    assert names.count("slack") == 1


def test_secrets_never_show_in_the_configuration() -> None:
    from wiring.slack import slack_config

    config = slack_config(Settings(_env_file=None, slack_signing_secret="sig-secret",  # type: ignore[call-arg]
                                   slack_bot_token="xoxb-secret", slack_client_secret="cs",
                                   cairn_secret_key=SECRET_KEY))
    shown = repr(config)
    assert "sig-secret" not in shown and "xoxb-secret" not in shown and SECRET_KEY not in shown


async def test_serve_answers_slack(tmp_path: Path, fake_slack: FakeSlack) -> None:
    env = env_for(tmp_path, PORT="0", HOST="127.0.0.1", SLACK_SIGNING_SECRET=SECRET,
                  SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=fake_slack.api_url)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "app.py", "serve", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert process.stderr is not None
    seen = []
    try:
        port = None
        async with asyncio.timeout(60):
            while port is None or "scheduled outbox:slack.home" not in "".join(seen):
                line = (await process.stderr.readline()).decode()
                assert line, "".join(seen)
                seen.append(line)
                if match := re.search(r"listening on http://[^:]+:(\d+)", line):
                    port = int(match.group(1))
        assert "adapter slack: on (single workspace (SLACK_BOT_TOKEN))" in "".join(seen)
        assert "scheduled outbox:slack.threads" in "".join(seen)
        body = payloads.slash_command("help", user_id="U1", team_id="T1", channel="C1",
                                      response_url=fake_slack.response_url())
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/slack/events"
            async with http.post(url, data=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded"}) as unsigned:
                assert unsigned.status == 401
            async with http.post(url, data=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    **signed_headers(body, SECRET)}) as signed:
                assert signed.status == 200
        # First contact: answered through response_url once Slack said who U1 is.
        async with asyncio.timeout(10):
            await fake_slack.wait_for_responses(1)
        assert "Cairn tracks" in json.dumps(fake_slack.responses[0][1])
    finally:
        if process.returncode is None:
            process.terminate()
        await process.wait()
