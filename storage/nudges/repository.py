"""`NudgeRepository` on tortoise: settings through the ORM, the sweep and the delivery queue as
set-based SQL (one statement per question, whatever the number of people).

Opened for a tenant, every query is scoped to it; opened without one (the scheduler), the sweep
and delivery queries span every tenant, and each row they return carries its tenant.
"""

from __future__ import annotations

from storage.nudges.delivery import NudgeDelivery
from storage.nudges.settings import NudgeSettings
from storage.nudges.sweep import NudgeSweep


class TortoiseNudges(NudgeSettings, NudgeSweep, NudgeDelivery):
    """`core.nudges.ports.NudgeRepository` on tortoise, reached as `tx.nudges`."""
