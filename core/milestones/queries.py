"""Read use cases: lists, a milestone in full, the activity feed, the inbox."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from enum import Enum

from core.commands import ListMilestones, ListScope, ShowActivity, ShowInbox, ShowMilestone
from core.errors import InvalidInput
from core.humanize import plural, when
from core.milestones.card_loader import (
    activity_lines,
    actors_of,
    milestone_card,
    stored_forecasts,
)
from core.milestones.cards import Reader, at_risk, line, sort_for_attention
from core.model import MemberRole, Milestone, MilestoneId, UserId
from core.ports import MilestoneFilter, UnitOfWork
from core.scoring.forecast_records import StoredForecast
from core.tenancy import User
from core.use_case import (
    Deps,
    current_user,
    find_milestone,
    reader,
    resolve_user,
)
from core.views import (
    ActivityView,
    InboxItem,
    InboxView,
    ListSection,
    MilestoneCard,
    MilestoneLine,
    MilestoneList,
)

PAGE_SIZE = 20
SUBTREE_LIMIT = 2000


async def show_milestone(cmd: ShowMilestone, deps: Deps) -> MilestoneCard:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        m = await find_milestone(tx, cmd.milestone)
        return await milestone_card(tx, m, reader(me, deps.clock), detailed=True)


async def list_milestones(cmd: ListMilestones, deps: Deps) -> MilestoneList:
    """A list as asked for; a page past the last is refused, saying how many there are."""
    return await milestone_list(cmd, deps, past_last=PastLast.REFUSE)


class PastLast(Enum):
    """What a page number past the last one gets: a refusal (typed), or the last page (a
    surface whose page buttons may be older than the data, like the Slack App Home)."""

    REFUSE = "refuse"
    LAST = "last"


async def milestone_list(cmd: ListMilestones, deps: Deps, *, past_last: PastLast
                         ) -> MilestoneList:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        return await list_in(tx, cmd, me, reader(me, deps.clock), past_last)


async def list_in(tx: UnitOfWork, cmd: ListMilestones, me: User, rd: Reader,
                  past_last: PastLast, *, found: list[Milestone] | None = None
                  ) -> MilestoneList:
    """The list, in an open unit of work; `found`: what the query finds, when the caller
    has read it already (the App Home reads a person's milestones once for two sections)."""
    if cmd.scope == ListScope.SUBTREE:
        assert cmd.root is not None
        return await _subtree(tx, cmd, rd, past_last)
    assert me.id is not None
    command = "list" if cmd.scope == ListScope.MINE else f"list {cmd.scope.value}"
    watching: set[int] = set()
    if cmd.scope == ListScope.MINE:
        query, title, empty = MilestoneFilter(involving=me.id), "Your milestones", (
            'Nothing on your plate. Create one: milestone "Launch beta" due:friday')
    elif cmd.scope == ListScope.PERSON:
        assert cmd.person is not None
        person = await resolve_user(tx, cmd.person)
        query, title = MilestoneFilter(involving=person.id), f"@{person.handle}'s milestones"
        empty, command = f"@{person.handle} has nothing open.", f"list @{person.handle}"
    elif cmd.scope == ListScope.OVERDUE:
        query, title = MilestoneFilter(due_before=rd.today), "Overdue"
        empty = "Nothing is overdue. 🎉"
    else:
        query, title = MilestoneFilter(), (
            "At risk" if cmd.scope == ListScope.AT_RISK else "Everyone's milestones")
        empty = "Nothing open yet." if cmd.scope == ListScope.TEAM else "Nothing at risk."
    items = sort_for_attention(
        found if found is not None else await tx.milestones.find(query), rd.today)
    if cmd.scope == ListScope.PERSON:
        # What @bob owns or helps with: what he only watches is not his.
        items = [m for m in items if not _only_watches(m, person.id)]
    elif cmd.scope == ListScope.MINE:
        # Yours first; what you only watch after, in a section that says so.
        watching = {m.number for m in items if _only_watches(m, me.id)}
        items = sorted(items, key=lambda m: m.number in watching)
    predicted = await stored_forecasts(tx, items)
    # The reader is known already: most lists are their own, and then no query is needed.
    users = {me.id: me, **await tx.users.get_many({m.owner_id for m in items} - {me.id})}
    lines = [line(m, users, rd, forecast=_of(predicted, m)) for m in items]
    if cmd.scope == ListScope.AT_RISK:
        lines = [x for x in lines if at_risk(x) or any(f.code == "overdue" for f in x.flags)]
    return _paged(title, lines, cmd.page, empty, command, past_last,
                  grouped=cmd.scope not in (ListScope.OVERDUE, ListScope.AT_RISK),
                  watching=watching)


def _only_watches(m: Milestone, user_id: UserId | None) -> bool:
    return user_id is not None and user_id in m.member_ids(MemberRole.WATCHER)


async def _subtree(tx: UnitOfWork, cmd: ListMilestones, rd: Reader, past_last: PastLast
                   ) -> MilestoneList:
    assert cmd.root is not None
    root = await find_milestone(tx, cmd.root)
    assert root.id is not None
    ids = (await tx.milestones.descendant_ids(root.id))[:SUBTREE_LIMIT]
    items = [root, *await tx.milestones.find(MilestoneFilter(ids=ids, open_only=False))]
    users = await tx.users.get_many({m.owner_id for m in items})
    predicted = await stored_forecasts(tx, items)
    ordered = _tree_order(root, items)
    lines = [line(m, users, rd, depth=depth, children=kids, forecast=_of(predicted, m))
             for m, depth, kids in ordered]
    return _paged(f"{root.ref} {root.title} and everything under it", lines, cmd.page,
                  "Nothing under it yet.", f"list {root.ref}", past_last, grouped=False)


def _of(predicted: dict[MilestoneId, StoredForecast], m: Milestone) -> StoredForecast | None:
    return predicted.get(m.id) if m.id is not None else None


def _tree_order(root: Milestone, items: Sequence[Milestone]) -> list[tuple[Milestone, int, int]]:
    children: dict[MilestoneId | None, list[Milestone]] = {}
    for m in items:
        if m is not root:
            children.setdefault(m.parent_id, []).append(m)
    ordered: list[tuple[Milestone, int, int]] = []
    stack: list[tuple[Milestone, int]] = [(root, 0)]
    while stack:
        m, depth = stack.pop()
        kids = sorted(children.get(m.id, []), key=lambda c: (c.due_date is None, c.due_date,
                                                             c.number))
        ordered.append((m, depth, len(kids)))
        stack.extend((c, depth + 1) for c in reversed(kids))
    return ordered


def _paged(title: str, lines: list[MilestoneLine], page: int, empty: str, command: str,
           past_last: PastLast, *, grouped: bool, watching: Collection[int] = ()
           ) -> MilestoneList:
    pages = max(1, -(-len(lines) // PAGE_SIZE))
    if page > pages and past_last == PastLast.REFUSE:
        what = f"{title[:1].lower()}{title[1:]}"
        fit = "1 page" if pages == 1 else f"{pages} pages"
        found = f"{plural(len(lines), 'line')} fit on {fit}" if lines else "it is empty"
        raise InvalidInput("page", f"there is no page {page} of {what}: {found}",
                           hint=command + (f" page {pages}" if pages > 1 else ""))
    page = min(page, pages)
    shown = lines[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    if grouped:
        own = [x for x in shown if x.number not in watching]
        overdue = tuple(x for x in own if x.due and x.due.overdue)
        risky = tuple(x for x in own if x not in overdue and at_risk(x))
        rest = tuple(x for x in own if x not in overdue and x not in risky)
        watched = tuple(x for x in shown if x.number in watching)
        sections = tuple(ListSection(title=t, lines=ls) for t, ls in (
            ("Overdue", overdue), ("At risk", risky), ("On track", rest),
            ("Watching", watched)) if ls)
    else:
        sections = (ListSection(title="", lines=tuple(shown)),) if shown else ()
    return MilestoneList(
        title=title, sections=sections, empty=empty, total=len(lines), page=page, pages=pages,
        next_command=f"{command} page {page + 1}" if page < pages else "",
    )


async def show_activity(cmd: ShowActivity, deps: Deps) -> ActivityView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        rd = reader(me, deps.clock)
        root = await find_milestone(tx, cmd.milestone) if cmd.milestone else None
        entries = await tx.activity.recent(milestone_id=root.id if root else None, limit=25)
        ids = {e.milestone_id for e in entries if e.milestone_id is not None}
        for e in entries:
            for key in ("parent_id", "previous_parent_id"):
                value = e.data.get(key)
                if isinstance(value, int):
                    ids.add(MilestoneId(value))
        known = await tx.milestones.find(MilestoneFilter(ids=ids, open_only=False))
        refs = {m.id: m.ref for m in known if m.id is not None}
        users = await tx.users.get_many(actors_of(entries))
        title = f"Activity on {root.ref} {root.title}" if root else "Latest activity"
        return ActivityView(title=title, entries=activity_lines(entries, users, refs, rd))


async def show_inbox(cmd: ShowInbox, deps: Deps) -> InboxView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        return await inbox_in(tx, cmd, me, reader(me, deps.clock))


async def inbox_in(tx: UnitOfWork, cmd: ShowInbox, me: User, rd: Reader) -> InboxView:
    """The inbox, in an open unit of work (which `inbox read` commits)."""
    assert me.id is not None
    items = await tx.notifications.for_user(me.id, limit=20,
                                            unread_only=not (cmd.include_read or cmd.mark_read))
    numbers = {m.id: m.number for m in await tx.milestones.find(MilestoneFilter(
        ids={n.milestone_id for n in items if n.milestone_id}, open_only=False))}
    # `inbox read` shows what it just marked read, without the unread dots.
    view_items = tuple(InboxItem(when=when(n.created_at, rd.now, rd.timezone), text=n.text,
                                 unread=n.unread and not cmd.mark_read,
                                 number=numbers.get(n.milestone_id))
                       for n in items if n.milestone_id is None or n.milestone_id in numbers)
    headline = ""
    if cmd.mark_read:
        marked = await tx.notifications.mark_read(me.id, rd.now)
        headline = f"Marked {marked} as read" if marked else "Nothing unread"
        await tx.commit()
    unread = await tx.notifications.unread_count(me.id) if not cmd.mark_read else 0
    return InboxView(items=view_items, unread=unread, headline=headline)
