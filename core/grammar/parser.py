"""The text grammar shared by every front end: a line of text -> a AnyCommand.

`/cairn <verb> ...` in Slack, `@Cairn <verb> ...` in Teams and `<verb> ...` in the shell all come
through `parse`. Bad input raises InvalidInput with what was wrong and an example that works; the
parser has no side effects, so a bad line can never change anything.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from core import text as lex
from core.access import grammar as access_grammar
from core.commands import (
    Actor,
    AddComment,
    AnyCommand,
    Assign,
    CancelMilestone,
    ChangeDueDate,
    ChangeSeveral,
    ClearCriterion,
    DeleteMilestone,
    ListMilestones,
    ListPeople,
    ListScope,
    MarkDone,
    MilestoneRef,
    MoveMilestone,
    OpenCheckIn,
    OpenNewForm,
    RecordMeasurement,
    Reopen,
    SetCriterion,
    SetPlan,
    SetRole,
    SeveralChange,
    ShowActivity,
    ShowHelp,
    ShowInbox,
    ShowMilestone,
    ShowProfile,
    UpdateProgress,
    UserRef,
    Watch,
)
from core.dates import parse_deadline
from core.errors import InvalidInput
from core.grammar.calendar import parse_calendar
from core.grammar.linking import LINK_EXAMPLES, LINK_USAGE, parse_link, parse_notify, parse_unlink
from core.grammar.options import parse_create, parse_edit, parse_profile
from core.grammar.remind import parse_remind
from core.grammar.scoring import SCORING_VERBS, parse_list_team
from core.model import Kind, Plan, Role
from core.reports.grammar import parse_chart, parse_export, parse_report
from core.webhooks import grammar as webhook_grammar

MAX_TEXT = 12_000


@dataclass(frozen=True, slots=True)
class Context:
    actor: Actor
    today: date
    identity_prefix: str = ""


Parser = Callable[[str, Context], AnyCommand]


@dataclass(frozen=True, slots=True)
class Verb:
    names: tuple[str, ...]
    usage: str
    summary: str
    section: str
    parse: Parser
    examples: tuple[str, ...] = ()


def parse(text: str, *, actor: Actor, today: date, identity_prefix: str = "") -> AnyCommand:
    """Parses one line. `identity_prefix` qualifies platform mentions (`<@U9>`)."""
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            "text", f"that message is {len(text):,} characters long; I read up to {MAX_TEXT:,}",
            hint="put long details in a comment or a linked document",
        )
    ctx = Context(actor=actor, today=today, identity_prefix=identity_prefix)
    if not text:
        return ShowHelp(actor=actor)
    word, rest = lex.split_word(text)
    if (ref := lex.milestone_ref(word)) is not None and not rest:
        return ShowMilestone(actor=actor, milestone=ref)
    verb = VERBS_BY_NAME.get(word.lower().lstrip("/"))
    if verb is None:
        raise InvalidInput("verb", f"I don't know “{word[:40]}”", hint=_suggestion(word))
    return verb.parse(rest, ctx)


def _suggestion(word: str) -> str:
    close = difflib.get_close_matches(word.lower(), VERBS_BY_NAME, n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`? `help` lists everything"
    return "`help` lists everything I understand"


# --- verb parsers -------------------------------------------------------------------------


def _help(rest: str, ctx: Context) -> AnyCommand:
    return ShowHelp(actor=ctx.actor, topic=rest.strip().lower()[:40])


def _new(rest: str, ctx: Context) -> AnyCommand:
    return OpenNewForm(actor=ctx.actor, title=lex.unquote(rest))


def _list(rest: str, ctx: Context) -> AnyCommand:
    if (team := parse_list_team(rest, ctx)) is not None:
        return team
    page = 1
    words = rest.lower().replace("page:", "page ").split()
    if len(words) >= 2 and words[-2] == "page":
        if not words[-1].isdigit() or int(words[-1]) < 1:
            raise InvalidInput("page", f"“{words[-1]}” is not a page number",
                               hint="list team page 2")
        page = min(int(words[-1]), 10_000)
        words = words[:-2]
    scope_text = " ".join(words)
    if not scope_text or scope_text == "mine":
        return ListMilestones(actor=ctx.actor, scope=ListScope.MINE, page=page)
    if (ref := lex.milestone_ref(scope_text)) is not None:
        return ListMilestones(actor=ctx.actor, scope=ListScope.SUBTREE, root=ref, page=page)
    if (person := lex.user_ref(rest.split()[0], ctx.identity_prefix)) is not None:
        return ListMilestones(actor=ctx.actor, scope=ListScope.PERSON, person=person, page=page)
    scopes = {"team": ListScope.TEAM, "all": ListScope.TEAM, "overdue": ListScope.OVERDUE,
              "late": ListScope.OVERDUE, "at-risk": ListScope.AT_RISK,
              "at risk": ListScope.AT_RISK, "risk": ListScope.AT_RISK,
              "atrisk": ListScope.AT_RISK}
    if scope_text in scopes:
        return ListMilestones(actor=ctx.actor, scope=scopes[scope_text], page=page)
    raise InvalidInput(
        "list", f"I can't list “{scope_text[:40]}”",
        hint="list mine · list team · list overdue · list at-risk · list @bob · list #4",
    )


def _show(rest: str, ctx: Context) -> AnyCommand:
    ref, extra = lex.take_one_ref(rest, "show", more="")
    _no_extra(extra, f"show {ref}")
    return ShowMilestone(actor=ctx.actor, milestone=ref)


def _several(ctx: Context, refs: tuple[MilestoneRef, ...], change: SeveralChange) -> AnyCommand:
    """One number: the change itself; several: the same change to each, all or none."""
    if len(refs) == 1:
        return change
    return ChangeSeveral(actor=ctx.actor, milestones=refs, change=change)


def _update(rest: str, ctx: Context) -> AnyCommand:
    refs, rest = lex.take_refs(rest, "update")
    ref, typed = refs[0], lex.refs_text(refs)
    example = f"update {typed} 60% on track"
    if not rest:
        if len(refs) > 1:
            raise InvalidInput("update", "what should change in each of them?", hint=example)
        return OpenCheckIn(actor=ctx.actor, milestone=ref)
    percent: int | None = None
    first, after = lex.split_word(rest)
    status_after, _ = lex.status_prefix(after)
    if first.endswith("%") or (lex.number(first) is not None and (not after or status_after)):
        value = lex.number(first.rstrip("%"))
        if value is None:
            raise InvalidInput("percent", f"“{first[:20]}” is not a percentage", hint=example)
        percent = round(value)
        if not 0 <= percent <= 100:
            raise InvalidInput("percent", f"progress must be between 0% and 100%, not {first}",
                               hint=example)
        rest = after
    status, rest = lex.status_prefix(rest)
    notes, blockers = _split_blockers(rest)
    if percent is None and status is None and not notes and not blockers:
        if len(refs) > 1:
            raise InvalidInput("update", "what should change in each of them?", hint=example)
        return OpenCheckIn(actor=ctx.actor, milestone=ref)
    return _several(ctx, refs, UpdateProgress(
        actor=ctx.actor, milestone=ref, percent=percent, status=status,
        notes=lex.unquote(notes), blockers=lex.unquote(blockers)))


def _split_blockers(text: str) -> tuple[str, str]:
    lowered = text.lower()
    for key in ("blockers:", "blocker:", "blocked by:"):
        at = lowered.find(key)
        if at >= 0 and (at == 0 or lowered[at - 1].isspace()):
            return text[:at].strip(), text[at + len(key):].strip()
    return text.strip(), ""


def _done(rest: str, ctx: Context) -> AnyCommand:
    refs, notes = lex.take_refs(rest, "done")
    return _several(ctx, refs, MarkDone(actor=ctx.actor, milestone=refs[0],
                                        notes=lex.unquote(notes)))


def _reopen(rest: str, ctx: Context) -> AnyCommand:
    refs, extra = lex.take_refs(rest, "reopen")
    _no_extra(extra, f"reopen {lex.refs_text(refs)}")
    return _several(ctx, refs, Reopen(actor=ctx.actor, milestone=refs[0]))


def _cancel(rest: str, ctx: Context) -> AnyCommand:
    refs, reason = lex.take_refs(rest, "cancel")
    return _several(ctx, refs, CancelMilestone(actor=ctx.actor, milestone=refs[0],
                                               reason=lex.unquote(reason)))


def _delete(rest: str, ctx: Context) -> AnyCommand:
    ref, extra = lex.take_one_ref(rest, "delete", more="")
    _no_extra(extra, f"delete {ref}")
    return DeleteMilestone(actor=ctx.actor, milestone=ref)


def _comment(rest: str, ctx: Context) -> AnyCommand:
    ref, body = lex.take_ref(rest, "comment")
    body = lex.unquote(body)
    example = f"comment {ref} Demo moved to Thursday, @bob can you join?"
    if not body:
        raise InvalidInput("text", "the comment is empty", hint=example)
    if lex.REFS.fullmatch(body):  # `comment #2 #3`: numbers, not something to say
        raise InvalidInput("text", "`comment` takes one milestone and what to say about it",
                           hint=example)
    return AddComment(actor=ctx.actor, milestone=ref, text=body,
                      mentions=lex.mentions_in(body, ctx.identity_prefix))


def _people_in(text: str, ctx: Context, example: str) -> tuple[UserRef, ...]:
    people = []
    for token in text.replace(",", " ").split():
        person = lex.user_ref(token, ctx.identity_prefix)
        if person is None:
            raise InvalidInput("people", f"“{token[:30]}” is not a person", hint=example)
        people.append(person)
    return tuple(dict.fromkeys(people))


def _assign(rest: str, ctx: Context) -> AnyCommand:
    refs, rest = lex.take_refs(rest, "assign")
    example = f"assign {lex.refs_text(refs)} @bob @carol  (@bob owns, @carol helps)"
    people = _people_in(rest, ctx, example)
    if not people:
        raise InvalidInput("people", "who should own it?", hint=example)
    return _several(ctx, refs, Assign(actor=ctx.actor, milestone=refs[0], people=people))


def _watch(rest: str, ctx: Context) -> AnyCommand:
    ref, rest = lex.take_one_ref(rest, "watch")
    return Watch(actor=ctx.actor, milestone=ref,
                 people=_people_in(rest, ctx, f"watch {ref} @bob @carol"))


def _unwatch(rest: str, ctx: Context) -> AnyCommand:
    ref, rest = lex.take_one_ref(rest, "unwatch")
    return Watch(actor=ctx.actor, milestone=ref, stop=True,
                 people=_people_in(rest, ctx, f"unwatch {ref} @bob"))


def _due(rest: str, ctx: Context) -> AnyCommand:
    refs, phrase = lex.take_refs(rest, "due")
    ref, typed = refs[0], lex.refs_text(refs)
    example = f"due {typed} friday · due {typed} 2026-12-31 17:00 · due {typed} none"
    phrase = lex.unquote(phrase)
    if phrase.lower() in ("none", "clear", "-", "no date", "remove"):
        return _several(ctx, refs, ChangeDueDate(actor=ctx.actor, milestone=ref, due=None))
    if not phrase:
        raise InvalidInput("date", "which date?", hint=example)
    try:
        due, at = parse_deadline(phrase, ctx.today)
    except InvalidInput as error:
        raise InvalidInput(error.field, error.message, hint=example) from None
    return _several(ctx, refs, ChangeDueDate(actor=ctx.actor, milestone=ref, due=due,
                                             due_time=at))


def _move(rest: str, ctx: Context) -> AnyCommand:
    refs, target = lex.take_refs(rest, "move")
    ref, typed = refs[0], lex.refs_text(refs)
    words = target.lower().split()
    if words and words[0] in ("under", "to", "into", "below", "in"):
        words = words[1:]
    if words in (["top"], ["none"], ["nothing"], ["root"], ["the", "top"], ["out"]):
        return _several(ctx, refs, MoveMilestone(actor=ctx.actor, milestone=ref, parent=None))
    parent = lex.milestone_ref(words[0]) if len(words) == 1 else None
    if parent is None:
        raise InvalidInput("parent", "where to?",
                           hint=f"move {typed} under #<number> · move {typed} to top")
    return _several(ctx, refs, MoveMilestone(actor=ctx.actor, milestone=ref, parent=parent))


def _criteria(rest: str, ctx: Context) -> AnyCommand:
    ref, rest = lex.take_one_ref(rest, "criteria")
    hint = f'criteria {ref} "ARR" 1.2M -> 1.5M USD · then criteria {ref} 1.32M'
    if rest.lower() in ("none", "clear", "remove"):
        return ClearCriterion(actor=ctx.actor, milestone=ref)
    tokens = lex.tokenize(rest.replace("→", " -> "))
    if len(tokens) == 1 and (current := lex.number(tokens[0].text)) is not None:
        return RecordMeasurement(actor=ctx.actor, milestone=ref, current=current)
    if len(tokens) == 1 and not tokens[0].quoted:  # `criteria #19 nan`: meant as a value
        raise InvalidInput("criteria", f"“{tokens[0].text[:20]}” is not a number",
                           hint=f"criteria {ref} 1.32M records the current value · "
                                f'criteria {ref} "ARR" 1.2M -> 1.5M USD sets a criterion')
    arrow = next((i for i, t in enumerate(tokens) if t.text in ("->", "to") and not t.quoted), None)
    if arrow is None or arrow < 2 or arrow + 1 >= len(tokens):
        raise InvalidInput("criteria", "a criterion needs a metric, a start and a target",
                           hint=hint)
    metric = " ".join(t.text for t in tokens[: arrow - 1]).strip()
    start, target = lex.number(tokens[arrow - 1].text), lex.number(tokens[arrow + 1].text)
    if start is None or target is None:
        raise InvalidInput("criteria", "the start and the target must be numbers", hint=hint)
    unit = " ".join(t.text for t in tokens[arrow + 2:])[:20]
    return SetCriterion(actor=ctx.actor, milestone=ref, metric=metric, start=start,
                        target=target, unit=unit)


def _inbox(rest: str, ctx: Context) -> AnyCommand:
    word = rest.strip().lower()
    if word not in ("", "all", "read", "clear"):
        raise InvalidInput("inbox", f"“{word[:20]}”?", hint="inbox · inbox all · inbox read")
    return ShowInbox(actor=ctx.actor, include_read=word == "all",
                     mark_read=word in ("read", "clear"))


def _activity(rest: str, ctx: Context) -> AnyCommand:
    if not rest.strip():
        return ShowActivity(actor=ctx.actor)
    ref, extra = lex.take_one_ref(rest, "activity", more="")
    _no_extra(extra, f"activity {ref}")
    return ShowActivity(actor=ctx.actor, milestone=ref)


def _people(rest: str, ctx: Context) -> AnyCommand:
    _no_extra(rest, "people")
    return ListPeople(actor=ctx.actor)


def _me(rest: str, ctx: Context) -> AnyCommand:
    if not rest.strip():
        return ShowProfile(actor=ctx.actor)
    if (person := lex.user_ref(rest.strip(), ctx.identity_prefix)) is not None:
        return ShowProfile(actor=ctx.actor, person=person)
    if (said := lex.split_word(rest.strip()))[0].lower() == "notify":
        return parse_notify(said[1], ctx.actor)
    return parse_profile(rest, ctx.actor)


def _role(rest: str, ctx: Context) -> AnyCommand:
    words = rest.split()
    hint = "role @bob viewer · role @carol admin"
    person = lex.user_ref(words[0], ctx.identity_prefix) if words else None
    if person is None or len(words) != 2:
        raise InvalidInput("role", "whose role, and which one?", hint=hint)
    try:
        role = Role(words[1].lower())
    except ValueError:
        raise InvalidInput("role", f"“{words[1][:20]}” is not a role (admin, member, viewer)",
                           hint=hint) from None
    return SetRole(actor=ctx.actor, person=person, role=role)


def _plan(rest: str, ctx: Context) -> AnyCommand:
    try:
        return SetPlan(actor=ctx.actor, plan=Plan(rest.strip().lower()))
    except ValueError:
        raise InvalidInput("plan", f"“{rest.strip()[:20]}” is not a plan",
                           hint="plan free · plan starter · plan professional · plan enterprise"
                           ) from None


def _remind(rest: str, ctx: Context) -> AnyCommand:
    return parse_remind(rest, ctx.actor, ctx.today)


def _no_extra(extra: str, example: str) -> None:
    if extra.strip():
        raise InvalidInput("text", f"I didn't expect “{extra.strip()[:40]}” here", hint=example)


def _create(kind: Kind) -> Parser:
    def parse_kind(rest: str, ctx: Context) -> AnyCommand:
        return parse_create(kind, rest, ctx.actor, ctx.today, ctx.identity_prefix)

    return parse_kind


def _edit(rest: str, ctx: Context) -> AnyCommand:
    ref, rest = lex.take_one_ref(rest, "edit")
    return parse_edit(ref, rest, ctx.actor, ctx.today)


PLANNING, PROGRESS, TEAM, YOU = "Plan", "Track", "Team", "You"

VERBS: tuple[Verb, ...] = (
    Verb(("goal",), 'goal "Title" [due:…] [owner:@who] [parent:#N] [priority:high]',
         "create a goal", PLANNING, _create(Kind.GOAL),
         ('goal "Grow revenue 20%" due:end of quarter priority:high',)),
    Verb(("milestone", "ms"), 'milestone "Title" [due:…] [owner:@who] [parent:#N]',
         "create a milestone", PLANNING, _create(Kind.MILESTONE),
         ('milestone "Launch beta" due:2026-12-15 owner:@bob parent:#1',)),
    Verb(("task",), 'task "Title" [due:…] [owner:@who] [parent:#N]',
         "create a task", PLANNING, _create(Kind.TASK),
         ('task "Write release notes" due:friday parent:#2',)),
    Verb(("new", "create"), "new [title]", "open the form to create a milestone", PLANNING, _new,
         ("new Launch beta",)),
    Verb(("edit",), 'edit #N [title:"…"] [desc:"…"] [priority:…] [start:…|none] [tags:a,b] '
         "[channel:#…|none]", "change a milestone's details", PLANNING, _edit,
         ('edit #2 title:"Launch public beta" priority:critical', "edit #2 start:none")),
    Verb(("due",), "due #N [#M …] <date> [time]|none", "move a due date (a time makes it timed)",
         PLANNING, _due, ("due #2 next friday", "due #2 end of month", "due #2 2026-12-31 14:30",
                          "due #4 #5 friday")),
    Verb(("move",), "move #N [#M …] under #P | move #N to top", "re-parent milestones",
         PLANNING, _move, ("move #3 under #1", "move #4 #5 under #1")),
    Verb(("assign",), "assign #N [#M …] @owner [@contributor …]", "give it an owner and helpers",
         TEAM, _assign, ("assign #3 @carol @dave", "assign #4 #5 @bob")),
    Verb(("criteria", "criterion", "kr"), 'criteria #N "metric" <start> -> <target> [unit]',
         "a measurable success criterion; `criteria #N <now>` records a value", PLANNING,
         _criteria, ('criteria #1 "ARR" 1.2M -> 1.5M USD', "criteria #1 1.32M")),
    Verb(("list", "ls"), "list [mine|team|overdue|at-risk|@who|#N] [page N]",
         "list milestones", PROGRESS, _list, ("list at-risk", "list #1")),
    Verb(("show",), "show #N (or just #N)", "details, updates, comments, activity", PROGRESS,
         _show, ("show #2",)),
    Verb(("update", "checkin", "check-in"),
         "update #N [#M …] <percent>% [status] [notes] [blockers: …]",
         "check in on progress", PROGRESS, _update,
         ("update #2 60% on track shipped the beta to 5 customers",
          "update #3 at risk blockers: waiting for legal", "update #3,#4 50%")),
    Verb(("done", "complete", "finish"), "done #N [#M …] [notes]",
         "mark it done (a parent once nothing under it is open)", PROGRESS, _done,
         ("done #2 shipped!", "done #3 #4 #2")),
    Verb(("reopen",), "reopen #N [#M …]", "reopen a done or cancelled milestone", PROGRESS,
         _reopen, ("reopen #2",)),
    Verb(("cancel",), "cancel #N [#M …] [reason]", "cancel (kept, but out of roll-ups)",
         PLANNING, _cancel, ("cancel #4 no longer needed",)),
    Verb(("delete", "rm"), "delete #N", "delete a milestone without children", PLANNING, _delete,
         ("delete #4",)),
    Verb(("comment", "note"), "comment #N <text with @mentions>", "comment and notify", TEAM,
         _comment, ("comment #2 Demo moved to Thursday, @bob can you join?",)),
    Verb(("watch",), "watch #N [@who …]", "follow a milestone's news", TEAM, _watch,
         ("watch #1",)),
    Verb(("unwatch",), "unwatch #N [@who …]", "stop following", TEAM, _unwatch, ("unwatch #1",)),
    Verb(("inbox", "notifications"), "inbox [all|read]", "your notifications", YOU, _inbox,
         ("inbox", "inbox read")),
    Verb(("activity", "feed"), "activity [#N]", "what happened lately", PROGRESS, _activity,
         ("activity", "activity #1")),
    Verb(("people", "users"), "people", "who is here, with roles and the plan", TEAM, _people),
    Verb(("me", "profile"),
         "me [tz <Zone>|name \"…\"|days mon-fri|hours 9-18|notify slack|teams|both]",
         "your profile and working hours", YOU, _me,
         ("me tz Europe/Berlin", "me days mon-thu", "me hours 08:30-17:00")),
    Verb(("remind", "reminders"),
         "remind [settings|<day> <time> [every N weeks]|snooze [#N] <duration>|"
         "vacation <from> <to>]",
         "your check-ins, deadline alerts, snooze and vacation (team, digest and deadlines: "
         "admins)", YOU, _remind,
         ("remind settings", "remind monday 9:30", "remind every 2 weeks", "remind days mon-thu",
          "remind quiet 18-9", "remind #4 friday 14:00", "remind #4 default",
          "remind snooze #4 3h", "remind snooze tomorrow", "remind vacation dec 21 jan 3",
          "remind vacation off", "remind team monday 9:00", "remind digest friday 16:00",
          "remind deadlines 7,1 overdue every 2")),
    Verb(("role",), "role @who admin|member|viewer", "change someone's role (admins)", TEAM,
         _role, ("role @dave viewer",)),
    Verb(("plan",), "plan free|starter|professional|enterprise", "change the plan (admins)",
         TEAM, _plan, ("plan professional",)),
    Verb(("calendar", "cal"), "calendar [status|feed [@who|#N]|feed revoke [@who|#N|all]]",
         "deadlines in Google Calendar and ICS feeds; admins: calendar on|off|kinds|owners",
         YOU, parse_calendar, ("calendar status", "calendar feed", "calendar feed #1",
                               "calendar feed revoke all", "calendar kinds goal,milestone,task",
                               "calendar owners on",
                               "calendar shared deadlines@group.calendar.google.com")),
    *(Verb(names, usage, summary, TEAM, parser, examples)
      for names, usage, summary, parser, examples in SCORING_VERBS),
    Verb(("report",), 'report [week|month|quarter|all] [#N|@who|"Team"|company]',
         "a report card; admins: `report weekly #channel [friday 16:00]` posts it weekly",
         PROGRESS, parse_report, ("report", "report month @bob", "report quarter #1",
                                  "report weekly #general friday 16:00", "report weekly off")),
    Verb(("chart",), "chart burnup #N | progress | status | ontime [@who|\"Team\"]",
         "a chart as an image", PROGRESS, parse_chart,
         ("chart burnup #1", "chart status", "chart ontime @bob")),
    Verb(("export",), "export csv|xlsx|pdf [#N|@who|\"Team\"|company] [week|month|quarter|all]",
         "a file to forward", PROGRESS, parse_export,
         ("export xlsx company quarter", "export csv #1 all", "export pdf @bob month")),
    Verb(("token",), access_grammar.USAGE, "API tokens: make (shown once), list, revoke", YOU,
         access_grammar.parse_token, access_grammar.EXAMPLES),
    Verb(("tokens",), "tokens", "your API tokens (and the app tokens, for admins)", YOU,
         access_grammar.parse_tokens),
    Verb(("webhook",), webhook_grammar.USAGE, "signed outgoing webhooks (admins)", TEAM,
         webhook_grammar.parse_webhook, webhook_grammar.EXAMPLES),
    Verb(("webhooks",), "webhooks", "the webhook endpoints (admins)", TEAM,
         webhook_grammar.parse_webhooks),
    Verb(("link",), LINK_USAGE, "one company on Slack and Teams (admins)", TEAM, parse_link,
         LINK_EXAMPLES),
    Verb(("unlink",), "unlink [slack|teams]", "separate linked workspaces again (admins)", TEAM,
         parse_unlink, ("unlink teams",)),
    Verb(("help", "?"), "help [verb]", "this help", YOU, _help, ("help update",)),
)

VERBS_BY_NAME: dict[str, Verb] = {name: verb for verb in VERBS for name in verb.names}
