"""Chart descriptions: the data of a chart, ready to draw, and no pixels.

`integrations/charts` turns each into a PNG; the XLSX export draws the burn-up natively from the
same points. Points are days in the reader's time zone with the progress at the end of that day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from core.humanize import ellipsis
from core.model import Status
from core.reports.contents import Report, WeekTally
from core.reports.periods import local_date
from core.reports.replay import SCOPE, Point

DayPoint = tuple[date, int]
TITLE_LIMIT = 90
LABEL_LIMIT = 40
PROGRESS_SERIES = 8
LEADERBOARD_BARS = 15


@dataclass(frozen=True, slots=True)
class ChartSize:
    width: int  # pixels
    height: int
    #: Pixels per inch: text is drawn at its size in points for a picture shown at
    #: width / dpi inches (a chat preview is wide; a chart on a PDF page is a few inches).
    dpi: int = 120


WIDE = ChartSize(1200, 600)


@dataclass(frozen=True, slots=True, kw_only=True)
class BurnupChart:
    """Progress over time against the straight line from the start to 100% on the due date."""

    title: str
    subtitle: str = ""
    actual: tuple[DayPoint, ...]
    ideal: tuple[DayPoint, DayPoint] | None  # None without a due date
    today: date


@dataclass(frozen=True, slots=True, kw_only=True)
class Series:
    label: str
    points: tuple[DayPoint, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgressChart:
    """Progress over time of several goals."""

    title: str
    subtitle: str = ""
    series: tuple[Series, ...]
    today: date


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChart:
    """How many milestones are in each status (done: in the period)."""

    title: str
    subtitle: str = ""
    counts: tuple[tuple[Status, int], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class OnTimeChart:
    """The on-time rate of each week's deliveries."""

    title: str
    subtitle: str = ""
    weeks: tuple[WeekTally, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaderboardEntry:
    rank: int
    name: str
    points: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaderboardChart:
    title: str
    subtitle: str = ""
    entries: tuple[LeaderboardEntry, ...]


Chart = BurnupChart | ProgressChart | StatusChart | OnTimeChart | LeaderboardChart


def day_points(points: Sequence[Point], zone: str, *, start: date, end: date) -> tuple[
        DayPoint, ...]:
    """End-of-day values from `start` to `end`: the value the day started with at `start`, then
    one point per day the value changed, and `end` with the last value."""
    before = 0
    by_day: dict[date, int] = {}
    for at, value in points:
        day = local_date(at, zone)
        if day < start:
            before = value
        elif day <= end:
            by_day[day] = value
    result: list[DayPoint] = [(start, before)]
    for day in sorted(by_day):
        if day == start:
            result[0] = (start, by_day[day])
        elif by_day[day] != result[-1][1]:
            result.append((day, by_day[day]))
    if result[-1][0] != end:
        result.append((end, result[-1][1]))
    return tuple(result)


def _subtitle(report: Report) -> str:
    return f"{report.scope} · {report.period.label}"


def burnup_chart(report: Report, title: str = "") -> BurnupChart:
    """The burn-up of the report's scope (of #N for a `#N` report) from its start to today."""
    today = report.today
    points = report.series.get(SCOPE, ())
    first = local_date(points[0][0], report.period.zone) if points else today
    start = min(report.scope_start or first, first, today)
    ideal = None
    if report.scope_due is not None and report.scope_due > start:
        ideal = ((start, 0), (report.scope_due, 100))
    return BurnupChart(
        title=ellipsis(title or f"Burn-up · {report.scope}", TITLE_LIMIT),
        subtitle=f"as of {today:%a} {today.day} {today:%b %Y}",
        actual=day_points(points, report.period.zone, start=start, end=today),
        ideal=ideal, today=today,
    )


def progress_chart(report: Report) -> ProgressChart:
    """The headline milestones' progress through the period (their whole life for all time)."""
    today = report.today
    series = []
    for line in report.headline[:PROGRESS_SERIES]:
        points = report.series.get(line.id, ())
        first = local_date(points[0][0], report.period.zone) if points else today
        start = min(report.period.start or first, today)
        series.append(Series(label=ellipsis(f"{line.ref} {line.title}", LABEL_LIMIT),
                             points=day_points(points, report.period.zone, start=start,
                                               end=today)))
    return ProgressChart(title=f"Progress · {report.scope}", subtitle=_subtitle(report),
                         series=tuple(series), today=today)


def status_chart(report: Report) -> StatusChart:
    return StatusChart(title=f"Status · {report.scope}", subtitle=_subtitle(report),
                       counts=report.status_counts)


def on_time_chart(report: Report) -> OnTimeChart:
    return OnTimeChart(title=f"On time · {report.scope}", subtitle=_subtitle(report),
                       weeks=report.on_time_weeks)


def leaderboard_chart(title: str, scores: Iterable[tuple[str, int]], subtitle: str = ""
                      ) -> LeaderboardChart:
    """The top of a leaderboard, with standard competition ranks (1, 1, 3)."""
    ordered = sorted(scores, key=lambda score: (-score[1], score[0]))
    entries: list[LeaderboardEntry] = []
    for index, (name, points) in enumerate(ordered[:LEADERBOARD_BARS]):
        tied = bool(entries) and entries[-1].points == points
        rank = entries[-1].rank if tied else index + 1
        entries.append(LeaderboardEntry(rank=rank, name=ellipsis(name, LABEL_LIMIT),
                                        points=points))
    return LeaderboardChart(title=ellipsis(title, TITLE_LIMIT), subtitle=subtitle,
                            entries=tuple(entries))
