"""Slack's interactivity payloads (`block_actions`, `view_submission`, `view_closed`,
`block_suggestion`, `shortcut`, `message_action`) read into an `Envelope` of checked fields."""

from __future__ import annotations

import re
from typing import Any

from bots.slack.envelope_model import (
    BLOCK_ACTIONS,
    BLOCK_SUGGESTION,
    INTERACTIONS,
    MESSAGE_ACTION,
    MESSAGE_TEXT,
    METADATA,
    SHORTCUT,
    VALUE,
    VIEW_CLOSED,
    VIEW_SUBMISSION,
    Envelope,
    Ignored,
)
from bots.slack.shapes import NAME, SHORT, URL, Malformed, Shape, check_tree

_BLOCK_ID = re.compile(r"[A-Za-z0-9_.:-]{1,255}")


def interaction(data: dict[str, Any]) -> Envelope:
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
