"""What a Slack request is read into (`envelope.read`): the kinds of request Cairn takes, the
longest value each field may hold, the typed `Envelope`, and the two ways a body is refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bots.slack.shapes import Malformed

COMMAND = "command"
SSL_CHECK = "ssl_check"
EVENT = "event_callback"
URL_VERIFICATION = "url_verification"
RATE_LIMITED = "app_rate_limited"
BLOCK_ACTIONS = "block_actions"
VIEW_SUBMISSION = "view_submission"
VIEW_CLOSED = "view_closed"
BLOCK_SUGGESTION = "block_suggestion"
SHORTCUT = "shortcut"
MESSAGE_ACTION = "message_action"
INTERACTIONS = frozenset({BLOCK_ACTIONS, VIEW_SUBMISSION, VIEW_CLOSED, BLOCK_SUGGESTION,
                          SHORTCUT, MESSAGE_ACTION})
#: The events Cairn subscribes to (bots/slack/manifest.yml).
EVENTS = frozenset({"app_home_opened", "app_uninstalled", "tokens_revoked"})

#: A slash command's text: the grammar says how long a line may be (the body cap bounds it here).
COMMAND_TEXT = 1_000_000
MESSAGE_TEXT = 40_000
VALUE = 2_000
METADATA = 3_000
FORM_FIELDS = 60


class Undecodable(Exception):
    """Not a payload at all; the message says what it is instead."""


@dataclass(frozen=True, slots=True)
class Envelope:
    kind: str
    #: What bolt is given: only the checked fields.
    body: dict[str, Any]
    team_id: str = ""
    enterprise_id: str = ""
    user_id: str = ""
    response_url: str = ""
    #: The command, callback id, action id or event type, for log lines.
    detail: str = ""


class Ignored(Exception):
    """A payload Cairn acks and ignores, and where a polite word can go."""

    def __init__(self, problem: Malformed, *, kind: str, response_url: str = "",
                 first_block: str = "") -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.kind = kind
        self.response_url = response_url
        #: A view submission's first input block, to show the word on.
        self.first_block = first_block
