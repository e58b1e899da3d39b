"""Block Kit pieces that respect Slack's limits by construction (DESIGN §6).

Every builder clips what it is given: a section never exceeds 3000 characters, a button's text
75, an option's value 150, and so on. Text is clipped before it is escaped where possible, and
`clip_mrkdwn` never cuts an escape entity or a `<...>` token in half.
"""

from __future__ import annotations

import re
from typing import Any

from core.humanize import ellipsis

Block = dict[str, Any]

MESSAGE_BLOCKS = 50
SURFACE_BLOCKS = 100  # modals and the App Home
SECTION_TEXT = 3000
CONTEXT_TEXT = 3000
FIELD_TEXT = 2000
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS = 100
OVERFLOW_OPTIONS = 5
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
MODAL_TITLE = 24
MODAL_BUTTON = 24
PRIVATE_METADATA = 3000
BLOCK_ID = 255
ACTION_ID = 255
FALLBACK_TEXT = 3000

_UNSAFE_TAIL = re.compile(r"(&[a-z]{0,4}|<[^>]*)$")


def clip(text: str, limit: int) -> str:
    """Plain text cut to `limit` characters, with an ellipsis when it was longer."""
    return ellipsis(text, limit)


def clip_mrkdwn(text: str, limit: int) -> str:
    """Escaped mrkdwn cut to `limit`, never inside an entity (`&amp;`) or a token (`<@U1>`)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    cut = _UNSAFE_TAIL.sub("", cut)
    return cut.rstrip() + "…"


def mrkdwn(text: str, limit: int = SECTION_TEXT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip_mrkdwn(text, limit) or " "}


def plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def section(text: str, *, accessory: Block | None = None, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory is not None:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id[:BLOCK_ID]
    return block


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT)}


def context(*texts: str) -> Block:
    elements = [mrkdwn(t, CONTEXT_TEXT) for t in texts if t][:CONTEXT_ELEMENTS]
    return {"type": "context", "elements": elements or [mrkdwn(" ")]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str = "", *, style: str | None = None) -> Block:
    element: Block = {"type": "button", "text": plain(text, BUTTON_TEXT),
                      "action_id": action_id[:ACTION_ID]}
    if value:
        element["value"] = value[:BUTTON_VALUE]
    if style in ("primary", "danger"):
        element["style"] = style
    return element


def option(text: str, value: str) -> Block:
    if len(value) > OPTION_VALUE:
        raise ValueError(f"an option value is at most {OPTION_VALUE} characters")
    return {"text": plain(text, OPTION_TEXT), "value": value}


def overflow(action_id: str, options: list[Block]) -> Block:
    return {"type": "overflow", "action_id": action_id[:ACTION_ID],
            "options": options[:OVERFLOW_OPTIONS]}


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)[:ACTIONS_ELEMENTS]}
    if block_id:
        block["block_id"] = block_id[:BLOCK_ID]
    return block


def fit(blocks: list[Block], limit: int, *, more: Block | None = None) -> list[Block]:
    """At most `limit` blocks; when some had to go, `more` (if given) says so in the last slot."""
    if len(blocks) <= limit:
        return blocks
    if more is None:
        return blocks[:limit]
    return [*blocks[: limit - 1], more]


def join_lines(lines: list[str], limit: int = SECTION_TEXT) -> list[str]:
    """Packs lines into as few texts of at most `limit` characters as it can."""
    chunks: list[str] = []
    current = ""
    for text in lines:
        text = clip_mrkdwn(text, limit)
        if current and len(current) + 1 + len(text) > limit:
            chunks.append(current)
            current = text
        else:
            current = f"{current}\n{text}" if current else text
    if current:
        chunks.append(current)
    return chunks
