"""The parsers of the verbs about people and oneself: assign, watch, inbox, activity, people,
me, role, plan, remind and help."""

from __future__ import annotations

from core import text as lex
from core.commands import AnyCommand, Assign, ShowActivity, ShowHelp, ShowInbox, UserRef, Watch
from core.errors import InvalidInput
from core.grammar.linking import parse_notify
from core.grammar.milestone_verbs import no_extra, several
from core.grammar.profile import parse_profile
from core.grammar.remind import parse_remind
from core.grammar.verb import Context
from core.people.commands import ListPeople, SetPlan, SetRole, ShowProfile
from core.tenancy import Plan, Role


def verb_help(rest: str, ctx: Context) -> AnyCommand:
    return ShowHelp(actor=ctx.actor, topic=rest.strip().lower()[:40])


def _people_in(text: str, ctx: Context, example: str) -> tuple[UserRef, ...]:
    people = []
    for token in text.replace(",", " ").split():
        person = lex.user_ref(token, ctx.identity_prefix)
        if person is None:
            raise InvalidInput("people", f"“{token[:30]}” is not a person", hint=example)
        people.append(person)
    return tuple(dict.fromkeys(people))


def verb_assign(rest: str, ctx: Context) -> AnyCommand:
    refs, rest = lex.take_refs(rest, "assign")
    example = f"assign {lex.refs_text(refs)} @bob @carol  (@bob owns, @carol helps)"
    people = _people_in(rest, ctx, example)
    if not people:
        raise InvalidInput("people", "who should own it?", hint=example)
    return several(ctx, refs, Assign(actor=ctx.actor, milestone=refs[0], people=people))


def verb_watch(rest: str, ctx: Context) -> AnyCommand:
    ref, rest = lex.take_one_ref(rest, "watch")
    return Watch(actor=ctx.actor, milestone=ref,
                 people=_people_in(rest, ctx, f"watch {ref} @bob @carol"))


def verb_unwatch(rest: str, ctx: Context) -> AnyCommand:
    ref, rest = lex.take_one_ref(rest, "unwatch")
    return Watch(actor=ctx.actor, milestone=ref, stop=True,
                 people=_people_in(rest, ctx, f"unwatch {ref} @bob"))


def verb_inbox(rest: str, ctx: Context) -> AnyCommand:
    word = rest.strip().lower()
    if word not in ("", "all", "read", "clear"):
        raise InvalidInput("inbox", f"“{word[:20]}”?", hint="inbox · inbox all · inbox read")
    return ShowInbox(actor=ctx.actor, include_read=word == "all",
                     mark_read=word in ("read", "clear"))


def verb_activity(rest: str, ctx: Context) -> AnyCommand:
    if not rest.strip():
        return ShowActivity(actor=ctx.actor)
    ref, extra = lex.take_one_ref(rest, "activity", more="")
    no_extra(extra, f"activity {ref}")
    return ShowActivity(actor=ctx.actor, milestone=ref)


def verb_people(rest: str, ctx: Context) -> AnyCommand:
    no_extra(rest, "people")
    return ListPeople(actor=ctx.actor)


def verb_me(rest: str, ctx: Context) -> AnyCommand:
    if not rest.strip():
        return ShowProfile(actor=ctx.actor)
    if (person := lex.user_ref(rest.strip(), ctx.identity_prefix)) is not None:
        return ShowProfile(actor=ctx.actor, person=person)
    if (said := lex.split_word(rest.strip()))[0].lower() == "notify":
        return parse_notify(said[1], ctx.actor)
    return parse_profile(rest, ctx.actor)


def verb_role(rest: str, ctx: Context) -> AnyCommand:
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


def verb_plan(rest: str, ctx: Context) -> AnyCommand:
    try:
        return SetPlan(actor=ctx.actor, plan=Plan(rest.strip().lower()))
    except ValueError:
        raise InvalidInput("plan", f"“{rest.strip()[:20]}” is not a plan",
                           hint="plan free · plan starter · plan professional · plan enterprise"
                           ) from None


def verb_remind(rest: str, ctx: Context) -> AnyCommand:
    return parse_remind(rest, ctx.actor, ctx.today)
