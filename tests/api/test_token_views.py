"""The token and webhook views render on the shell, in Slack (valid Block Kit) and in Teams (a valid
Adaptive Card), with the secret shown whole and hostile names kept as text."""

from __future__ import annotations

import pytest

from bots.shell import render as shell
from bots.slack import render as slack
from bots.teams import render as teams
from core.access.views import TokenCreatedView, TokenLine, TokenListView
from core.views import View
from core.webhooks.views import (
    WebhookAttempt,
    WebhookCreatedView,
    WebhookLine,
    WebhookListView,
    WebhookLogView,
)
from tests.slack.blockkit import message_problems
from tests.teams.adaptive_cards import card_problems

SECRET = "cairn_" + "A" * 43
NASTY = "<!channel> *bold* & **x** `tick`"
LINE = TokenLine(name=NASTY, hint="cairn_AAAA…", scopes="milestones:read, people:read",
                 created="2 days ago", used="never used")
HOOK = WebhookLine(id=3, url="https://hooks.example.com/" + NASTY, events="every event",
                   state="off: " + NASTY, created="today")
VIEWS: dict[str, View] = {
    "created": TokenCreatedView(name=NASTY, secret=SECRET, scopes=("milestones:read",),
                                api_url="https://cairn.example.com/api/v1",
                                revoke=f'token revoke "{NASTY}"'),
    "app": TokenCreatedView(name="Zapier", secret=SECRET, scopes=("webhooks:write",), app=True,
                            api_url="https://cairn.example.com/api/v1",
                            revoke='token revoke app "Zapier"'),
    "list": TokenListView(tokens=(LINE,) * 45, app_tokens=(LINE,)),
    "empty": TokenListView(tokens=()),
    "hook": WebhookCreatedView(line=HOOK, secret=SECRET, headline="Webhook 3 added"),
    "hooks": WebhookListView(endpoints=(HOOK,) * 45),
    "no hooks": WebhookListView(endpoints=()),
    "hook log": WebhookLogView(line=HOOK, attempts=(WebhookAttempt(
        at="2 min ago", event="milestone.done", attempt=2, outcome="HTTP 500 in 30 ms",
        verdict="retry"),) * 45),
    "empty log": WebhookLogView(line=HOOK, attempts=()),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_token_view_renders_on_every_platform(name: str) -> None:
    view = VIEWS[name]
    text = shell.render(view)
    payload = slack.message(view)
    assert message_problems(payload) == []
    card = teams.card(view)
    assert card_problems(card) == []
    if isinstance(view, TokenCreatedView | WebhookCreatedView):
        assert SECRET in text and SECRET in str(payload) and SECRET in str(card)
    assert "<!channel>" not in str(payload)
