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
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from bots.slack.shapes import ID, NAME, SHORT, URL, Malformed, Shape, check_tree

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
_BLOCK_ID = re.compile(r"[A-Za-z0-9_.:-]{1,255}")


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


def read(raw: bytes, content_type: str) -> Envelope:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Undecodable("a body that is not UTF-8") from None
    if content_type == "application/json":
        return _events_api(_json(text))
    if content_type == "application/x-www-form-urlencoded":
        fields = _form(text)
        if "payload" in fields:
            return _interaction(_json(fields["payload"]))
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


# --- interactivity -----------------------------------------------------------------------------


def _interaction(data: dict[str, Any]) -> Envelope:
    kind = data.get("type")
    courtesy = _courtesy(data, kind if isinstance(kind, str) and kind in INTERACTIONS
                         else "interaction")
    try:
        check_tree(data, "payload")
        return _checked_interaction(Shape(data, "payload"))
    except Malformed as problem:
        raise Ignored(problem, **courtesy) from None


def _courtesy(data: dict[str, Any], kind: str) -> dict[str, str]:
    """Where to say a word about a payload that cannot be used, read as leniently as safe."""
    url = data.get("response_url")
    view = data.get("view")
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    blocks = sorted(k for k in values if _BLOCK_ID.fullmatch(k)) if isinstance(
        values, dict) else []
    return {"kind": kind,
            "response_url": url if isinstance(url, str) and URL.fullmatch(url) else "",
            "first_block": blocks[0] if blocks and kind == VIEW_SUBMISSION else ""}


def _checked_interaction(p: Shape) -> Envelope:
    kind = p.text("type", limit=SHORT, required=True)
    if kind not in INTERACTIONS:
        raise p.wrong("type", "not an interaction Cairn offers")
    user = p.child("user", required=True)
    assert user is not None
    team = p.child("team")
    enterprise = p.child("enterprise")
    submitted = kind in (VIEW_SUBMISSION, VIEW_CLOSED)
    view = _view(p.child("view", required=submitted), submitted=submitted)
    team_id = (team.ident("id", required=True) if team else "") or user.ident("team_id") or (
        view.get("team_id", "") if view else "")
    if not team_id:
        raise p.wrong("team", "missing (no team in the payload, its user or its view)")
    enterprise_id = enterprise.ident("id", required=True) if enterprise else ""
    body: dict[str, Any] = {
        "type": kind,
        "team": {"id": team_id, "domain": team.text("domain", limit=NAME) if team else ""},
        "enterprise": {"id": enterprise_id} if enterprise_id else None,
        "user": {"id": user.ident("id", required=True), "team_id": user.ident("team_id"),
                 "username": user.text("username", limit=NAME),
                 "name": user.text("name", limit=NAME)},
        "api_app_id": p.ident("api_app_id"),
        "trigger_id": p.text("trigger_id", limit=NAME),
        "is_enterprise_install": p.flag("is_enterprise_install"),
    }
    if p.present("response_url"):
        body["response_url"] = p.url("response_url")
    urls = [u.url("response_url", required=True) for u in p.objects("response_urls")]
    if urls:
        body["response_urls"] = [{"response_url": u} for u in urls]
    channel = p.child("channel")
    if channel is not None:
        body["channel"] = {"id": channel.ident("id", required=True),
                           "name": channel.text("name", limit=NAME)}
    container = p.child("container")
    if container is not None:
        body["container"] = {
            "type": container.text("type", limit=SHORT),
            "message_ts": container.text("message_ts", limit=SHORT),
            "view_id": container.text("view_id", limit=SHORT),
            "channel_id": container.ident("channel_id"),
            "is_ephemeral": container.flag("is_ephemeral")}
    message = p.child("message", required=kind == MESSAGE_ACTION)
    if message is not None:
        body["message"] = _message(message)
    if view is not None:
        body["view"] = view
    detail = kind
    if kind == BLOCK_ACTIONS:
        body["actions"] = [_action(a) for a in p.objects("actions", required=True)]
        detail = body["actions"][0]["action_id"]
    elif kind == BLOCK_SUGGESTION:
        detail = body["action_id"] = p.text("action_id", limit=NAME, required=True)
        body["block_id"] = p.text("block_id", limit=NAME)
        body["value"] = p.text("value", limit=VALUE)
    elif kind in (SHORTCUT, MESSAGE_ACTION):
        detail = body["callback_id"] = p.text("callback_id", limit=NAME, required=True)
        body["message_ts"] = p.text("message_ts", limit=SHORT)
    else:
        detail = view["callback_id"] if view else kind
    return Envelope(kind=kind, body=body, team_id=team_id, enterprise_id=enterprise_id,
                    user_id=body["user"]["id"], response_url=body.get("response_url", ""),
                    detail=detail)


def _view(view: Shape | None, *, submitted: bool) -> dict[str, Any] | None:
    if view is None:
        return None
    state = view.child("state")
    values = state.mapping("values") if state else {}
    for block, actions in values.items():
        if not isinstance(actions, dict) or not all(isinstance(e, dict)
                                                    for e in actions.values()):
            raise Malformed(f"{view.path}.state.values", "expected objects of input values")
        if len(block) > NAME:
            raise Malformed(f"{view.path}.state.values", "a block id over 255 characters")
    checked: dict[str, Any] = {
        "id": view.ident("id"), "type": view.text("type", limit=SHORT),
        "callback_id": view.text("callback_id", limit=NAME, required=submitted),
        "private_metadata": view.text("private_metadata", limit=METADATA),
        "hash": view.text("hash", limit=NAME), "team_id": view.ident("team_id"),
        "state": {"values": values}}
    installed = view.ident("app_installed_team_id")
    if installed:
        checked["app_installed_team_id"] = installed
    return checked


def _message(message: Shape) -> dict[str, Any]:
    return {"type": message.text("type", limit=SHORT), "ts": message.text("ts", limit=SHORT),
            "thread_ts": message.text("thread_ts", limit=SHORT) or None,
            "user": message.ident("user"),
            "text": message.text("text", limit=MESSAGE_TEXT),
            "blocks": message.items("blocks")}


def _action(action: Shape) -> dict[str, Any]:
    checked: dict[str, Any] = {
        "action_id": action.text("action_id", limit=NAME, required=True),
        "block_id": action.text("block_id", limit=NAME),
        "type": action.text("type", limit=SHORT),
        "action_ts": action.text("action_ts", limit=SHORT)}
    if action.present("value"):
        checked["value"] = action.text("value", limit=VALUE)
    selected = action.child("selected_option")
    if selected is not None:
        checked["selected_option"] = {"value": selected.text("value", limit=VALUE,
                                                             required=True)}
    return checked


# --- the Events API ----------------------------------------------------------------------------


def _events_api(data: dict[str, Any]) -> Envelope:
    kind = data.get("type")
    try:
        check_tree(data, "")
        p = Shape(data, "")
        kind = p.text("type", limit=SHORT, required=True)
        if kind == URL_VERIFICATION:
            challenge = p.text("challenge", limit=NAME, required=True)
            return Envelope(kind=kind, body={"type": kind, "challenge": challenge})
        if kind == RATE_LIMITED:
            return Envelope(kind=kind, body={"type": kind}, team_id=p.text("team_id",
                                                                            limit=SHORT))
        if kind != EVENT:
            raise p.wrong("type", "not a kind of request Cairn takes")
        return _event_callback(p)
    except Malformed as problem:
        raise Ignored(problem, kind=kind if kind in (EVENT, URL_VERIFICATION) else "event"
                      ) from None


def _event_callback(p: Shape) -> Envelope:
    event = p.child("event", required=True)
    assert event is not None
    event_type = event.text("type", limit=SHORT, required=True)
    if event_type not in EVENTS:
        raise event.wrong("type", "not an event Cairn subscribes to")
    team_id = p.ident("team_id", required=True)
    enterprise_id = p.ident("enterprise_id")
    checked: dict[str, Any] = {"type": event_type, "event_ts": event.text("event_ts",
                                                                          limit=SHORT)}
    if event_type == "app_home_opened":
        checked.update(user=event.ident("user", required=True), tab=event.text("tab", limit=SHORT),
                       channel=event.ident("channel") or None)
    elif event_type == "tokens_revoked":
        tokens = event.child("tokens")
        checked["tokens"] = {name: _ids(tokens, name) for name in ("oauth", "bot")} if (
            tokens) else {}
    # bolt takes the workspace from `authorizations` before `team_id`: they are read for
    # their shape, and only the checked top-level ids are passed on.
    authorizations = p.objects("authorizations")
    for authorization in authorizations:
        for key in ("enterprise_id", "team_id", "user_id"):
            authorization.ident(key)
        authorization.flag("is_bot")
    body: dict[str, Any] = {
        "type": EVENT, "team_id": team_id, "enterprise_id": enterprise_id or None,
        "api_app_id": p.ident("api_app_id"),
        "event_id": p.text("event_id", limit=SHORT, required=True),
        "event_time": p.number("event_time"), "event": checked,
        "is_enterprise_install": authorizations[0].flag("is_enterprise_install")
        if authorizations else False}
    return Envelope(kind=EVENT, body=body, team_id=team_id, enterprise_id=enterprise_id,
                    user_id=checked.get("user") or "", detail=event_type)


def _ids(tokens: Shape, name: str) -> list[str]:
    found = tokens.items(name)
    for index, value in enumerate(found):
        if not isinstance(value, str) or not ID.fullmatch(value):
            raise Malformed(f"{tokens.path}.{name}[{index}]", "not a Slack id")
    return found
