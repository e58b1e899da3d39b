"""The one Slack renderer: every view of `core.views` as Block Kit.

`message(view)` gives a chat message (at most 50 blocks), `home(view)` the App Home (at most 100),
`card_modal(view)` a read-only modal with a milestone in full, `options(view)` the choices of an
external select; nudges and reminder settings are rendered in `render_nudges`, registered here.
User text is escaped for mrkdwn here (and there) and nowhere else.

Buttons say what they do in their action id and value (see `actions.ACTIONS`): `cairn.run:<x>`
runs its value as a line of the shared grammar, the others open a form for the milestone named
in their value. Each rendering stamps its action blocks with a fresh id, so a double click on one
rendering is recognised as such (`actions.click_key`) while the same button on a newer rendering
is a new request.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import singledispatch
from typing import Any

from bots.slack.blocks import (
    MESSAGE_BLOCKS,
    SURFACE_BLOCKS,
    Block,
    actions,
    button,
    clip,
    clip_mrkdwn,
    context,
    join_lines,
    option,
    overflow,
    plain,
    section,
)
from bots.slack.mrkdwn import escape, escape_keeping_mentions, escape_readable
from core.humanize import progress_bar
from core.model import Kind, Priority, Status
from core.nudges.views import NudgeView, ReminderSettingsView
from core.views import (
    Action,
    ActivityView,
    CalendarFeedView,
    CalendarStatusView,
    HelpView,
    InboxView,
    MilestoneCard,
    MilestoneLine,
    MilestoneList,
    Notice,
    PeopleView,
    ProfileView,
    Tone,
    UpdateLine,
    View,
)

COMMAND = "/cairn"
KIND_ICONS = {Kind.GOAL: "🎯", Kind.MILESTONE: "🏁", Kind.TASK: "📌"}
TONE_ICONS = {Tone.SUCCESS: "✅", Tone.INFO: "💬", Tone.WARNING: "⚠️", Tone.ERROR: "❌"}
STATUS_ICONS = {Status.DONE: "✅", Status.CANCELLED: "✖️", Status.BLOCKED: "⛔",
                Status.AT_RISK: "⚠️", Status.OFF_TRACK: "🔻"}
CHILDREN_SHOWN = 15
HISTORY_SHOWN = 5

Payload = dict[str, Any]
#: The notification text of views rendered in other modules of this renderer, by view type.
FALLBACKS: dict[type[View], Callable[[View], str]] = {}


def nonce() -> str:
    return secrets.token_hex(4)


def message(view: View, *, stamp: str | None = None) -> Payload:
    """A message payload (`text` for notifications, `blocks`) for any view. Slack reads the
    `text` as mrkdwn too, so it is escaped like any block (a `<!channel>` in a title must
    not ping a channel from a notification)."""
    stamp = stamp or nonce()
    blocks = _blocks(view, stamp)
    more = context("…cut short: Slack shows at most 50 blocks in a message.")
    return {"text": escape(clip(fallback(view), 2900)),
            "blocks": _fit(blocks, MESSAGE_BLOCKS, more)}


def _fit(blocks: list[Block], limit: int, more: Block) -> list[Block]:
    return blocks if len(blocks) <= limit else [*blocks[: limit - 1], more]


def fallback(view: View) -> str:
    """Plain text for notifications and screen readers."""
    if isinstance(view, Notice):
        return view.text
    if isinstance(view, MilestoneCard):
        line = view.line
        text = f"{line.ref} {line.title} — {line.percent}%, {line.status.label.lower()}"
        return f"{view.headline}: {text}" if view.headline else text
    if isinstance(view, MilestoneList):
        return f"{view.title} ({view.total})"
    if isinstance(view, HelpView):
        return view.intro
    if isinstance(view, InboxView):
        return f"Inbox · {view.unread} unread"
    if isinstance(view, ActivityView):
        return view.title
    if isinstance(view, PeopleView):
        return f"{view.tenant} · {view.usage}"
    if isinstance(view, ProfileView):
        return f"@{view.person.handle}"
    if isinstance(view, CalendarStatusView):
        return view.headline or "Calendar sync"
    if isinstance(view, CalendarFeedView):
        return f"ICS feed: {view.title}"
    if isinstance(view, NudgeView):
        return view.headline
    if isinstance(view, ReminderSettingsView):
        return view.headline or f"Your reminders: check-ins {view.checkin}"
    if type(view) in FALLBACKS:
        return FALLBACKS[type(view)](view)
    return str(getattr(view, "title", "")) or "Cairn"


@singledispatch
def _blocks(view: View, stamp: str) -> list[Block]:
    raise TypeError(f"no Slack rendering for {type(view).__name__}")


# --- notices ---------------------------------------------------------------------------------


@_blocks.register
def _notice(view: Notice, stamp: str) -> list[Block]:
    blocks = [section(f"{TONE_ICONS[view.tone]} {escape(view.text)}")]
    if view.hint:
        blocks.append(context(f"Try: {escape(view.hint)}"))
    return blocks


# --- milestones --------------------------------------------------------------------------------


def status_text(status: Status) -> str:
    icon = STATUS_ICONS.get(status)
    return f"{icon} {status.label}" if icon else status.label


def bar(percent: int) -> str:
    return f"`{progress_bar(percent)}` {percent}%"


def line_text(line: MilestoneLine, *, with_kind: bool = False) -> str:
    """`#12 *Launch beta*  ▰▰▰▱▱ 30% · due Tue 15 Dec · @bob ⚠ 3 days overdue`"""
    indent = "\u2003" * min(line.depth, 6) + ("↳ " if line.depth else "")
    kind = f"{KIND_ICONS[line.kind]} " if with_kind else ""
    parts = [f"{indent}{kind}`{line.ref}` *{escape(clip(line.title, 120))}*  {bar(line.percent)}"]
    if line.status not in (Status.ON_TRACK, Status.NOT_STARTED):
        parts.append(status_text(line.status))
    if line.due:
        parts.append(f"due {line.due.text}" + (" (overdue)" if line.due.overdue else ""))
    parts.append(f"@{escape(line.owner)}")
    text = " · ".join(parts)
    if line.flags:
        text += "  " + " ".join(f"⚠ {escape(f.text)}" for f in line.flags)
    return text


def card_blocks(view: MilestoneCard, stamp: str, *, buttons: bool = True) -> list[Block]:
    line = view.line
    blocks: list[Block] = []
    if view.headline:
        blocks.append(section(f"✅ *{escape(view.headline)}*"))
    title = (f"{KIND_ICONS[line.kind]} *{line.kind.value.capitalize()} {line.ref}*  "
             f"{escape(line.title)}\n{bar(line.percent)} · {status_text(line.status)}")
    blocks.append(section(title))
    facts = [f"Owner @{escape(line.owner)}"]
    if line.due:
        facts.append(f"Due {line.due.text} ({line.due.relative})")
    if view.start:
        facts.append(f"Starts {view.start}")
    if line.priority != Priority.MEDIUM:
        facts.append(f"{line.priority.value.capitalize()} priority")
    blocks.append(context(" · ".join(facts)))
    if line.flags:
        blocks.append(context("  ".join(f"⚠ {escape(f.text)}" for f in line.flags)))
    extra: list[str] = []
    if view.parent:
        extra.append(f"Part of `{view.parent.ref}` {escape(view.parent.title)} "
                     f"({view.parent.percent}%)")
    if view.criterion:
        extra.append(f"*Success:* {escape(view.criterion)}")
    if view.forecast:
        extra.append(f"*Forecast:* {escape(view.forecast)}")
    if extra:
        blocks.append(section("\n".join(extra)))
    people = []
    if view.contributors:
        people.append("Helping: " + ", ".join("@" + escape(h) for h in view.contributors))
    if view.watchers:
        people.append("Watching: " + ", ".join("@" + escape(h) for h in view.watchers))
    if view.tags:
        people.append("Tags: " + ", ".join(escape(t) for t in view.tags))
    if view.channel:
        people.append("Channel: " + _channel(view.channel))
    if people:
        blocks.append(context(*people))
    if view.links:
        blocks.append(section("\n".join(f"🔗 {escape(link)}" for link in view.links[:10])))
    if view.detailed and view.description:
        blocks.append(section(escape_keeping_mentions(view.description)))
    if view.children:
        rows = [line_text(c) for c in view.children[:CHILDREN_SHOWN]]
        if len(view.children) > CHILDREN_SHOWN:
            rows.append(f"…and {len(view.children) - CHILDREN_SHOWN} more: "
                        f"`{COMMAND} list {line.ref}`")
        blocks += [section(chunk) for chunk in join_lines(rows)]
    if view.detailed:
        blocks += _history(view)
    elif view.last_update:
        blocks.append(context(f"Last update ({view.last_update.when}) "
                              f"{update_text(view.last_update)}"))
    if buttons and view.actions:
        blocks.append(card_actions(view, stamp))
    return blocks


def _channel(channel: str) -> str:
    return f"<#{channel}>" if channel[:1] in "CG" and channel.isalnum() else escape(channel)


def update_text(update: UpdateLine) -> str:
    percent = f"{update.percent}%, " if update.percent is not None else ""
    text = f"@{escape(update.author)}: {percent}{update.status.label.lower()}"
    if update.notes:
        text += f" — “{escape_keeping_mentions(clip(update.notes, 500))}”"
    if update.blockers:
        text += f" · blockers: {escape_keeping_mentions(clip(update.blockers, 300))}"
    return text


def _history(view: MilestoneCard) -> list[Block]:
    blocks: list[Block] = []
    if view.updates:
        rows = [f"*{u.when}* {update_text(u)}" for u in view.updates[:HISTORY_SHOWN]]
        blocks += [section(chunk) for chunk in join_lines(["*Updates*", *rows])]
    if view.comments:
        rows = [f"*{c.when}* @{escape(c.author)}: {escape_keeping_mentions(clip(c.body, 600))}"
                for c in view.comments[:HISTORY_SHOWN]]
        blocks += [section(chunk) for chunk in join_lines(["*Comments*", *rows])]
    if view.activity:
        rows = [f"{a.when} · {escape(a.text)}" for a in view.activity[:10]]
        blocks.append(context(clip_mrkdwn("\n".join(rows), 3000)))
    return blocks


def card_actions(view: MilestoneCard, stamp: str) -> Block:
    ref = view.line.ref
    wanted = set(view.actions)
    elements: list[Block] = []
    if Action.UPDATE in wanted:
        elements.append(button("Update progress", "cairn.checkin", ref, style="primary"))
    if Action.COMMENT in wanted:
        elements.append(button("Comment", "cairn.comment", ref))
    if Action.DONE in wanted:
        elements.append(button("Mark done", "cairn.run:done", f"done {ref}"))
    if Action.REOPEN in wanted:
        elements.append(button("Reopen", "cairn.run:reopen", f"reopen {ref}"))
    more = []
    if wanted & {Action.EDIT, Action.ASSIGN, Action.DUE, Action.MOVE}:
        # One form holds the details, the owner and helpers, the dates and the parent.
        more.append(option("Edit, assign, due date, move…", f"cairn.edit {ref}"))
    if Action.WATCH in wanted:
        more.append(option("Watch", f"cairn.run watch {ref}"))
    if Action.UNWATCH in wanted:
        more.append(option("Stop watching", f"cairn.run unwatch {ref}"))
    more.append(option("Details", f"cairn.run show {ref}"))
    more.append(option("Activity", f"cairn.run activity {ref}"))
    elements.append(overflow("cairn.more", more))
    return actions(*elements, block_id=f"card.{stamp}")


@_blocks.register
def _card(view: MilestoneCard, stamp: str) -> list[Block]:
    return card_blocks(view, stamp)


@_blocks.register
def _list(view: MilestoneList, stamp: str) -> list[Block]:
    total = f" ({view.total})" if view.total else ""
    blocks: list[Block] = [section(f"*{escape(view.title)}*{total}")]
    if not view.sections:
        blocks.append(context(escape(view.empty)))
    for index, part in enumerate(view.sections):
        if part.title:
            blocks.append(context(f"*{escape(part.title)}*"))
        for n, line in enumerate(part.lines):
            open_button = button("Open", "cairn.run:show", f"show {line.ref}")
            blocks.append(section(line_text(line), accessory=open_button,
                                  block_id=f"line.{stamp}.{index}.{n}"))
    if view.pages > 1:
        blocks.append(context(f"Page {view.page} of {view.pages}"))
        if view.next_command:
            blocks.append(actions(button("Next page ›", "cairn.run:page", view.next_command),
                                  block_id=f"pager.{stamp}"))
    return blocks


# --- help, people, profile, inbox, activity -------------------------------------------------


@_blocks.register
def _help(view: HelpView, stamp: str) -> list[Block]:
    blocks: list[Block] = [section(escape(view.intro))]
    for part in view.sections:
        rows = [f"`{escape(_command(e.usage))}`  {escape(e.summary)}" for e in part.entries]
        blocks += [section(chunk) for chunk in join_lines([f"*{escape(part.title)}*", *rows])]
    if view.footer:
        blocks.append(context(escape(view.footer)))
    return blocks


def _command(usage: str) -> str:
    return usage if usage.startswith("/") else f"{COMMAND} {usage}"


@_blocks.register
def _people(view: PeopleView, stamp: str) -> list[Block]:
    rows = [f"@{escape(p.handle)} · {escape(p.name)} · {p.role} · {escape(p.timezone)} · "
            f"{p.active_milestones} open" + (" (you)" if p.is_you else "") + "".join(
                f"\n      ⚠ not reached on {escape(why)}" for why in p.unreachable)
            for p in view.people]
    head = f"*{escape(view.tenant)}* · {escape(view.plan)} plan · {escape(view.usage)}"
    return [section(chunk) for chunk in join_lines([head, *rows])]


@_blocks.register
def _profile(view: ProfileView, stamp: str) -> list[Block]:
    p = view.person
    blocks: list[Block] = []
    if view.headline:
        blocks.append(section(f"✅ *{escape(view.headline)}*"))
    blocks.append(section(f"*@{escape(p.handle)}* · {escape(p.name)} · {p.role}"))
    facts = [f"Time zone {escape(p.timezone)}", f"works {view.working_days}, "
             f"{view.working_hours}"]
    if view.email:
        facts.append(escape(view.email))
    blocks.append(context(" · ".join(facts)))
    if view.badges:
        blocks.append(context("Badges: " + escape(" · ".join(view.badges))))
    return blocks


@_blocks.register
def _inbox(view: InboxView, stamp: str) -> list[Block]:
    return inbox_blocks(view, stamp, limit=20)


def inbox_blocks(view: InboxView, stamp: str, *, limit: int) -> list[Block]:
    blocks: list[Block] = []
    if view.headline:
        blocks.append(section(f"✅ *{escape(view.headline)}*"))
    title = f"*Inbox* · {view.unread} unread" if view.unread else "*Inbox*"
    blocks.append(section(title))
    if not view.items:
        blocks.append(context("Nothing new."))
    rows = [("● " if item.unread else "") + f"*{item.when}* "
            f"{escape_readable(item.text)}" for item in view.items[:limit]]
    blocks += [section(chunk) for chunk in join_lines(rows)]
    if view.unread:
        blocks.append(actions(button("Mark all read", "cairn.run:read", "inbox read"),
                              block_id=f"inbox.{stamp}"))
    return blocks


@_blocks.register
def _activity(view: ActivityView, stamp: str) -> list[Block]:
    rows = [f"*{a.when}* {escape(a.text)}" for a in view.entries]
    blocks: list[Block] = [section(f"*{escape(view.title)}*")]
    if not rows:
        blocks.append(context("Nothing yet."))
    blocks += [section(chunk) for chunk in join_lines(rows)]
    return blocks


# --- calendar -----------------------------------------------------------------------------------


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
                          f"`{escape(_command(view.revoke))}`"))
    return blocks


# --- surfaces other than messages -------------------------------------------------------------


def card_modal(view: MilestoneCard) -> Payload:
    """A milestone in full, read-only, in a modal (from the App Home)."""
    blocks = card_blocks(view, nonce(), buttons=False)
    more = context("…cut short: Slack shows at most 100 blocks in a modal.")
    return {"type": "modal", "callback_id": "cairn.details",
            "title": plain(f"{view.line.kind.value.capitalize()} {view.line.ref}", 24),
            "close": plain("Close", 24), "blocks": _fit(blocks, SURFACE_BLOCKS, more)}


def options(view: MilestoneList) -> list[dict[str, Any]]:
    """Choices for an external select: `#12 Launch beta`, at most 100."""
    lines = [x for part in view.sections for x in part.lines][:100]
    return [option(f"{x.ref} {x.title}", x.ref) for x in lines]


def option_for(line: MilestoneLine) -> dict[str, Any]:
    return option(f"{line.ref} {line.title}", line.ref)


# Scoring's views register their renderings on `_blocks` (kept in a module of their own).
# Report cards and files register their renderings on `_blocks` (a module of their own).
# API tokens register their renderings here too (a module of their own).
from bots.slack import render_access as _render_access  # noqa: E402, F401
from bots.slack import render_reports as _render_reports  # noqa: E402, F401
from bots.slack import render_scoring as _render_scoring  # noqa: E402, F401
