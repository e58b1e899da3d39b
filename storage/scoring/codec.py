"""Scoring's frozen dataclasses as JSON and back, driven by their type hints.

The ledger keeps records (an item's, a streak's), rules and logged events whole; their shape is
the core's, so storage reads them back without knowing what each field means. Decimals travel as
strings (exact), dates and datetimes as ISO text, enums by value, NewTypes as their base type.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, TypeVar, get_args, get_origin

from core.scoring import events as scoring_events

T = TypeVar("T")

#: Every scoring event by the name stored beside it in the log.
EVENT_TYPES: dict[str, type[scoring_events.ScoringEvent]] = {
    cls.__name__: cls for cls in (
        scoring_events.ItemCreated, scoring_events.DeadlineMoved, scoring_events.MoveApproved,
        scoring_events.PriorityChanged, scoring_events.OwnerChanged,
        scoring_events.ContributorsChanged, scoring_events.ItemDone,
        scoring_events.ItemReopened, scoring_events.ItemCancelled,
        scoring_events.CheckInCycleEnded, scoring_events.VacationRecorded)
}


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(encode(v) for v in value)
    return value


def decode(cls: type[T], data: Any) -> T:
    return typing.cast(T, _decode(cls, data))


def _decode(hint: Any, data: Any) -> Any:
    if data is None:
        return None
    supertype = getattr(hint, "__supertype__", None)
    if supertype is not None:  # a NewType
        return _decode(supertype, data)
    origin = get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        options = [a for a in get_args(hint) if a is not type(None)]
        return _decode(options[0], data)
    if origin is tuple:
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in data)
        return tuple(_decode(a, v) for a, v in zip(args, data, strict=True))
    if origin in (frozenset, set):
        return frozenset(_decode(get_args(hint)[0], v) for v in data)
    if isinstance(hint, type):
        if dataclasses.is_dataclass(hint):
            hints = _hints(hint)
            return hint(**{f.name: _decode(hints[f.name], data[f.name])
                           for f in dataclasses.fields(hint) if f.init and f.name in data})
        if issubclass(hint, Enum):
            return hint(data)
        if hint is Decimal:
            return Decimal(data)
        if hint is datetime:
            return datetime.fromisoformat(data)
        if hint is date:
            return date.fromisoformat(data)
        if hint is time:
            return time.fromisoformat(data)
    return data


def encode_event(event: scoring_events.ScoringEvent) -> tuple[str, dict[str, Any]]:
    return type(event).__name__, encode(event)


def decode_event(kind: str, data: dict[str, Any]) -> scoring_events.ScoringEvent:
    return decode(EVENT_TYPES[kind], data)
