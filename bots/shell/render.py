"""The shell's renderer: every view as plain text for a terminal (or a pipe)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import singledispatch

from core.humanize import ellipsis, progress_bar
from core.model import Kind, Priority, Status
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
TONE_ICONS = {Tone.SUCCESS: "✅", Tone.INFO: "💬", Tone.WARNING: "⚠️ ", Tone.ERROR: "❌"}
STATUS_ICONS = {Status.DONE: "✅", Status.CANCELLED: "✖", Status.BLOCKED: "⛔"}
TITLE_WIDTH = 32
INDENT = "   "


@dataclass(frozen=True, slots=True)
class Style:
    """ANSI emphasis when writing to a terminal; plain text for pipes."""

    color: bool = False

    def bold(self, text: str) -> str:
        return f"\033[1m{text}\033[0m" if self.color and text else text

    def dim(self, text: str) -> str:
        return f"\033[2m{text}\033[0m" if self.color and text else text


PLAIN = Style()


def render(view: View, style: Style = PLAIN) -> str:
    return _render(view, style).rstrip()


@singledispatch
def _render(view: View, style: Style) -> str:
    raise TypeError(f"no shell rendering for {type(view).__name__}")


@_render.register
def _notice(view: Notice, style: Style) -> str:
    text = f"{TONE_ICONS[view.tone]} {view.text}"
    return text + (f"\n{INDENT}{style.dim('Try: ' + view.hint)}" if view.hint else "")


def _status(line: MilestoneLine) -> str:
    icon = STATUS_ICONS.get(line.status)
    return f"{icon} {line.status.label}" if icon else line.status.label


def _flags(line: MilestoneLine) -> str:
    return "  ".join(f"⚠ {f.text}" for f in line.flags)


def list_row(line: MilestoneLine, width: int = TITLE_WIDTH, prefix: str = "") -> str:
    title = ellipsis(line.title, width).ljust(width)
    due = f"due {line.due.text}" if line.due else ""
    cells = [f"{prefix}{line.ref:<5}", title, progress_bar(line.percent), f"{line.percent:>3}%",
             f"{due:<16}", f"@{line.owner}"]
    if line.status not in (Status.ON_TRACK, Status.NOT_STARTED):
        cells.append(_status(line))
    flags = _flags(line)
    return " ".join(cells) + (f"  {flags}" if flags else "")


@_render.register
def _card(view: MilestoneCard, style: Style) -> str:
    line = view.line
    out: list[str] = []
    if view.headline:
        out.append(f"{TONE_ICONS[view.tone]} {view.headline}")
    head = f"{KIND_ICONS[line.kind]} {line.kind.value.capitalize()} {line.ref}  {line.title}"
    out.append(f"{style.bold(head)}   {progress_bar(line.percent)} {line.percent}%  "
               f"{_status(line)}")
    facts = [f"Owner @{line.owner}"]
    if line.due:
        facts.append(f"Due {line.due.text} ({line.due.relative})")
    if view.start:
        facts.append(f"Starts {view.start}")
    if line.priority != Priority.MEDIUM:
        facts.append(f"{line.priority.value.capitalize()} priority")
    out.append(INDENT + " · ".join(facts))
    if line.flags:
        out.append(INDENT + _flags(line))
    if view.parent:
        out.append(f"{INDENT}Part of {view.parent.ref} {view.parent.title} "
                   f"({view.parent.percent}%)")
    if view.criterion:
        out.append(f"{INDENT}Success: {view.criterion}")
    if view.forecast:
        out.append(f"{INDENT}Forecast: {view.forecast}")
    people = [("Contributors", view.contributors), ("Watchers", view.watchers)]
    for title, handles in people:
        if handles:
            out.append(f"{INDENT}{title}: " + ", ".join("@" + h for h in handles))
    if view.tags:
        out.append(f"{INDENT}Tags: " + ", ".join(view.tags))
    if view.channel:
        out.append(f"{INDENT}Channel: {view.channel}")
    for link in view.links:
        out.append(f"{INDENT}🔗 {link}")
    if view.detailed and view.description:
        out += [INDENT + row for row in view.description.splitlines()]
    width = min(TITLE_WIDTH, max((len(c.title) for c in view.children), default=0))
    for i, child in enumerate(view.children):
        branch = "└ " if i == len(view.children) - 1 else "├ "
        out.append(INDENT + list_row(child, width, prefix=branch))
    if view.detailed:
        out += _history(view, style)
    elif view.last_update:
        last = view.last_update
        out.append(f"{INDENT}Last update ({last.when}) {_update_text(last)}")
    if view.actions:
        out.append(INDENT + style.dim("→ " + _actions(view)))
    return "\n".join(out)


def _update_text(update: UpdateLine) -> str:
    percent = f"{update.percent}%, " if update.percent is not None else ""
    text = f"@{update.author}: {percent}{update.status.label.lower()}"
    if update.notes:
        text += f" — “{update.notes}”"
    if update.blockers:
        text += f" · blockers: {update.blockers}"
    return text


def _history(view: MilestoneCard, style: Style) -> list[str]:
    out: list[str] = []
    if view.updates:
        out.append(INDENT + style.bold("Updates"))
        out += [f"{INDENT}  {u.when:<10} {_update_text(u)}" for u in view.updates]
    if view.comments:
        out.append(INDENT + style.bold("Comments"))
        out += [f"{INDENT}  {c.when:<10} @{c.author}: {c.body}" for c in view.comments]
    if view.activity:
        out.append(INDENT + style.bold("Activity"))
        out += [f"{INDENT}  {a.when:<10} {a.text}" for a in view.activity]
    return out


def _actions(view: MilestoneCard) -> str:
    ref = view.line.ref
    # Only a leaf without a criterion takes a percentage: suggest what works for this one.
    update = f"update {ref} 60%"
    if view.children:
        update = f"update {ref} at risk <notes>"
    elif view.criterion:
        update = f"criteria {ref} <value>"
    verbs = {Action.UPDATE: update, Action.COMMENT: f"comment {ref} …",
             Action.DONE: f"done {ref}", Action.REOPEN: f"reopen {ref}",
             Action.DUE: f"due {ref} <date>", Action.ASSIGN: f"assign {ref} @who",
             Action.WATCH: f"watch {ref}", Action.UNWATCH: f"unwatch {ref}"}
    return " · ".join(verbs[a] for a in view.actions if a in verbs)


@_render.register
def _list(view: MilestoneList, style: Style) -> str:
    out = [style.bold(view.title) + (f"  ({view.total})" if view.total else "")]
    if not view.sections:
        out.append(f"{INDENT}{view.empty}")
    lines = [x for s in view.sections for x in s.lines]
    width = min(TITLE_WIDTH + 8, max((len(x.title) + 2 * x.depth for x in lines), default=0))
    for section in view.sections:
        if section.title:
            out.append(f" {section.title}")
        for x in section.lines:
            indent = "  " * x.depth
            out.append(INDENT + indent + list_row(x, width - len(indent)))
    if view.pages > 1:
        more = f" — next: {view.next_command}" if view.next_command else ""
        out.append(style.dim(f"{INDENT}Page {view.page} of {view.pages}{more}"))
    return "\n".join(out)


# The views of each feature register their renderings on `_render` from a module of their own:
# importing this renderer registers them all.
from bots.shell import render_access as _render_access  # noqa: E402, F401
from bots.shell import render_calendar as _render_calendar  # noqa: E402, F401
from bots.shell import render_nudges as _render_nudges  # noqa: E402, F401
from bots.shell import render_people as _render_people  # noqa: E402, F401
from bots.shell import render_reports as _render_reports  # noqa: E402, F401
from bots.shell import render_scoring as _render_scoring  # noqa: E402, F401
