"""Deliveries the nudge engine queues but does not word itself.

A feature that posts through the delivery queue (the weekly report, `core.reports.posts`)
claims its deliveries like any nudge (a unique key: once, across instances) and provides a
`PostMaker` for their kind; the queue leases, paces, retries and records them like the others.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from core.nudges.context import Plan
from core.nudges.deliveries import Nudge
from core.nudges.schedule import NudgeKind


class PostMaker(Protocol):
    #: The kinds of delivery it makes.
    kinds: Collection[NudgeKind]

    async def plan(self, nudge: Nudge, now: datetime) -> Plan:
        """What the delivery becomes now: a view and its address, skipped (with why), or
        later (`until`). Called outside any unit of work, before the nudge is prepared; may
        take a while (it may draw a chart)."""
        ...
