"""Block Kit as Slack checks it: slack_sdk's models, DESIGN §6's limits, and mrkdwn escaping.

`problems(...)` returns what Slack would refuse (empty when the payload is fine). The fake Slack
API answers `invalid_blocks` for any payload with a problem, and tests check every ack body the
same way, so a renderer cannot produce anything Slack would reject without a test failing.
"""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
SURFACE_BLOCKS = 100
LIMITS = {"section": 3000, "header": 150, "button": 75, "option_text": 75, "option_value": 150,
          "options": 100, "modal_title": 24, "private_metadata": 3000}

# In mrkdwn, `<` opens Slack markup and `&` an entity: anything else is unescaped user text.
_TOKEN = re.compile(r"<(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|![a-z^A-Z0-9|@-]+|https?://[^<>\s]+|"
                    r"mailto:[^<>\s]+)(?:\|[^<>]*)?>")
_ENTITY = re.compile(r"&(?:amp|lt|gt);")


def mrkdwn_problems(text: str, where: str) -> list[str]:
    rest = _ENTITY.sub("", _TOKEN.sub("", text))
    found = []
    for char in "<>&":
        if char in rest:
            found.append(f"{where}: unescaped {char!r} in mrkdwn: {text[:120]!r}")
    return found


def _walk(value: Any, where: str, found: list[str]) -> None:
    if isinstance(value, dict):
        kind = value.get("type")
        if kind == "mrkdwn" and isinstance(value.get("text"), str):
            found += mrkdwn_problems(value["text"], where)
        if kind in ("static_select", "external_select", "multi_static_select", "overflow"):
            options = value.get("options") or []
            if len(options) > LIMITS["options"]:
                found.append(f"{where}: {len(options)} options")
        if "value" in value and "text" in value and isinstance(value.get("text"), dict) and (
                kind is None):
            if len(value["text"].get("text", "")) > LIMITS["option_text"]:
                found.append(f"{where}: option text too long")
            if len(str(value["value"])) > LIMITS["option_value"]:
                found.append(f"{where}: option value too long")
        for key, item in value.items():
            _walk(item, f"{where}.{key}", found)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{where}[{i}]", found)


def block_problems(blocks: list[dict[str, Any]], limit: int) -> list[str]:
    found: list[str] = []
    if len(blocks) > limit:
        found.append(f"{len(blocks)} blocks (at most {limit})")
    for i, raw in enumerate(blocks):
        try:
            parsed = Block.parse(raw)
            if parsed is None:
                found.append(f"block {i}: unknown")
                continue
            parsed.validate_json()
            again = parsed.to_dict()
        except (SlackObjectFormationError, KeyError, TypeError, ValueError) as error:
            found.append(f"block {i}: {error}")
            continue
        if _shape(again) != _shape(raw):
            found.append(f"block {i}: attributes Slack does not know: {raw}")
        _walk(raw, f"block {i}", found)
    return found


def _shape(value: Any) -> Any:
    """Keys and nesting, ignoring values slack_sdk normalises (emoji flags and the like)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if k not in ("emoji", "verbatim")}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return None


def message_problems(payload: dict[str, Any]) -> list[str]:
    found: list[str] = []
    blocks = payload.get("blocks")
    if blocks is not None:
        if not isinstance(blocks, list):
            return ["blocks is not a list"]
        found += block_problems(blocks, MESSAGE_BLOCKS)
    text = payload.get("text")
    if not blocks and not text:
        found.append("a message needs text or blocks")
    return found


def view_problems(view: dict[str, Any]) -> list[str]:
    found: list[str] = []
    blocks = view.get("blocks") or []
    found += block_problems(blocks, SURFACE_BLOCKS)
    try:
        View(**view).validate_json()
    except (SlackObjectFormationError, TypeError, ValueError) as error:
        found.append(f"view: {error}")
    title = (view.get("title") or {}).get("text", "")
    if view.get("type") == "modal" and not 1 <= len(title) <= LIMITS["modal_title"]:
        found.append(f"modal title {title!r}")
    if len(view.get("private_metadata") or "") > LIMITS["private_metadata"]:
        found.append("private_metadata too long")
    return found
