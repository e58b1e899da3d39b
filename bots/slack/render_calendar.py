"""Calendar sync's status and ICS feeds as Block Kit. Part of the one Slack renderer
(`render.message` renders these; registered on its `_blocks`); user text is escaped here."""

from __future__ import annotations

from bots.slack.blocks import Block, context, join_lines, section
from bots.slack.mrkdwn import escape
from bots.slack.render import _blocks, command_text
from core.views import CalendarFeedView, CalendarStatusView


@_blocks.register
def _calendar_status(view: CalendarStatusView, stamp: str) -> list[Block]:
    blocks: list[Block] = []
    if view.headline:
        blocks.append(section(f"✅ *{escape(view.headline)}*"))
    state = "on" if view.enabled and view.google else "off"
    rows = [f"📅 *Calendar sync is {state}*", *(f"→ {escape(d)}" for d in view.destinations)]
    if view.kinds:
        rows.append(f"Kinds: {escape(', '.join(view.kinds))}")
    if view.google:
        synced = f"{view.events} event{'s' if view.events != 1 else ''} in calendars"
        if view.last_pushed:
            synced += f" · last written {escape(view.last_pushed)}"
        if view.last_pulled:
            synced += f" · calendars read {escape(view.last_pulled)}"
        rows.append(synced)
    if view.pending:
        failing = (f", {view.failing} failing (next try {escape(view.next_retry)})"
                   if view.failing else "")
        rows.append(f"⏳ {view.pending} change{'s' if view.pending != 1 else ''} waiting{failing}")
    elif view.google and view.enabled:
        rows.append("Nothing waiting")
    if view.last_error and view.failing:
        rows.append(f"⚠ {escape(view.last_error)}")
    blocks += [section(chunk) for chunk in join_lines(rows)]
    if view.feeds:
        feeds = ["*Your ICS feeds*", *(f"<{escape(feed)}>" for feed in view.feeds)]
        blocks += [section(chunk) for chunk in join_lines(feeds)]
    if view.advice:
        blocks.append(context(*(f"→ {escape(a)}" for a in view.advice[:10])))
    return blocks


@_blocks.register
def _calendar_feed(view: CalendarFeedView, stamp: str) -> list[Block]:
    made = "New ICS feed" if view.created else "Your ICS feed"
    rows = [f"📅 *{made}: {escape(view.title)}*", f"<{escape(view.url)}>"]
    if view.kinds:
        rows.append(f"With the {escape(', '.join(view.kinds))} that have a due date")
    rows += [escape(how) for how in view.how_to]
    blocks = [section(chunk) for chunk in join_lines(rows)]
    blocks.append(context(f"Anyone with the address can read it; stop it: "
                          f"`{escape(command_text(view.revoke))}`"))
    return blocks
