"""The API's JSON shapes: request bodies (validated, extra fields refused) and responses.

The OpenAPI document is generated from these very classes, so it cannot drift from the code.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from core.model import Kind, MemberRole, Priority, Status
from core.tenancy import Role

Title = Annotated[str, Field(min_length=1, max_length=200)]
Handle = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^@?[A-Za-z0-9._-]+$")]
Tag = Annotated[str, Field(min_length=1, max_length=40)]
Link = Annotated[str, Field(min_length=1, max_length=500)]
Number = Annotated[int, Field(ge=1, le=2_147_483_647)]
Quantity = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- responses -------------------------------------------------------------------------------


class FieldError(Out):
    field: str
    message: str


class Problem(Out):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    hint: str = ""
    errors: list[FieldError] = Field(default_factory=list)


class MemberOut(Out):
    handle: str
    role: MemberRole


class CriterionOut(Out):
    metric: str
    start: float
    target: float
    current: float
    unit: str


class MilestoneOut(Out):
    number: int
    kind: Kind
    title: str
    description: str
    status: Status
    progress: int
    priority: Priority
    owner: str | None
    parent: int | None
    start_date: date | None
    due_date: date | None
    due_time: str | None
    weight: int
    tags: list[str]
    links: list[str]
    members: list[MemberOut]
    criterion: CriterionOut | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    last_update_at: datetime | None


class MilestonePage(Out):
    items: list[MilestoneOut]
    next_cursor: str | None


class PersonOut(Out):
    handle: str
    name: str
    email: str
    role: Role
    timezone: str


class PeoplePage(Out):
    items: list[PersonOut]
    next_cursor: str | None = None


class ActivityOut(Out):
    id: int
    verb: str
    milestone: int | None
    actor: str | None
    #: The app the actor acted through (an app token's name), if any.
    via: str | None = None
    data: dict[str, Any]
    created_at: datetime


class ActivityPage(Out):
    items: list[ActivityOut]
    next_cursor: str | None


class NotificationOut(Out):
    id: int
    kind: str
    text: str
    milestone: int | None
    created_at: datetime
    read: bool


class NotificationPage(Out):
    items: list[NotificationOut]
    next_cursor: str | None = None


# --- requests --------------------------------------------------------------------------------


class MilestoneCreate(Body):
    title: Title
    kind: Kind = Kind.MILESTONE
    description: Annotated[str, Field(max_length=4000)] = ""
    due_date: date | None = None
    start_date: date | None = None
    owner: Handle | None = None
    parent: Number | None = None
    priority: Priority = Priority.MEDIUM
    tags: Annotated[list[Tag], Field(max_length=20)] = Field(default_factory=list)
    links: Annotated[list[Link], Field(max_length=20)] = Field(default_factory=list)
    weight: Annotated[int, Field(ge=1, le=100)] = 1


class MilestonePatch(Body):
    """Merge semantics: only the fields given change, all of them or none."""

    title: Title | None = None
    kind: Kind | None = None
    description: Annotated[str, Field(max_length=4000)] | None = None
    priority: Priority | None = None
    start_date: date | None = None
    due_date: date | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] | None = None
    links: Annotated[list[Link], Field(max_length=20)] | None = None
    weight: Annotated[int, Field(ge=1, le=100)] | None = None
    owner: Handle | None = None
    #: null moves it to the top level.
    parent: Number | None = None


class CheckIn(Body):
    percent: Annotated[int, Field(ge=0, le=100)] | None = None
    status: Status | None = None
    notes: Annotated[str, Field(max_length=4000)] = ""
    blockers: Annotated[str, Field(max_length=4000)] = ""


class Done(Body):
    notes: Annotated[str, Field(max_length=4000)] = ""


class Reopen(Body):
    pass


class CommentIn(Body):
    text: Annotated[str, Field(min_length=1, max_length=4000)]


class MembersIn(Body):
    owner: Handle
    contributors: Annotated[list[Handle], Field(max_length=50)] = Field(default_factory=list)


class CriterionIn(Body):
    metric: Annotated[str, Field(min_length=1, max_length=100)]
    start: Quantity
    target: Quantity
    unit: Annotated[str, Field(max_length=20)] = ""


class MeasurementIn(Body):
    current: Quantity


class ProfilePatch(Body):
    name: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    timezone: Annotated[str, Field(min_length=1, max_length=64)] | None = None


# --- query parameters ------------------------------------------------------------------------

Limit = Annotated[int, Field(ge=1, le=200)]
Cursor = Annotated[str, Field(min_length=1, max_length=24)]


class MilestoneFilters(Body):
    owner: Handle | None = None
    status: Status | None = None
    kind: Kind | None = None
    parent: Number | None = None
    due_before: date | None = None
    due_after: date | None = None
    tag: Tag | None = None
    q: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    limit: Limit = 50
    cursor: Cursor | None = None


class FeedParams(Body):
    limit: Limit = 50
    cursor: Cursor | None = None


class NotificationParams(Body):
    unread: bool = False
    limit: Limit = 50


class CommentOut(Out):
    id: int
    author: str | None
    text: str
    created_at: datetime


class CommentPage(Out):
    items: list[CommentOut]
    next_cursor: str | None = None


# --- webhooks --------------------------------------------------------------------------------


class WebhookIn(Body):
    url: Annotated[str, Field(min_length=1, max_length=2000)]
    #: Event types (`milestone.done`, `milestone.*`); none means every event.
    events: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=20)] = \
        Field(default_factory=list)
    description: Annotated[str, Field(max_length=200)] = ""


class WebhookOut(Out):
    id: int
    url: str
    events: list[str]
    description: str
    enabled: bool
    disabled_reason: str
    created_at: datetime


class WebhookCreated(WebhookOut):
    #: The `whsec_` signing secret, shown this once.
    secret: str


class WebhookPage(Out):
    items: list[WebhookOut]
    next_cursor: str | None = None


class AttemptOut(Out):
    event_id: str
    event_type: str
    attempt: int
    at: datetime
    status: int | None
    latency_ms: int
    error: str
    verdict: str
    next_attempt_at: datetime | None


class AttemptPage(Out):
    items: list[AttemptOut]
    next_cursor: str | None = None
