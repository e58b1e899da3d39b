"""The parsers of the verbs that plan and track milestones: create, edit, list, show, update,
done, reopen, cancel, delete, comment, due, move and criteria."""

from __future__ import annotations

from core import text as lex
from core.commands import (
    AddComment,
    AnyCommand,
    CancelMilestone,
    ChangeDueDate,
    ChangeSeveral,
    ClearCriterion,
    DeleteMilestone,
    ListMilestones,
    ListScope,
    MarkDone,
    MilestoneRef,
    MoveMilestone,
    OpenCheckIn,
    OpenNewForm,
    RecordMeasurement,
    Reopen,
    SetCriterion,
    SeveralChange,
    ShowMilestone,
    UpdateProgress,
)
from core.dates import parse_deadline
from core.errors import InvalidInput
from core.grammar.options import parse_create, parse_edit
from core.grammar.scoring import parse_list_team
from core.grammar.verb import Context, Parser
from core.model import Kind


def verb_new(rest: str, ctx: Context) -> AnyCommand:
    return OpenNewForm(actor=ctx.actor, title=lex.unquote(rest))


def verb_list(rest: str, ctx: Context) -> AnyCommand:
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


def verb_show(rest: str, ctx: Context) -> AnyCommand:
    ref, extra = lex.take_one_ref(rest, "show", more="")
    no_extra(extra, f"show {ref}")
    return ShowMilestone(actor=ctx.actor, milestone=ref)


def several(ctx: Context, refs: tuple[MilestoneRef, ...], change: SeveralChange) -> AnyCommand:
    """One number: the change itself; several: the same change to each, all or none."""
    if len(refs) == 1:
        return change
    return ChangeSeveral(actor=ctx.actor, milestones=refs, change=change)


def verb_update(rest: str, ctx: Context) -> AnyCommand:
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
    return several(ctx, refs, UpdateProgress(
        actor=ctx.actor, milestone=ref, percent=percent, status=status,
        notes=lex.unquote(notes), blockers=lex.unquote(blockers)))


def _split_blockers(text: str) -> tuple[str, str]:
    lowered = text.lower()
    for key in ("blockers:", "blocker:", "blocked by:"):
        at = lowered.find(key)
        if at >= 0 and (at == 0 or lowered[at - 1].isspace()):
            return text[:at].strip(), text[at + len(key):].strip()
    return text.strip(), ""


def verb_done(rest: str, ctx: Context) -> AnyCommand:
    refs, notes = lex.take_refs(rest, "done")
    return several(ctx, refs, MarkDone(actor=ctx.actor, milestone=refs[0],
                                        notes=lex.unquote(notes)))


def verb_reopen(rest: str, ctx: Context) -> AnyCommand:
    refs, extra = lex.take_refs(rest, "reopen")
    no_extra(extra, f"reopen {lex.refs_text(refs)}")
    return several(ctx, refs, Reopen(actor=ctx.actor, milestone=refs[0]))


def verb_cancel(rest: str, ctx: Context) -> AnyCommand:
    refs, reason = lex.take_refs(rest, "cancel")
    return several(ctx, refs, CancelMilestone(actor=ctx.actor, milestone=refs[0],
                                               reason=lex.unquote(reason)))


def verb_delete(rest: str, ctx: Context) -> AnyCommand:
    ref, extra = lex.take_one_ref(rest, "delete", more="")
    no_extra(extra, f"delete {ref}")
    return DeleteMilestone(actor=ctx.actor, milestone=ref)


def verb_comment(rest: str, ctx: Context) -> AnyCommand:
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


def verb_due(rest: str, ctx: Context) -> AnyCommand:
    refs, phrase = lex.take_refs(rest, "due")
    ref, typed = refs[0], lex.refs_text(refs)
    example = f"due {typed} friday · due {typed} 2026-12-31 17:00 · due {typed} none"
    phrase = lex.unquote(phrase)
    if phrase.lower() in ("none", "clear", "-", "no date", "remove"):
        return several(ctx, refs, ChangeDueDate(actor=ctx.actor, milestone=ref, due=None))
    if not phrase:
        raise InvalidInput("date", "which date?", hint=example)
    try:
        due, at = parse_deadline(phrase, ctx.today)
    except InvalidInput as error:
        raise InvalidInput(error.field, error.message, hint=example) from None
    return several(ctx, refs, ChangeDueDate(actor=ctx.actor, milestone=ref, due=due,
                                             due_time=at))


def verb_move(rest: str, ctx: Context) -> AnyCommand:
    refs, target = lex.take_refs(rest, "move")
    ref, typed = refs[0], lex.refs_text(refs)
    words = target.lower().split()
    if words and words[0] in ("under", "to", "into", "below", "in"):
        words = words[1:]
    if words in (["top"], ["none"], ["nothing"], ["root"], ["the", "top"], ["out"]):
        return several(ctx, refs, MoveMilestone(actor=ctx.actor, milestone=ref, parent=None))
    parent = lex.milestone_ref(words[0]) if len(words) == 1 else None
    if parent is None:
        raise InvalidInput("parent", "where to?",
                           hint=f"move {typed} under #<number> · move {typed} to top")
    return several(ctx, refs, MoveMilestone(actor=ctx.actor, milestone=ref, parent=parent))


def verb_criteria(rest: str, ctx: Context) -> AnyCommand:
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


def no_extra(extra: str, example: str) -> None:
    if extra.strip():
        raise InvalidInput("text", f"I didn't expect “{extra.strip()[:40]}” here", hint=example)


def verb_create(kind: Kind) -> Parser:
    def parse_kind(rest: str, ctx: Context) -> AnyCommand:
        return parse_create(kind, rest, ctx.actor, ctx.today, ctx.identity_prefix)

    return parse_kind


def verb_edit(rest: str, ctx: Context) -> AnyCommand:
    ref, rest = lex.take_one_ref(rest, "edit")
    return parse_edit(ref, rest, ctx.actor, ctx.today)
