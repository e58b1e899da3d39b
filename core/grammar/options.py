"""Option-style parts of the grammar: `goal "Title" due:friday owner:@bob parent:#2 ...`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time

from core import text as lex
from core.commands import (
    Actor,
    CreateMilestone,
    EditMilestone,
    MilestoneRef,
    UserRef,
)
from core.dates import (
    TIME_EXAMPLES,
    DateOutOfRange,
    looks_like_time,
    parse_date,
    parse_time,
)
from core.errors import InvalidInput
from core.model import Kind, Priority

KEYS = {
    "due": "due", "deadline": "due", "by": "due",
    "start": "start", "starts": "start", "from": "start",
    "owner": "owner", "who": "owner",
    "parent": "parent", "under": "parent",
    "priority": "priority", "prio": "priority",
    "desc": "description", "description": "description", "details": "description",
    "tag": "tags", "tags": "tags",
    "link": "links", "links": "links", "url": "links",
    "channel": "channel",
    "weight": "weight",
    "kind": "kind", "type": "kind",
    "title": "title", "name": "title",
}
PRIORITIES = {"low": Priority.LOW, "medium": Priority.MEDIUM, "med": Priority.MEDIUM,
              "normal": Priority.MEDIUM, "high": Priority.HIGH, "critical": Priority.CRITICAL,
              "crit": Priority.CRITICAL, "urgent": Priority.CRITICAL}
CHANNEL = re.compile(r"^#([a-z0-9][a-z0-9_-]{0,79})$", re.IGNORECASE)
SLACK_CHANNEL = re.compile(r"^<#([A-Z0-9]+)(?:\|([^>]*))?>$")
#: A Teams channel as its front end writes a channel mention: `<#19:…@thread.tacv2|General>`.
TEAMS_CHANNEL = re.compile(r"^<#(19:[^\s|<>;]{1,190})(?:\|([^>]*))?>$")
LINK = re.compile(r"^https?://\S+$", re.IGNORECASE)
MAX_DATE_WORDS = 4
#: Options `edit` can empty: `edit #4 start:none channel:none`.
CLEARABLE = frozenset({"start", "channel"})
NONE_WORDS = frozenset({"none", "-", "no", "off", "clear"})


@dataclass
class Options:
    title: str | None = None
    description: str | None = None
    due: date | None = None
    due_time: time | None = None
    start: date | None = None
    owner: UserRef | None = None
    parent: MilestoneRef | None = None
    priority: Priority | None = None
    kind: Kind | None = None
    weight: int | None = None
    channel: str | None = None
    tags: tuple[str, ...] | None = None
    links: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    quoted: list[str] = field(default_factory=list)
    people: list[UserRef] = field(default_factory=list)
    given: set[str] = field(default_factory=set)
    cleared: set[str] = field(default_factory=set)  # `start:none`, `channel:none`


def read_options(text: str, today: date, identity_prefix: str) -> Options:
    tokens = lex.tokenize(text)
    found = Options()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        kv = token.key_value
        if kv is not None and kv[0] in KEYS:
            key = KEYS[kv[0]]
            found.given.add(key)
            if key in CLEARABLE and kv[1].strip().lower() in NONE_WORDS:
                found.cleared.add(key)
            elif key in ("due", "start"):
                value, used = _date_value(kv[1], tokens[i:], today, key)
                i += used
                setattr(found, key, value)
                if key == "due":
                    found.due_time, used = _time_after(tokens[i:])
                    i += used
            else:
                _set_option(found, key, kv[1].strip(), identity_prefix)
            continue
        if token.quoted:
            found.quoted.append(token.text)
        elif (ref := lex.milestone_ref(token.text)) is not None:
            found.parent = ref
            found.given.add("parent")
        elif (person := lex.user_ref(token.text, identity_prefix)) is not None:
            found.people.append(person)
        elif (channel := _channel(token.text)) is not None:
            found.channel = channel
            found.given.add("channel")
        elif LINK.match(token.text):
            found.links.append(token.text)
        else:
            found.words.append(token.text)
    return found


def _date_value(first: str, following: list[lex.Token], today: date, key: str) -> tuple[date, int]:
    """The longest run of words from `first` on that reads as a date (`due:end of quarter`)."""
    words = [first]
    for token in following[: MAX_DATE_WORDS - 1]:
        if token.quoted or token.key_value or token.text.startswith(("#", "@", "<")):
            break
        if looks_like_time(token.text) or token.text.lower() == "at":
            break  # a time of day after the date is read by `_time_after`
        words.append(token.text)
    for count in range(len(words), 1, -1):
        try:
            return parse_date(" ".join(words[:count]), today), count - 1
        except DateOutOfRange as error:  # understood, but refused: say so, with the range
            raise InvalidInput(key, f"{key}: {error.message}", hint=error.hint) from None
        except InvalidInput:
            continue
    try:
        return parse_date(first, today), 0
    except DateOutOfRange as error:
        raise InvalidInput(key, f"{key}: {error.message}", hint=error.hint) from None
    except InvalidInput as error:
        # Quote everything that could have been the date, not just its first word.
        message = (f"“{' '.join(words)[:60]}” is not a date I understand" if len(words) > 1
                   else error.message)
        raise InvalidInput(key, f"{key}: {message}", hint=error.hint) from None


def _time_after(following: list[lex.Token]) -> tuple[time | None, int]:
    """An optional time of day right after a due date (`due:friday 17:00`, `... at 5pm`)."""
    texts = [t.text for t in following[:2] if not t.quoted]
    try:
        if texts and looks_like_time(texts[0]):
            return parse_time(texts[0]), 1
        if len(texts) == 2 and texts[0].lower() == "at" and looks_like_time(texts[1]):
            return parse_time(texts[1]), 2
    except InvalidInput as error:  # its hint is about `due #N`: this is the `due:` option
        raise InvalidInput(error.field, error.message,
                           hint=f"due:friday 17:00 ({TIME_EXAMPLES} all work)") from None
    return None, 0


def _channel(text: str) -> str | None:
    if match := SLACK_CHANNEL.match(text) or TEAMS_CHANNEL.match(text):
        return match.group(1)
    if match := CHANNEL.match(text):
        return "#" + match.group(1).lower()
    return None


def _set_option(found: Options, key: str, value: str, identity_prefix: str) -> None:
    if key == "owner":
        found.owner = lex.user_ref(value, identity_prefix)
        if found.owner is None:
            raise InvalidInput("owner", f"“{value[:30]}” is not a person", hint="owner:@bob")
    elif key == "parent":
        found.parent = lex.milestone_ref(value)
        if found.parent is None:
            raise InvalidInput("parent", f"“{value[:30]}” is not a milestone number",
                               hint="parent:#4")
    elif key == "priority":
        if value.lower() not in PRIORITIES:
            raise InvalidInput("priority", f"“{value[:20]}” is not a priority",
                               hint="priority:low · medium · high · critical")
        found.priority = PRIORITIES[value.lower()]
    elif key == "kind":
        try:
            found.kind = Kind(value.lower())
        except ValueError:
            raise InvalidInput("kind", f"“{value[:20]}” is not a kind",
                               hint="kind:goal · milestone · task") from None
    elif key == "weight":
        if not value.isdigit() or not 1 <= int(value) <= 100:
            raise InvalidInput("weight", "the weight is a whole number from 1 to 100",
                               hint="weight:3")
        found.weight = int(value)
    elif key == "channel":
        found.channel = _channel(value if value.startswith(("#", "<")) else "#" + value)
        if found.channel is None:
            raise InvalidInput("channel", f"“{value[:30]}” is not a channel", hint="#launch")
    elif key == "tags":
        # Not cut here: the use case refuses tags that are too long or too many, saying so.
        found.tags = tuple(
            t.strip().lower() for t in value.replace(" ", ",").split(",") if t.strip()
        )
    elif key == "links":
        if not LINK.match(value):
            raise InvalidInput("links", f"“{value[:40]}” is not a web link",
                               hint="link:https://example.com/spec")
        found.links.append(value)
    elif key == "title":
        found.title = value
    elif key == "description":
        found.description = value


def parse_create(kind: Kind, text: str, actor: Actor, today: date, identity_prefix: str
                 ) -> CreateMilestone:
    example = f'{kind.value} "Launch beta" due:friday owner:@bob'
    found = read_options(text, today, identity_prefix)
    title = found.title or ""
    if found.quoted:
        title = title or found.quoted[0]
        extra = found.words + found.quoted[1:] if not found.title else found.words + found.quoted
        if extra:
            raise InvalidInput("text", f"I didn't understand “{' '.join(extra)[:40]}”",
                               hint=f"{example}  (options are key:value)")
    elif not title:
        title = " ".join(found.words)
    elif found.words:
        raise InvalidInput("text", f"I didn't understand “{' '.join(found.words)[:40]}”",
                           hint=example)
    if not title.strip():
        raise InvalidInput("title", "a title is needed", hint=example)
    people = list(found.people)
    owner = found.owner or (people.pop(0) if people else None)
    return CreateMilestone(
        actor=actor,
        kind=found.kind or kind,
        title=title,
        due=found.due,
        due_time=found.due_time if found.due else None,
        start=found.start,
        owner=owner,
        contributors=tuple(people),
        parent=found.parent,
        priority=found.priority or Priority.MEDIUM,
        description=found.description or "",
        tags=found.tags or (),
        links=tuple(found.links),
        channel=found.channel,
        weight=found.weight or 1,
    )


def parse_edit(ref: MilestoneRef, text: str, actor: Actor, today: date) -> EditMilestone:
    example = f'edit {ref} title:"Launch public beta" priority:high'
    found = read_options(text, today, "")
    own_verbs = {"owner": f"assign {ref} @bob", "due": f"due {ref} friday",
                 "parent": f"move {ref} under #<number>"}
    for key, hint in own_verbs.items():
        if key in found.given:
            raise InvalidInput(key, f"{key} has its own verb", hint=hint)
    stray = found.words + found.quoted + [str(p) for p in found.people]
    if stray:
        raise InvalidInput("text", f"I didn't understand “{' '.join(stray)[:40]}”", hint=example)
    if not found.given and not found.links:
        raise InvalidInput("text", "what should change?", hint=example)
    return EditMilestone(
        actor=actor,
        milestone=ref,
        title=found.title,
        description=found.description,
        kind=found.kind,
        priority=found.priority,
        start=found.start,
        clear_start="start" in found.cleared,
        tags=found.tags,
        links=tuple(found.links) or None,
        channel=found.channel,
        clear_channel="channel" in found.cleared,
        weight=found.weight,
    )
