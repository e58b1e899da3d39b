"""Slack request bodies in their real shapes: slash commands (form fields), interactivity
(`payload=` JSON: block_actions, view_submission, block_suggestion, shortcuts) and the Events
API (`event_callback` JSON)."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode


def trigger() -> str:
    return f"{int(time.time())}.1234.{secrets.token_hex(8)}"


def user(user_id: str, team: str, name: str = "") -> dict[str, Any]:
    return {"id": user_id, "username": name or user_id.lower(), "name": name or user_id.lower(),
            "team_id": team}


def team(team_id: str) -> dict[str, Any]:
    return {"id": team_id, "domain": team_id.lower()}


def slash_command(text: str, *, user_id: str, team_id: str, channel: str, response_url: str,
                  user_name: str = "") -> str:
    return urlencode({
        "token": "legacy-verification-token", "team_id": team_id,
        "team_domain": team_id.lower(), "channel_id": channel, "channel_name": "general",
        "user_id": user_id, "user_name": user_name or user_id.lower(), "command": "/cairn",
        "text": text, "api_app_id": "ACAIRN", "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": trigger()})


def interactive(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def block_action(action_id: str, value: str, *, user_id: str, team_id: str,
                 response_url: str = "", channel: str = "C1", message_ts: str = "1700.1",
                 block_id: str = "card.1", ephemeral: bool = True, home_view: str = "",
                 overflow: bool = False, modal_view: dict[str, Any] | None = None,
                 select: bool = False, message: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    """A click; `select`: an option chosen in a static select; `message`: the message clicked
    in as Slack sends it back (its `text` and `blocks`)."""
    action: dict[str, Any] = {"action_id": action_id, "block_id": block_id,
                              "action_ts": f"{time.time():.6f}"}
    if select:
        action.update(type="static_select", selected_option={
            "text": {"type": "plain_text", "text": value}, "value": value})
    elif overflow:
        action.update(type="overflow", selected_option={
            "text": {"type": "plain_text", "text": value}, "value": value})
    else:
        action.update(type="button", value=value,
                      text={"type": "plain_text", "text": "Button"})
    body: dict[str, Any] = {
        "type": "block_actions", "user": user(user_id, team_id), "api_app_id": "ACAIRN",
        "token": "legacy-verification-token", "trigger_id": trigger(), "team": team(team_id),
        "enterprise": None, "is_enterprise_install": False, "actions": [action],
        "state": {"values": {}}}
    if home_view:
        body["container"] = {"type": "view", "view_id": home_view}
        body["view"] = {"id": home_view, "type": "home", "team_id": team_id, "blocks": []}
    elif modal_view is not None:
        body["container"] = {"type": "view", "view_id": modal_view["id"]}
        body["view"] = modal_view
    else:
        body["container"] = {"type": "message", "message_ts": message_ts, "channel_id": channel,
                             "is_ephemeral": ephemeral}
        body["channel"] = {"id": channel, "name": "general"}
        body["message"] = {"type": "message", "ts": message_ts, "text": "card",
                           **(message or {})}
        body["response_url"] = response_url
    return body


def view_submission(view: dict[str, Any], values: dict[str, Any], *, user_id: str,
                    team_id: str, view_id: str = "") -> dict[str, Any]:
    submitted = {**view, "id": view_id or view.get("id") or "V" + secrets.token_hex(4).upper(),
                 "team_id": team_id, "state": {"values": values},
                 "hash": secrets.token_hex(6)}
    return {"type": "view_submission", "team": team(team_id), "user": user(user_id, team_id),
            "api_app_id": "ACAIRN", "token": "legacy-verification-token",
            "trigger_id": trigger(), "view": submitted, "response_urls": [],
            "is_enterprise_install": False, "enterprise": None}


def suggestion(action_id: str, value: str, *, user_id: str, team_id: str,
               view: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "block_suggestion", "user": user(user_id, team_id),
            "container": {"type": "view", "view_id": "VFORM"}, "api_app_id": "ACAIRN",
            "token": "legacy-verification-token", "action_id": action_id,
            "block_id": "parent", "value": value, "team": team(team_id), "enterprise": None,
            "is_enterprise_install": False, "view": view or {"id": "VFORM", "type": "modal",
                                                              "private_metadata": "{}"}}


def global_shortcut(callback_id: str, *, user_id: str, team_id: str) -> dict[str, Any]:
    return {"type": "shortcut", "token": "legacy-verification-token",
            "action_ts": f"{time.time():.6f}", "team": team(team_id),
            "user": user(user_id, team_id), "is_enterprise_install": False, "enterprise": None,
            "callback_id": callback_id, "trigger_id": trigger()}


def message_shortcut(callback_id: str, text: str, *, user_id: str, team_id: str,
                     channel: str, response_url: str, author: str = "U2",
                     ts: str = "1700000123.000200") -> dict[str, Any]:
    return {"type": "message_action", "token": "legacy-verification-token",
            "action_ts": f"{time.time():.6f}", "team": team(team_id),
            "user": user(user_id, team_id), "channel": {"id": channel, "name": "general"},
            "is_enterprise_install": False, "enterprise": None, "callback_id": callback_id,
            "trigger_id": trigger(), "response_url": response_url, "message_ts": ts,
            "message": {"type": "message", "user": author, "ts": ts, "text": text}}


def event_callback(event: dict[str, Any], *, team_id: str, event_id: str = "",
                   enterprise_id: str | None = None) -> dict[str, Any]:
    return {"token": "legacy-verification-token", "team_id": team_id,
            "enterprise_id": enterprise_id, "api_app_id": "ACAIRN", "event": event,
            "type": "event_callback", "event_id": event_id or "Ev" + secrets.token_hex(5).upper(),
            "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": enterprise_id, "team_id": team_id,
                                "user_id": "UCAIRNBOT", "is_bot": True}],
            "is_ext_shared_channel": False}
