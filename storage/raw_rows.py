"""Rows read with raw SQL, turned into values without building ORM objects.

The hot reads (a person, their milestones) skip tortoise's model construction and its query
builder: on a `list mine` of 20 milestones those cost most of the CPU. The conversions here give
the values tortoise would: datetimes aware in UTC, dates as dates, JSON columns decoded, on both
backends (SQLite keeps datetimes, dates and JSON as text; asyncpg returns JSON as text).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from core.model import TenantId, UserId
from core.tenancy import Role, User
from storage.config import Dialect
from storage.mapping import utc

USER_COLUMNS = ("id, tenant_id, handle, display_name, email, timezone, role, working_days, "
                "work_starts_min, work_ends_min, created_at")


def moment(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"not a datetime: {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def maybe_moment(value: Any) -> datetime | None:
    return None if value is None else moment(value)


def day(value: Any) -> date | None:
    if value is None or type(value) is date:
        return value
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    raise TypeError(f"not a date: {value!r}")


def listed(value: Any) -> list[Any]:
    found = json.loads(value) if isinstance(value, (str, bytes)) else value
    return list(found or [])


def clock_time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def param(value: date | datetime, dialect: Dialect) -> object:
    """A date or moment as a bound parameter: SQLite compares the text tortoise writes."""
    if isinstance(value, datetime):
        value = utc(value)
    return value if dialect == "postgres" else str(value)


def user_of(row: Mapping[str, Any]) -> User:
    return User(
        id=UserId(row["id"]), tenant_id=TenantId(row["tenant_id"]), handle=row["handle"],
        display_name=row["display_name"], email=row["email"], timezone=row["timezone"],
        role=Role(row["role"]), working_days=tuple(listed(row["working_days"])),
        work_starts=clock_time(row["work_starts_min"]),
        work_ends=clock_time(row["work_ends_min"]), created_at=moment(row["created_at"]),
    )
