"""The shell's text for nudges and reminder settings: what a DM would say, with the commands
that do what its buttons do."""

from __future__ import annotations

from bots.shell.render import INDENT, Style, _render, list_row
from core.nudges.views import (
    ChannelDigest,
    CheckInRequest,
    DeadlineAlert,
    DigestLine,
    EscalationNotice,
    ForecastAlert,
    NudgeAction,
    NudgeFeed,
    NudgeLine,
    NudgePreview,
    NudgeView,
    ReminderSettingsView,
)

WIDTH = 28


def _line(item: NudgeLine, width: int = WIDTH) -> str:
    return f"{INDENT}{list_row(item.line, width)}  · {item.last_news}"


def _snoozes(view: NudgeView, ref: str = "") -> str:
    presets = "|".join(p.value for p in view.snoozes)
    target = f"{ref} " if ref else ""
    return f"remind snooze {target}{presets}"


def _hints(view: NudgeView, refs: list[str], line_actions: tuple[NudgeAction, ...],
           snooze_ref: str = "") -> list[str]:
    """The buttons of a chat message, as the commands that do the same."""
    hints: list[str] = []
    ref = refs[0] if len(refs) == 1 else "#N"
    if NudgeAction.UPDATE in line_actions:
        hints.append(f"update {ref} <percent>% [status] [notes]")
    if NudgeAction.DONE in line_actions:
        hints.append(f"done {ref}")
    if NudgeAction.SNOOZE in view.actions and view.snoozes:
        hints.append(_snoozes(view, snooze_ref))
    if NudgeAction.VACATION in view.actions:
        hints.append("remind vacation <from> <to>")
    return hints


def _width(items: list[NudgeLine]) -> int:
    return min(WIDTH, max((len(x.line.title) for x in items), default=0))


@_render.register
def _checkin(view: CheckInRequest, style: Style) -> str:
    icon = "⏰" if view.reminder else "🗓"
    out = [f"{icon} {style.bold(view.greeting)} — {view.headline}"]
    width = _width([*view.waiting, *view.up_to_date])
    out += [_line(item, width) for item in view.waiting]
    if view.up_to_date:
        fresh = ", ".join(f"{x.ref} {x.line.title} ({x.last_news})" for x in view.up_to_date)
        out.append(f"{INDENT}Up to date: {fresh}")
    hints = _hints(view, [x.ref for x in view.waiting], view.line_actions)
    out.append(INDENT + style.dim("→ " + " · ".join(hints)))
    if view.footer:
        out.append(INDENT + style.dim(view.footer))
    return "\n".join(out)


@_render.register
def _alert(view: DeadlineAlert, style: Style) -> str:
    icon = "⚠" if view.stage.value == "overdue" else "⏳"
    out = [f"{icon} {style.bold(view.headline)}", _line(view.item)]
    hints = _hints(view, [view.item.ref], view.line_actions, snooze_ref=view.item.ref)
    if view.watching:
        hints = [f"show {view.item.ref}", f"comment {view.item.ref} @{view.item.line.owner} …",
                 f"unwatch {view.item.ref}"]
    out.append(INDENT + style.dim("→ " + " · ".join(hints)))
    return "\n".join(out)


@_render.register
def _forecast_alert(view: ForecastAlert, style: Style) -> str:
    out = [f"⚠ {style.bold(view.headline)}", _line(view.item)]
    hints = [*_hints(view, [view.item.ref], view.line_actions), f"forecast {view.item.ref}"]
    out.append(INDENT + style.dim("→ " + " · ".join(hints)))
    return "\n".join(out)


@_render.register
def _escalation(view: EscalationNotice, style: Style) -> str:
    out = [f"📣 {style.bold(view.headline)}", _line(view.item)]
    if view.footer:
        out.append(INDENT + style.dim(view.footer))
    return "\n".join(out)


def _digest_section(title: str, lines: tuple[DigestLine, ...], style: Style) -> list[str]:
    if not lines:
        return []
    width = min(WIDTH, max(len(x.line.title) for x in lines))
    rows = [f"{INDENT}{list_row(x.line, width)}" + (f"  · {x.change}" if x.change else "")
            for x in lines]
    return [f" {style.bold(title)}", *rows]


@_render.register
def _digest(view: ChannelDigest, style: Style) -> str:
    out = [f"📰 {style.bold(f'Weekly digest · {view.channel}')} · {view.period}",
           f"{INDENT}{view.headline}"]
    out += _digest_section("Moved", view.moved, style)
    out += _digest_section("Completed", view.completed, style)
    out += _digest_section("Overdue", view.overdue, style)
    out += _digest_section("At risk", view.at_risk, style)
    if view.quiet:
        out.append(INDENT + style.dim(f"{view.quiet} more open with no news this week"))
    return "\n".join(out)


@_render.register
def _settings(view: ReminderSettingsView, style: Style) -> str:
    out = [f"✅ {view.headline}"] if view.headline else []
    out.append(style.bold(f"Your reminders ({view.timezone})"))
    rows = [("Check-ins", view.checkin), ("Next one", view.next_checkin),
            ("Working days", view.working_days), ("Quiet hours", view.quiet_hours),
            ("Deadline alerts", view.deadlines), ("Weekly digest", view.digest)]
    rows += [("Vacation", v) for v in view.vacations]
    rows += [("Snoozed", s) for s in view.snoozes]
    rows += [("Own cadence", o) for o in view.overrides]
    out += [f"{INDENT}{name:<16}{value}" for name, value in rows]
    hints = ["remind monday 9:30", "remind every 2 weeks", "remind days mon-fri",
             "remind quiet 18-9", "remind vacation <from> <to>", "remind #N friday 14:00"]
    if view.can_change_team:
        hints += ["remind team …", "remind digest friday 16:00", "remind deadlines 7,1"]
    out.append(INDENT + style.dim("→ " + " · ".join(hints)))
    return "\n".join(out)


@_render.register
def _feed(view: NudgeFeed, style: Style) -> str:
    out = [style.bold(view.headline)] if view.headline else []
    out += [_render(item, style) for item in view.items]
    return "\n\n".join(out)


@_render.register
def _preview(view: NudgePreview, style: Style) -> str:
    out = [style.bold(f"Nudges due at {view.at}") + style.dim("  (dry run: nothing is sent)")]
    if not view.items:
        out.append(f"{INDENT}Nothing is due then.")
    for item in view.items:
        local = f"  ({item.local})" if item.local else ""
        out.append(f"{INDENT}{item.at} UTC{local}  {item.recipient}  {item.kind.value}")
        out.append(f"{INDENT}   {item.summary}")
    if view.skipped:
        out.append(f"{INDENT}Not sent then:")
        out += [f"{INDENT}   {why}" for why in view.skipped]
    return "\n".join(out)
