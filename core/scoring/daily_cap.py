"""At most `daily_cap` points per person per local day.

The ledger keeps each day's raw sum and counts `min(raw, cap)`, so the total depends only on
what is scored now, never on the order it was scored in. For the explanation the cap is charged
to the day's items in the order they were closed, streak weeks last: the first closes keep
their points, the ones that went over the cap lose what was over.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from core.scoring.points import ZERO


def capped(raw: Decimal, cap: Decimal) -> Decimal:
    return min(raw, cap)


def counted_delta(before: Decimal, after: Decimal, cap: Decimal) -> Decimal:
    """How much a change of a day's raw sum changes the person's total."""
    return capped(after, cap) - capped(before, cap)


def share_out(points: Sequence[Decimal], cap: Decimal) -> list[Decimal]:
    """What each of a day's contributions keeps, in order, so that they sum to the capped total.
    """
    room = cap
    kept = []
    for value in points:
        keep = max(ZERO, min(value, room))
        kept.append(keep)
        room -= keep
    return kept
