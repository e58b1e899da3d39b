"""The hot path's writes as plain statements, without tortoise's query builder.

A check-in saves its milestone and inserts its update, its activity entry and its notifications.
Built by tortoise, each statement costs more CPU in its query builder (a pypika query copied
and rendered anew every time) than the database spends running it. Here the SQL text is made
once per table and set of columns and kept, and the values go through the same field
conversions tortoise applies (`to_db_value`), so the rows are exactly the ones it would write,
on both backends.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from tortoise.models import Model

from storage.config import Dialect


@lru_cache(maxsize=256)
def _update_sql(model: type[Model], names: tuple[str, ...], where: str, dialect: Dialect) -> str:
    table = model._meta.db_table
    sets = ", ".join(f'"{_column(model, name)}" = ?' for name in names)
    return _placeholders(f'UPDATE "{table}" SET {sets} WHERE {where}', dialect)


@lru_cache(maxsize=256)
def _insert_sql(model: type[Model], names: tuple[str, ...], dialect: Dialect) -> str:
    table = model._meta.db_table
    columns = ", ".join(f'"{_column(model, name)}"' for name in names)
    marks = ", ".join("?" for _ in names)
    return _placeholders(
        f'INSERT INTO "{table}" ({columns}) VALUES ({marks}) RETURNING "id"', dialect)


def _placeholders(sql: str, dialect: Dialect) -> str:
    """`?` placeholders as the backend's driver wants them (asyncpg: `$1`, `$2`, ...)."""
    if dialect != "postgres":
        return sql
    numbers = itertools.count(1)
    return re.sub(r"\?", lambda _: f"${next(numbers)}", sql)


def _column(model: type[Model], name: str) -> str:
    return str(getattr(model._meta.fields_map[name], "source_field", None) or name)


def _values(model: type[Model], columns: Mapping[str, Any]) -> list[Any]:
    fields = model._meta.fields_map
    return [fields[name].to_db_value(value, model) for name, value in columns.items()]


def update(dialect: Dialect, model: type[Model], columns: Mapping[str, Any], where: str,
           where_params: list[Any]) -> tuple[str, list[Any]]:
    """`UPDATE` of `columns` (the model's field names) where `where` (with `?` placeholders)
    holds, in the backend's placeholders."""
    return (_update_sql(model, tuple(columns), where, dialect),
            [*_values(model, columns), *where_params])


def insert(dialect: Dialect, model: type[Model], columns: Mapping[str, Any]
           ) -> tuple[str, list[Any]]:
    """`INSERT` of one row, returning its `id`, in the backend's placeholders."""
    return _insert_sql(model, tuple(columns), dialect), _values(model, columns)
