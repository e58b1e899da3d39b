"""Loads what a milestone card shows with a fixed number of queries, then builds the card."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from core.history import Activity, ProgressUpdate
from core.humanize import when
from core.milestones.activity_text import describe
from core.milestones.cards import CardData, Reader, card
from core.milestones.forecast import HISTORY, Forecast, forecast
from core.milestones.rollup import rollup_changes
from core.model import Milestone, MilestoneId, UserId
from core.ports import Clock, MilestoneFilter, UnitOfWork
from core.scoring.forecast_records import StoredForecast
from core.tenancy import Role, User
from core.use_case import Outcome, Step, ancestor_owners, reader
from core.views import ActivityLine, MilestoneCard, Tone


async def committed_card(tx: UnitOfWork, m: Milestone, me: User, clock: Clock, *,
                         headline: str) -> MilestoneCard:
    """The end of most changes: the milestone's card for the one who changed it, then commit."""
    view = await milestone_card(tx, m, reader(me, clock), headline=headline)
    await tx.commit()
    return view


async def one_card(step: Step, m: Milestone, outcome: Outcome, *,
                   children: list[Milestone] | None = None) -> MilestoneCard:
    """The card of the one milestone a command changed; committed only if something changed
    (a commit tells every cache the tenant changed). `children`: `m`'s, if read already."""
    rdr = reader(step.me, step.clock)
    view = card(await card_data(step.tx, m, rdr, children=children), rdr,
                headline=outcome.headline, tone=Tone.SUCCESS if outcome.changed else Tone.INFO)
    if outcome.changed:
        await step.tx.commit()
    return view


async def card_then_rollup(step: Step, m: Milestone, outcome: Outcome,
                           parent_id: MilestoneId, *,
                           children: list[Milestone] | None = None) -> MilestoneCard:
    """A check-in's card and its owed roll-up, then the commit. The card is read first and the
    roll-up locks the chain of ancestors last, so concurrent check-ins under one goal queue for
    the roll-up and the commit only; the card's parent shows what the roll-up wrote."""
    rdr = reader(step.me, step.clock)
    data = await card_data(step.tx, m, rdr, children=children)
    changes = await rollup_changes(step.tx, parent_id, step.now)
    parent = data.parent
    if parent is not None and parent.id in changes:
        progress, status = changes[parent.id]
        data = dataclasses.replace(data, parent=dataclasses.replace(
            parent, progress=progress, status=status, last_update_at=step.now,
            updated_at=step.now))
    view = card(data, rdr, headline=outcome.headline,
                tone=Tone.SUCCESS if outcome.changed else Tone.INFO)
    await step.tx.commit()
    return view


async def milestone_card(
    tx: UnitOfWork,
    m: Milestone,
    reader: Reader,
    *,
    headline: str = "",
    tone: Tone = Tone.SUCCESS,
    detailed: bool = False,
) -> MilestoneCard:
    data = await card_data(tx, m, reader, detailed=detailed)
    return card(data, reader, headline=headline, tone=tone, detailed=detailed)


async def card_data(tx: UnitOfWork, m: Milestone, reader: Reader, *,
                    detailed: bool = False, children: list[Milestone] | None = None
                    ) -> CardData:
    """What `m`'s card shows, read with a fixed number of queries; `card` builds it.
    `children`: `m`'s, when the caller has read them already."""
    assert m.id is not None
    parent = await tx.milestones.get(m.parent_id) if m.parent_id else None
    if children is None:
        children = await tx.milestones.find(MilestoneFilter(parent_id=m.id, open_only=False))
    history, predicted = await _history_and_forecasts(tx, [m], reader) if m.is_open else (
        {}, {})
    wanted = 5 if detailed else 1
    recent = history.get(m.id, [])
    # The forecast's history (oldest first, every update of the last weeks) holds the latest
    # updates already when it holds enough of them.
    updates = recent[::-1][:wanted] if len(recent) >= wanted else await tx.updates.recent(
        m.id, wanted)
    stored = (await stored_forecasts(tx, [m])).get(m.id)
    comments = await tx.comments.recent(m.id, 5) if detailed else []
    entries = await tx.activity.recent(milestone_id=m.id, limit=10) if detailed else []
    owners: set[UserId] = set()
    if reader.user.role == Role.MEMBER and reader.user.id != m.owner_id:
        owners = await ancestor_owners(tx)(m.parent_id)
    user_ids: set[UserId] = {m.owner_id, *m.member_ids()}
    user_ids |= {c.owner_id for c in children} | {u.author_id for u in updates}
    user_ids |= {c.author_id for c in comments} | actors_of(entries)
    if parent is not None:
        user_ids.add(parent.owner_id)
    users = await tx.users.get_many(user_ids)
    refs = {x.id: x.ref for x in (m, parent, *children) if x is not None and x.id is not None}
    return CardData(
        milestone=m,
        users=users,
        parent=parent,
        children=children,
        updates=updates,
        comments=comments,
        activity=activity_lines(entries, users, refs, reader),
        forecast=predicted.get(m.id),
        stored=stored,
        ancestor_owners=owners,
    )


async def stored_forecasts(tx: UnitOfWork, items: Iterable[Milestone]
                           ) -> dict[MilestoneId, StoredForecast]:
    """The latest stored forecast of every open milestone given, in one query (none without
    an open one)."""
    ids = [m.id for m in items if m.id is not None and m.is_open]
    return await tx.forecasts.latest(ids) if ids else {}


async def _history_and_forecasts(
    tx: UnitOfWork, items: Iterable[Milestone], reader: Reader
) -> tuple[dict[MilestoneId, list[ProgressUpdate]], dict[MilestoneId, Forecast]]:
    open_items = {m.id: m for m in items if m.id is not None and m.is_open and m.last_update_at}
    if not open_items:
        return {}, {}
    history = await tx.updates.history(open_items.keys(), reader.now - HISTORY)
    found: dict[MilestoneId, Forecast] = {}
    for milestone_id, updates in history.items():
        m = open_items[milestone_id]
        points = [(u.created_at, u.percent) for u in updates if u.percent is not None]
        predicted = forecast(points, current=m.progress, due=m.due_date, today=reader.today)
        if predicted is not None:
            found[milestone_id] = predicted
    return history, found


def actors_of(entries: Iterable[Activity]) -> set[UserId]:
    found: set[UserId] = set()
    for entry in entries:
        if entry.actor_id is not None:
            found.add(entry.actor_id)
        for key in ("owner_id", "user_id"):
            value = entry.data.get(key)
            if isinstance(value, int):
                found.add(UserId(value))
    return found


def activity_lines(
    entries: Iterable[Activity],
    users: dict[UserId, User],
    refs: dict[MilestoneId, str],
    reader: Reader,
) -> tuple[ActivityLine, ...]:
    lines = []
    for entry in entries:
        number = refs.get(entry.milestone_id) if entry.milestone_id else None
        lines.append(ActivityLine(
            when=when(entry.created_at, reader.now, reader.timezone),
            text=describe(entry, users, refs, reader.today),
            number=int(number[1:]) if number else None,
        ))
    return tuple(lines)
