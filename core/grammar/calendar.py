"""The `calendar` verb: `calendar [status]`, `calendar feed [@who|#N]`, `calendar feed revoke
[@who|#N|all|everyone]`, and for admins `calendar on|off`, `calendar kinds goal,milestone`,
`calendar owners on|off`, `calendar shared <calendar id>|default`."""

from __future__ import annotations

import re
from typing import Protocol

from core import text as lex
from core.calendar.commands import (
    ChangeCalendarSettings,
    RevokeCalendarFeed,
    ShowCalendarFeed,
    ShowCalendarStatus,
)
from core.calendar.model import CALENDAR_ID_MAX
from core.commands import Actor, AnyCommand, MilestoneRef, UserRef
from core.errors import InvalidInput
from core.model import Kind

USAGE = ('calendar [status] · calendar feed [@who|#N|"Team"] · calendar feed revoke [@who|#N|all] '
         "· "
         "calendar on|off · calendar kinds goal,milestone · calendar owners on|off · "
         "calendar shared <calendar id>|default")
SWITCH = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}
# Google calendar ids are email-like (`team@group.calendar.google.com`) or `primary`.
CALENDAR_ID = re.compile(r"^[A-Za-z0-9._%+-]+(@[A-Za-z0-9.-]+)?$")


class Context(Protocol):
    @property
    def actor(self) -> Actor: ...

    @property
    def identity_prefix(self) -> str: ...


def parse_calendar(rest: str, ctx: Context) -> AnyCommand:
    word, tail = lex.split_word(rest)
    word = word.lower()
    actor = ctx.actor
    if word in ("", "status"):
        _nothing_after(tail, "calendar status")
        return ShowCalendarStatus(actor=actor)
    if word in ("feed", "ics", "subscribe"):
        return _feed(tail, ctx)
    if word in ("on", "off"):
        _nothing_after(tail, f"calendar {word}")
        return ChangeCalendarSettings(actor=actor, enabled=SWITCH[word])
    if word in ("kinds", "kind", "sync"):
        return ChangeCalendarSettings(actor=actor, kinds=_kinds(tail))
    if word in ("owners", "owner"):
        switch = SWITCH.get(tail.strip().lower())
        if switch is None:
            raise InvalidInput("calendar", "owners' own calendars: on or off?",
                               hint="calendar owners on")
        return ChangeCalendarSettings(actor=actor, owner_calendars=switch)
    if word in ("shared", "calendar", "id"):
        return _shared(tail, actor)
    raise InvalidInput("calendar", f"I don't know “calendar {word[:30]}”", hint=USAGE)


Target = tuple[UserRef | None, MilestoneRef | None, str | None]
QUOTED = re.compile(r'^["“](.+)["”]$')


def _target(text: str, ctx: Context, example: str) -> Target:
    text = text.strip()
    if not text:
        return None, None, None
    if (root := lex.milestone_ref(text)) is not None:
        return None, root, None
    if (person := lex.user_ref(text, ctx.identity_prefix)) is not None:
        return person, None, None
    if (team := QUOTED.match(text)) is not None and team.group(1).strip():
        return None, None, team.group(1).strip()  # a team of people: `calendar feed "Sales"`
    raise InvalidInput("feed", f"“{text[:30]}” is neither a person, a milestone number nor a "
                       "team's quoted name", hint=example)


def _feed(rest: str, ctx: Context) -> AnyCommand:
    word, tail = lex.split_word(rest)
    if word.lower() in ("revoke", "stop", "delete", "reset"):
        target = tail.strip().lower()
        if target == "all":
            return RevokeCalendarFeed(actor=ctx.actor, all_mine=True)
        if target == "everyone":
            return RevokeCalendarFeed(actor=ctx.actor, everyone=True)
        person, root, team = _target(tail, ctx,
                                     "calendar feed revoke #1 · calendar feed revoke all")
        return RevokeCalendarFeed(actor=ctx.actor, person=person, root=root, team=team)
    person, root, team = _target(
        rest, ctx, 'calendar feed · calendar feed @bob · calendar feed #1 · calendar feed "Sales"')
    return ShowCalendarFeed(actor=ctx.actor, person=person, root=root, team=team)


def _kinds(text: str) -> frozenset[Kind]:
    hint = "calendar kinds goal,milestone · calendar kinds all"
    words = [w for w in re.split(r"[\s,+]+", text.strip().lower()) if w and w != "and"]
    if words == ["all"]:
        return frozenset(Kind)
    kinds: set[Kind] = set()
    for word in words:
        try:
            kinds.add(Kind(word.removesuffix("s")))
        except ValueError:
            raise InvalidInput("kinds", f"“{word[:20]}” is not a kind (goal, milestone, task)",
                               hint=hint) from None
    if not kinds:
        raise InvalidInput("kinds", "which kinds should reach calendars?", hint=hint)
    return frozenset(kinds)


def _shared(text: str, actor: Actor) -> AnyCommand:
    value = lex.unquote(text)
    hint = "calendar shared deadlines@group.calendar.google.com · calendar shared default"
    if value.lower() in ("default", "none", "reset"):
        return ChangeCalendarSettings(actor=actor, default_calendar=True)
    if not value or len(value) > CALENDAR_ID_MAX or not CALENDAR_ID.match(value):
        raise InvalidInput("calendar", f"“{value[:40]}” is not a Google calendar id", hint=hint)
    return ChangeCalendarSettings(actor=actor, calendar_id=value)


def _nothing_after(text: str, example: str) -> None:
    if text.strip():
        raise InvalidInput("calendar", f"I didn't expect “{text.strip()[:30]}” here",
                           hint=example)
