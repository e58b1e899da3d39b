"""Help, people, a profile, the inbox and activity as plain text. Part of the shell's renderer
(`render.render` renders these; registered on its `_render`)."""

from __future__ import annotations

from bots.shell.render import INDENT, Style, _render
from core.views import ActivityView, HelpView, InboxView, PeopleView, ProfileView


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
