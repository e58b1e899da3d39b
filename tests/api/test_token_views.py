"""The token views render on the shell, in Slack (valid Block Kit) and in Teams (a valid
Adaptive Card), with the secret shown whole and hostile names kept as text."""

from __future__ import annotations

import pytest

from bots.shell import render as shell
from bots.slack import render as slack
from bots.teams import render as teams
from core.access.views import TokenCreatedView, TokenLine, TokenListView
from core.views import View
from tests.slack.blockkit import message_problems
from tests.teams.adaptive_cards import card_problems

SECRET = "cairn_" + "A" * 43
NASTY = "<!channel> *bold* & **x** `tick`"
LINE = TokenLine(name=NASTY, hint="cairn_AAAA…", scopes="milestones:read, people:read",
                 created="2 days ago", used="never used")
VIEWS: dict[str, View] = {
    "created": TokenCreatedView(name=NASTY, secret=SECRET, scopes=("milestones:read",),
                                api_url="https://cairn.example.com/api/v1",
                                revoke=f'token revoke "{NASTY}"'),
    "app": TokenCreatedView(name="Zapier", secret=SECRET, scopes=("webhooks:write",), app=True,
                            api_url="https://cairn.example.com/api/v1",
                            revoke='token revoke app "Zapier"'),
    "list": TokenListView(tokens=(LINE,) * 45, app_tokens=(LINE,)),
    "empty": TokenListView(tokens=()),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_token_view_renders_on_every_platform(name: str) -> None:
    view = VIEWS[name]
    text = shell.render(view)
    payload = slack.message(view)
    assert message_problems(payload) == []
    card = teams.card(view)
    assert card_problems(card) == []
    if isinstance(view, TokenCreatedView):
        assert SECRET in text and SECRET in str(payload) and SECRET in str(card)
    assert "<!channel>" not in str(payload)
