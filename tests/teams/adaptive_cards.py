"""Adaptive Cards as Teams checks them, in the basics: schema 1.5 elements and actions, their
required properties and enumerations, unique input ids, Teams' 28 KB message limit, and text
that stayed escaped (no raw HTML or `<at>` mention that Cairn did not mean).

`card_problems(card)` and `activity_problems(activity)` return what Teams would refuse or
render wrongly (empty when fine). The fake connector answers 400 to any activity with a
problem, and renderer tests check every card the same way.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Teams refuses a message whose payload is larger than this (activity JSON, cards included).
MESSAGE_BYTES = 28 * 1024  # measured as JSON with non-ASCII escaped, as the SDK sends it
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5")

ELEMENTS = {"TextBlock", "RichTextBlock", "Image", "Media", "Container", "ColumnSet", "FactSet",
            "ImageSet", "ActionSet", "Table", "Input.Text", "Input.Number", "Input.Date",
            "Input.Time", "Input.Toggle", "Input.ChoiceSet"}
ACTIONS = {"Action.Submit", "Action.OpenUrl", "Action.ShowCard", "Action.ToggleVisibility",
           "Action.Execute"}
ENUMS = {
    "size": {"default", "small", "medium", "large", "extraLarge"},
    "weight": {"default", "lighter", "bolder"},
    "color": {"default", "dark", "light", "accent", "good", "warning", "attention"},
    "spacing": {"none", "small", "default", "medium", "large", "extraLarge", "padding"},
    "horizontalAlignment": {"left", "center", "right"},
    "verticalContentAlignment": {"top", "center", "bottom"},
    "fontType": {"default", "monospace"},
}
CONTAINER_STYLES = {"default", "emphasis", "good", "attention", "warning", "accent"}
ACTION_STYLES = {"default", "positive", "destructive"}
ACTION_MODES = {"primary", "secondary"}
#: Teams shows at most this many actions in a row; more are a sign of a runaway renderer.
MAX_ACTIONS = 6
# Markdown text must not carry HTML (Adaptive Cards do not render it) nor a raw mention tag.
_RAW_TAG = re.compile(r"<\s*/?\s*[A-Za-z!]")


def activity_problems(activity: dict[str, Any]) -> list[str]:
    found: list[str] = []
    size = len(json.dumps(activity).encode("utf-8"))
    if size > MESSAGE_BYTES:
        found.append(f"activity is {size} bytes, over Teams' {MESSAGE_BYTES}")
    if activity.get("type") not in ("message", "typing", "invokeResponse", None):
        found.append(f"unexpected activity type {activity.get('type')!r}")
    attachments = activity.get("attachments") or []
    if not isinstance(attachments, list):
        return [*found, "attachments is not a list"]
    if activity.get("type", "message") == "message" and not attachments and not (
            activity.get("text") or "").strip():
        found.append("a message with neither text nor attachments")
    for n, attachment in enumerate(attachments):
        if not isinstance(attachment, dict):
            found.append(f"attachment {n} is not an object")
        elif attachment.get("contentType") == CARD_CONTENT_TYPE:
            found += [f"attachment {n}: {p}" for p in card_problems(attachment.get("content"))]
    return found


def card_problems(card: Any) -> list[str]:
    """What is wrong with an Adaptive Card (the `content` of its attachment)."""
    if not isinstance(card, dict):
        return ["the card is not an object"]
    found: list[str] = []
    if card.get("type") != "AdaptiveCard":
        found.append(f"type is {card.get('type')!r}, not 'AdaptiveCard'")
    if card.get("version") not in VERSIONS:
        found.append(f"version {card.get('version')!r} is not one Teams renders (up to 1.5)")
    size = len(json.dumps(card).encode("utf-8"))
    if size > MESSAGE_BYTES:
        found.append(f"card is {size} bytes, over {MESSAGE_BYTES}")
    ids: set[str] = set()
    _elements(card.get("body", []), "body", found, ids)
    _actions(card.get("actions", []), "actions", found, ids)
    msteams = card.get("msteams")
    if msteams is not None and (not isinstance(msteams, dict)
                                or msteams.get("width", "Full") != "Full"):
        found.append("msteams must be an object whose width, if any, is 'Full'")
    return found


def _enums(item: dict[str, Any], where: str, found: list[str]) -> None:
    for name, allowed in ENUMS.items():
        value = item.get(name)
        if value is not None and value not in allowed:
            found.append(f"{where}: {name} {value!r} is not one of {sorted(allowed)}")
    for name in ("wrap", "isSubtle", "separator", "isVisible"):
        if name in item and not isinstance(item[name], bool):
            found.append(f"{where}: {name} must be a boolean")
    if "id" in item and not isinstance(item["id"], str):
        found.append(f"{where}: id must be a string")


def _markdown(text: Any, where: str, found: list[str]) -> None:
    if not isinstance(text, str):
        found.append(f"{where}: text must be a string")
    elif _RAW_TAG.search(text):
        found.append(f"{where}: raw HTML or mention tag in markdown: {text[:120]!r}")


def _unique(item: dict[str, Any], where: str, found: list[str], ids: set[str]) -> None:
    ident = item.get("id")
    if isinstance(ident, str):
        if ident in ids:
            found.append(f"{where}: id {ident!r} is used twice")
        ids.add(ident)


def _elements(items: Any, where: str, found: list[str], ids: set[str]) -> None:
    if not isinstance(items, list):
        found.append(f"{where} is not a list")
        return
    for n, item in enumerate(items):
        here = f"{where}[{n}]"
        if not isinstance(item, dict):
            found.append(f"{here} is not an object")
            continue
        kind = item.get("type")
        if kind not in ELEMENTS:
            found.append(f"{here}: unknown element type {kind!r}")
            continue
        here = f"{here} {kind}"
        _enums(item, here, found)
        _unique(item, here, found, ids)
        if kind == "TextBlock":
            _markdown(item.get("text"), here, found)
        elif kind == "FactSet":
            facts = item.get("facts")
            if not isinstance(facts, list) or not facts:
                found.append(f"{here}: facts must be a non-empty list")
            else:
                for fact in facts:
                    if not isinstance(fact, dict):
                        found.append(f"{here}: a fact is not an object")
                        continue
                    _markdown(fact.get("title"), f"{here} fact title", found)
                    _markdown(fact.get("value"), f"{here} fact value", found)
        elif kind == "Container":
            if item.get("style", "default") not in CONTAINER_STYLES:
                found.append(f"{here}: style {item.get('style')!r}")
            _elements(item.get("items"), f"{here}.items", found, ids)
            if "selectAction" in item:
                _actions([item["selectAction"]], f"{here}.selectAction", found, ids)
        elif kind == "ColumnSet":
            for c, column in enumerate(item.get("columns") or []):
                if not isinstance(column, dict) or column.get("type", "Column") != "Column":
                    found.append(f"{here}.columns[{c}] is not a Column")
                    continue
                width = column.get("width")
                if width is not None and not (width in ("auto", "stretch")
                                              or isinstance(width, int)
                                              or (isinstance(width, str)
                                                  and re.fullmatch(r"\d+(px)?", width))):
                    found.append(f"{here}.columns[{c}]: width {width!r}")
                _elements(column.get("items", []), f"{here}.columns[{c}].items", found, ids)
        elif kind == "ActionSet":
            _actions(item.get("actions"), f"{here}.actions", found, ids)
        elif kind == "Image":
            if not isinstance(item.get("url"), str):
                found.append(f"{here}: url is required")
        elif kind.startswith("Input."):
            if not isinstance(item.get("id"), str) or not item["id"]:
                found.append(f"{here}: an input needs an id")
            if kind == "Input.ChoiceSet":
                for choice in item.get("choices") or []:
                    if not (isinstance(choice, dict) and isinstance(choice.get("title"), str)
                            and isinstance(choice.get("value"), str)):
                        found.append(f"{here}: a choice needs a title and a value (strings)")


def _actions(items: Any, where: str, found: list[str], ids: set[str]) -> None:
    if not isinstance(items, list):
        found.append(f"{where} is not a list")
        return
    primary = [a for a in items if isinstance(a, dict) and a.get("mode", "primary") == "primary"]
    if len(primary) > MAX_ACTIONS:
        found.append(f"{where}: {len(primary)} primary actions, more than {MAX_ACTIONS}")
    for n, action in enumerate(items):
        here = f"{where}[{n}]"
        if not isinstance(action, dict):
            found.append(f"{here} is not an object")
            continue
        kind = action.get("type")
        if kind not in ACTIONS:
            found.append(f"{here}: unknown action type {kind!r}")
            continue
        here = f"{here} {kind}"
        _unique(action, here, found, ids)
        title = action.get("title")
        if not isinstance(title, str) or not title.strip():
            found.append(f"{here}: an action needs a title")
        if action.get("style", "default") not in ACTION_STYLES:
            found.append(f"{here}: style {action.get('style')!r}")
        if action.get("mode", "primary") not in ACTION_MODES:
            found.append(f"{here}: mode {action.get('mode')!r}")
        if kind == "Action.OpenUrl" and not (isinstance(action.get("url"), str)
                                             and action["url"].startswith(("https://",
                                                                           "http://"))):
            found.append(f"{here}: url must be an http(s) address")
        if kind in ("Action.Submit", "Action.Execute") and "data" in action and not isinstance(
                action["data"], dict | str):
            found.append(f"{here}: data must be an object or a string")
        if kind == "Action.ShowCard":
            inner = action.get("card")
            if not isinstance(inner, dict) or inner.get("type") != "AdaptiveCard":
                found.append(f"{here}: card must be an AdaptiveCard")
            else:
                _elements(inner.get("body", []), f"{here}.card.body", found, ids)
                _actions(inner.get("actions", []), f"{here}.card.actions", found, ids)
