"""Nudges and reminder settings as Adaptive Cards: the personal-chat messages Cairn sends (a
check-in request, a deadline alert, an escalation), the weekly digest it posts in a home
channel, and the answer to `remind …`. Part of the one Teams renderer (`render.message`
renders these too).

Every control maps to a command of the shared grammar (see `core.nudges.views`), with the same
verbs as Slack's: on each milestone line *Update progress* (the check-in form) and *Mark done*
(`nudge.done`); for the whole message *Snooze* (a fold-out of the presets, `snooze` with
`<nudge id> <preset>`), *I'm away…* (the vacation form) and *Reminder settings* (the settings
form).
"""

from __future__ import annotations

from bots.teams import cards
from bots.teams.cards import Element, submit, text
from bots.teams.markdown import code_spans, escape, oneline
from bots.teams.render import Parts, _parts, headline, line_text, rows
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

#: Milestone lines a check-in request shows, each with its own buttons.
LINES_SHOWN = 20
DIGEST_LINES = 15
UP_TO_DATE_SHOWN = 30


def _commands(words: str) -> str:
    """Core hints name grammar lines in backticks (`remind settings`): shown in bold."""
    return code_spans(words)


def _line(item: NudgeLine, buttons: list[Element]) -> Element:
    items = [text(line_text(item.line)),
             text(f"_{oneline(item.last_news, 120)}_", subtle=True, spacing="none")]
    if buttons:
        items.append(cards.action_set(buttons))
    return cards.container(items, separator=True)


def _line_buttons(item: NudgeLine, wanted: tuple[NudgeAction, ...], stamp: str
                  ) -> list[Element]:
    found = []
    if NudgeAction.UPDATE in wanted:
        found.append(submit("Update progress", "checkin", item.ref, stamp=stamp,
                            style="positive"))
    if NudgeAction.DONE in wanted:
        found.append(submit("Mark done", "nudge.done", item.ref, stamp=stamp))
    return found


def snooze_menu(view: NudgeView, stamp: str) -> Element:
    presets = [submit(p.label, "snooze", f"{view.nudge_id} {p.value}", stamp=stamp)
               for p in view.snoozes]
    return cards.show_card("⏰ Snooze", [text("Remind me again in…", subtle=True)], presets)


def _tools(view: NudgeView, stamp: str) -> list[Element]:
    """The message's own controls: snooze, vacation, settings."""
    found = []
    if NudgeAction.SNOOZE in view.actions and view.snoozes:
        found.append(snooze_menu(view, stamp))
    if NudgeAction.VACATION in view.actions:
        found.append(submit("I'm away…", "vacation", "away", stamp=stamp))
    if NudgeAction.SETTINGS in view.actions:
        found.append(submit("Reminder settings", "settings", "settings", stamp=stamp))
    return found


@_parts.register
def _checkin(view: CheckInRequest, stamp: str) -> Parts:
    icon = "⏰" if view.reminder else "🗓"
    body = [text(f"{icon} **{escape(view.greeting)}** — {oneline(view.headline, 300)}",
                 size="medium")]
    for item in view.waiting[:LINES_SHOWN]:
        body.append(_line(item, _line_buttons(item, view.line_actions, stamp)))
    hidden = len(view.waiting) - LINES_SHOWN
    if hidden > 0:
        body.append(text(f"…and {hidden} more waiting: **list mine**", subtle=True))
    if view.up_to_date:
        fresh = ", ".join(f"**{x.ref}** {oneline(x.line.title, 80)} ({escape(x.last_news)})"
                          for x in view.up_to_date[:UP_TO_DATE_SHOWN])
        body.append(text(f"✅ Up to date: {fresh}", subtle=True, separator=True))
    if view.footer:
        body.append(text(_commands(view.footer), subtle=True))
    return body, _tools(view, stamp)


@_parts.register
def _alert(view: DeadlineAlert, stamp: str) -> Parts:
    icon = "⚠️" if view.stage == AlertStage.OVERDUE else "⏳"
    ref = view.item.ref
    color = "attention" if view.stage == AlertStage.OVERDUE else "warning"
    body = [text(f"{icon} **{oneline(view.headline, 300)}**", color=color),
            _line(view.item, [])]
    if view.watching:
        actions = [submit("Details", "run", f"show {ref}", stamp=stamp),
                   submit("Comment", "comment", ref, stamp=stamp),
                   submit("Stop watching", "run", f"unwatch {ref}", stamp=stamp)]
    else:
        actions = [*_line_buttons(view.item, view.line_actions, stamp), *_tools(view, stamp)]
    if view.footer:
        body.append(text(_commands(view.footer), subtle=True))
    return body, actions


@_parts.register
def _forecast_alert(view: ForecastAlert, stamp: str) -> Parts:
    body = [text(f"⚠️ **{oneline(view.headline, 300)}**", color="warning"),
            _line(view.item, [])]
    actions = [*_line_buttons(view.item, view.line_actions, stamp),
               submit("Forecast", "run", f"forecast {view.item.ref}", stamp=stamp)]
    if view.footer:
        body.append(text(_commands(view.footer), subtle=True))
    return body, actions


@_parts.register
def _escalation(view: EscalationNotice, stamp: str) -> Parts:
    ref = view.item.ref
    body = [text(f"📣 **{oneline(view.headline, 300)}**"), _line(view.item, [])]
    if view.footer:
        body.append(text(_commands(view.footer), subtle=True))
    return body, [submit("Details", "run", f"show {ref}", stamp=stamp),
                  submit("Comment", "comment", ref, stamp=stamp)]


def _digest_part(title: str, lines: tuple[DigestLine, ...]) -> list[Element]:
    if not lines:
        return []
    found = [text(f"**{title}**", separator=True)]
    found += rows([line_text(x.line) + (f" · {escape(x.change)}" if x.change else "")
                   for x in lines], limit=DIGEST_LINES)
    return found


@_parts.register
def _digest(view: ChannelDigest, stamp: str) -> Parts:
    body = [text(f"📰 **Weekly digest** · {oneline(view.channel, 80)} · "
                 f"{escape(view.period)}", size="medium"),
            text(oneline(view.headline, 400))]
    body += _digest_part("Moved", view.moved)
    body += _digest_part("Completed", view.completed)
    body += _digest_part("Overdue", view.overdue)
    body += _digest_part("At risk", view.at_risk)
    if view.quiet:
        body.append(text(f"{view.quiet} more open with no news this week", subtle=True))
    return body, []


@_parts.register
def _settings(view: ReminderSettingsView, stamp: str) -> Parts:
    body = [headline(view.headline)] if view.headline else []
    body.append(text(f"**Your reminders** ({escape(view.timezone)})"))
    pairs = [("Check-ins", view.checkin), ("Next one", view.next_checkin),
             ("Working days", view.working_days), ("Quiet hours", view.quiet_hours),
             ("Deadline alerts", view.deadlines), ("Weekly digest", view.digest)]
    pairs += [("Vacation", v) for v in view.vacations[:10]]
    pairs += [("Snoozed", s) for s in view.snoozes[:10]]
    pairs += [("Own cadence", o) for o in view.overrides[:20]]
    body.append(cards.facts([(name, oneline(value, 300)) for name, value in pairs]))
    if view.can_change_team:
        body.append(text("For the whole team (admins): **remind team monday 9:00** · "
                         "**remind digest friday 16:00** · **remind deadlines 7,1**",
                         subtle=True))
    actions = [submit("Change…", "settings", "settings", stamp=stamp, style="positive"),
               submit("I'm away…", "vacation", "away", stamp=stamp)]
    if view.vacations:
        actions.append(submit("I'm back", "run", "remind vacation off", stamp=stamp))
    return body, actions
