"""Monte Carlo over weekly throughput: how many weeks until the open children are done?

Each trial draws, week after week, one of the weeks actually seen (how many children were
completed that week) until the remaining children are covered. The trials' spread gives the
range. Seeded, so the same history always gives the same forecast.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

TRIALS = 2000
HORIZON_WEEKS = 520  # ten years: past that, "no finish in sight"
WINDOW_WEEKS = 12


def weekly_throughput(done: Sequence[date], today: date, window: int = WINDOW_WEEKS
                      ) -> list[int]:
    """Children completed in each of the last weeks (ending today), back to the week of the
    first completion and at most `window` weeks."""
    if not done:
        return []
    first = min(done)
    weeks = max(1, min(window, (today - first).days // 7 + 1))
    counts = [0] * weeks
    for day in done:
        age = (today - day).days // 7
        if 0 <= age < weeks:
            counts[age] += 1
    return counts


def simulate(samples: Sequence[int], remaining: int, *, seed: int, trials: int = TRIALS
             ) -> list[float | None]:
    """Weeks each trial needed (fractional within its last week); None past the horizon."""
    if remaining <= 0:
        return [0.0] * trials
    if not samples or not any(samples):
        return [None] * trials
    rng = random.Random(seed)
    found: list[float | None] = []
    for _ in range(trials):
        left, weeks = remaining, 0
        finished: float | None = None
        while weeks < HORIZON_WEEKS:
            done = rng.choice(samples)
            weeks += 1
            if done >= left:
                finished = weeks - 1 + left / done
                break
            left -= done
        found.append(finished)
    return found


def quantile(weeks: Sequence[float | None], share: float) -> float | None:
    """The `share` quantile, unfinished trials counting as the slowest."""
    ordered = sorted(weeks, key=lambda w: float("inf") if w is None else w)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]
