"""The tag and free-text conditions of `MilestoneFilter`, in SQL on both backends.

Tags live in a JSON array column: the tagged milestones are found by expanding that array in
the database (`json_each` on SQLite, `jsonb_array_elements_text` on PostgreSQL) and compared
case-insensitively. Words of a free-text search must each appear in the title or the
description (`LIKE`, with the ORM escaping `%` and `_`). Both narrow the same ordered, limited
query, so cursor pagination stays exact.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from storage.config import Dialect
from storage.models import MilestoneRow

_TAGGED: dict[Dialect, str] = {
    "sqlite": "SELECT DISTINCT m.id FROM milestones m, json_each(m.tags) t "
              "WHERE m.tenant_id = ? AND m.deleted_at IS NULL AND lower(t.value) = ?",
    "postgres": "SELECT DISTINCT m.id FROM milestones m, "
                "jsonb_array_elements_text(m.tags::jsonb) t(value) "
                "WHERE m.tenant_id = ? AND m.deleted_at IS NULL AND lower(t.value) = ?",
}

Sql = Callable[[str, Sequence[Any]], Awaitable[list[dict[str, Any]]]]


async def with_tag(rows: QuerySet[MilestoneRow], tag: str, *, tenant_id: int,
                   dialect: Dialect, sql: Sql) -> QuerySet[MilestoneRow]:
    """Only milestones carrying `tag` (any case, a leading `#` ignored)."""
    wanted = tag.strip().lstrip("#").lower()
    found = await sql(_TAGGED[dialect], [tenant_id, wanted])
    return rows.filter(id__in=[int(row["id"]) for row in found])


def with_words(rows: QuerySet[MilestoneRow], text: str) -> QuerySet[MilestoneRow]:
    """Only milestones whose title or description holds every word of `text`."""
    for word in text.split()[:20]:
        rows = rows.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return rows
