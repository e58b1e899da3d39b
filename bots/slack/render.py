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
from bots.slack.mrkdwn import escape, escape_keeping_mentions
from core.humanize import progress_bar
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

COMMAND = "/cairn"
KIND_ICONS = {Kind.GOAL: "🎯", Kind.MILESTONE: "🏁", Kind.TASK: "📌"}
TONE_ICONS = {Tone.SUCCESS: "✅", Tone.INFO: "💬", Tone.WARNING: "⚠️", Tone.ERROR: "❌"}
STATUS_ICONS = {Status.DONE: "✅", Status.CANCELLED: "✖️", Status.BLOCKED: "⛔",
                Status.AT_RISK: "⚠️", Status.OFF_TRACK: "🔻"}
CHILDREN_SHOWN = 15
HISTORY_SHOWN = 5

Payload = dict[str, Any]


def nonce() -> str:
    return secrets.token_hex(4)


def message(view: View, *, stamp: str | None = None) -> Payload:
    """A message payload (`text` for notifications, `blocks`) for any view. Slack reads the
    `text` as mrkdwn too, so it is escaped like any block (a `<!channel>` in a title must
    not ping a channel from a notification)."""
    stamp = stamp or nonce()
    blocks = _blocks(view, stamp)
    more = context("…cut short: Slack shows at most 50 blocks in a message.")
    return {"text": escape(clip(summary(view), 2900)),
            "blocks": _fit(blocks, MESSAGE_BLOCKS, more)}


def command_text(usage: str) -> str:
    """A usage line of the grammar as the slash command to type."""
    return usage if usage.startswith("/") else f"{COMMAND} {usage}"


def _fit(blocks: list[Block], limit: int, more: Block) -> list[Block]:
    return blocks if len(blocks) <= limit else [*blocks[: limit - 1], more]


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


# The views of each feature register their renderings on `_blocks` from a module of their own:
# importing this renderer registers them all.
from bots.slack import render_access as _render_access  # noqa: E402, F401
from bots.slack import render_calendar as _render_calendar  # noqa: E402, F401
from bots.slack import render_nudges as _render_nudges  # noqa: E402, F401
from bots.slack import render_people as _render_people  # noqa: E402, F401
from bots.slack import render_reports as _render_reports  # noqa: E402, F401
from bots.slack import render_scoring as _render_scoring  # noqa: E402, F401
