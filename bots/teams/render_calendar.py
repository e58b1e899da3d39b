"""Calendar sync's status and ICS feeds as Adaptive Card parts. Part of the one Teams renderer
(`render.message` renders these; registered on its `_parts`); user text is escaped here."""

from __future__ import annotations

from bots.teams import cards
from bots.teams.cards import text
from bots.teams.markdown import code_spans, escape, oneline
from bots.teams.render import Parts, _parts, headline, rows
from core.humanize import ellipsis, plural
from core.views import CalendarFeedView, CalendarStatusView


@_parts.register
def _calendar_status(view: CalendarStatusView, stamp: str) -> Parts:
    body = [headline(ellipsis(view.headline, 300))] if view.headline else []
    state = "on" if view.enabled and view.google else "off"
    body.append(text(f"📅 **Calendar sync is {state}**"))
    lines = [f"→ {oneline(d, 300)}" for d in view.destinations]
    if view.kinds:
        lines.append(f"Kinds: {escape(', '.join(view.kinds))}")
    if view.google:
        synced = f"{plural(view.events, 'event')} in calendars"
        if view.last_pushed:
            synced += f" · last written {escape(view.last_pushed)}"
        if view.last_pulled:
            synced += f" · calendars read {escape(view.last_pulled)}"
        lines.append(synced)
    if view.pending:
        failing = (f", {view.failing} failing (next try {escape(view.next_retry)})"
                   if view.failing else "")
        lines.append(f"⏳ {plural(view.pending, 'change')} waiting{failing}")
    elif view.google and view.enabled:
        lines.append("Nothing waiting")
    if view.last_error and view.failing:
        lines.append(f"⚠ {oneline(view.last_error, 500)}")
    body += rows(lines, limit=20)
    if view.feeds:
        body.append(text("**Your ICS feeds**", separator=True))
        body += rows([oneline(feed, 500) for feed in view.feeds], limit=10)
    body += rows([f"→ {code_spans(ellipsis(a, 300))}" for a in view.advice], subtle=True,
                 limit=10)
    return body, []


@_parts.register
def _calendar_feed(view: CalendarFeedView, stamp: str) -> Parts:
    made = "New ICS feed" if view.created else "Your ICS feed"
    body = [text(f"📅 **{made}: {oneline(view.title, 200)}**"), text(oneline(view.url, 1000))]
    if view.kinds:
        body.append(text(f"With the {escape(', '.join(view.kinds))} that have a due date"))
    body += rows([escape(ellipsis(how, 500)) for how in view.how_to], limit=10)
    body.append(text(f"Anyone with the address can read it; stop it: "
                     f"**{escape(view.revoke)}**", subtle=True))
    subscribe = cards.open_url("Open the feed", view.url)
    return body, [subscribe] if subscribe else []
