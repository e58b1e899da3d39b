"""Building a report over a scope and a period (what it holds is `core.reports.contents`).

`ReportBuilder` takes the scope's milestones, then its check-ins oldest first and its check-in
requests as they stream from storage, and keeps only what the report needs; `build_report` does
the same from plain collections.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from core.milestones.rollup import mean_percent
from core.model import Kind, Status
from core.reports.contents import Report, WeekTally
from core.reports.figures import (
    ReportFigures,
    Standing,
    Streak,
    checkin_streak,
    median_latency,
    on_time,
    on_time_run,
    risk_order,
)
from core.reports.inputs import CheckinRequest, ReportMilestone, ReportUpdate
from core.reports.periods import Period, local_date, week_start
from core.reports.replay import SCOPE, Point, ProgressReplay, Snapshot

LIST_LIMIT = 50  # lines kept per list; the figures count them all
HEADLINE_LIMIT = 12
MOVERS = 5
STREAKS = 5
ON_TIME_WEEKS = 12
STATUS_ORDER = (Status.NOT_STARTED, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK,
                Status.BLOCKED, Status.DONE)


class ReportBuilder:
    """Feed `add_update` (oldest first) and `add_checkin`, then `build` once."""

    def __init__(self, milestones: Sequence[ReportMilestone], *, scope: str, period: Period,
                 now: datetime) -> None:
        self._milestones = milestones
        self._scope = scope
        self._period = period
        self._as_of = period.as_of(now)
        self._live = self._as_of >= now  # read the stored state, the truth about now
        self._previous = period.previous()
        ids = {m.id for m in milestones}
        self._top = [m for m in milestones if m.parent_id is None or m.parent_id not in ids]
        self._headline = self._pick_headline()
        checkpoints = [at for at in (period.starts_at,) if at is not None]
        if not self._live:
            checkpoints.append(self._as_of)
        self._checkpoints = checkpoints
        self._replay = ProgressReplay(milestones, checkpoints=checkpoints,
                                      follow={m.id for m in self._headline})
        self._weeks: dict[str, set[date]] = defaultdict(set)
        self._latencies: tuple[list[timedelta], list[timedelta]] = ([], [])
        self._asked = [0, 0]

    def add_update(self, update: ReportUpdate) -> None:
        self._replay.add(update)
        if update.at < self._as_of:
            self._weeks[update.author].add(week_start(self._local(update.at)))

    def add_checkin(self, request: CheckinRequest) -> None:
        windows = [self._period]
        if self._previous is not None:
            windows.append(self._previous)
        for index, window in enumerate(windows):
            if window.contains(request.asked_at) and request.asked_at < self._as_of:
                self._asked[index] += 1
                latency = request.latency
                if latency is not None and request.answered_at is not None and (
                        request.answered_at <= self._as_of):
                    self._latencies[index].append(latency)

    def build(self) -> Report:
        replay = self._replay.finish()
        start = self._period.starts_at
        at_start = replay.snapshot(start) if start is not None else None
        at_end = None if self._live else replay.snapshot(self._as_of)
        today = self._local(self._as_of)
        figures = self._figures(self._period.starts_at, self._as_of, at_end, 0)
        previous = None
        if self._previous is not None and start is not None:
            previous = self._figures(self._previous.starts_at, start, at_start, 1)
        lines = {m.id: self._standing(m, at_end, at_start) for m in self._milestones
                 if self._progress(m, at_end) is not None}
        overdue = sorted((lines[m.id] for m in self._milestones if self._overdue(m, today)),
                         key=lambda line: risk_order(line, today))
        at_risk = sorted((lines[m.id] for m in self._milestones
                          if self._at_risk(m, at_end, today)),
                         key=lambda line: risk_order(line, today))
        done = sorted((m for m in self._milestones if self._completed_in(m, start, self._as_of)),
                      key=lambda m: (m.completed_at, m.number), reverse=True)
        movers = sorted((line for line in lines.values() if line.change),
                        key=lambda line: (-abs(line.change or 0), line.number))
        series = dict(replay.series)
        for m in self._headline:
            series[m.id] = self._closed(series.get(m.id, ()), self._progress(m, at_end))
        series[SCOPE] = self._closed(series.get(SCOPE, ()), figures.progress)
        return Report(
            scope=self._scope, period=self._period, as_of=self._as_of, figures=figures,
            previous=previous,
            headline=tuple(lines[m.id] for m in self._headline if m.id in lines),
            completed=tuple(lines[m.id] for m in done[:LIST_LIMIT]),
            overdue=tuple(overdue[:LIST_LIMIT]), at_risk=tuple(at_risk[:LIST_LIMIT]),
            movers=tuple(movers[:MOVERS]), streaks=self._streaks(today),
            status_counts=self._status_counts(at_end, start),
            on_time_weeks=self._on_time_weeks(today), series=series,
            scope_start=min((m.start_date or self._local(m.created_at) for m in self._top),
                            default=None),
            scope_due=max((m.due_date for m in self._top if m.due_date is not None),
                          default=None),
        )

    def _pick_headline(self) -> list[ReportMilestone]:
        goals = [m for m in self._milestones if m.kind == Kind.GOAL]
        start = self._period.starts_at
        shown = [m for m in (goals or self._top) if m.exists_at(self._as_of)
                 and (m.open_at(self._as_of) or self._completed_in(m, start, self._as_of))]
        shown.sort(key=lambda m: (not m.open_at(self._as_of), m.due_date or date.max, m.number))
        return shown[:HEADLINE_LIMIT]

    def _local(self, moment: datetime) -> date:
        return local_date(moment, self._period.zone)

    def _progress(self, m: ReportMilestone, snapshot: Snapshot | None) -> int | None:
        """Its progress then; None when it did not exist yet or was cancelled."""
        if snapshot is not None:
            return snapshot.progress.get(m.id)
        if not m.exists_at(self._as_of) or m.cancelled:
            return None
        return 100 if m.done else m.progress

    def _status(self, m: ReportMilestone, snapshot: Snapshot | None) -> Status:
        return m.status if snapshot is None else snapshot.status.get(m.id, Status.NOT_STARTED)

    def _standing(self, m: ReportMilestone, at_end: Snapshot | None,
                  at_start: Snapshot | None) -> Standing:
        progress = self._progress(m, at_end) or 0
        change = None
        if self._period.start is not None:
            change = progress - (at_start.progress.get(m.id, 0) if at_start else 0)
        completed_on = self._local(m.completed_at) if m.done and m.completed_at else None
        finished = completed_on is not None and not m.open_at(self._as_of)
        return Standing(
            id=m.id, number=m.number, kind=m.kind, title=m.title, owner=m.owner,
            status=self._status(m, at_end) if m.open_at(self._as_of) else m.status,
            progress=progress, priority=m.priority, due=m.due_date, change=change,
            completed_on=completed_on if finished else None,
            on_time=on_time(m, completed_on) if finished else None,
        )

    def _completed_in(self, m: ReportMilestone, start: datetime | None, end: datetime) -> bool:
        at = m.completed_at
        return m.done and at is not None and (start is None or start <= at) and at < end

    def _overdue(self, m: ReportMilestone, today: date, at: datetime | None = None) -> bool:
        moment = self._as_of if at is None else at
        return m.open_at(moment) and m.due_date is not None and m.due_date < today

    def _at_risk(self, m: ReportMilestone, snapshot: Snapshot | None, today: date,
                 at: datetime | None = None) -> bool:
        moment = self._as_of if at is None else at
        return (m.open_at(moment) and not self._overdue(m, today, moment)
                and self._status(m, snapshot).troubled)

    def _figures(self, start: datetime | None, end: datetime, snapshot: Snapshot | None,
                 window: int) -> ReportFigures:
        today = self._local(end)
        done = [m for m in self._milestones if self._completed_in(m, start, end)]
        judged = [on_time(m, self._local(m.completed_at)) for m in done if m.completed_at]
        latencies = self._latencies[window]
        return ReportFigures(
            progress=self._scope_progress(snapshot, end),
            completed=len(done),
            on_time=judged.count(True),
            late=judged.count(False),
            overdue=sum(1 for m in self._milestones if self._overdue(m, today, end)),
            at_risk=sum(1 for m in self._milestones if self._at_risk(m, snapshot, today, end)),
            open=sum(1 for m in self._milestones if m.open_at(end)),
            asked=self._asked[window],
            answered=len(latencies),
            median_latency=median_latency(latencies),
        )

    def _scope_progress(self, snapshot: Snapshot | None, end: datetime) -> int | None:
        counted = [m for m in self._top
                   if m.exists_at(end) and not (m.cancelled and not m.open_at(end))]
        if not counted:
            return None
        if snapshot is not None:
            return snapshot.progress.get(SCOPE)
        weight = sum(m.weight for m in counted)
        if weight == 0:
            return None
        return mean_percent(sum((100 if m.done else m.progress) * m.weight for m in counted),
                            weight)

    def _closed(self, points: tuple[Point, ...], last: int | None) -> tuple[Point, ...]:
        """The series up to the report's moment, ending with the value the report shows."""
        kept = tuple(p for p in points if p[0] <= self._as_of)
        if last is not None and (not kept or kept[-1][1] != last):
            kept = (*kept, (self._as_of, last))
        return kept

    def _streaks(self, today: date) -> tuple[Streak, ...]:
        deliveries: dict[str, list[tuple[date, bool]]] = defaultdict(list)
        for m in self._milestones:
            if m.done and m.completed_at is not None and m.completed_at < self._as_of:
                day = self._local(m.completed_at)
                judged = on_time(m, day)
                if judged is not None:
                    deliveries[m.owner].append((day, judged))
        this_week = week_start(today)
        streaks = [Streak(person=person,
                          checkin_weeks=checkin_streak(self._weeks.get(person, set()), this_week),
                          on_time_run=on_time_run(deliveries.get(person, ())))
                   for person in {*self._weeks, *deliveries}]
        shown = [s for s in streaks if s.checkin_weeks >= 2 or s.on_time_run >= 2]
        shown.sort(key=lambda s: (-s.checkin_weeks, -s.on_time_run, s.person))
        return tuple(shown[:STREAKS])

    def _status_counts(self, snapshot: Snapshot | None, start: datetime | None
                       ) -> tuple[tuple[Status, int], ...]:
        """Open milestones by status, and those done in the period."""
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for m in self._milestones:
            if m.open_at(self._as_of):
                status = self._status(m, snapshot)
                counts[status if status in counts else Status.NOT_STARTED] += 1
            elif self._completed_in(m, start, self._as_of):
                counts[Status.DONE] += 1
        return tuple(counts.items())

    def _on_time_weeks(self, today: date) -> tuple[WeekTally, ...]:
        weeks = self._period.weeks()
        if len(weeks) < ON_TIME_WEEKS:
            last = week_start(today)
            weeks = [last - timedelta(days=7 * i) for i in range(ON_TIME_WEEKS - 1, -1, -1)]
        tallies = {week: [0, 0] for week in weeks}
        for m in self._milestones:
            if not (m.done and m.completed_at is not None and m.completed_at < self._as_of):
                continue
            day = self._local(m.completed_at)
            judged, tally = on_time(m, day), tallies.get(week_start(day))
            if judged is not None and tally is not None:
                tally[0 if judged else 1] += 1
        return tuple(WeekTally(week=week, on_time=t[0], late=t[1]) for week, t in tallies.items())


def build_report(milestones: Sequence[ReportMilestone], updates: Iterable[ReportUpdate],
                 checkins: Iterable[CheckinRequest], *, scope: str, period: Period,
                 now: datetime) -> Report:
    """The report from plain collections; `updates` oldest first."""
    builder = ReportBuilder(milestones, scope=scope, period=period, now=now)
    for update in updates:
        builder.add_update(update)
    for request in checkins:
        builder.add_checkin(request)
    return builder.build()
