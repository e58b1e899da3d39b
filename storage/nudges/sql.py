"""The little SQL that differs between SQLite and PostgreSQL in the nudges' set queries.

Sets go to the database as parameters read as a table (arrays unnested on PostgreSQL, one JSON
array read with `json_each` on SQLite): a sweep's ten thousand people are one statement, not
ten thousand, and never hit a limit on bound parameters.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from storage.config import Dialect

#: Column types of a record set: PostgreSQL's array type for each.
PG_ARRAYS = {"int": "bigint[]", "text": "text[]", "date": "date[]", "ts": "timestamptz[]",
             "bool": "boolean[]", "json": "text[]"}
Columns = Sequence[tuple[str, str]]


def records(dialect: Dialect, columns: Columns, alias: str = "x") -> str:
    """A FROM item reading a set of rows passed as parameters (`record_params`).

    PostgreSQL: one array per column, unnested together (asyncpg sends arrays in binary).
    SQLite: one JSON array of rows. A `json` column arrives as text on PostgreSQL: read it
    with `json_value`.
    """
    names = ", ".join(name for name, _ in columns)
    if dialect == "postgres":
        arrays = ", ".join(f"CAST(? AS {PG_ARRAYS[kind]})" for _, kind in columns)
        return f"unnest({arrays}) AS {alias}({names})"
    picks = ", ".join(f"json_extract(value, '$[{i}]') AS {name}"
                      for i, (name, _) in enumerate(columns))
    return f"(SELECT {picks} FROM json_each(?)) AS {alias}"


def record_params(dialect: Dialect, columns: Columns,
                  rows: Iterable[Sequence[object]]) -> list[object]:
    """The parameters of `records(dialect, columns)` for these rows (in column order)."""
    kinds = [kind for _, kind in columns]
    if dialect == "postgres":
        listed = list(rows)
        return [[json.dumps(row[i]) if kind == "json" else row[i] for row in listed]
                for i, kind in enumerate(kinds)]
    return [json.dumps([[value(dialect, item) for item in row] for row in rows])]


def json_value(dialect: Dialect, expression: str) -> str:
    return f"CAST({expression} AS jsonb)" if dialect == "postgres" else expression


def value(dialect: Dialect, item: object) -> object:
    """A Python value as the database compares it (SQLite keeps dates and times as text)."""
    if isinstance(item, datetime):
        moment = item.astimezone(UTC)
        return moment.isoformat() if dialect == "postgres" else str(moment)
    if isinstance(item, date):
        return item.isoformat()
    return item


def ids_in(dialect: Dialect, column: str) -> str:
    """`column` is one of the ids passed as one parameter (see `ids_param`)."""
    if dialect == "postgres":
        return f"{column} = ANY(CAST(? AS bigint[]))"
    return f"{column} IN (SELECT value FROM json_each(?))"


def ids_param(dialect: Dialect, ids: Collection[int]) -> object:
    items = sorted({int(i) for i in ids})
    return items if dialect == "postgres" else json.dumps(items)


def param(dialect: Dialect, item: object) -> object:
    """A scalar parameter: PostgreSQL takes dates and times as such, SQLite as text."""
    if dialect == "postgres":
        return item
    return value(dialect, item)


def works_on(dialect: Dialect, days: str, weekday: str) -> str:
    """The JSON list of working days `days` contains `weekday` (or is empty: Monday-Friday,
    which the core decides)."""
    if dialect == "postgres":
        return (f"({days} @> to_jsonb({weekday}) OR jsonb_array_length({days}) = 0)")
    return (f"(EXISTS (SELECT 1 FROM json_each({days}) AS d WHERE d.value = {weekday}) "
            f"OR json_array_length({days}) = 0)")


def moment(raw: object) -> datetime:
    if isinstance(raw, datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(raw))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def maybe_moment(raw: object) -> datetime | None:
    return None if raw is None else moment(raw)


def day(raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    return date.fromisoformat(str(raw)[:10])


def maybe_day(raw: object) -> date | None:
    return None if raw is None else day(raw)


def from_json(raw: object) -> Any:
    return json.loads(raw) if isinstance(raw, str | bytes) else raw
