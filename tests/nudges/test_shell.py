"""The shell as a chat: nudges that reach a person's inbox show up when they arrive, and after
each line as they come in, once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bots.shell.session import ShellSession
from core.bus import Deps
from core.tenancy import Plan
from storage import Database, open_database
from tests.databases import migrated_sqlite_url
from tests.fakes import FrozenClock
from tests.nudge_harness import World


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(await migrated_sqlite_url(tmp_path / "shell.sqlite3"),
                                   migrate=False)
    yield database
    await database.close()


async def lines(*items: str) -> AsyncIterator[str]:
    for item in items:
        yield item


async def test_nudges_show_up_like_chat_messages(db: Database) -> None:
    clock = FrozenClock("2026-11-02T10:00:00+00:00")
    deps = Deps(uow=db.unit_of_work(), clock=clock)
    shell = await ShellSession.open(deps, tenant="acme", user="alice", timezone="Europe/Berlin",
                                    plan=Plan.PROFESSIONAL)
    await shell.answer("as @bob")
    await shell.answer('task "Launch beta" due:2026-11-24')
    await shell.answer('task "Docs"')
    await shell.answer("as @alice")
    assert await shell.arrivals() is None
    world = World(deps, clock)
    await world.tick("2026-11-23T08:00")  # Monday 09:00: bob's check-in and an alert
    assert await shell.arrivals() is None  # nothing for alice
    out: list[str] = []
    status = await shell.run(lines("as @bob", "list", "remind snooze #1 tomorrow"), out.append)
    assert status == 0
    text = "".join(out)
    assert "You are now @bob" in text
    assert "🔔 Unread: 2 reminders" in text
    assert "🗓 Good morning bob — 2 milestones are waiting for your check-in" in text
    assert "→ update #N <percent>% [status] [notes] · done #N · remind snooze 1h|3h|" in text
    assert "⏳ Launch beta is due tomorrow" in text.replace("#1 ", "")
    assert text.count("Good morning bob") == 1  # shown once, not after every line
    assert "No reminders about #1 until tomorrow at 09:00" in text
    await world.tick("2026-11-23T08:30")
    clock.set("2026-11-23T09:05:00+00:00")
    snoozed = await shell.answer("remind snooze 1h")  # what came last comes back at 11:05
    assert snoozed is not None and "Snoozed. 2 reminders come back today at 11:05" in snoozed.text
    assert await shell.arrivals() is None
    await world.tick("2026-11-23T10:06")
    news = await shell.arrivals()
    assert news is not None and news.startswith("🔔 1 reminder")
    assert "⏰" in news and "#2 Docs is waiting for your check-in" in news  # #1 is snoozed
    assert await shell.arrivals() is None
