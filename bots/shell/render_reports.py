"""The shell's text for report cards, charts and exports (a file written, its path shown)."""

from __future__ import annotations

from bots.shell.render import INDENT, KIND_ICONS, Style, _render
from core.humanize import ellipsis, progress_bar
from core.reports.card import CardLine, ReportCard, Trend
from core.reports.views import FileKind, ReportFile

TREND_ICONS = {Trend.BETTER: "↑", Trend.WORSE: "↓", Trend.SAME: "="}
WIDTH = 30


def card_line(line: CardLine) -> str:
    icon = KIND_ICONS.get(line.kind, "")
    title = ellipsis(line.title, WIDTH).ljust(WIDTH)
    return (f"{INDENT}{icon} {line.ref:<5} {title} {progress_bar(line.percent)} "
            f"{line.percent:>3}%  @{line.owner}  {line.note}")


def _section(out: list[str], style: Style, title: str, lines: tuple[CardLine, ...],
             more: int = 0) -> None:
    if not lines:
        return
    out.append(style.bold(title))
    out.extend(card_line(line) for line in lines)
    if more:
        out.append(f"{INDENT}{style.dim(f'… and {more} more')}")


@_render.register
def _report(view: ReportCard, style: Style) -> str:
    out = [style.bold(f"📊 {view.title}"), f"{INDENT}{view.period}"]
    figures = []
    for figure in view.figures:
        trend = f" {TREND_ICONS[figure.trend]}" if figure.trend is not None else ""
        change = f" ({figure.change})" if figure.change else ""
        figures.append(f"{figure.label}: {figure.text}{trend}{change}")
    out.extend(f"{INDENT}{text}" for text in figures)
    _section(out, style, "Goals", view.goals)
    _section(out, style, "Completed", view.completed, view.more_completed)
    _section(out, style, "Overdue", view.overdue, view.more_overdue)
    _section(out, style, "At risk", view.at_risk, view.more_at_risk)
    _section(out, style, "Biggest movers", view.movers)
    if view.streaks:
        out.append(style.bold("Streaks"))
        out.extend(f"{INDENT}@{s.person}: {s.text}" for s in view.streaks)
    if not (view.goals or view.completed or view.overdue or view.at_risk):
        out.append(INDENT + style.dim('Nothing to report yet: goal "Title" starts one.'))
    hint = "chart burnup #N · export xlsx · report month"
    out.append(INDENT + style.dim(f"More: {hint}"))
    return "\n".join(out)


@_render.register
def _file(view: ReportFile, style: Style) -> str:
    icon = "🖼" if view.kind == FileKind.CHART else "📎"
    return (f"{icon} {style.bold(view.title)} — {view.summary}\n"
            f"{INDENT}Written to {view.file.location}")
