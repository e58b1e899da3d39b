"""`remind ...`: reminder settings, snoozes and vacations, in the shared text grammar.

    remind [settings]                       what is set, and the next check-in
    remind monday 9:30 [every 2 weeks]      your check-in (also `day fri`, `at 14:00`, `weekly`)
    remind days mon-fri · remind quiet 18-9 your working days; quiet hours (the rest of the day)
    remind team monday 9:00 · remind #4 friday every 2 weeks · remind #4 default
    remind digest friday 16:00 | off · remind deadlines 7,1 [overdue every 2]     (admins)
    remind snooze [#N] 1h|3h|tomorrow|next week|<duration> · remind snooze #N off
    remind vacation <from> <to> · remind vacation off
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from core import text as lex
from core.commands import Actor, AnyCommand, MilestoneRef
from core.dates import DateOutOfRange, parse_date
from core.errors import InvalidInput
from core.grammar.profile import parse_weekdays
from core.nudges.commands import (
    ChangeReminderSettings,
    SettingsScope,
    SetVacation,
    ShowReminderSettings,
    SnoozeMilestone,
    SnoozeNudge,
)
from core.nudges.schedule import MAX_EVERY_WEEKS
from core.nudges.snooze import MAX_SNOOZE, SnoozeFor, SnoozePreset

HINT = "remind settings · remind monday 9:30 · remind snooze #4 3h · remind vacation dec 21 jan 3"
SNOOZE_HINT = "remind snooze 1h · remind snooze #4 3h · remind snooze #4 tomorrow · next week"
VACATION_HINT = "remind vacation 2026-12-21 2027-01-03 · remind vacation monday to friday"
CADENCE_HINT = "remind monday 9:30 · remind at 14:00 · remind every 2 weeks · remind team friday"

_WEEKDAY_WORDS = {name: i for i, names in enumerate([
    ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"),
    ("thursday", "thu", "thur", "thurs"), ("friday", "fri"), ("saturday", "sat"),
    ("sunday", "sun")]) for name in names}
_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|h)?$")
_DURATION = re.compile(
    r"^(\d{1,4})\s*(m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?)$")
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1),
          "w": timedelta(weeks=1)}
_RANGE_WORDS = ("to", "until", "till", "through", "-", "–", "—")


def parse_remind(rest: str, actor: Actor, today: date) -> AnyCommand:
    word, after = lex.split_word(rest)
    key = word.lower()
    if key in ("", "settings", "show", "status"):
        if after:
            raise InvalidInput("remind", f"I didn't expect “{after[:30]}” here", hint=HINT)
        return ShowReminderSettings(actor=actor)
    handlers: dict[str, Callable[[str, Actor, date], AnyCommand]] = {
        "snooze": _snooze, "vacation": _vacation, "holiday": _vacation, "holidays": _vacation,
        "days": _days, "quiet": _quiet, "digest": _digest, "deadlines": _deadlines,
        "deadline": _deadlines, "team": _team,
    }
    if key in handlers:
        return handlers[key](after, actor, today)
    if (ref := lex.milestone_ref(word)) is not None:
        return _cadence(after, actor, SettingsScope.MILESTONE, ref)
    return _cadence(rest, actor, SettingsScope.ME, None)


def parse_time_of_day(text: str, hint: str = CADENCE_HINT) -> int:
    """`9`, `9:30`, `09.30`, `14h`, `2pm` -> minutes after midnight."""
    match = _TIME.match(text.strip().lower())
    if match is None:
        raise InvalidInput("time", f"“{text[:20]}” is not a time of day", hint=hint)
    hours, minutes, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if suffix in ("am", "pm"):
        if not 1 <= hours <= 12:
            raise InvalidInput("time", f"“{text[:20]}” is not a time of day", hint=hint)
        hours = hours % 12 + (12 if suffix == "pm" else 0)
    if hours > 23 or minutes > 59:
        raise InvalidInput("time", f"“{text[:20]}” is not a time of day", hint=hint)
    return hours * 60 + minutes


def parse_weekday(text: str) -> int | None:
    return _WEEKDAY_WORDS.get(text.strip().lower().rstrip(","))


def parse_snooze(text: str, hint: str = SNOOZE_HINT) -> SnoozeFor:
    phrase = " ".join(text.lower().split())
    presets = {"1h": SnoozePreset.HOUR, "1 h": SnoozePreset.HOUR, "1 hour": SnoozePreset.HOUR,
               "an hour": SnoozePreset.HOUR, "one hour": SnoozePreset.HOUR,
               "hour": SnoozePreset.HOUR, "3h": SnoozePreset.THREE_HOURS,
               "3 h": SnoozePreset.THREE_HOURS, "3 hours": SnoozePreset.THREE_HOURS,
               "three hours": SnoozePreset.THREE_HOURS, "tomorrow": SnoozePreset.TOMORROW,
               "next week": SnoozePreset.NEXT_WEEK, "a week": SnoozePreset.NEXT_WEEK}
    if phrase in presets:
        return SnoozeFor(preset=presets[phrase])
    match = _DURATION.match(phrase.removeprefix("for ").removeprefix("in "))
    if match is None:
        raise InvalidInput("duration", f"I can't snooze for “{text[:30]}”" if text.strip()
                           else "for how long?", hint=hint)
    count, unit = int(match.group(1)), match.group(2)[0]
    duration = _UNITS[unit] * count
    if duration <= timedelta(0) or duration > MAX_SNOOZE:
        raise InvalidInput("duration", "a snooze lasts from a minute to a month",
                           hint=hint)
    return SnoozeFor(duration=duration)


def _snooze(rest: str, actor: Actor, today: date) -> AnyCommand:
    word, after = lex.split_word(rest)
    ref = lex.milestone_ref(word)
    if ref is None:
        return SnoozeNudge(actor=actor, snooze=parse_snooze(rest))
    if after.lower() in ("off", "stop", "cancel", "none", "end"):
        return SnoozeMilestone(actor=actor, milestone=ref, snooze=None)
    hint = f"remind snooze {ref} 3h · remind snooze {ref} tomorrow · remind snooze {ref} off"
    return SnoozeMilestone(actor=actor, milestone=ref, snooze=parse_snooze(after, hint))


def _vacation(rest: str, actor: Actor, today: date) -> AnyCommand:
    phrase = " ".join(rest.split())
    if not phrase:
        raise InvalidInput("vacation", "from when to when?", hint=VACATION_HINT)
    if phrase.lower() in ("off", "cancel", "none", "clear", "stop", "over", "end"):
        return SetVacation(actor=actor, clear=True)
    words = phrase.split()
    split = next((i for i, w in enumerate(words) if w.lower() in _RANGE_WORDS), None)
    if split is not None:
        first, last = " ".join(words[:split]), " ".join(words[split + 1:])
        return _vacation_range(actor, parse_date(first, today), parse_date(last, today))
    refused: DateOutOfRange | None = None  # a date understood but out of range, if any
    for i in range(1, len(words)):
        try:
            starts = parse_date(" ".join(words[:i]), today)
            ends = parse_date(" ".join(words[i:]), today)
        except DateOutOfRange as error:
            refused = refused or error
            continue
        except InvalidInput:
            continue
        return _vacation_range(actor, starts, ends)
    try:
        day = parse_date(phrase, today)
    except InvalidInput as error:
        reason = refused or error
        raise InvalidInput("vacation", reason.message, hint=VACATION_HINT) from None
    return _vacation_range(actor, day, day)


def _vacation_range(actor: Actor, starts: date, ends: date) -> SetVacation:
    if ends < starts:
        raise InvalidInput("vacation", f"it would end ({ends}) before it starts ({starts})",
                           hint=VACATION_HINT)
    if (ends - starts).days > 366:
        raise InvalidInput("vacation", "a vacation of more than a year? Take two",
                           hint=VACATION_HINT)
    return SetVacation(actor=actor, starts=starts, ends=ends)


def _days(rest: str, actor: Actor, today: date) -> AnyCommand:
    if not rest.strip():
        raise InvalidInput("days", "which days do you work?", hint="remind days mon-fri")
    return ChangeReminderSettings(actor=actor, working_days=parse_weekdays(rest))


def _quiet(rest: str, actor: Actor, today: date) -> AnyCommand:
    hint = "remind quiet 18-9 (quiet from 18:00 until 09:00) · remind quiet 20:30-07:30"
    if not rest.strip():
        raise InvalidInput("quiet", "from when to when?", hint=hint)
    first, sep, last = rest.replace(" ", "").partition("-")
    if not sep:
        raise InvalidInput("quiet", "quiet hours need a start and an end", hint=hint)
    starts, ends = parse_time_of_day(first, hint), parse_time_of_day(last, hint)
    if starts <= ends:
        raise InvalidInput(
            "quiet", "quiet hours run from the end of your working day to its start, "
            "across midnight", hint=hint)
    return ChangeReminderSettings(actor=actor, quiet=(starts, ends))


def _digest(rest: str, actor: Actor, today: date) -> AnyCommand:
    hint = "remind digest friday 16:00 · remind digest off"
    words = rest.lower().split()
    if words in (["off"], ["none"], ["stop"]):
        return ChangeReminderSettings(actor=actor, scope=SettingsScope.TEAM, digest_off=True)
    weekday = minute = None
    for word in (w for w in words if w not in ("on", "at")):
        if (day := parse_weekday(word)) is not None:
            weekday = day
        else:
            minute = parse_time_of_day(word, hint)
    if weekday is None and minute is None:
        raise InvalidInput("digest", "when should the weekly digest go out?", hint=hint)
    return ChangeReminderSettings(actor=actor, scope=SettingsScope.TEAM, digest_weekday=weekday,
                                  digest_minute=minute)


def _deadlines(rest: str, actor: Actor, today: date) -> AnyCommand:
    hint = "remind deadlines 7,1 · remind deadlines 14,3,1 overdue every 2"
    text = rest.lower()
    overdue: int | None = None
    if "overdue" in text:
        text, _, tail = text.partition("overdue")
        numbers = [w for w in tail.split() if w.isdigit()]
        if len(numbers) != 1 or not 1 <= int(numbers[0]) <= 20:
            raise InvalidInput("deadlines", "overdue alerts repeat every 1 to 20 working days",
                               hint=hint)
        overdue = int(numbers[0])
    parts = [p for p in re.split(r"[,\s]+", text.replace("days", "").strip()) if p]
    if any(not p.isdigit() or not 1 <= int(p) <= 60 for p in parts):
        raise InvalidInput("deadlines", "alerts come 1 to 60 days before a due date", hint=hint)
    if not parts and overdue is None:
        raise InvalidInput("deadlines", "how many days before a due date?", hint=hint)
    days = tuple(sorted({int(p) for p in parts}, reverse=True)) if parts else None
    return ChangeReminderSettings(actor=actor, scope=SettingsScope.TEAM, deadline_days=days,
                                  overdue_every=overdue)


def _team(rest: str, actor: Actor, today: date) -> AnyCommand:
    return _cadence(rest, actor, SettingsScope.TEAM, None)


def _cadence(rest: str, actor: Actor, scope: SettingsScope, ref: MilestoneRef | None
             ) -> AnyCommand:
    words = rest.lower().replace(",", " ").split()
    # About a milestone, the examples name the number typed.
    cadence_hint = (f"remind {ref} friday 14:00 · remind {ref} every 2 weeks · "
                    f"remind {ref} default") if ref is not None else CADENCE_HINT
    if not words:
        raise InvalidInput("remind", "what should change?", hint=cadence_hint)
    weekday = minute = every = None
    reset = False
    i = 0
    while i < len(words):
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in ("default", "reset", "defaults"):
            reset = True
        elif word in ("day", "on") and parse_weekday(following) is not None:
            weekday, i = parse_weekday(following), i + 1
        elif (day := parse_weekday(word)) is not None:
            weekday = day
        elif word in ("at", "time"):
            minute, i = parse_time_of_day(following, cadence_hint), i + 1
        elif word == "weekly":
            every = 1
        elif word in ("biweekly", "fortnightly"):
            every = 2
        elif word == "every":
            every, i = _every(words[i + 1:]), i + _every_words(words[i + 1:])
        elif _TIME.match(word):
            minute = parse_time_of_day(word, cadence_hint)
        else:
            raise InvalidInput("remind", f"I didn't understand “{word[:30]}”",
                               hint=cadence_hint if ref is not None else HINT)
        i += 1
    if reset and (weekday is not None or minute is not None or every is not None):
        raise InvalidInput("remind", "`default` goes alone",
                           hint=f"remind {ref} default" if ref is not None else "remind default")
    return ChangeReminderSettings(actor=actor, scope=scope, milestone=ref, weekday=weekday,
                                  minute=minute, every_weeks=every, reset=reset)


def _every(words: list[str]) -> int:
    hint = "remind every 2 weeks · remind every week"
    if words and words[0] in ("week", "weeks"):
        return 1
    if not words or not words[0].isdigit():
        raise InvalidInput("every", "every how many weeks?", hint=hint)
    count = int(words[0])
    if not 1 <= count <= MAX_EVERY_WEEKS:
        raise InvalidInput("every", f"every 1 to {MAX_EVERY_WEEKS} weeks", hint=hint)
    return count


def _every_words(words: list[str]) -> int:
    """How many words `every ...` used after `every`."""
    if words and words[0] in ("week", "weeks"):
        return 1
    return 2 if len(words) > 1 and words[1] in ("week", "weeks", "w") else 1

