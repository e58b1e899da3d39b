"""The `report`, `chart` and `export` verbs of the shared text grammar.

    report [week|month|quarter|all] [#N|@who|"Team"|company]
    report weekly #channel [friday 16:00] · report weekly off       (admins)
    chart burnup #N · chart progress · chart status · chart ontime [@who|"Team"]
    export csv|xlsx|pdf [#N|@who|"Team"|company] [week|month|quarter|all]
"""

from __future__ import annotations

import re
from typing import Protocol

from core import text as lex
from core.commands import Actor, AnyCommand, UserRef
from core.errors import InvalidInput
from core.grammar.remind import parse_time_of_day, parse_weekday
from core.reports.commands import (
    COMPANY,
    ChartKind,
    DrawChart,
    ExportKind,
    ExportReport,
    ReportTarget,
    ScheduleReport,
    ShowReport,
)
from core.reports.periods import PeriodKind

REPORT_HINT = 'report · report month @bob · report quarter #1 · report week "Sales"'
WEEKLY_HINT = "report weekly #general friday 16:00 · report weekly off"
CHART_HINT = "chart burnup #1 · chart status · chart ontime @bob · chart progress"
EXPORT_HINT = "export xlsx company quarter · export csv #1 all · export pdf @bob month"
TEAM_LIMIT = 80

_PERIODS = {"week": PeriodKind.WEEK, "weekly": PeriodKind.WEEK, "this-week": PeriodKind.WEEK,
            "month": PeriodKind.MONTH, "monthly": PeriodKind.MONTH,
            "quarter": PeriodKind.QUARTER, "quarterly": PeriodKind.QUARTER,
            "q": PeriodKind.QUARTER, "all": PeriodKind.ALL, "all-time": PeriodKind.ALL,
            "ever": PeriodKind.ALL}
_CHANNEL = re.compile(r"^(?:<#([A-Z0-9]+)(?:\|[^>]*)?>|#([a-z0-9][a-z0-9._-]{0,79}))$",
                      re.IGNORECASE)
_CHARTS = {"burnup": ChartKind.BURNUP, "burn-up": ChartKind.BURNUP,
           "progress": ChartKind.PROGRESS, "status": ChartKind.STATUS,
           "ontime": ChartKind.ONTIME, "on-time": ChartKind.ONTIME}


class Context(Protocol):
    @property
    def actor(self) -> Actor: ...

    @property
    def identity_prefix(self) -> str: ...


def parse_report(rest: str, ctx: Context) -> AnyCommand:
    word, after = lex.split_word(rest)
    if word.lower() == "weekly" and after and _looks_scheduled(after):
        return _schedule(after, ctx.actor)
    period, target = _period_and_target(rest, ctx, REPORT_HINT, "report")
    return ShowReport(actor=ctx.actor, period=period or PeriodKind.WEEK, target=target)


def parse_chart(rest: str, ctx: Context) -> AnyCommand:
    word, after = lex.split_word(rest)
    kind = _CHARTS.get(word.lower())
    if kind is None:
        shown = f"“{word[:20]}” is not a chart" if word else "which chart?"
        raise InvalidInput("chart", f"{shown} (burnup, progress, status, ontime)",
                           hint=CHART_HINT)
    period, target = _period_and_target(after, ctx, CHART_HINT, "chart")
    return DrawChart(actor=ctx.actor, chart=kind, period=period or PeriodKind.MONTH,
                     target=target)


def parse_export(rest: str, ctx: Context) -> AnyCommand:
    word, after = lex.split_word(rest)
    try:
        kind = ExportKind(word.lower())
    except ValueError:
        shown = f"“{word[:20]}” is not a format I write" if word else "which format?"
        raise InvalidInput("export", f"{shown} (csv, xlsx, pdf)", hint=EXPORT_HINT) from None
    period, target = _period_and_target(after, ctx, EXPORT_HINT, "export")
    return ExportReport(actor=ctx.actor, format=kind, period=period or PeriodKind.QUARTER,
                        target=target)


def _period_and_target(text: str, ctx: Context, hint: str, verb: str
                       ) -> tuple[PeriodKind | None, ReportTarget]:
    period: PeriodKind | None = None
    target: ReportTarget | None = None
    for token in lex.tokenize(text):
        found: ReportTarget | None = None
        word = token.text.strip().lower()
        if token.quoted:
            name = " ".join(token.text.split())
            if not name or len(name) > TEAM_LIMIT:
                raise InvalidInput("team", "a team's name, in quotes", hint=hint)
            found = ReportTarget(team=name)
        elif (ref := lex.milestone_ref(word)) is not None:
            found = ReportTarget(milestone=ref)
        elif (person := lex.user_ref(token.text, ctx.identity_prefix)) is not None:
            found = ReportTarget(person=person)
        elif word in ("company", "everything", "everyone"):
            found = COMPANY
        elif word in ("me", "mine") and ctx.actor.handle:
            found = ReportTarget(person=UserRef(handle=ctx.actor.handle))
        elif word in _PERIODS:
            if period is not None:
                raise InvalidInput("period", "one period at a time", hint=hint)
            period = _PERIODS[word]
            continue
        elif word in ("this", "for", "of"):
            continue
        else:
            raise InvalidInput(verb, f"I didn't understand “{token.text[:30]}”", hint=hint)
        if target is not None:
            raise InvalidInput(verb, "one #N, @who, \"Team\" or company at a time", hint=hint)
        target = found
    return period, target or COMPANY


def _looks_scheduled(text: str) -> bool:
    first = text.split()[0].lower()
    return (first in ("off", "stop", "none", "at", "on") or _CHANNEL.match(first) is not None
            or parse_weekday(first) is not None or first[:1].isdigit())


def _schedule(text: str, actor: Actor) -> ScheduleReport:
    words = text.replace(",", " ").split()
    if [w.lower() for w in words] in (["off"], ["stop"], ["none"]):
        return ScheduleReport(actor=actor, off=True)
    channel: str | None = None
    weekday, minute = 4, 16 * 60
    for word in words:
        low = word.lower()
        if (match := _CHANNEL.match(word)) is not None:
            if channel is not None:
                raise InvalidInput("channel", "one channel at a time", hint=WEEKLY_HINT)
            channel = match.group(1) or "#" + match.group(2).lower()
        elif (day := parse_weekday(low)) is not None:
            weekday = day
        elif low not in ("at", "on", "every", "to", "in"):
            minute = parse_time_of_day(low, WEEKLY_HINT)
    if channel is None:
        raise InvalidInput("channel", "which channel should the weekly report go to?",
                           hint=WEEKLY_HINT)
    return ScheduleReport(actor=actor, channel=channel, weekday=weekday, minute=minute)
