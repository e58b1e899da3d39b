"""The report card: a report phrased for a reader, the view every front end renders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from core.humanize import ellipsis
from core.model import Kind, Status
from core.reports.contents import Report
from core.reports.figures import ReportFigures, Standing
from core.reports.wording import day, days, duration, share, signed
from core.views import View

CARD_LIMIT = 8  # lines per list on a card; the rest is counted
TITLE_LIMIT = 80


class Unit(StrEnum):
    COUNT = "count"
    SHARE = "share"  # 0..1
    HOURS = "hours"


class Trend(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"


@dataclass(frozen=True, slots=True, kw_only=True)
class FigureLine:
    key: str  # progress, completed, on_time_rate, overdue, at_risk, checkin_latency
    label: str
    value: float | None  # a count, a share from 0 to 1, or hours
    unit: Unit
    text: str  # "7", "71%", "5 h 20 min"
    previous: float | None = None
    change: str = ""  # "+3 vs last week"; "" when there is nothing to compare with
    trend: Trend | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CardLine:
    ref: str
    kind: Kind
    title: str
    owner: str  # handle, without the @
    percent: int
    status: Status
    note: str  # "done Tue 24 Nov, on time", "3 days overdue", "+25 pts", "due Fri 27 Nov"


@dataclass(frozen=True, slots=True, kw_only=True)
class StreakLine:
    person: str
    text: str  # "4 weeks of check-ins in a row · 3 on time in a row"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportCard(View):
    name: str  # "Weekly report"
    scope: str  # "Company", "#12", "@alice", "Team Sales"
    period: str  # "Week of Mon 23 Nov 2026"
    compared_with: str  # "last week"; "" for all time
    figures: tuple[FigureLine, ...]
    goals: tuple[CardLine, ...]
    completed: tuple[CardLine, ...]
    overdue: tuple[CardLine, ...]
    at_risk: tuple[CardLine, ...]
    movers: tuple[CardLine, ...]
    streaks: tuple[StreakLine, ...]
    more_completed: int = 0  # beyond the lines shown
    more_overdue: int = 0
    more_at_risk: int = 0

    @property
    def title(self) -> str:
        return f"{self.name} · {self.scope}"


_TITLES = {"week": "Weekly report", "month": "Monthly report", "quarter": "Quarterly report",
           "all": "Report"}


def report_card(report: Report) -> ReportCard:
    today = report.today
    figures, previous = report.figures, report.previous
    return ReportCard(
        name=_TITLES[report.period.kind],
        scope=report.scope,
        period=report.period.label,
        compared_with=report.period.previous_name if previous is not None else "",
        figures=figure_lines(figures, previous, report.period.previous_name),
        goals=tuple(_line(s, _goal_note(s, today)) for s in report.headline[:CARD_LIMIT]),
        completed=tuple(_line(s, _done_note(s, today)) for s in report.completed[:CARD_LIMIT]),
        overdue=tuple(_line(s, _risk_note(s, today)) for s in report.overdue[:CARD_LIMIT]),
        at_risk=tuple(_line(s, _risk_note(s, today)) for s in report.at_risk[:CARD_LIMIT]),
        movers=tuple(_line(s, f"{signed(s.change or 0, ' pts')}") for s in report.movers),
        streaks=tuple(StreakLine(person=s.person, text=_streak_text(s.checkin_weeks,
                                                                     s.on_time_run))
                      for s in report.streaks),
        more_completed=max(0, figures.completed - CARD_LIMIT),
        more_overdue=max(0, figures.overdue - CARD_LIMIT),
        more_at_risk=max(0, figures.at_risk - CARD_LIMIT),
    )


def risk_lines(report: Report, limit: int) -> tuple[CardLine, ...]:
    """The worst of what is overdue or at risk: the longest overdue, then by priority."""
    today = report.today
    return tuple(_line(s, _risk_note(s, today)) for s in report.top_risks(limit))


def figure_lines(now: ReportFigures, before: ReportFigures | None, against: str
                 ) -> tuple[FigureLine, ...]:
    """The six figures of a report, each with its change against the period before."""
    def hours(f: ReportFigures | None) -> float | None:
        latency = f.median_latency if f is not None else None
        return None if latency is None else latency / timedelta(hours=1)

    def progress(f: ReportFigures | None) -> float | None:
        return None if f is None or f.progress is None else f.progress / 100

    def rate(f: ReportFigures | None) -> float | None:
        return None if f is None else f.on_time_rate

    rows: list[tuple[str, str, Unit, float | None, float | None, str, bool]] = [
        ("progress", "Progress", Unit.SHARE, progress(now), progress(before),
         share(progress(now)), True),
        ("completed", "Completed", Unit.COUNT, now.completed,
         before.completed if before else None, str(now.completed), True),
        ("on_time_rate", "On time", Unit.SHARE, rate(now), rate(before), share(rate(now)), True),
        ("overdue", "Overdue", Unit.COUNT, now.overdue, before.overdue if before else None,
         str(now.overdue), False),
        ("at_risk", "At risk", Unit.COUNT, now.at_risk, before.at_risk if before else None,
         str(now.at_risk), False),
        ("checkin_latency", "Check-in latency", Unit.HOURS, hours(now), hours(before),
         duration(now.median_latency), False),
    ]
    return tuple(_figure(*row, against=against) for row in rows)


def _figure(key: str, label: str, unit: Unit, value: float | None, previous: float | None,
            text: str, higher_is_better: bool, *, against: str) -> FigureLine:
    if value is None or previous is None or not against:
        return FigureLine(key=key, label=label, value=value, unit=unit, text=text,
                          previous=previous)
    delta = value - previous
    if unit == Unit.SHARE:
        delta = round(delta * 100)
        change = f"{signed(delta, ' pts')} vs {against}"
    elif unit == Unit.HOURS:
        change = f"{signed(round(delta, 1), ' h')} vs {against}"
    else:
        change = f"{signed(delta)} vs {against}"
    trend = Trend.SAME if delta == 0 else (
        Trend.BETTER if (delta > 0) == higher_is_better else Trend.WORSE)
    return FigureLine(key=key, label=label, value=value, unit=unit, text=text,
                      previous=previous, change=change, trend=trend)


def _line(s: Standing, note: str) -> CardLine:
    return CardLine(ref=s.ref, kind=s.kind, title=ellipsis(s.title, TITLE_LIMIT),
                    owner=s.owner, percent=s.progress, status=s.status, note=note)


def _due_note(s: Standing, today: date) -> str:
    return f"due {day(s.due, today)}" if s.due is not None else "no due date"


def _risk_note(s: Standing, today: date) -> str:
    overdue = s.days_overdue(today)
    return f"{days(overdue)} overdue" if overdue else f"{s.status.label}, {_due_note(s, today)}"


def _goal_note(s: Standing, today: date) -> str:
    if s.completed_on is not None:
        return _done_note(s, today)
    if s.days_overdue(today):
        return f"{days(s.days_overdue(today))} overdue"
    note = _due_note(s, today)
    return f"{note} · {signed(s.change, ' pts')}" if s.change else note


def _done_note(s: Standing, today: date) -> str:
    if s.completed_on is None:
        return "done"
    note = f"done {day(s.completed_on, today)}"
    if s.on_time is None or s.due is None:
        return note
    if s.on_time:
        return f"{note}, on time"
    return f"{note}, {days((s.completed_on - s.due).days)} late"


def _streak_text(weeks: int, run: int) -> str:
    parts = []
    if weeks >= 2:
        parts.append(f"{weeks} weeks of check-ins in a row")
    if run >= 2:
        parts.append(f"{run} on time in a row")
    return " · ".join(parts)
