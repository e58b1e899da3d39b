"""Read a view submission into the form's values: `view.state.values` (block id -> action id
-> the element's state) into `{field name: text}` as the core reads it (`form_commands`), and
the Slack users picked in people pickers, which the core names by identity once Cairn knows
them.

Whatever the element (a forged payload may hold anything), only text comes out: a choice's
value, a date as Slack sends it (`YYYY-MM-DD`), a time (`HH:MM`), ticked boxes' values joined
by commas.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TEXT_LIMIT = 50_000  # far beyond any field; the core says what is too long
PEOPLE = 20


@dataclass(frozen=True, slots=True)
class ViewValues:
    values: dict[str, str]
    #: People pickers: block id -> Slack user ids, in the order picked.
    people: dict[str, tuple[str, ...]]
    #: The input blocks the form showed, in its order.
    shown: tuple[str, ...]


def read_state(state: Any) -> ViewValues:
    blocks = state.get("values") if isinstance(state, Mapping) else None
    values: dict[str, str] = {}
    people: dict[str, tuple[str, ...]] = {}
    shown: list[str] = []
    for block_id, actions in (blocks or {}).items() if isinstance(blocks, Mapping) else ():
        if not isinstance(block_id, str) or not isinstance(actions, Mapping):
            continue
        shown.append(block_id)
        element = next((e for e in actions.values() if isinstance(e, Mapping)), {})
        if "selected_users" in element or "selected_user" in element:
            people[block_id] = _users(element)
        else:
            values[block_id] = _text(element)[:TEXT_LIMIT]
    return ViewValues(values=values, people=people, shown=tuple(shown))


def _text(element: Mapping[str, Any]) -> str:
    for key in ("value", "selected_date", "selected_time", "selected_conversation"):
        if isinstance(element.get(key), str):
            return str(element[key])
    selected = element.get("selected_option")
    if isinstance(selected, Mapping):
        return str(selected.get("value") or "")
    ticked = element.get("selected_options")
    if isinstance(ticked, list):
        return ",".join(str(o["value"]) for o in ticked if isinstance(o, Mapping)
                        and isinstance(o.get("value"), str))
    return ""


def _users(element: Mapping[str, Any]) -> tuple[str, ...]:
    many = element.get("selected_users")
    found = many if isinstance(many, list) else [element.get("selected_user")]
    return tuple(dict.fromkeys(u for u in found if isinstance(u, str) and u))[:PEOPLE]
