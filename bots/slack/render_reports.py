"""Block Kit for report cards and the files charts and exports become (registered on the one
Slack renderer, `bots.slack.render`)."""

from __future__ import annotations

from bots.slack.blocks import Block, actions, button, context, header, join_lines, section
from bots.slack.mrkdwn import escape
from bots.slack.render import KIND_ICONS, _blocks
from core.humanize import progress_bar
from core.reports.card import CardLine, ReportCard, Trend
from core.reports.views import FileKind, ReportFile

TREND_ICONS = {Trend.BETTER: "↑", Trend.WORSE: "↓", Trend.SAME: "="}


def card_line(line: CardLine) -> str:
    icon = KIND_ICONS.get(line.kind, "")
    return (f"{icon} `{line.ref}` {escape(line.title)}  {progress_bar(line.percent)} "
            f"{line.percent}%  @{escape(line.owner)} · {escape(line.note)}")


def _section(blocks: list[Block], title: str, lines: tuple[CardLine, ...], more: int = 0
             ) -> None:
    if not lines:
        return
    texts = [f"*{title}*", *(card_line(line) for line in lines)]
    if more:
        texts.append(f"_… and {more} more_")
    blocks.extend(section(chunk) for chunk in join_lines(texts))


@_blocks.register
def _report(view: ReportCard, stamp: str) -> list[Block]:
    blocks: list[Block] = [header(f"📊 {view.title}"), context(escape(view.period))]
    fields = []
    for figure in view.figures:
        trend = f" {TREND_ICONS[figure.trend]}" if figure.trend is not None else ""
        change = f"\n_{escape(figure.change)}_" if figure.change else ""
        fields.append({"type": "mrkdwn",
                       "text": f"*{escape(figure.label)}*\n{escape(figure.text)}{trend}{change}"})
    blocks.append({"type": "section", "fields": fields[:10]})
    _section(blocks, "Goals", view.goals)
    _section(blocks, "Completed", view.completed, view.more_completed)
    _section(blocks, "Overdue", view.overdue, view.more_overdue)
    _section(blocks, "At risk", view.at_risk, view.more_at_risk)
    _section(blocks, "Biggest movers", view.movers)
    if view.streaks:
        blocks.append(section("\n".join(
            ["*Streaks*", *(f"@{escape(s.person)}: {escape(s.text)}" for s in view.streaks)])))
    blocks.append(actions(
        button("Burn-up", "cairn.run:chart", "chart burnup"),
        button("Status chart", "cairn.run:chart", "chart status"),
        button("Export XLSX", "cairn.run:export", "export xlsx"),
        block_id=f"report.{stamp}"))
    return blocks


@_blocks.register
def _file(view: ReportFile, stamp: str) -> list[Block]:
    icon = "🖼" if view.kind == FileKind.CHART else "📎"
    return [section(f"{icon} *{escape(view.title)}* — {escape(view.summary)}"),
            context(escape(view.file.name))]
