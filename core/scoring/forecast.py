"""When will a milestone be done? P50 and P85 dates, and the chance of meeting the due date.

Three ways, best evidence first:
- with 5 or more completed children and some still open: Monte Carlo over the children's
  weekly throughput;
- with 3 or more check-ins over 14 or more days: the Theil-Sen pace from the latest check-in;
- otherwise "not enough history", with where the plan says it should be by now.
A forecast whose P50 lands after the due date (or that sees no finish at all) is at risk.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from core.scoring.throughput import quantile, simulate, weekly_throughput
from core.scoring.trend import theil_sen

MIN_CHECKINS = 3
MIN_SPAN = timedelta(days=14)
MIN_DONE_CHILDREN = 5
Z85 = 1.036433  # one-sided 85%
FAR = 3650  # days: past ten years a finish is not in sight


class Method(StrEnum):
    DONE = "done"
    THROUGHPUT = "throughput"  # Monte Carlo over completed children
    TREND = "trend"  # robust slope through check-ins
    NOT_ENOUGH = "not_enough"


@dataclass(frozen=True, slots=True, kw_only=True)
class ForecastInput:
    today: date  # in the owner's zone
    progress: int
    due: date | None = None
    start: date | None = None  # the start date, else the day it was created
    checkins: Sequence[tuple[datetime, int]] = ()  # (when, percent), oldest first
    children_done: Sequence[date] = ()  # the days completed children were done
    children_open: int = 0  # children neither done nor cancelled
    seed: int = 0  # the milestone's id, say: same history, same forecast


@dataclass(frozen=True, slots=True, kw_only=True)
class ForecastResult:
    method: Method
    p50: date | None = None  # None with a method: no finish in sight at this pace
    p85: date | None = None
    chance: float | None = None  # of being done by the end of the due date
    due: date | None = None
    expected_now: int | None = None  # percent the plan expects by today (linear)
    samples: int = 0  # check-ins, or completed children, the forecast stands on
    span_days: int = 0  # days the check-ins cover, or weeks of throughput x 7

    @property
    def enough(self) -> bool:
        return self.method not in (Method.NOT_ENOUGH, Method.DONE)

    @property
    def stalled(self) -> bool:
        return self.enough and self.p50 is None

    @property
    def late_by_days(self) -> int:
        if not self.enough or self.due is None or self.p50 is None:
            return 0
        return max(0, (self.p50 - self.due).days)

    @property
    def at_risk(self) -> bool:
        """The at-risk signal: a P50 after the due date, or no finish in sight before it."""
        return self.due is not None and (self.late_by_days > 0 or self.stalled)


def forecast(given: ForecastInput) -> ForecastResult:
    expected = expected_by(given.start, given.due, given.today)
    if given.progress >= 100:
        return ForecastResult(method=Method.DONE, p50=given.today, p85=given.today, chance=1.0,
                              due=given.due, expected_now=expected)
    if len(given.children_done) >= MIN_DONE_CHILDREN and given.children_open > 0:
        return _by_throughput(given, expected)
    return trend_forecast(given.checkins, progress=given.progress, due=given.due,
                          today=given.today, expected_now=expected) or ForecastResult(
        method=Method.NOT_ENOUGH, due=given.due, expected_now=expected,
        samples=len(given.checkins), span_days=_span(given.checkins))


def trend_forecast(checkins: Sequence[tuple[datetime, int]], *, progress: int,
                   due: date | None, today: date, expected_now: int | None = None
                   ) -> ForecastResult | None:
    """The check-in trend alone; None without 3 check-ins over 14 days."""
    if len(checkins) < MIN_CHECKINS or checkins[-1][0] - checkins[0][0] < MIN_SPAN:
        return None
    origin, last = checkins[0][0], checkins[-1][0]
    xs = [(at - origin).total_seconds() / 86400 for at, _ in checkins]
    trend = theil_sen(xs, [float(p) for _, p in checkins])
    if trend is None:
        return None
    left = 100 - progress
    last_day = last.date()

    def finish(pace: float) -> date | None:
        if pace <= 0 or left / pace > FAR:
            return None
        return max(today, last_day + timedelta(days=math.ceil(left / pace)))

    chance = None
    if due is not None:
        # Done by the due date means a finish (see `finish`) no later than it.
        days_left = (due - last_day).days
        chance = 0.0 if days_left <= 0 or today > due else trend.chance_of_pace(left / days_left)
    return ForecastResult(method=Method.TREND, p50=finish(trend.slope),
                          p85=finish(trend.slow_pace(Z85)), chance=chance, due=due,
                          expected_now=expected_now, samples=len(checkins),
                          span_days=(last - origin).days)


def _by_throughput(given: ForecastInput, expected: int | None) -> ForecastResult:
    samples = weekly_throughput(given.children_done, given.today)
    weeks = simulate(samples, given.children_open, seed=given.seed)

    def day(share: float) -> date | None:
        w = quantile(weeks, share)
        return None if w is None else given.today + timedelta(days=math.ceil(w * 7))

    chance = None
    if given.due is not None:
        budget = (given.due - given.today).days
        chance = sum(1 for w in weeks if w is not None and math.ceil(w * 7) <= budget
                     ) / len(weeks)
    return ForecastResult(method=Method.THROUGHPUT, p50=day(0.5), p85=day(0.85), chance=chance,
                          due=given.due, expected_now=expected,
                          samples=len(given.children_done), span_days=len(samples) * 7)


def expected_by(start: date | None, due: date | None, today: date) -> int | None:
    """Where a straight line from the start to 100% on the due date is today."""
    if start is None or due is None or due <= start:
        return None
    share = (today - start).days / (due - start).days
    return max(0, min(100, round(share * 100)))


def _span(checkins: Sequence[tuple[datetime, int]]) -> int:
    return (checkins[-1][0] - checkins[0][0]).days if checkins else 0
