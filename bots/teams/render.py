"""The one Teams renderer: every view of `core.views` as an Adaptive Card 1.5 message.

`message(view)` gives the activity to send (a `message` with one card attachment and a plain
`summary` for notifications); `card(view)` the card alone (to update one in place). Nudges and
reminder settings are rendered in `render_nudges`, registered here. The content matches the
Slack renderer's: the same facts, the same buttons, in Adaptive Card form (a menu is the card's
secondary actions, which Teams shows under "…"). User text is escaped with `markdown` here
(and there) and nowhere else. Every card fits in Teams' 28 KB (`cards.fit`).
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any

from bots.teams import cards
from bots.teams.cards import Element, submit, text
from bots.teams.markdown import code_spans, escape, oneline, paragraphs
from core.humanize import ellipsis, progress_bar
from core.model import Kind, Priority, Status
from core.view_summary import summary
from core.views import (
    Action,
    MilestoneCard,
    MilestoneLine,
    MilestoneList,
    Notice,
    Tone,
    UpdateLine,
    View,
)

KIND_ICONS = {Kind.GOAL: "🎯", Kind.MILESTONE: "🏁", Kind.TASK: "📌"}
TONE_ICONS = {Tone.SUCCESS: "✅", Tone.INFO: "💬", Tone.WARNING: "⚠️", Tone.ERROR: "❌"}
TONE_COLORS = {Tone.SUCCESS: "good", Tone.INFO: "default", Tone.WARNING: "warning",
               Tone.ERROR: "attention"}
STATUS_ICONS = {Status.DONE: "✅", Status.CANCELLED: "✖️", Status.BLOCKED: "⛔",
                Status.AT_RISK: "⚠️", Status.OFF_TRACK: "🔻"}
STATUS_COLORS = {Status.DONE: "good", Status.AT_RISK: "warning", Status.OFF_TRACK: "attention",
                 Status.BLOCKED: "attention"}
TITLE = 150
CHILDREN_SHOWN = 15
HISTORY_SHOWN = 5
ACTIVITY_SHOWN = 10
LIST_LINES = 25
ROWS = 40

Payload = dict[str, Any]
Parts = tuple[list[Element], list[Element]]  # the card's body and its actions


def message(view: View, *, stamp: str | None = None) -> Payload:
    """The activity for any view: one Adaptive Card and a plain summary."""
    return {"type": "message", "summary": ellipsis(summary(view), 250),
            "attachments": [cards.attachment(card(view, stamp=stamp))]}


def card(view: View, *, stamp: str | None = None) -> Element:
    body, actions = _parts(view, stamp or cards.nonce())
    return cards.fit(cards.card(body, actions))


@singledispatch
def _parts(view: View, stamp: str) -> Parts:
    raise TypeError(f"no Teams rendering for {type(view).__name__}")


def headline(words: str) -> Element:
    return text(f"✅ **{escape(words)}**", color="good")


def rows(lines: list[str], *, subtle: bool = False, limit: int = ROWS,
         more: str = "") -> list[Element]:
    """One TextBlock per row (markdown already made), at most `limit`, then how many more."""
    found = [text(row, subtle=subtle, spacing="small") for row in lines[:limit]]
    if len(lines) > limit:
        found.append(text(f"…and {len(lines) - limit} more{more}", subtle=True))
    return found


# --- notices ------------------------------------------------------------------------------------


@_parts.register
def _notice(view: Notice, stamp: str) -> Parts:
    body = [text(f"{TONE_ICONS[view.tone]} {escape(ellipsis(view.text, 2000))}",
                 color=TONE_COLORS[view.tone])]
    if view.hint:
        body.append(text(f"Try: {code_spans(ellipsis(view.hint, 500))}", subtle=True))
    return body, []


def sorry(ref: str, *, nothing_changed: bool = True) -> Payload:
    """The apology for an unexpected failure, with the reference the log has."""
    words = f"Something went wrong (ref {ref})." + (" Nothing was changed."
                                                     if nothing_changed else "")
    return message(Notice(text=words, tone=Tone.ERROR))


# --- milestones ---------------------------------------------------------------------------------


def status_text(status: Status) -> str:
    icon = STATUS_ICONS.get(status)
    return f"{icon} {status.label}" if icon else status.label


def bar(percent: int) -> str:
    return f"{progress_bar(percent)} {percent}%"


def line_text(line: MilestoneLine, *, with_kind: bool = False) -> str:
    """`**#12** Launch beta  ▰▰▰▱▱▱▱▱▱▱ 30% · due Tue 15 Dec · @bob · ⚠ 3 days overdue`"""
    indent = "\u2003" * min(line.depth, 6) + ("↳ " if line.depth else "")
    kind = f"{KIND_ICONS[line.kind]} " if with_kind else ""
    parts = [f"{indent}{kind}**{line.ref}** {oneline(line.title, 120)}  {bar(line.percent)}"]
    if line.status not in (Status.ON_TRACK, Status.NOT_STARTED):
        parts.append(status_text(line.status))
    if line.due:
        parts.append(f"due {line.due.text}" + (" (overdue)" if line.due.overdue else ""))
    parts.append(f"@{oneline(line.owner, 60)}")
    found = " · ".join(parts)
    if line.flags:
        found += "  " + " ".join(f"⚠ {oneline(f.text, 80)}" for f in line.flags)
    return found


def update_text(update: UpdateLine) -> str:
    percent = f"{update.percent}%, " if update.percent is not None else ""
    found = f"@{oneline(update.author, 60)}: {percent}{update.status.label.lower()}"
    if update.notes:
        found += f" — “{oneline(update.notes, 500)}”"
    if update.blockers:
        found += f" · blockers: {oneline(update.blockers, 300)}"
    return found


def _facts(view: MilestoneCard) -> list[tuple[str, str]]:
    line = view.line
    found = [("Owner", f"@{oneline(line.owner, 60)}")]
    if line.due:
        found.append(("Due", f"{line.due.text} ({line.due.relative})"))
    if view.start:
        found.append(("Starts", escape(view.start)))
    if line.priority != Priority.MEDIUM:
        found.append(("Priority", line.priority.value.capitalize()))
    if view.parent:
        found.append(("Part of", f"**{view.parent.ref}** {oneline(view.parent.title, 100)} "
                                 f"({view.parent.percent}%)"))
    if view.criterion:
        found.append(("Success", oneline(view.criterion, 300)))
    if view.forecast:
        found.append(("Forecast", oneline(view.forecast, 300)))
    for title, handles in (("Helping", view.contributors), ("Watching", view.watchers)):
        if handles:
            found.append((title, ", ".join(f"@{oneline(h, 60)}" for h in handles[:20])))
    if view.tags:
        found.append(("Tags", ", ".join(oneline(t, 40) for t in view.tags[:20])))
    if view.channel:
        found.append(("Channel", oneline(view.channel, 80)))
    return found


def card_body(view: MilestoneCard, stamp: str) -> list[Element]:
    line = view.line
    body: list[Element] = []
    if view.headline:
        body.append(headline(ellipsis(view.headline, 300)))
    body.append(text(f"{KIND_ICONS[line.kind]} **{line.kind.value.capitalize()} {line.ref}** "
                     f"{oneline(line.title, TITLE)}", size="medium", weight="bolder"))
    body.append(text(f"{bar(line.percent)} · {status_text(line.status)}",
                     color=STATUS_COLORS.get(line.status), spacing="small"))
    body.append(cards.facts(_facts(view)))
    if line.flags:
        body.append(text("  ".join(f"⚠ {oneline(f.text, 120)}" for f in line.flags),
                         color="warning"))
    if view.links:
        body.append(text("\n\n".join(f"🔗 {oneline(link, 300)}" for link in view.links[:10])))
    if view.detailed and view.description:
        body.append(text(paragraphs(view.description, 3000)))
    if view.children:
        items = [cards.container([text(line_text(c))],
                                 select=cards.select("run", f"show {c.ref}", stamp=stamp))
                 for c in view.children[:CHILDREN_SHOWN]]
        if len(view.children) > CHILDREN_SHOWN:
            items.append(text(f"…and {len(view.children) - CHILDREN_SHOWN} more: "
                              f"**list {line.ref}**", subtle=True))
        body.append(cards.container(items, separator=True))
    if view.detailed:
        body += _history(view)
    elif view.last_update:
        body.append(text(f"Last update ({escape(view.last_update.when)}) "
                         f"{update_text(view.last_update)}", subtle=True))
    return body


def _history(view: MilestoneCard) -> list[Element]:
    body: list[Element] = []
    if view.updates:
        body.append(text("**Updates**", separator=True))
        body += rows([f"**{escape(u.when)}** {update_text(u)}"
                      for u in view.updates], limit=HISTORY_SHOWN)
    if view.comments:
        body.append(text("**Comments**", separator=True))
        body += rows([f"**{escape(c.when)}** @{oneline(c.author, 60)}: {oneline(c.body, 600)}"
                      for c in view.comments], limit=HISTORY_SHOWN)
    if view.activity:
        body.append(text("**Activity**", separator=True))
        body += rows([f"{escape(a.when)} · {oneline(a.text, 200)}" for a in view.activity],
                     subtle=True, limit=ACTIVITY_SHOWN)
    return body


def card_actions(view: MilestoneCard, stamp: str) -> list[Element]:
    """Update progress, Comment, Mark done or Reopen; the menu (secondary actions) holds
    edit, watch, details and activity, like Slack's overflow menu."""
    ref = view.line.ref
    wanted = set(view.actions)
    found: list[Element] = []
    if Action.UPDATE in wanted:
        found.append(submit("Update progress", "checkin", ref, stamp=stamp, style="positive"))
    if Action.COMMENT in wanted:
        found.append(submit("Comment", "comment", ref, stamp=stamp))
    if Action.DONE in wanted:
        found.append(submit("Mark done", "run", f"done {ref}", stamp=stamp))
    if Action.REOPEN in wanted:
        found.append(submit("Reopen", "run", f"reopen {ref}", stamp=stamp))
    if wanted & {Action.EDIT, Action.ASSIGN, Action.DUE, Action.MOVE}:
        # One form holds the details, the owner and helpers, the dates and the parent.
        found.append(submit("Edit, assign, due date, move…", "edit", ref, stamp=stamp,
                            secondary=True))
    if Action.WATCH in wanted:
        found.append(submit("Watch", "run", f"watch {ref}", stamp=stamp, secondary=True))
    if Action.UNWATCH in wanted:
        found.append(submit("Stop watching", "run", f"unwatch {ref}", stamp=stamp,
                            secondary=True))
    if view.actions:
        found.append(submit("Details", "run", f"show {ref}", stamp=stamp, secondary=True))
        found.append(submit("Activity", "run", f"activity {ref}", stamp=stamp, secondary=True))
    return found


@_parts.register
def _card(view: MilestoneCard, stamp: str) -> Parts:
    return card_body(view, stamp), card_actions(view, stamp)


@_parts.register
def _list(view: MilestoneList, stamp: str) -> Parts:
    total = f" ({view.total})" if view.total else ""
    body: list[Element] = [text(f"**{oneline(view.title, 200)}**{total}", size="medium")]
    if not view.sections:
        body.append(text(escape(view.empty), subtle=True))
    shown = 0
    for part in view.sections:
        if shown >= LIST_LINES:
            break
        if part.title:
            body.append(text(f"**{oneline(part.title, 100)}**", subtle=True, separator=True))
        for line in part.lines[:LIST_LINES - shown]:
            shown += 1
            body.append(cards.container(
                [text(line_text(line))], spacing="small",
                select=cards.select("run", f"show {line.ref}", stamp=stamp)))
    actions: list[Element] = []
    if view.pages > 1:
        body.append(text(f"Page {view.page} of {view.pages}", subtle=True))
        if view.next_command:
            actions.append(submit("Next page ›", "run", view.next_command, stamp=stamp))
    return body, actions


# The views of each feature register their renderings on `_parts` from a module of their own:
# importing this renderer registers them all.
from bots.teams import render_access as _render_access  # noqa: E402, F401
from bots.teams import render_calendar as _render_calendar  # noqa: E402, F401
from bots.teams import render_nudges as _render_nudges  # noqa: E402, F401
from bots.teams import render_people as _render_people  # noqa: E402, F401
from bots.teams import render_reports as _render_reports  # noqa: E402, F401
from bots.teams import render_scoring as _render_scoring  # noqa: E402, F401
