"""Slack's Events API (`event_callback`, `url_verification`, `app_rate_limited`) read into an
`Envelope` of checked fields; only the events Cairn subscribes to are taken."""

from __future__ import annotations

from typing import Any

from bots.slack.envelope_model import (
    EVENT,
    EVENTS,
    RATE_LIMITED,
    URL_VERIFICATION,
    Envelope,
    Ignored,
)
from bots.slack.shapes import ID, NAME, SHORT, Malformed, Shape, check_tree


def events_api(data: dict[str, Any]) -> Envelope:
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
