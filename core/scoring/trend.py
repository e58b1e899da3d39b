"""A robust pace through check-ins: the Theil-Sen slope and Sen's rank bounds around it.

The slope is the median of the slopes between every pair of check-ins, so one mistyped 90%
among 20% and 30% barely moves it (least squares would swing wildly). Its uncertainty follows
Sen (1968): the pairwise slopes ranked, with the normal approximation of Kendall's statistic
choosing which rank bounds the pace at a given confidence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from core.scoring.confidence import normal_cdf


@dataclass(frozen=True, slots=True)
class Trend:
    slope: float  # percent per day
    intercept: float
    slopes: tuple[float, ...]  # every pairwise slope, ascending
    points: int

    @property
    def spread(self) -> float:
        """The standard deviation of Kendall's S for this many points (no ties)."""
        n = self.points
        return math.sqrt(n * (n - 1) * (2 * n + 5) / 18)

    def slow_pace(self, z: float) -> float:
        """A pace the true one beats with the confidence of `z` (one-sided): the lower rank
        of Sen's interval. With few check-ins it is simply the slowest pair."""
        count = len(self.slopes)
        rank = math.floor((count - z * self.spread) / 2)
        return self.slopes[max(0, min(count - 1, rank))]

    def chance_of_pace(self, required: float) -> float:
        """How likely the true pace is at least `required`, on the same scale: 50% at the
        median slope, 85% at `slow_pace(1.036)`."""
        below = sum(1 for s in self.slopes if s < required)
        ties = sum(1 for s in self.slopes if s == required)
        rank = below + ties / 2
        return normal_cdf((len(self.slopes) - 2 * rank) / self.spread)


def theil_sen(xs: Sequence[float], ys: Sequence[float]) -> Trend | None:
    """None unless two points differ in x."""
    if len(xs) != len(ys):
        raise ValueError("as many xs as ys")
    slopes = sorted((ys[j] - ys[i]) / (xs[j] - xs[i])
                    for i in range(len(xs)) for j in range(i + 1, len(xs)) if xs[j] != xs[i])
    if not slopes:
        return None
    slope = median(slopes)
    intercept = median(y - slope * x for x, y in zip(xs, ys, strict=True))
    return Trend(slope=slope, intercept=intercept, slopes=tuple(slopes), points=len(xs))
