"""Adaptive Cards for report cards and the files charts and exports become: a chart is an
image in the card, an export a button that downloads it, both at the signed, expiring address
Cairn serves them at (registered on the one Teams renderer, `bots.teams.render`)."""

from __future__ import annotations

from bots.teams import cards
from bots.teams.cards import Element, submit, text
from bots.teams.markdown import escape
from bots.teams.render import KIND_ICONS, Parts, _parts, rows
from core.humanize import ellipsis, progress_bar
from core.reports.card import CardLine, ReportCard, Trend
from core.reports.views import FileKind, ReportFile

TREND_ICONS = {Trend.BETTER: "↑", Trend.WORSE: "↓", Trend.SAME: "="}


def card_line(line: CardLine) -> str:
    icon = KIND_ICONS.get(line.kind, "")
    return (f"{icon} **{line.ref}** {escape(ellipsis(line.title, 80))}  "
            f"{progress_bar(line.percent)} {line.percent}%  @{escape(line.owner)} · "
            f"{escape(line.note)}")


def _section(body: list[Element], title: str, lines: tuple[CardLine, ...], more: int = 0
             ) -> None:
    if not lines:
        return
    body.append(text(f"**{title}**", separator=True))
    found = [card_line(line) for line in lines]
    body.extend(rows(found))
    if more:
        body.append(text(f"…and {more} more", subtle=True))


@_parts.register
def _report(view: ReportCard, stamp: str) -> Parts:
    body: list[Element] = [text(f"📊 **{escape(view.title)}**", size="large"),
                           text(escape(view.period), subtle=True, spacing="none")]
    pairs = []
    for figure in view.figures:
        trend = f" {TREND_ICONS[figure.trend]}" if figure.trend is not None else ""
        change = f" ({escape(figure.change)})" if figure.change else ""
        pairs.append((escape(figure.label), f"{escape(figure.text)}{trend}{change}"))
    body.append(cards.facts(pairs))
    _section(body, "Goals", view.goals)
    _section(body, "Completed", view.completed, view.more_completed)
    _section(body, "Overdue", view.overdue, view.more_overdue)
    _section(body, "At risk", view.at_risk, view.more_at_risk)
    _section(body, "Biggest movers", view.movers)
    if view.streaks:
        body.append(text("**Streaks**", separator=True))
        body.extend(rows([f"@{escape(s.person)}: {escape(s.text)}" for s in view.streaks]))
    actions = [submit("Burn-up", "run", "chart burnup", stamp=stamp),
               submit("Status chart", "run", "chart status", stamp=stamp),
               submit("Export XLSX", "run", "export xlsx", stamp=stamp)]
    return body, actions


@_parts.register
def _file(view: ReportFile, stamp: str) -> Parts:
    icon = "🖼" if view.kind == FileKind.CHART else "📎"
    body: list[Element] = [text(f"{icon} **{escape(view.title)}**"),
                           text(escape(view.summary), subtle=True, spacing="none")]
    actions: list[Element] = []
    if view.url and view.is_image:
        body.append({"type": "Image", "url": view.url, "altText": ellipsis(view.summary, 250)})
    download = cards.open_url(f"Download {view.file.name}", view.url) if view.url else None
    if download is not None:
        actions.append(download)
    if not view.url:
        body.append(text("This Cairn serves no files: ask whoever runs it to set PUBLIC_URL.",
                         subtle=True))
    return body, actions
