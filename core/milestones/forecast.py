"""When will it be done at this pace? The card's one-line forecast.

A thin face over `core.scoring.forecast`, kept for the card's "Forecast:" line, as of the
reader's today: the same robust (Theil-Sen) pace and the same bar (3 check-ins over 14 days) as
`forecast #N`, so a card and a forecast never disagree. Whether a milestone is at risk comes
from its latest stored forecast (`core.scoring.forecast_records`), which lists read in one query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.scoring.forecast import trend_forecast

HISTORY = timedelta(weeks=8)
STALE_AFTER = timedelta(days=10)


@dataclass(frozen=True, slots=True)
class Forecast:
    finish: date | None  # None: no progress in sight at this pace
    late_by_days: int = 0

    @property
    def late(self) -> bool:
        return self.late_by_days > 0

    @property
    def stalled(self) -> bool:
        return self.finish is None


def forecast(
    points: Sequence[tuple[datetime, int]], *, current: int, due: date | None, today: date
) -> Forecast | None:
    """None when there is not enough history to say anything (or it is done already)."""
    if current >= 100:
        return None
    found = trend_forecast(points, progress=current, due=due, today=today)
    if found is None:
        return None
    return Forecast(finish=found.p50, late_by_days=found.late_by_days)
