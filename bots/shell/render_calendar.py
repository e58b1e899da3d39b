"""Calendar sync's status and ICS feeds as plain text. Part of the shell's renderer
(`render.render` renders these; registered on its `_render`)."""

from __future__ import annotations

from bots.shell.render import INDENT, Style, _render
from core.humanize import plural
from core.views import CalendarFeedView, CalendarStatusView


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
