"""Read models for richer surfaces: a person's dashboard and milestone search for pickers."""

from __future__ import annotations

from core.commands import ListMilestones, ListScope, SearchMilestones, ShowDashboard, ShowInbox
from core.milestones.card_loader import stored_forecasts
from core.milestones.cards import line, sort_for_attention
from core.milestones.queries import PastLast, inbox_in, list_in
from core.model import Milestone, MilestoneId
from core.ports import MilestoneFilter
from core.scoring.achievements import badge_names
from core.use_case import Deps, current_user, find_milestone, reader
from core.views import DashboardView, ListSection, MilestoneList

MAX_DEPTH = 64
GOALS_SHOWN = 10
SEARCH_LIMIT = 100


async def show_dashboard(cmd: ShowDashboard, deps: Deps) -> DashboardView:
    # One unit of work for the three sections: the person and their milestones read once.
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        assert me.id is not None
        rd = reader(me, deps.clock)
        own = await tx.milestones.find(MilestoneFilter(involving=me.id))
        mine = await list_in(
            tx, ListMilestones(actor=cmd.actor, scope=ListScope.MINE, page=cmd.page), me, rd,
            PastLast.LAST, found=own)
        inbox = await inbox_in(tx, ShowInbox(actor=cmd.actor), me, rd)
        own_ids = {m.id for m in own}
        # Walk up one level per query until the roots: a bounded number of statements however
        # many milestones the person has.
        above: dict[MilestoneId, Milestone] = {}
        wanted = {m.parent_id for m in own if m.parent_id is not None} - own_ids
        for _ in range(MAX_DEPTH):
            wanted -= above.keys()
            if not wanted:
                break
            found = await tx.milestones.find(MilestoneFilter(ids=wanted, open_only=False))
            above.update({m.id: m for m in found if m.id is not None})
            wanted = {m.parent_id for m in found if m.parent_id is not None} - own_ids
        goals = [m for m in above.values() if m.is_open and m.id not in own_ids]
        users = await tx.users.get_many({m.owner_id for m in goals})
        shown = sort_for_attention(goals, rd.today)[:GOALS_SHOWN]
        predicted = await stored_forecasts(tx, shown)
        lines = tuple(line(m, users, rd, forecast=predicted.get(m.id) if m.id else None)
                      for m in shown)
        badges = badge_names(await tx.scoring.achievements.awards(me.id))
    return DashboardView(mine=mine, goals=lines, inbox=inbox, badges=badges)


async def search_milestones(cmd: SearchMilestones, deps: Deps) -> MilestoneList:
    query = " ".join(cmd.query.split()).lower()
    limit = max(1, min(cmd.limit, SEARCH_LIMIT))
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        rd = reader(me, deps.clock)
        excluded: set[MilestoneId] = set()
        if cmd.exclude is not None:
            root = await find_milestone(tx, cmd.exclude)
            assert root.id is not None
            excluded = {root.id, *await tx.milestones.descendant_ids(root.id)}
        number = query.lstrip("#")
        candidates = await tx.milestones.find(MilestoneFilter(open_only=cmd.open_only))
        matches = [m for m in candidates if m.id not in excluded and (
            not query or query in m.title.lower() or (number.isdigit() and
                                                      str(m.number).startswith(number)))]
        # Exact numbers first, then the most urgent.
        exact = [m for m in matches if number.isdigit() and str(m.number) == number]
        rest = sort_for_attention([m for m in matches if m not in exact], rd.today)
        chosen = [*exact, *rest][:limit]
        users = await tx.users.get_many({m.owner_id for m in chosen})
        lines = tuple(line(m, users, rd) for m in chosen)
    title = f"Milestones matching “{cmd.query.strip()[:40]}”" if query else "Milestones"
    return MilestoneList(title=title, sections=(ListSection(title="", lines=lines),) if lines
                         else (), empty="Nothing matches.", total=len(matches))

