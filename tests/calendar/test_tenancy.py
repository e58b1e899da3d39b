"""A shared calendar only ever holds one workspace's deadlines: several workspaces on one Cairn,
a real database (SQLite and PostgreSQL), the real sync, and the fake Google over HTTP."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.bus import run_text
from core.calendar.event_ids import event_id
from core.calendar.model import CalendarLink, CalendarRef, CalendarWrite, entry_for
from core.commands import Actor
from core.people.use_cases import ensure_tenant, join
from core.tenancy import Plan
from core.views import CalendarStatusView, Notice, Tone
from storage import Database
from tests.calendar.conftest import SHARED_ID, World, make_world
from tests.fakes import FrozenClock
from tests.google_calendar_fake import FakeGoogleCalendar

GLOBEX_ID = "globex@group.calendar.google.com"


async def workspace(world: World, slug: str = "globex") -> Actor:
    """Another company installs Cairn; its first person is its admin."""
    tenant = await ensure_tenant(world.deps, slug=slug, name=slug.title(),
                                 plan=Plan.PROFESSIONAL)
    assert tenant.id is not None
    return await join(world.deps, tenant.id, handle="gina", timezone="Europe/Berlin")


async def refused(world: World, who: Actor, text: str) -> Notice:
    view = await run_text(text, who, world.deps)
    assert isinstance(view, Notice) and view.tone == Tone.ERROR, (text, view)
    return view


async def status(world: World, who: Actor) -> CalendarStatusView:
    view = await world.say(who, "calendar status")
    assert isinstance(view, CalendarStatusView)
    return view


async def test_a_second_workspace_waits_for_a_calendar_of_its_own(world: World) -> None:
    a = world.alice
    await world.say(a, 'goal "Acme goal" due:2026-12-31')
    await world.drain()  # acme, the only workspace, is given the installation's calendar
    assert set(world.live()) == {"Goal #1: Acme goal"}
    gina = await workspace(world)
    await world.say(gina, 'goal "Globex secret" due:2026-12-20')
    waiting = await world.drain()
    assert (waiting.delivered, waiting.retried) == (0, 1)  # kept in the outbox, not lost
    assert set(world.live()) == {"Goal #1: Acme goal"}  # nothing of globex's
    told = await status(world, gina)
    assert told.google and told.pending == 1 and told.failing == 0 and not told.last_error
    assert told.destinations[0] == (
        "nowhere yet: the installation's calendar holds another workspace's deadlines, and a "
        "calendar only ever holds one workspace's")
    assert any("calendar shared <its calendar id>" in x and "cairn@cairn-test" in x
               for x in told.advice)
    assert (await status(world, a)).destinations[0] == f"the shared calendar {SHARED_ID}"
    taken = await refused(world, gina, f"calendar shared {SHARED_ID}")
    assert "installation's own calendar" in taken.text and "GOOGLE_CALENDAR_TENANT" in taken.text
    world.fake.add_calendar(GLOBEX_ID)
    await world.say(gina, f"calendar shared {GLOBEX_ID}")
    await world.drain()
    assert set(world.live(GLOBEX_ID)) == {"Goal #1: Globex secret"}
    assert set(world.live()) == {"Goal #1: Acme goal"}
    mine = await refused(world, a, f"calendar shared {GLOBEX_ID}")
    assert "already another workspace's calendar" in mine.text
    assert "one workspace's deadlines" in mine.text and mine.hint
    world.clock.advance(hours=1)  # the change that waited is delivered with nothing left to do
    calls = len(world.fake.calls)
    assert (await world.drain()).delivered == 1 and len(world.fake.calls) == calls
    assert (await status(world, gina)).pending == 0


async def test_several_workspaces_and_no_holder_leave_the_calendar_to_the_operator(
        world: World) -> None:
    await world.say(world.alice, 'goal "Acme goal" due:2026-12-31')
    gina = await workspace(world)  # arrives before the sync ever ran: nobody holds it yet
    told = await status(world, gina)
    assert told.destinations[0].startswith("nowhere yet: this installation serves several "
                                           "workspaces")
    assert any("GOOGLE_CALENDAR_TENANT=globex" in x for x in told.advice)
    await world.say(gina, 'goal "Globex secret" due:2026-12-20')
    assert (await world.drain()).retried == 2
    assert world.live() == {}  # two workspaces and no holder: nobody's deadlines go there
    assert (await status(world, world.alice)).destinations[0].startswith("nowhere yet")


async def test_an_operator_names_the_workspace_and_a_shared_calendar_is_cleaned(
        database: Database, fake_google: FakeGoogleCalendar, clock: FrozenClock,
        tmp_path: Path) -> None:
    world = await make_world(database, fake_google, clock, tmp_path)
    await world.say(world.alice, 'goal "Acme goal" due:2026-12-31')
    await world.drain()
    gina = await workspace(world)
    await world.say(gina, 'goal "Globex secret" due:2026-12-20')
    assert (await world.drain()).retried == 1  # waits; not tried again for a while
    # What Cairn did before a calendar held one workspace: globex's event in acme's calendar.
    async with world.deps.uow(gina.tenant_id) as tx:
        secret = await tx.milestones.by_number(1)
        assert secret is not None and secret.id is not None
        entry = entry_for(secret, await tx.users.get(secret.owner_id))
    legacy = event_id(gina.tenant_id, secret.id)
    await world.gateway.write([CalendarWrite(calendar=CalendarRef(SHARED_ID), event_id=legacy,
                                             entry=entry)])
    async with world.deps.uow(gina.tenant_id) as tx:
        await tx.calendar.save_links([CalendarLink(
            tenant_id=gina.tenant_id, milestone_id=secret.id, calendar=CalendarRef(SHARED_ID),
            event_id=legacy, updated_at=clock.now())])
        await tx.commit()
    assert set(world.live()) == {"Goal #1: Acme goal", "Goal #1: Globex secret"}
    assert await world.google.tick()  # the first tick of an upgraded serve
    assert set(world.live()) == {"Goal #1: Acme goal"}
    assert await world.google.tenancy.run() == []  # every workspace is where it belongs
    # The operator gives the installation's calendar to globex and restarts serve.
    (tmp_path / "again").mkdir()
    named = await make_world(database, fake_google, clock, tmp_path / "again",
                             google_calendar_tenant="globex")
    assert await named.google.tick()
    assert set(world.live()) == {"Goal #1: Globex secret"}
    acme = await status(world, world.alice)
    assert acme.destinations[0].startswith("nowhere yet: the installation's calendar holds "
                                           "another workspace's")
    assert (await status(world, gina)).destinations[0] == f"the shared calendar {SHARED_ID}"


async def test_two_workspaces_choosing_one_calendar_at_once_get_it_once(world: World) -> None:
    gina = await workspace(world)
    views = await asyncio.gather(*(run_text(f"calendar shared {GLOBEX_ID}", who, world.deps)
                                   for who in (world.alice, gina)))
    refusals = [v for v in views if isinstance(v, Notice) and v.tone == Tone.ERROR]
    assert len(refusals) == 1, views
    assert "already another workspace's calendar" in refusals[0].text
    async with world.deps.uow() as tx:
        assert len(await tx.calendar.calendar_users(GLOBEX_ID)) == 1
