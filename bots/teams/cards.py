"""Adaptive Card 1.5 pieces that keep Teams' rules by construction.

Every text given to these builders is markdown Cairn made (user text already escaped with
`markdown.escape`). `card` wraps a body and actions as a full-width card; `fit` keeps a card
under `CARD_BYTES` whatever it holds, dropping whole elements from the end and saying so.

Buttons are `Action.Submit`s whose `data` says what to do (read by the Teams handlers):

    {"cairn": {"verb": "run", "arg": "done #2", "stamp": "9f3a1c2b"}}

- `verb` is the kind of action, the same names as Slack's action ids: `run` (`arg` is a line
  of the shared grammar), `checkin`, `comment`, `edit` (`arg` is `#N`), `new`, `snooze`
  (`arg` is `<nudge id> <preset>`), `nudge.done` (`arg` is `#N`), `vacation`, `settings`;
- `stamp` is fresh for each rendering, so the same button clicked twice on one card is one
  request, while the same button on a newer card is a new one;
- buttons that open a form carry `"msteams": {"type": "task/fetch"}` too: Teams then asks for
  the form with a `task/fetch` invoke carrying this data.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from core.humanize import ellipsis

Element = dict[str, Any]

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
#: Teams refuses messages over 28 KB; the card gets this much, the activity's envelope the rest.
#: Measured as the JSON the SDK sends (non-ASCII as \u escapes: the worst case).
CARD_BYTES = 24 * 1024
ACTION_TITLE = 40
ARG = 500
#: Teams shows about six buttons in a row; cards keep to that many primary actions.
PRIMARY_ACTIONS = 6
#: Verbs whose button opens a form (a task module) rather than acting at once.
FORM_VERBS = frozenset({"checkin", "comment", "edit", "new", "vacation", "settings"})


def nonce() -> str:
    return secrets.token_hex(4)


def text(markdown: str, *, size: str | None = None, weight: str | None = None,
         color: str | None = None, subtle: bool = False, spacing: str | None = None,
         separator: bool = False) -> Element:
    block: Element = {"type": "TextBlock", "text": markdown or " ", "wrap": True}
    if size:
        block["size"] = size
    if weight:
        block["weight"] = weight
    if color:
        block["color"] = color
    if subtle:
        block["isSubtle"] = True
    if spacing:
        block["spacing"] = spacing
    if separator:
        block["separator"] = True
    return block


def facts(pairs: list[tuple[str, str]]) -> Element:
    """A fact set of (title, value) markdown pairs; an empty list gives an empty TextBlock."""
    if not pairs:
        return text(" ")
    return {"type": "FactSet", "facts": [{"title": t, "value": v or " "} for t, v in pairs]}


def container(items: list[Element], *, style: str | None = None,
              select: Element | None = None, spacing: str | None = None,
              separator: bool = False) -> Element:
    block: Element = {"type": "Container", "items": items or [text(" ")]}
    if style:
        block["style"] = style
    if select is not None:
        block["selectAction"] = select
    if spacing:
        block["spacing"] = spacing
    if separator:
        block["separator"] = True
    return block


def submit(title: str, verb: str, arg: str = "", *, stamp: str, style: str | None = None,
           secondary: bool = False) -> Element:
    data: dict[str, Any] = {"cairn": {"verb": verb, "arg": arg[:ARG], "stamp": stamp}}
    if verb in FORM_VERBS:
        data["msteams"] = {"type": "task/fetch"}
    action: Element = {"type": "Action.Submit", "title": ellipsis(title, ACTION_TITLE),
                       "data": data}
    if style in ("positive", "destructive"):
        action["style"] = style
    if secondary:
        action["mode"] = "secondary"
    return action


def select(verb: str, arg: str, *, stamp: str) -> Element:
    """The action of a tapped container (no title is shown, but 1.5 wants one)."""
    return submit("Open", verb, arg, stamp=stamp)


def open_url(title: str, url: str) -> Element | None:
    if not url.startswith(("https://", "http://")):
        return None
    return {"type": "Action.OpenUrl", "title": ellipsis(title, ACTION_TITLE), "url": url}


def show_card(title: str, body: list[Element], actions: list[Element]) -> Element:
    """A button that unfolds a small card (a menu of choices, in place)."""
    inner: Element = {"type": "AdaptiveCard", "body": body, "actions": actions}
    return {"type": "Action.ShowCard", "title": ellipsis(title, ACTION_TITLE), "card": inner}


def action_set(actions: list[Element]) -> Element:
    return {"type": "ActionSet", "actions": actions[:PRIMARY_ACTIONS]}


def card(body: list[Element], actions: list[Element] | None = None) -> Element:
    content: Element = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION,
                        "body": body or [text(" ")], "msteams": {"width": "Full"}}
    if actions:
        primary = [a for a in actions if a.get("mode") != "secondary"][:PRIMARY_ACTIONS]
        content["actions"] = primary + [a for a in actions if a.get("mode") == "secondary"]
    return content


def size(content: Element) -> int:
    return len(json.dumps(content, separators=(",", ":")))


def fit(content: Element, note: str = "…cut short: the rest did not fit in one card.",
        limit: int = CARD_BYTES) -> Element:
    """The card, or the card with body elements dropped from the end (and `note` said) until it
    fits in `limit` bytes. The first element (the headline) always stays."""
    if size(content) <= limit:
        return content
    body = list(content["body"])
    trimmed = {**content, "body": body}
    while len(body) > 1:
        body.pop()
        trimmed["body"] = [*body, text(note, subtle=True)]
        if size(trimmed) <= limit:
            return trimmed
    # The first element alone is too large (it never is, by how views are built): say so.
    trimmed["body"] = [text(note, subtle=True)]
    if size(trimmed) > limit:
        trimmed.pop("actions", None)
    return trimmed


def attachment(content: Element) -> Element:
    return {"contentType": CONTENT_TYPE, "content": content}
