"""Every Slack request read into one typed `Envelope` before bolt or any listener sees it.

The body (already authenticated by `signature`) is decoded here, once: a form (slash commands,
Slack's `ssl_check`), a form holding `payload=<JSON>` (interactivity: `block_actions`,
`view_submission`, `view_closed`, `block_suggestion`, `shortcut`, `message_action`) or JSON
(the Events API: `event_callback`, `url_verification`, `app_rate_limited`).

- A body that is no payload at all (not UTF-8, not JSON, not an object, a field sent twice) is
  `Undecodable`: the caller answers 400.
- A payload without the shape Slack documents (a value of the wrong type, a missing id, an id
  longer than any Slack id, an interaction or event Cairn never asked for) is `Ignored`, naming
  the field: the caller acks it, so Slack does not retry, and changes nothing.
- Anything else becomes an envelope whose `body` holds only the fields that were checked, with
  the types Slack documents: what bolt's context builder, its matchers and Cairn's listeners
  read. Free-form parts (a modal's input values, a message's blocks) are passed on whole, to
  readers that check each value they use.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from bots.slack.envelope_events import events_api
from bots.slack.envelope_interactions import interaction
from bots.slack.envelope_model import (
    COMMAND,
    COMMAND_TEXT,
    FORM_FIELDS,
    SSL_CHECK,
    Envelope,
    Ignored,
    Undecodable,
)
from bots.slack.shapes import NAME, SHORT, URL, Malformed, Shape, check_tree


def read(raw: bytes, content_type: str) -> Envelope:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Undecodable("a body that is not UTF-8") from None
    if content_type == "application/json":
        return events_api(_json(text))
    if content_type == "application/x-www-form-urlencoded":
        fields = _form(text)
        if "payload" in fields:
            return interaction(_json(fields["payload"]))
        if fields.get("ssl_check") == "1":
            return Envelope(kind=SSL_CHECK, body={})
        return _slash_command(fields)
    raise Undecodable(f"a body of type {content_type[:60] or 'unknown'}")


def _json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise Undecodable("JSON that cannot be read") from None
    if not isinstance(data, dict):
        raise Undecodable("JSON that is not an object")
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _form(text: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True,
                          errors="strict", max_num_fields=FORM_FIELDS)
    except ValueError:  # UnicodeDecodeError included
        raise Undecodable("a form that cannot be read") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise Undecodable("a form with a field sent twice")
    return fields


# --- slash commands ----------------------------------------------------------------------------


def _slash_command(fields: dict[str, str]) -> Envelope:
    form = Shape(fields, "")
    url = fields.get("response_url", "")
    courtesy = {"kind": COMMAND, "response_url": url if URL.fullmatch(url) else ""}
    try:
        check_tree(fields, "")
        command = form.text("command", limit=SHORT, required=True)
        if not command.startswith("/"):
            raise form.wrong("command", "not a slash command")
        body = {
            "command": command, "text": form.text("text", limit=COMMAND_TEXT),
            "team_id": form.ident("team_id", required=True),
            "team_domain": form.text("team_domain", limit=NAME),
            "enterprise_id": form.ident("enterprise_id"),
            "enterprise_name": form.text("enterprise_name", limit=NAME),
            "channel_id": form.ident("channel_id"),
            "channel_name": form.text("channel_name", limit=NAME),
            "user_id": form.ident("user_id", required=True),
            "user_name": form.text("user_name", limit=NAME),
            "api_app_id": form.ident("api_app_id"),
            "is_enterprise_install": _true_or_false(form, "is_enterprise_install"),
            "response_url": form.url("response_url", required=True),
            "trigger_id": form.text("trigger_id", limit=NAME),
        }
    except Malformed as problem:
        raise Ignored(problem, **courtesy) from None
    return Envelope(kind=COMMAND, body=body, team_id=body["team_id"],
                    enterprise_id=body["enterprise_id"], user_id=body["user_id"],
                    response_url=body["response_url"], detail=command)


def _true_or_false(form: Shape, key: str) -> str:
    value = form.text(key, limit=5)
    if value not in ("", "true", "false"):
        raise form.wrong(key, "expected true or false")
    return value or "false"
