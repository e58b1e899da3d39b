"""Forecasts as they were made (`core.scoring.forecast_records`): added, and the newest of
each milestone read back in one statement for a card or a whole list.

One repository lives as long as its unit of work, and remembers the newest forecast of each
milestone it has read or added: a check-in compares its new forecast with the stored one and
adds it, and its card then shows that one without reading it back."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from core.model import MilestoneId, TenantId
from core.scoring.forecast import Method
from core.scoring.forecast_records import StoredForecast
from storage.mapping import utc
from storage.models import ForecastRow
from storage.raw_rows import day, moment
from storage.scoped import Repository, Session


def _forecast_of(row: Mapping[str, Any]) -> StoredForecast:
    chance = row["chance"]
    return StoredForecast(
        id=row["id"], tenant_id=TenantId(row["tenant_id"]),
        milestone_id=MilestoneId(row["milestone_id"]), made_at=moment(row["made_at"]),
        method=Method(row["method"]), p50=day(row["p50"]), p85=day(row["p85"]),
        chance=float(chance) if chance is not None else None, due=day(row["due"]))


class TortoiseForecasts(Repository):
    def __init__(self, session: Session) -> None:
        super().__init__(session)
        # The newest forecast of each milestone seen in this unit of work (None: it has none).
        self._newest: dict[MilestoneId, StoredForecast | None] = {}

    async def add(self, forecast: StoredForecast) -> StoredForecast:
        self.require_tenant(forecast.tenant_id, "forecast", forecast.milestone_id)
        row = await ForecastRow.create(
            using_db=await self.db(), tenant_id=forecast.tenant_id,
            milestone_id=forecast.milestone_id, made_at=utc(forecast.made_at),
            method=forecast.method.value, p50=forecast.p50, p85=forecast.p85,
            chance=forecast.chance, due=forecast.due)
        stored = StoredForecast(
            id=row.id, tenant_id=forecast.tenant_id, milestone_id=forecast.milestone_id,
            made_at=forecast.made_at, method=forecast.method, p50=forecast.p50,
            p85=forecast.p85, chance=forecast.chance, due=forecast.due)
        self._newest[forecast.milestone_id] = stored
        return stored

    # Raw SQL straight into values, like the progress updates: every list reads them.
    async def latest(self, milestone_ids: Collection[MilestoneId]
                     ) -> dict[MilestoneId, StoredForecast]:
        ids = sorted(set(milestone_ids) - self._newest.keys())
        if ids:
            marks = ", ".join("?" for _ in ids)
            rows = await self.sql(
                "SELECT id, tenant_id, milestone_id, made_at, method, p50, p85, chance, due "
                "FROM forecasts WHERE id IN (SELECT MAX(id) FROM forecasts WHERE tenant_id = ? "
                f"AND milestone_id IN ({marks}) GROUP BY milestone_id)",
                [self.tenant_id, *ids])
            found = {MilestoneId(row["milestone_id"]): _forecast_of(row) for row in rows}
            self._newest.update({i: found.get(i) for i in ids})
        return {i: f for i in set(milestone_ids) if (f := self._newest.get(i)) is not None}
