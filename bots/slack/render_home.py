"""The App Home as Block Kit: the reader's milestones (most urgent first), the goals they roll
up to, the unread inbox, and the buttons to act. One renderer with `render`, split off for size."""

from __future__ import annotations

from bots.slack.blocks import (
    SURFACE_BLOCKS,
    Block,
    actions,
    button,
    context,
    divider,
    header,
    option,
    overflow,
    section,
)
from bots.slack.mrkdwn import escape
from bots.slack.render import Payload, _fit, join_lines, line_text, nonce
from bots.slack.render_nudges import SETTINGS, VACATION
from bots.slack.render_people import inbox_blocks
from bots.slack.render_reports import TREND_ICONS, card_line
from core.reports.card import ReportCard
from core.views import DashboardView

HOME_LINES = 20
WEEK_GOALS = 8
INBOX_SHOWN = 10


def home(view: DashboardView, *, stamp: str | None = None, week: ReportCard | None = None
         ) -> Payload:
    """The App Home: the reader's milestones (most urgent first), the goals they roll up to,
    this week's company figures and goals (when reports are on), the unread inbox. Never more
    than 100 blocks; the reader's list pages by 20."""
    stamp = stamp or nonce()
    mine = view.mine
    blocks: list[Block] = [
        header("Cairn"),
        actions(button("New milestone", "cairn.new", "new", style="primary"),
                button("Reminder settings", SETTINGS, "settings"),
                button("I'm away…", VACATION, "vacation"),
                button("Refresh", "cairn.home.page", str(mine.page)), block_id=f"top.{stamp}"),
        section(f"*{escape(mine.title)}*" + (f" ({mine.total})" if mine.total else "")),
    ]
    if not mine.sections:
        blocks.append(context(escape(mine.empty)))
    shown = 0
    for index, part in enumerate(mine.sections):
        if part.title:
            blocks.append(context(f"*{escape(part.title)}*"))
        for n, line in enumerate(part.lines):
            if shown >= HOME_LINES:
                break
            shown += 1
            menu = overflow("cairn.more", [
                option("Update progress", f"cairn.checkin {line.ref}"),
                option("Mark done", f"cairn.run done {line.ref}"),
                option("Comment", f"cairn.comment {line.ref}"),
                option("Details", f"cairn.details {line.ref}"),
            ])
            blocks.append(section(line_text(line, with_kind=True), accessory=menu,
                                  block_id=f"mine.{stamp}.{index}.{n}"))
    if mine.pages > 1:
        pager = []
        if mine.page > 1:
            pager.append(button("‹ Previous", "cairn.home.page:prev", str(mine.page - 1)))
        if mine.page < mine.pages:
            pager.append(button("Next ›", "cairn.home.page:next", str(mine.page + 1)))
        blocks.append(context(f"Page {mine.page} of {mine.pages}"))
        blocks.append(actions(*pager, block_id=f"pager.{stamp}"))
    blocks.append(divider())
    blocks.append(section("*Goals your work rolls up to*"))
    if not view.goals:
        blocks.append(context("Nothing above your milestones yet."))
    blocks += [section(chunk) for chunk in join_lines(
        [line_text(g, with_kind=True) for g in view.goals])]
    if view.badges:
        blocks.append(context("🏅 *Badges:* " + escape(" · ".join(view.badges))
                              + " · `/cairn badges` lists them all"))
    blocks.append(divider())
    if week is not None:
        blocks += week_blocks(week)
        blocks.append(divider())
    blocks += inbox_blocks(view.inbox, stamp, limit=INBOX_SHOWN)
    more = context("…more than fits here: `/cairn list mine` shows everything.")
    return {"type": "home", "blocks": _fit(blocks, SURFACE_BLOCKS, more)}


def week_blocks(card: ReportCard) -> list[Block]:
    """The company this week: its figures, and its goals with progress bars."""
    fields = [{"type": "mrkdwn", "text": f"*{escape(f.label)}*\n{escape(f.text)}"
               + (f" {TREND_ICONS[f.trend]}" if f.trend is not None else "")}
              for f in card.figures]
    blocks: list[Block] = [section(f"*📊 This week · {escape(card.scope)}*"),
                           context(escape(card.period) + " · `/cairn report` for the whole card")]
    if fields:
        blocks.append({"type": "section", "fields": fields[:10]})
    goals = [card_line(line) for line in card.goals[:WEEK_GOALS]]
    blocks += [section(chunk) for chunk in join_lines(goals)]
    return blocks
