"""The owner's alert when a milestone falls at risk by its forecast: once per fall.

Every unit of work calls `forecast_and_alert` from its `publish`: the change's forecast is made
and stored (`core.scoring.forecast_feed`), and when it puts the milestone at risk and the one
before did not, the alert is claimed in the same transaction, through the nudge delivery queue.
Its key names the last forecast that was not at risk, so two instances (or two concurrent
check-ins that both saw that forecast) claim one alert, a milestone that stays at risk gets no
other, and one that recovers and falls again gets a new one. The sweep's delivery sends it.
"""

from __future__ import annotations

from datetime import date

from core.events import Event
from core.nudges.deliveries import NewNudge
from core.nudges.schedule import NudgeKind
from core.ports import UnitOfWork
from core.scoring.forecast_feed import Recorded, record_forecast


async def forecast_and_alert(tx: UnitOfWork, event: Event) -> None:
    recorded = await record_forecast(tx, event)
    if recorded is not None and recorded.fell_at_risk:
        await tx.nudges.claim([risk_alert(recorded)])


def risk_alert(recorded: Recorded) -> NewNudge:
    """To the owner; the period names the forecast before the fall ("0": none), the detail
    what the forecast that fell said (`P50/due`, ISO dates, P50 empty when none)."""
    f, before = recorded.stored, recorded.before
    assert f.due is not None
    return NewNudge(tenant_id=f.tenant_id, kind=NudgeKind.FORECAST, user_id=recorded.owner_id,
                    milestone_id=f.milestone_id,
                    period=f"after:{before.id if before is not None and before.id else 0}",
                    detail=f"{f.p50.isoformat() if f.p50 else ''}/{f.due.isoformat()}",
                    not_before=f.made_at)


def said(detail: str) -> tuple[date | None, date] | None:
    """The P50 and due date an alert's detail holds (None: not one of ours)."""
    p50, _, due = detail.partition("/")
    try:
        return (date.fromisoformat(p50) if p50 else None), date.fromisoformat(due)
    except ValueError:
        return None
