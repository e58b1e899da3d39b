"""Nudges and reminder settings as Block Kit: the DMs Cairn sends (a check-in request, a
deadline alert, an escalation), the weekly digest it posts in a home channel, and the answer
to `/cairn remind …`. Part of the one Slack renderer (`render.message` renders these too).

Every control maps to a command of the shared grammar (see `core.nudges.views`): on each
milestone line *Update progress* (the check-in form, like a card's button) and *Mark done*;
for the whole message a *Snooze* menu with the presets, *I'm away…* (the vacation form) and
*Reminder settings* (the settings form). Block ids carry the rendering's stamp, so a double
click on one message is recognised (`actions.click_key`); `after_click` rewrites the block a
click came from, so the DM shows what was done (snoozed until…, marked done) in place.
"""

from __future__ import annotations

from typing import Any

from bots.slack.blocks import (
    MESSAGE_BLOCKS,
    Block,
    actions,
    button,
    clip,
    context,
    join_lines,
    option,
    plain,
    section,
)
from bots.slack.mrkdwn import escape
from bots.slack.render import COMMAND, _blocks, _channel, line_text
from core.nudges.deadline_alerts import AlertStage
from core.nudges.views import (
    ChannelDigest,
    CheckInRequest,
    DeadlineAlert,
    DigestLine,
    EscalationNotice,
    ForecastAlert,
    NudgeAction,
    NudgeLine,
    NudgeView,
    ReminderSettingsView,
)

#: Milestone lines a check-in request shows (two blocks each: the line and its buttons).
LINES_SHOWN = 20
DIGEST_LINES = 15
SNOOZE = "cairn.snooze"
DONE = "cairn.nudge.done"
VACATION = "cairn.vacation"
SETTINGS = "cairn.settings"


def _commands(text: str) -> str:
    """Core hints name grammar lines (`remind settings`); in Slack they are typed after the
    command."""
    return escape(text).replace("`remind", f"`{COMMAND} remind").replace(
        "`comment", f"`{COMMAND} comment")


def _line(item: NudgeLine, block_id: str) -> Block:
    return section(f"{line_text(item.line)}\n_{escape(item.last_news)}_", block_id=block_id)


def snooze_menu(view: NudgeView) -> Block:
    return {"type": "static_select", "action_id": SNOOZE,
            "placeholder": plain("⏰ Snooze", 150),
            "options": [option(p.label, f"{view.nudge_id} {p.value}") for p in view.snoozes]}


def _line_buttons(item: NudgeLine, wanted: tuple[NudgeAction, ...]) -> list[Block]:
    found = []
    if NudgeAction.UPDATE in wanted:
        found.append(button("Update progress", "cairn.checkin", item.ref, style="primary"))
    if NudgeAction.DONE in wanted:
        found.append(button("Mark done", DONE, item.ref))
    return found


def _tools(view: NudgeView) -> list[Block]:
    """The message's own controls: snooze, vacation, settings."""
    found = []
    if NudgeAction.SNOOZE in view.actions and view.snoozes:
        found.append(snooze_menu(view))
    if NudgeAction.VACATION in view.actions:
        found.append(button("I'm away…", VACATION, "away"))
    if NudgeAction.SETTINGS in view.actions:
        found.append(button("Reminder settings", SETTINGS, "settings"))
    return found


@_blocks.register
def _checkin(view: CheckInRequest, stamp: str) -> list[Block]:
    icon = "⏰" if view.reminder else "🗓"
    blocks: list[Block] = [section(f"{icon} *{escape(view.greeting)}* — {escape(view.headline)}")]
    for n, item in enumerate(view.waiting[:LINES_SHOWN]):
        blocks.append(_line(item, f"nudge.{stamp}.line.{n}"))
        buttons = _line_buttons(item, view.line_actions)
        if buttons:
            blocks.append(actions(*buttons, block_id=f"nudge.{stamp}.do.{n}"))
    hidden = len(view.waiting) - LINES_SHOWN
    if hidden > 0:
        blocks.append(context(f"…and {hidden} more waiting: `{COMMAND} list mine`"))
    if view.up_to_date:
        fresh = ", ".join(f"`{x.ref}` {escape(clip(x.line.title, 80))} ({escape(x.last_news)})"
                          for x in view.up_to_date[:30])
        blocks.append(context(f"✅ Up to date: {fresh}"))
    tools = _tools(view)
    if tools:
        blocks.append(actions(*tools, block_id=f"nudge.{stamp}.tools"))
    if view.footer:
        blocks.append(context(_commands(view.footer)))
    return blocks


@_blocks.register
def _alert(view: DeadlineAlert, stamp: str) -> list[Block]:
    icon = "⚠️" if view.stage == AlertStage.OVERDUE else "⏳"
    ref = view.item.ref
    blocks: list[Block] = [section(f"{icon} *{escape(view.headline)}*"),
                           _line(view.item, f"nudge.{stamp}.line.0")]
    if view.watching:
        controls = [button("Details", "cairn.run:show", f"show {ref}"),
                    button("Comment", "cairn.comment", ref),
                    button("Stop watching", "cairn.run:unwatch", f"unwatch {ref}")]
    else:
        controls = [*_line_buttons(view.item, view.line_actions), *_tools(view)]
    if controls:
        blocks.append(actions(*controls, block_id=f"nudge.{stamp}.do.0"))
    if view.footer:
        blocks.append(context(_commands(view.footer)))
    return blocks


@_blocks.register
def _forecast_alert(view: ForecastAlert, stamp: str) -> list[Block]:
    ref = view.item.ref
    blocks: list[Block] = [section(f"⚠️ *{escape(view.headline)}*"),
                           _line(view.item, f"nudge.{stamp}.line.0"),
                           actions(*_line_buttons(view.item, view.line_actions),
                                   button("Forecast", "cairn.run:forecast", f"forecast {ref}"),
                                   block_id=f"nudge.{stamp}.do.0")]
    if view.footer:
        blocks.append(context(_commands(view.footer)))
    return blocks


@_blocks.register
def _escalation(view: EscalationNotice, stamp: str) -> list[Block]:
    ref = view.item.ref
    blocks: list[Block] = [section(f"📣 *{escape(view.headline)}*"),
                           _line(view.item, f"nudge.{stamp}.line.0"),
                           actions(button("Details", "cairn.run:show", f"show {ref}"),
                                   button("Comment", "cairn.comment", ref),
                                   block_id=f"nudge.{stamp}.do.0")]
    if view.footer:
        blocks.append(context(_commands(view.footer)))
    return blocks


def _digest_part(title: str, lines: tuple[DigestLine, ...]) -> list[Block]:
    if not lines:
        return []
    rows = [f"*{title}*"]
    for x in lines[:DIGEST_LINES]:
        rows.append(line_text(x.line) + (f" · {escape(x.change)}" if x.change else ""))
    if len(lines) > DIGEST_LINES:
        rows.append(f"…and {len(lines) - DIGEST_LINES} more")
    return [section(chunk) for chunk in join_lines(rows)]


@_blocks.register
def _digest(view: ChannelDigest, stamp: str) -> list[Block]:
    channel = _channel(view.channel)
    headline = escape(view.headline).replace(escape(view.channel), channel)
    blocks: list[Block] = [section(f"📰 *Weekly digest* · {channel} · {escape(view.period)}\n"
                                   f"{headline}")]
    blocks += _digest_part("Moved", view.moved)
    blocks += _digest_part("Completed", view.completed)
    blocks += _digest_part("Overdue", view.overdue)
    blocks += _digest_part("At risk", view.at_risk)
    if view.quiet:
        blocks.append(context(f"{view.quiet} more open with no news this week"))
    return blocks


@_blocks.register
def _settings(view: ReminderSettingsView, stamp: str) -> list[Block]:
    blocks: list[Block] = []
    if view.headline:
        blocks.append(section(f"✅ *{escape(view.headline)}*"))
    rows = [("Check-ins", view.checkin), ("Next one", view.next_checkin),
            ("Working days", view.working_days), ("Quiet hours", view.quiet_hours),
            ("Deadline alerts", view.deadlines), ("Weekly digest", view.digest)]
    rows += [("Vacation", v) for v in view.vacations]
    rows += [("Snoozed", s) for s in view.snoozes]
    rows += [("Own cadence", o) for o in view.overrides]
    lines = [f"*Your reminders* ({escape(view.timezone)})",
             *(f"*{name}:* {escape(value)}" for name, value in rows)]
    blocks += [section(chunk) for chunk in join_lines(lines)]
    buttons = [button("Change…", SETTINGS, "settings", style="primary"),
               button("I'm away…", VACATION, "away")]
    if view.vacations:
        buttons.append(button("I'm back", "cairn.run:back", "remind vacation off"))
    blocks.append(actions(*buttons, block_id=f"reminders.{stamp}"))
    if view.can_change_team:
        blocks.append(context(f"For the whole team (admins): `{COMMAND} remind team monday "
                              f"9:00` · `{COMMAND} remind digest friday 16:00` · "
                              f"`{COMMAND} remind deadlines 7,1`"))
    return blocks


def notification_text(view: NudgeView, text: str) -> str:
    """The core's one line about a nudge as a message's `text` (what notifications and screen
    readers show): escaped like any mrkdwn, a digest's channel linked."""
    escaped = escape(clip(text, 2900) or view.headline or "Cairn")
    if isinstance(view, ChannelDigest):
        escaped = escaped.replace(escape(view.channel), _channel(view.channel))
    return escaped


def after_click(blocks: list[Block], block_id: str, action_id: str, note: str, *,
                whole_block: bool) -> list[Block]:
    """The message a click came from, with `note` (mrkdwn) where the click was: instead of the
    whole block (a line marked done), or instead of the clicked control (a snooze), the rest
    of that block kept."""
    out: list[Block] = []
    for block in blocks:
        if block.get("block_id") != block_id:
            out.append(block)
            continue
        if whole_block:
            out.append(context(note))
            continue
        kept = [e for e in block.get("elements") or [] if e.get("action_id") != action_id]
        out.append(context(note))
        if kept:
            out.append({**block, "elements": kept})
    return out[:MESSAGE_BLOCKS]


def clean(blocks: Any) -> list[Block]:
    """The blocks of a message as a click payload carries them, or nothing usable."""
    if not isinstance(blocks, list):
        return []
    return [b for b in blocks if isinstance(b, dict) and isinstance(b.get("type"), str)]
