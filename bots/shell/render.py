"""The shell's renderer: every view as plain text for a terminal (or a pipe)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import singledispatch

from core.humanize import ellipsis, plural, progress_bar
from core.model import Kind, Priority, Status
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


@_render.register
def _help(view: HelpView, style: Style) -> str:
    out = [view.intro]
    width = max(len(e.usage) for s in view.sections for e in s.entries)
    width = min(width, 58)
    for section in view.sections:
        out.append(style.bold(section.title))
        for e in section.entries:
            usage = e.usage if len(e.usage) <= width else e.usage + "\n" + " " * (width + 2)
            out.append(f"  {usage.ljust(width)}  {style.dim(e.summary)}")
    if view.footer:
        out.append(view.footer)
    return "\n".join(out)


@_render.register
def _people(view: PeopleView, style: Style) -> str:
    out = [style.bold(f"{view.tenant} · {view.plan} plan · {view.usage}")]
    for p in view.people:
        you = " (you)" if p.is_you else ""
        out.append(f"  @{p.handle:<16} {p.name[:24]:<24} {p.role:<7} {p.timezone:<20} "
                   f"{p.active_milestones} open{you}")
        out += [f"    ⚠ not reached on {why}" for why in p.unreachable]
    return "\n".join(out)


@_render.register
def _profile(view: ProfileView, style: Style) -> str:
    p = view.person
    out = [f"✅ {view.headline}"] if view.headline else []
    out.append(style.bold(f"@{p.handle}") + f"  {p.name} · {p.role}")
    out.append(f"{INDENT}Time zone {p.timezone} · works {view.working_days}, "
               f"{view.working_hours}")
    if view.email:
        out.append(f"{INDENT}{view.email}")
    if view.badges:
        out.append(f"{INDENT}Badges: " + " · ".join(view.badges))
    return "\n".join(out)


@_render.register
def _inbox(view: InboxView, style: Style) -> str:
    out = [f"✅ {view.headline}"] if view.headline else []
    title = f"Inbox · {view.unread} unread" if view.unread else "Inbox"
    out.append(style.bold(title))
    if not view.items:
        out.append(f"{INDENT}Nothing new.")
    for item in view.items:
        dot = "●" if item.unread else " "
        out.append(f" {dot} {item.when:<10} {item.text}")
    if view.unread:
        out.append(style.dim(f"{INDENT}`inbox read` marks them read"))
    return "\n".join(out)


@_render.register
def _activity(view: ActivityView, style: Style) -> str:
    out = [style.bold(view.title)]
    if not view.entries:
        out.append(f"{INDENT}Nothing yet.")
    out += [f"  {a.when:<10} {a.text}" for a in view.entries]
    return "\n".join(out)


@_render.register
def _calendar_status(view: CalendarStatusView, style: Style) -> str:
    out = [f"✅ {view.headline}"] if view.headline else []
    state = "on" if view.enabled and view.google else "off"
    out.append(style.bold(f"📅 Calendar sync is {state}"))
    for where in view.destinations:
        out.append(f"{INDENT}→ {where}")
    if view.kinds:
        out.append(f"{INDENT}Kinds: {', '.join(view.kinds)}")
    if view.google:
        synced = f"{INDENT}{plural(view.events, 'event')} in calendars"
        if view.last_pushed:
            synced += f" · last written {view.last_pushed}"
        if view.last_pulled:
            synced += f" · calendars read {view.last_pulled}"
        out.append(synced)
    if view.pending:
        failing = f", {view.failing} failing (next try {view.next_retry})" if view.failing else ""
        out.append(f"{INDENT}⏳ {plural(view.pending, 'change')} waiting{failing}")
    elif view.google and view.enabled:
        out.append(f"{INDENT}Nothing waiting")
    if view.last_error and view.failing:
        out.append(f"{INDENT}⚠ {view.last_error}")
    if view.feeds:
        out.append(f"{INDENT}Your ICS feeds:")
        out += [f"{INDENT}  {feed}" for feed in view.feeds]
    out += [f"{INDENT}{style.dim('→ ' + advice)}" for advice in view.advice]
    return "\n".join(out)


@_render.register
def _calendar_feed(view: CalendarFeedView, style: Style) -> str:
    made = "New ICS feed" if view.created else "Your ICS feed"
    out = [f"📅 {made}: {view.title}", f"{INDENT}{view.url}"]
    if view.kinds:
        kinds = " and ".join([", ".join(view.kinds[:-1]), view.kinds[-1]] if len(
            view.kinds) > 1 else view.kinds)
        out.append(INDENT + style.dim(f"With the {kinds} that have a due date"))
    out += [f"{INDENT}{how}" for how in view.how_to]
    out.append(INDENT + style.dim(f"Anyone with the address can read it; stop it: {view.revoke}"))
    return "\n".join(out)
# The nudges' views register their renderings on `_render` (kept in a module of their own).
# API tokens register their renderings here too (a module of their own).
from bots.shell import render_access as _render_access  # noqa: E402, F401
from bots.shell import render_nudges as _render_nudges  # noqa: E402, F401
from bots.shell import render_reports as _render_reports  # noqa: E402, F401
from bots.shell import render_scoring as _render_scoring  # noqa: E402, F401
