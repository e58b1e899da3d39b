"""Forecasts as they were made: kept, so their accuracy can be measured once the milestones
close, and read back as the at-risk signal of cards and lists.

A forecast is made and stored when something changes what it stands on (a check-in, done,
reopen, a due date moved), not when someone reads it; a reader sees the latest stored one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.humanize import day_text
from core.model import MilestoneId, TenantId
from core.scoring.forecast import ForecastResult, Method


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredForecast:
    """One forecast of one milestone, as it stood when it was made."""

    tenant_id: TenantId
    milestone_id: MilestoneId
    made_at: datetime
    method: Method
    p50: date | None = None  # None with a trend or throughput: no finish in sight
    p85: date | None = None
    chance: float | None = None  # of meeting `due`
    due: date | None = None  # the due date when it was made
    id: int | None = None

    @classmethod
    def of(cls, result: ForecastResult, *, tenant_id: TenantId, milestone_id: MilestoneId,
           made_at: datetime) -> StoredForecast:
        return cls(tenant_id=tenant_id, milestone_id=milestone_id, made_at=made_at,
                   method=result.method, p50=result.p50, p85=result.p85, chance=result.chance,
                   due=result.due)

    @property
    def at_risk(self) -> bool:
        """P50 after the due date, or no finish in sight (as `ForecastResult.at_risk`)."""
        if self.due is None or self.method not in (Method.TREND, Method.THROUGHPUT):
            return False
        return self.p50 is None or self.p50 > self.due

    def risk(self, today: date) -> str:
        """Why the milestone is at risk, phrased for a reader whose today is `today`."""
        if not self.at_risk:
            return ""
        assert self.due is not None
        return risk_text(self.p50, self.due, today)

    def same_as(self, other: StoredForecast | None) -> bool:
        """Says the same as `other` (made at any time)."""
        return other is not None and (self.method, self.p50, self.p85, self.chance,
                                      self.due) == (other.method, other.p50, other.p85,
                                                    other.chance, other.due)


def risk_text(p50: date | None, due: date, today: date) -> str:
    """`forecast P50 Sat 14 Mar, due Tue 10 Mar`; without a P50, no finish in sight."""
    if p50 is None:
        return f"forecast: no finish in sight, due {day_text(due, today)}"
    return f"forecast P50 {day_text(p50, today)}, due {day_text(due, today)}"
