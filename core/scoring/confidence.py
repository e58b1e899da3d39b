"""Small statistics: how sure a rate or a forecast is, from counts and the normal curve."""

from __future__ import annotations

import math

Z95 = 1.959964  # two-sided 95%


def wilson_lower_bound(successes: int, trials: int, z: float = Z95) -> float | None:
    """The lower end of the Wilson score interval of a success rate; None without trials.

    Two on-time closes out of two give 0.34, forty out of forty-two give 0.84: a few lucky
    closes do not beat many reliable ones.
    """
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"{successes} successes out of {trials} trials")
    p = successes / trials
    z2 = z * z
    centre = p + z2 / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(0.0, (centre - margin) / (1 + z2 / trials))


def normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))
