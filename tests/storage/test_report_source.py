"""The report source on SQLite and PostgreSQL: every milestone of a scope (and no other
tenant's, nor a deleted one), check-ins oldest first across pages, check-in requests with when
they were answered; the counts `size` gives match what the streams yield."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.bus import Deps, run_text
from core.commands import Actor
from core.people.use_cases import ensure_tenant, join
from core.reports.inputs import CompanyScope, PersonScope, SubtreeScope, TeamScope
from core.tenancy import Plan
from core.views import Notice, Tone
from storage import open_database
from storage.nudges.models import DeliveryRow
from storage.reports import TortoiseReportSources
from storage.reports import source as report_source
from tests.databases import empty_postgres, migrated_sqlite_url
from tests.fakes import FrozenClock


@pytest.fixture(params=["sqlite", "postgres"])
async def database(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = await migrated_sqlite_url(request.getfixturevalue("tmp_path") / "cairn.sqlite3")
    else:
        url = str(request.getfixturevalue("postgres_url"))
        await empty_postgres(url)
    db = await open_database(url, migrate=False)
    yield db
    await db.close()


async def say(deps: Deps, actor: Actor, line: str) -> None:
    view = await run_text(line, actor, deps)
    assert not (isinstance(view, Notice) and view.tone == Tone.ERROR), (line, view)


async def test_scopes_pages_and_answers(database, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
                                        ) -> None:
    monkeypatch.setattr(report_source, "PAGE", 2)
    clock = FrozenClock("2026-11-23T09:00:00+00:00")
    deps = Deps(uow=database.unit_of_work(), clock=clock)
    acme = await ensure_tenant(deps, slug="acme", plan=Plan.PROFESSIONAL)
    other = await ensure_tenant(deps, slug="globex", plan=Plan.PROFESSIONAL)
    assert acme.id is not None and other.id is not None
    alice = await join(deps, acme.id, handle="alice")
    bob = await join(deps, acme.id, handle="bob")
    mallory = await join(deps, other.id, handle="mallory")
    await say(deps, mallory, 'goal "Not yours"')
    await say(deps, mallory, "update #1 50%")
    await say(deps, alice, 'goal "Grow revenue" due:2026-12-31')
    await say(deps, alice, 'milestone "Beta" parent:#1 owner:@bob')
    await say(deps, alice, 'task "Notes" parent:#2 owner:@bob')
    await say(deps, alice, 'goal "Hire"')
    await say(deps, alice, 'task "Gone"')
    await say(deps, alice, "delete #5")
    async with database.unit_of_work()(acme.id) as tx:
        await DeliveryRow.create(using_db=await tx.connection(), tenant_id=acme.id,
                                 user_id=bob.user_id, kind="checkin", period="2026-11-23",
                                 status="sent", not_before=clock.now(), created_at=clock.now(),
                                 sent_at=clock.now())
        await DeliveryRow.create(using_db=await tx.connection(), tenant_id=acme.id,
                                 user_id=alice.user_id, kind="checkin", period="2026-11-23",
                                 status="sent", not_before=clock.now(), created_at=clock.now(),
                                 sent_at=clock.now())
        await tx.commit()
    for percent in (10, 20, 30):
        clock.advance(hours=3)
        await say(deps, bob, f"update #3 {percent}%")
    await say(deps, alice, "update #4 5%")

    source = TortoiseReportSources(database.unit_of_work())(acme.id)
    company = [m async for m in source.milestones(CompanyScope())]
    assert [m.number for m in company] == [1, 2, 3, 4]
    assert [(m.owner, m.parent_number) for m in company] == [
        ("alice", None), ("bob", 1), ("bob", 2), ("alice", None)]
    assert company[0].due_date is not None and company[0].due_date.isoformat() == "2026-12-31"
    size = await source.size(CompanyScope())
    updates = [u async for u in source.updates(CompanyScope())]
    assert size.milestones == 4 and size.updates == len(updates) == 4
    assert [u.percent for u in updates] == [10, 20, 30, 5]
    assert [u.at for u in updates] == sorted(u.at for u in updates)
    assert [u.author for u in updates] == ["bob", "bob", "bob", "alice"]

    assert [m.number async for m in source.milestones(SubtreeScope(2))] == [2, 3]
    assert [m.number async for m in source.milestones(PersonScope("bob"))] == [2, 3]
    assert [u.percent async for u in source.updates(PersonScope("alice"))] == [5]
    team = TeamScope("Sales", ("alice", "bob"))
    assert [m.number async for m in source.milestones(team)] == [1, 2, 3, 4]
    assert (await source.size(TeamScope("Sales", ("bob",)))).updates == 3
    assert [m async for m in source.milestones(TeamScope("Nobody"))] == []

    asked = {r.person: r async for r in source.checkins(CompanyScope(), None)}
    assert set(asked) == {"alice", "bob"}
    assert asked["bob"].latency == timedelta(hours=3)
    assert asked["alice"].latency == timedelta(hours=9)
    assert [r.person async for r in source.checkins(SubtreeScope(2), None)] == ["bob"]
    assert [r.person async for r in source.checkins(TeamScope("B", ("bob",)), None)] == ["bob"]
    later = clock.now() + timedelta(days=1)
    assert [r async for r in source.checkins(CompanyScope(), later)] == []
