"""What every Slack form shares: its ids (callback ids, pickers), where it came from (carried
through Slack in `private_metadata`), and how a core refusal reads beside a field.

The forms themselves are the core's (`core.interactions.form_specs`): `modal` renders one as a
Block Kit modal whose input blocks are named by the core's field names, `view_state` reads a
submission back into the form's values, and `form_flow` opens them and hands submissions to
the core.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bots.slack.blocks import PRIVATE_METADATA, clip
from core.errors import DomainError

#: A form's callback id is this prefix and the core's form name (`cairn.milestone`).
CALLBACK_PREFIX = "cairn."
MILESTONE_FORM = "cairn.milestone"
CHECKIN_FORM = "cairn.checkin"
COMMENT_FORM = "cairn.comment"
VACATION_FORM = "cairn.vacation"
SETTINGS_FORM = "cairn.settings"
CALLBACKS = (MILESTONE_FORM, CHECKIN_FORM, COMMENT_FORM, VACATION_FORM, SETTINGS_FORM)
DETAILS = "cairn.details"
PARENT_PICKER = "cairn.parent"
MILESTONE_PICKER = "cairn.pick"
VALUE = "value"
#: The channels the Slack form can show (public and private channel ids).
SLACK_CHANNELS = ("C", "G")
FIELD_ERROR = 150  # what Slack shows of an error beside a field


def field_errors(errors: dict[str, str]) -> dict[str, str]:
    """Errors as `response_action: errors` takes them."""
    return {block: clip(text, FIELD_ERROR) for block, text in errors.items()}


def explain(error: DomainError) -> str:
    """A core refusal as one sentence for a field, with its example when it has one."""
    text = error.message[:1].upper() + error.message[1:]
    text = text if text.endswith((".", "!", "?")) else text + "."
    return f"{text} Try: {error.hint}" if error.hint else text


# --- metadata: where the form came from, carried through Slack in private_metadata ----------


@dataclass(frozen=True, slots=True)
class Origin:
    """Where to answer once a form is submitted."""

    channel_id: str = ""
    response_url: str = ""
    home: bool = False


def metadata(*, origin: Origin, ref: int | None = None, links: tuple[str, ...] = (),
             extra: dict[str, Any] | None = None) -> str:
    """`extra`: small values a form needs back on submit (what it started from)."""
    data: dict[str, Any] = {"c": origin.channel_id, "r": origin.response_url, "h": origin.home}
    if ref is not None:
        data["n"] = ref
    if extra:
        data["x"] = extra
    kept: list[str] = []
    for link in links:
        if len(json.dumps({**data, "l": [*kept, link]})) <= PRIVATE_METADATA:
            kept.append(link)
    if kept:
        data["l"] = kept
    text = json.dumps(data, separators=(",", ":"))
    if len(text) > PRIVATE_METADATA:  # an absurd response_url: answer by DM instead
        data["r"] = ""
        text = json.dumps(data, separators=(",", ":"))
    return text


@dataclass(frozen=True, slots=True)
class Metadata:
    origin: Origin
    ref: int | None = None
    links: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def before(self) -> dict[str, str]:
        """What the form showed (`extra`), as the core reads it back; forged values dropped."""
        return {k: v for k, v in self.extra.items() if isinstance(v, str)}


def read_metadata(text: str) -> Metadata:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    ref = data.get("n")
    found = data.get("l")
    links: list[Any] = found if isinstance(found, list) else []
    extra = data.get("x")
    return Metadata(origin=Origin(channel_id=str(data.get("c") or ""),
                                  response_url=str(data.get("r") or ""),
                                  home=bool(data.get("h"))),
                    # A forged number past any column's range would fail in the database.
                    ref=ref if isinstance(ref, int) and 0 < ref < 2**31 else None,
                    links=tuple(str(x) for x in links if isinstance(x, str)),
                    extra=extra if isinstance(extra, dict) else {})
