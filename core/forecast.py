"""When will it be done at this pace? A least-squares line through the recent check-ins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

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
    """None when there is not enough history to say anything."""
    if current >= 100 or len(points) < 2:
        return None
    origin = points[0][0]
    xs = [(at - origin).total_seconds() / 86400 for at, _ in points]
    ys = [float(p) for _, p in points]
    span = xs[-1] - xs[0]
    if span < 1:
        return None
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var
    days_left = (100 - current) / slope if slope > 0.01 else None
    if days_left is None or days_left > 3650:
        return Forecast(finish=None)
    finish = max(today, points[-1][0].date() + timedelta(days=round(days_left)))
    late = max(0, (finish - due).days) if due is not None else 0
    return Forecast(finish=finish, late_by_days=late)
