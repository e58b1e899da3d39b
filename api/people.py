"""People (list, get, update your own profile), the tenant's activity feed, your
notifications."""

from __future__ import annotations

from api import shapes
from api.http import Answer, Call, Route
from api.milestones import _cursor
from api.schemas import (
    ActivityPage,
    FeedParams,
    NotificationPage,
    NotificationParams,
    PeoplePage,
    PersonOut,
    ProfilePatch,
)
from core.access.tokens import Scope
from core.bus import execute
from core.milestones import records
from core.people.commands import UpdateProfile


async def list_people(call: Call) -> Answer:
    found = await records.people_records(call.principal.actor, call.deps)
    return Answer(PeoplePage(items=[shapes.person(u) for u in found]))


async def get_person(call: Call) -> Answer:
    handle = call.request.match_info["handle"]
    return Answer(shapes.person(await records.person_record(call.principal.actor, handle,
                                                            call.deps)))


async def update_me(call: Call) -> Answer:
    b: ProfilePatch = call.body
    if b.name is not None or b.timezone is not None:
        await execute(UpdateProfile(actor=call.principal.actor, display_name=b.name,
                                      timezone=b.timezone), call.deps)
    return Answer(shapes.person(await records.person_record(call.principal.actor, "me",
                                                            call.deps)))


async def activity(call: Call) -> Answer:
    q: FeedParams = call.query
    found = await records.activity_records(call.principal.actor, number=None,
                                           before=_cursor(q.cursor), limit=q.limit,
                                           deps=call.deps)
    return Answer(ActivityPage(items=shapes.activity(found),
                               next_cursor=shapes.cursor(found.next_before)))


async def notifications(call: Call) -> Answer:
    q: NotificationParams = call.query
    found, numbers = await records.notification_records(
        call.principal.actor, unread_only=q.unread, limit=q.limit, deps=call.deps)
    return Answer(NotificationPage(items=[shapes.notification(n, numbers) for n in found]))


P, F = "People", "Feeds"
ROUTES = (
    Route("GET", "/people", "listPeople", "Everyone in the workspace", P, Scope.PEOPLE_READ,
          list_people, PeoplePage, cached=True),
    Route("PATCH", "/people/me", "updateMe", "Change your own name or time zone", P,
          Scope.PEOPLE_WRITE, update_me, PersonOut, body=ProfilePatch),
    Route("GET", "/people/{handle}", "getPerson", "One person (`me` for yourself)", P,
          Scope.PEOPLE_READ, get_person, PersonOut, cached=True),
    Route("GET", "/activity", "listActivity", "The workspace's activity feed, newest first", F,
          Scope.MILESTONES_READ, activity, ActivityPage, params=FeedParams, cached=True),
    Route("GET", "/notifications", "listNotifications", "Your notifications, newest first", F,
          Scope.PEOPLE_READ, notifications, NotificationPage, params=NotificationParams,
          cached=True),
)
