"""Forecasts made when what they stand on changes, in the unit of work of the change.

Every unit of work calls `record_forecast` from its `publish`, beside `score`: a check-in, a
close, a reopen or a moved due date of a milestone makes its forecast anew and stores it, in
a bounded number of statements (the milestone, its check-ins, its children, its latest stored
forecast, one insert). Reading a card or a list never makes one.

What it returns says whether the milestone just fell at risk; `core.nudges.forecast_alerts`
alerts its owner then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from core import events as domain
from core.milestones.forecast import HISTORY
from core.model import Milestone, Status, UserId
from core.ports import MilestoneFilter, UnitOfWork
from core.scoring.forecast import ForecastInput, ForecastResult, forecast
from core.scoring.forecast_records import StoredForecast

CAUSES = (domain.ProgressUpdated, domain.MilestoneReopened, domain.DueDateChanged)


async def forecast_now(tx: UnitOfWork, m: Milestone, now: datetime, today: date
                       ) -> ForecastResult:
    """`m`'s forecast as of `today` (the owner's day), from its check-ins of the last weeks and
    its children (two statements): what `forecast #N` shows and what is stored."""
    assert m.id is not None
    history = (await tx.updates.history([m.id], now - HISTORY)).get(m.id, [])
    children = await tx.milestones.find(MilestoneFilter(parent_id=m.id, open_only=False))
    return forecast(forecast_input(m, [(u.created_at, u.percent) for u in history
                                       if u.percent is not None], children, today))


def forecast_input(m: Milestone, checkins: Sequence[tuple[datetime, int]],
                   children: Sequence[Milestone], today: date) -> ForecastInput:
    assert m.id is not None
    done = [c.completed_at.date() for c in children
            if c.status == Status.DONE and c.completed_at is not None]
    still = sum(1 for c in children if c.status not in (Status.DONE, Status.CANCELLED))
    return ForecastInput(today=today, progress=m.progress, due=m.due_date,
                         start=m.start_date or m.created_at.date(), checkins=checkins,
                         children_done=done, children_open=still, seed=m.id)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A forecast just stored, the one it follows, and who owns the milestone."""

    stored: StoredForecast
    before: StoredForecast | None
    owner_id: UserId

    @property
    def fell_at_risk(self) -> bool:
        return self.stored.at_risk and (self.before is None or not self.before.at_risk)


async def record_forecast(tx: UnitOfWork, event: domain.Event) -> Recorded | None:
    """Makes and stores the forecast of the milestone `event` changed, if it changes one
    (None: it does not, or the forecast says what the latest stored one says)."""
    if not isinstance(event, CAUSES) or event.milestone_id is None:
        return None
    m = await tx.milestones.get(event.milestone_id)
    if m is None or m.status == Status.CANCELLED:
        return None
    # The day of the change in UTC: a forecast spans weeks, and the owner's zone would cost a
    # statement on every check-in for at most a day's difference.
    result = await forecast_now(tx, m, event.at, event.at.date())
    made = StoredForecast.of(result, tenant_id=m.tenant_id, milestone_id=event.milestone_id,
                             made_at=event.at)
    before = (await tx.forecasts.latest([event.milestone_id])).get(event.milestone_id)
    if made.same_as(before):
        return None
    return Recorded(await tx.forecasts.add(made), before, m.owner_id)
