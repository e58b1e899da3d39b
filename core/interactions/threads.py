"""What a platform needs to tell a milestone's news in a channel thread, read for it.

Which thread a change goes to is decided when the change is recorded
(`core.interactions.concerned`); these
reads give the platform's outbox consumer the rest, so it opens no unit of work of its own: the
card heading the thread as it reads now, and the change told in a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.events import CommentAdded, Event, MilestoneMoved, payload
from core.history import Activity
from core.humanize import local_today
from core.milestones.activity_text import describe
from core.milestones.card_loader import milestone_card
from core.model import MilestoneId, TenantId, UserId
from core.use_case import Deps, reader
from core.views import MilestoneCard


@dataclass(frozen=True, slots=True)
class ThreadState:
    #: Whether the milestone the news is about is still there.
    exists: bool
    #: The card heading its thread, as its owner sees it (their time zone, their buttons),
    #: kept short; None when that milestone is gone.
    head: MilestoneCard | None


@dataclass(frozen=True, slots=True)
class ChangeAccount:
    """A change in words, like the activity feed (plain text: the platform escapes it)."""

    sentence: str
    #: The whole comment, for a comment.
    comment: str = ""
    blockers: str = ""


async def thread_state(deps: Deps, tenant_id: TenantId, milestone_id: MilestoneId,
                       head_id: MilestoneId | None) -> ThreadState:
    async with deps.uow(tenant_id) as tx:
        exists = await tx.milestones.get(milestone_id) is not None
        head = await tx.milestones.get(head_id) if head_id is not None else None
        owner = await tx.users.get(head.owner_id) if head is not None else None
        if head is None or owner is None:
            return ThreadState(exists=exists, head=None)
        view = await milestone_card(tx, head, reader(owner, deps.clock), detailed=True)
    return ThreadState(exists=exists, head=replace(
        view, detailed=False, updates=(), comments=(), activity=(), headline=""))


async def change_account(deps: Deps, tenant_id: TenantId, event: Event) -> ChangeAccount:
    async with deps.uow(tenant_id) as tx:
        data = payload(event)
        ids = {x for x in (event.actor_id, data.get("owner_id"), data.get("user_id"))
               if isinstance(x, int)}
        users = await tx.users.get_many({UserId(x) for x in ids})
        refs: dict[MilestoneId, str] = {}
        related = [event.milestone_id]
        if isinstance(event, MilestoneMoved):
            related += [event.parent_id, event.previous_parent_id]
        for milestone_id in related:
            m = await tx.milestones.get(milestone_id) if milestone_id else None
            if m is not None and m.id is not None:
                refs[m.id] = m.ref
        body = ""
        if isinstance(event, CommentAdded) and event.milestone_id is not None:
            comments = await tx.comments.recent(event.milestone_id, 50)
            body = next((x.body for x in comments if x.id == event.comment_id), "")
    today = local_today(event.at, "UTC")
    entry = Activity(tenant_id=tenant_id, milestone_id=event.milestone_id,
                     actor_id=event.actor_id, verb=event.verb, data=data, created_at=event.at)
    blockers = data.get("blockers")
    return ChangeAccount(sentence=describe(entry, users, refs, today), comment=body,
                         blockers=blockers if isinstance(blockers, str) else "")
