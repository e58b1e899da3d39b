"""When a failed delivery is tried again: the Standard Webhooks schedule.

An attempt right away, then 5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours, 10 hours and
10 hours after each failure: eight attempts over about a day and four hours, so a receiver that
is down for a night still gets everything, in order.
"""

from __future__ import annotations

from datetime import timedelta

RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = 1 + len(RETRY_SCHEDULE)


def retry_delay(attempts_made: int) -> timedelta | None:
    """How long after the `attempts_made`-th failed attempt to try again; None: give up."""
    if attempts_made < 1:
        raise ValueError("a retry follows at least one attempt")
    if attempts_made > len(RETRY_SCHEDULE):
        return None
    return RETRY_SCHEDULE[attempts_made - 1]
