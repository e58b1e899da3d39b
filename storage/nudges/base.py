"""What the nudges' repository shares: its unit of work, the sets it sends as parameters,
and plans made for those sets."""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Sequence
from typing import Any

from core.model import TenantId
from core.nudges.candidates import Person
from core.nudges.schedule import ZoneWindow
from storage.nudges.sql import ids_in, ids_param, record_params
from storage.scoped import Repository, Session

PLACEHOLDER = re.compile(r"\?")
WINDOW_COLUMNS = (("zone", "text"), ("day", "date"), ("weekday", "int"), ("lo", "int"),
                  ("hi", "int"))
PEOPLE_COLUMNS = (("tenant_id", "int"), ("user_id", "int"))


class NudgeStore(Repository):
    """The base of the nudges' repository parts."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._encoded_windows: tuple[Sequence[ZoneWindow], list[object]] | None = None
        self._planned: object | None = None

    async def _custom_plans(self) -> None:
        """PostgreSQL plans these queries for the sets they get, every time.

        asyncpg prepares each statement, and after five runs PostgreSQL may switch a prepared
        statement to a generic plan, made without knowing how many people an array holds:
        the sweep, run every minute, would turn three times slower after five minutes.
        """
        if self._session.dialect != "postgres":
            return
        db = await self.db()
        if self._planned is not db:  # once per transaction
            await db.execute_script("SET LOCAL plan_cache_mode = force_custom_plan")
            self._planned = db

    async def sql(self, query: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        await self._custom_plans()
        return await super().sql(query, params)

    # --- helpers --------------------------------------------------------------------------------
    @property
    def _dialect(self) -> Any:
        return self._session.dialect

    def _scope(self, alias: str) -> tuple[str, list[object]]:
        """` AND alias.tenant_id = ?` when this unit of work has a tenant."""
        tenant_id = self._session.tenant_id
        if tenant_id is None:
            return "", []
        return f" AND {alias}.tenant_id = ?", [tenant_id]

    def _mine(self, tenant_ids: Collection[TenantId]) -> set[TenantId]:
        """The given tenants this unit of work may see (all of them when it has none)."""
        tenant_id = self._session.tenant_id
        return set(tenant_ids) if tenant_id is None else set(tenant_ids) & {tenant_id}

    def _windows(self, windows: Sequence[ZoneWindow]) -> list[object]:
        # The three candidate queries of a sweep read the same windows: encoded once.
        if self._encoded_windows is None or self._encoded_windows[0] is not windows:
            self._encoded_windows = (windows, record_params(self._dialect, WINDOW_COLUMNS, [
                (w.zone, w.day, w.weekday, w.first_minute, w.last_minute) for w in windows]))
        return self._encoded_windows[1]

    def _people(self, people: Collection[Person]) -> list[object]:
        return record_params(self._dialect, PEOPLE_COLUMNS, sorted(people))

    def _ids(self, column: str, ids: Collection[int]) -> tuple[str, list[object]]:
        return ids_in(self._dialect, column), [ids_param(self._dialect, ids)]

    async def select(self, query: str, params: Sequence[Any]) -> Sequence[Any]:
        """Rows of a SELECT as the driver gives them (keyed access, no copy into dicts): for
        the sweep's largest result."""
        await self._custom_plans()
        if self._session.dialect == "postgres":
            numbers = itertools.count(1)
            query = PLACEHOLDER.sub(lambda _: f"${next(numbers)}", query)
        _, rows = await (await self.db()).execute_query(query, list(params))
        return rows

