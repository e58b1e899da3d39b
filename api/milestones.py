"""Milestone routes: list (filters, cursor), get, create, update, delete, check-ins, done,
reopen, comments, members, success criterion, per-milestone activity."""

from __future__ import annotations

from api import shapes
from api.http import Answer, Call, PreconditionFailed, Route, etag, matches
from api.schemas import (
    ActivityPage,
    CheckIn,
    CommentIn,
    CommentOut,
    CommentPage,
    CriterionIn,
    Done,
    FeedParams,
    MeasurementIn,
    MembersIn,
    MilestoneCreate,
    MilestoneFilters,
    MilestoneOut,
    MilestonePage,
    MilestonePatch,
    Reopen,
)
from core import commands as c
from core.access.tokens import Scope
from core.bus import execute
from core.errors import InvalidInput, UnknownReference
from core.milestones import records
from core.text import mentions_in

READ, WRITE = Scope.MILESTONES_READ, Scope.MILESTONES_WRITE
ONE = "/milestones/{number}"


async def current(call: Call) -> MilestoneOut:
    found = await records.milestone_record(call.principal.actor, call.number(), call.deps)
    return shapes.milestones(found)[0]


async def check_version(call: Call) -> None:
    """412 when If-Match names another version than the current one."""
    wanted = call.if_match
    if wanted is not None and not matches(wanted, etag((await current(call)).model_dump_json())):
        raise PreconditionFailed()


def _ref(call: Call) -> c.MilestoneRef:
    return c.MilestoneRef(number=call.number())


def _user(handle: str) -> c.UserRef:
    return c.UserRef(handle=handle.lstrip("@").lower())


def _named(error: UnknownReference, field: str) -> UnknownReference:
    """The core's refusal of a reference, under the body field that held it."""
    return UnknownReference(field, error.message, value=error.value, hint=error.hint)


def _cursor(text: str | None) -> int | None:
    try:
        return shapes.position(text)
    except ValueError as error:
        raise InvalidInput("cursor", str(error), hint="pass back next_cursor as it came") \
            from None


async def list_milestones(call: Call) -> Answer:
    q: MilestoneFilters = call.query
    found = await records.milestone_records(call.principal.actor, records.MilestoneQuery(
        owner=q.owner, statuses=[q.status] if q.status else None,
        kinds=[q.kind] if q.kind else None, parent=q.parent, due_before=q.due_before,
        due_after=q.due_after, tag=q.tag, text=q.q, after=_cursor(q.cursor), limit=q.limit),
        call.deps)
    return Answer(MilestonePage(items=shapes.milestones(found),
                                next_cursor=shapes.cursor(found.next_after)))


async def get_milestone(call: Call) -> Answer:
    return Answer(await current(call))


async def create_milestone(call: Call) -> Answer:
    b: MilestoneCreate = call.body
    view = await execute(c.CreateMilestone(
        actor=call.principal.actor, kind=b.kind, title=b.title, description=b.description,
        due=b.due_date, start=b.start_date, owner=_user(b.owner) if b.owner else None,
        parent=c.MilestoneRef(number=b.parent) if b.parent else None, priority=b.priority,
        tags=tuple(b.tags), links=tuple(b.links), weight=b.weight), call.deps)
    number = getattr(getattr(view, "line", None), "number", None)
    if number is None:
        raise InvalidInput("title", "the milestone was not created")
    found = await records.milestone_record(call.principal.actor, number, call.deps)
    return Answer(shapes.milestones(found)[0], status=201,
                  headers={"Location": f"/api/v1/milestones/{number}"})


async def update_milestone(call: Call) -> Answer:
    """Every field given, in one unit of work (`api.http._write`): one refused, none changed."""
    b: MilestonePatch = call.body
    await check_version(call)
    given = b.model_fields_set
    actor = call.principal.actor
    if "owner" in given and b.owner is None:
        raise InvalidInput("owner", "a milestone always has an owner",
                           hint='name who takes it over: {"owner": "bob"}')
    if "due_date" in given:
        await execute(c.ChangeDueDate(actor=actor, milestone=_ref(call), due=b.due_date),
                      call.deps)
    edits = given - {"due_date", "owner", "parent"}
    if edits:
        await execute(c.EditMilestone(
            actor=actor, milestone=_ref(call), title=b.title, description=b.description,
            kind=b.kind, priority=b.priority, start=b.start_date,
            clear_start="start_date" in given and b.start_date is None,
            tags=tuple(b.tags) if b.tags is not None else None,
            links=tuple(b.links) if b.links is not None else None, weight=b.weight), call.deps)
    if "parent" in given:
        parent = c.MilestoneRef(number=b.parent) if b.parent is not None else None
        await execute(c.MoveMilestone(actor=actor, milestone=_ref(call), parent=parent),
                      call.deps)
    if b.owner is not None:
        try:
            await execute(c.Assign(actor=actor, milestone=_ref(call),
                                   people=(_user(b.owner),)), call.deps)
        except UnknownReference as error:
            raise _named(error, "owner") from None
    return Answer(await current(call))


async def delete_milestone(call: Call) -> Answer:
    await check_version(call)
    await execute(c.DeleteMilestone(actor=call.principal.actor, milestone=_ref(call)), call.deps)
    return Answer(None, status=204)


async def check_in(call: Call) -> Answer:
    b: CheckIn = call.body
    if b.percent is None and b.status is None and not b.notes:
        raise InvalidInput("percent", "a check-in needs a percent, a status or notes",
                           hint='{"percent": 60, "notes": "shipped the beta"}')
    await check_version(call)
    await execute(c.UpdateProgress(actor=call.principal.actor, milestone=_ref(call),
                                   percent=b.percent, status=b.status, notes=b.notes,
                                   blockers=b.blockers), call.deps)
    return Answer(await current(call), status=201)


async def mark_done(call: Call) -> Answer:
    b: Done = call.body
    await check_version(call)
    await execute(c.MarkDone(actor=call.principal.actor, milestone=_ref(call), notes=b.notes),
                  call.deps)
    return Answer(await current(call))


async def reopen(call: Call) -> Answer:
    await check_version(call)
    await execute(c.Reopen(actor=call.principal.actor, milestone=_ref(call)), call.deps)
    return Answer(await current(call))


async def list_comments(call: Call) -> Answer:
    found, people = await records.comment_records(call.principal.actor, call.number(),
                                                  limit=200, deps=call.deps)
    return Answer(CommentPage(items=[CommentOut(
        id=x.id or 0, author=people[x.author_id].handle if x.author_id in people else None,
        text=x.body, created_at=x.created_at) for x in found]))


async def add_comment(call: Call) -> Answer:
    b: CommentIn = call.body
    try:
        await execute(c.AddComment(actor=call.principal.actor, milestone=_ref(call),
                                   text=b.text, mentions=mentions_in(b.text)), call.deps)
    except UnknownReference as error:
        raise _named(error, "text") from None
    found, people = await records.comment_records(call.principal.actor, call.number(),
                                                  limit=1, deps=call.deps)
    x = found[0]
    return Answer(CommentOut(id=x.id or 0, author=people[x.author_id].handle
                             if x.author_id in people else None, text=x.body,
                             created_at=x.created_at), status=201)


async def set_members(call: Call) -> Answer:
    b: MembersIn = call.body
    await check_version(call)
    owner = _user(b.owner)
    people = (owner, *(_user(h) for h in b.contributors))
    try:
        await execute(c.Assign(actor=call.principal.actor, milestone=_ref(call), people=people),
                      call.deps)
    except UnknownReference as error:
        raise _named(error, "owner" if error.value == owner.handle else "contributors") \
            from None
    return Answer(await current(call))


async def set_criterion(call: Call) -> Answer:
    b: CriterionIn = call.body
    await check_version(call)
    await execute(c.SetCriterion(actor=call.principal.actor, milestone=_ref(call),
                                 metric=b.metric, start=b.start, target=b.target, unit=b.unit),
                  call.deps)
    return Answer(await current(call))


async def record_value(call: Call) -> Answer:
    b: MeasurementIn = call.body
    await execute(c.RecordMeasurement(actor=call.principal.actor, milestone=_ref(call),
                                      current=b.current), call.deps)
    return Answer(await current(call))


async def milestone_activity(call: Call) -> Answer:
    q: FeedParams = call.query
    found = await records.activity_records(call.principal.actor, number=call.number(),
                                           before=_cursor(q.cursor), limit=q.limit,
                                           deps=call.deps)
    return Answer(ActivityPage(items=shapes.activity(found),
                               next_cursor=shapes.cursor(found.next_before)))


T = "Milestones"
ROUTES = (
    Route("GET", "/milestones", "listMilestones", "List milestones (filters, cursor)", T, READ,
          list_milestones, MilestonePage, params=MilestoneFilters, cached=True),
    Route("POST", "/milestones", "createMilestone", "Create a goal, milestone or task", T,
          WRITE, create_milestone, MilestoneOut, 201, body=MilestoneCreate),
    Route("GET", ONE, "getMilestone", "Get one milestone by its number", T, READ,
          get_milestone, MilestoneOut, cached=True),
    Route("PATCH", ONE, "updateMilestone", "Change a milestone (merge semantics)", T, WRITE,
          update_milestone, MilestoneOut, body=MilestonePatch, conditional=True),
    Route("DELETE", ONE, "deleteMilestone", "Delete a milestone without children", T, WRITE,
          delete_milestone, None, 204, conditional=True),
    Route("POST", ONE + "/updates", "checkIn", "Check in: progress, status, notes", T, WRITE,
          check_in, MilestoneOut, 201, body=CheckIn, conditional=True),
    Route("POST", ONE + "/done", "markDone", "Mark it done", T, WRITE, mark_done, MilestoneOut,
          body=Done, conditional=True),
    Route("POST", ONE + "/reopen", "reopen", "Reopen a done or cancelled milestone", T, WRITE,
          reopen, MilestoneOut, body=Reopen, conditional=True),
    Route("GET", ONE + "/comments", "listComments", "Latest comments, newest first", T, READ,
          list_comments, CommentPage, cached=True),
    Route("POST", ONE + "/comments", "addComment", "Comment (@mentions are notified)", T,
          WRITE, add_comment, CommentOut, 201, body=CommentIn),
    Route("PUT", ONE + "/members", "setMembers", "Set the owner and contributors", T, WRITE,
          set_members, MilestoneOut, body=MembersIn, conditional=True),
    Route("PUT", ONE + "/criterion", "setCriterion", "Set the success criterion", T, WRITE,
          set_criterion, MilestoneOut, body=CriterionIn, conditional=True),
    Route("POST", ONE + "/criterion/value", "recordValue",
          "Record the criterion's current value (drives progress)", T, WRITE, record_value,
          MilestoneOut, body=MeasurementIn),
    Route("GET", ONE + "/activity", "milestoneActivity", "What happened to this milestone", T,
          READ, milestone_activity, ActivityPage, params=FeedParams, cached=True),
)
