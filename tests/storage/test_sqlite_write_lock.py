"""SQLite locked for a moment by another process (a backup, `demo` or the shell writing while
`serve` runs): Cairn waits the lock out instead of refusing, says so plainly when it lasts past
the busy timeout, and never stops other connections from reading."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bots.shell.session import ShellSession
from core.bus import Deps
from core.errors import StorageUnavailable
from core.tenancy import Plan
from storage import open_database
from storage.availability import SETTLE_S
from tests.databases import migrated_sqlite_url
from tests.fakes import FrozenClock
from tests.storage.builders import tenant

# Another process takes the write lock, says so, holds it until told (or for a while), then
# reports how many comments it could see just before letting go.
HOLDER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
if sys.argv[2] == "stdin":
    sys.stdin.readline()
else:
    time.sleep(float(sys.argv[2]))
seen = db.execute("SELECT count(*) FROM comments").fetchone()[0]
print(f"saw {seen}", flush=True)
db.execute("ROLLBACK")
"""


class Holder:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def lock(cls, path: Path, hold: str) -> Holder:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", HOLDER, str(path), hold, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE)
        holder = cls(process)
        assert await holder.line() == "locked"
        return holder

    async def line(self) -> str:
        assert self.process.stdout is not None
        return (await asyncio.wait_for(self.process.stdout.readline(), 30)).decode().strip()

    async def release(self) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(b"go\n")
        await self.process.stdin.drain()
        return await self.done()

    async def done(self) -> str:
        seen = await self.line()
        assert await asyncio.wait_for(self.process.wait(), 30) == 0
        return seen


@pytest.fixture
async def sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "cairn.sqlite3"
    await migrated_sqlite_url(path)
    return path


@pytest.fixture
async def sessions(sqlite_file: Path) -> AsyncIterator[list[ShellSession]]:
    database = await open_database(f"sqlite:///{sqlite_file}", migrate=False)
    deps = Deps(uow=database.unit_of_work(), clock=FrozenClock())
    try:
        people = [await ShellSession.open(deps, tenant="acme", user=name, plan=Plan.ENTERPRISE)
                  for name in ("alice", "bob", "carol")]
        assert (await people[0].answer('goal "Launch"')).ok
        yield people
    finally:
        await database.close()


async def comments_in(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return sorted(row[0] for row in db.execute("SELECT body FROM comments"))


async def test_a_write_lock_held_3s_by_another_process_is_waited_out(
        sqlite_file: Path, sessions: list[ShellSession]) -> None:
    holder = await Holder.lock(sqlite_file, "3")
    lines = [(session, f"comment #1 note {n} of @{session.actor.handle}")
             for n in range(4) for session in sessions]

    answers = await asyncio.gather(*(session.answer(line) for session, line in lines))

    # Nothing was committed while the lock was held, and then every command went through.
    assert await holder.done() == "saw 0"
    assert all(a is not None and a.ok for a in answers), answers
    assert await comments_in(sqlite_file) == sorted(
        line.removeprefix("comment #1 ") for _, line in lines)


async def test_a_lock_held_past_the_busy_timeout_is_refused_plainly(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "cairn.sqlite3"
    await migrated_sqlite_url(path)
    database = await open_database(f"sqlite:///{path}?busy_timeout=200", migrate=False)
    try:
        deps = Deps(uow=database.unit_of_work(), clock=FrozenClock())
        alice = await ShellSession.open(deps, tenant="acme", user="alice")
        assert (await alice.answer('goal "Launch"')).ok
        caplog.set_level(logging.INFO)
        holder = await Holder.lock(path, "stdin")
        refused = [await alice.answer("comment #1 too soon") for _ in range(3)]
        assert await holder.release() == "saw 0"
        await asyncio.sleep(SETTLE_S)
        later = await alice.answer("comment #1 in good time")
    finally:
        await database.close()

    for answer in refused:
        assert answer is not None and not answer.ok
        assert answer.text.startswith(f"❌ {StorageUnavailable.BUSY}."), answer.text
    assert later is not None and later.ok
    assert await comments_in(path) == ["in good time"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert len(errors) == 1 and not errors[0].exc_info
    assert "locked by another connection" in errors[0].getMessage()
    assert any("back after" in r.getMessage() for r in caplog.records)


async def test_other_connections_keep_reading_while_cairn_writes(sqlite_file: Path) -> None:
    def read_elsewhere() -> list[str]:
        with sqlite3.connect(sqlite_file, timeout=0) as other:  # no waiting at all
            return [row[0] for row in other.execute("SELECT slug FROM tenants")]

    database = await open_database(f"sqlite:///{sqlite_file}", migrate=False)
    try:
        async with database.unit_of_work()() as tx:
            await tx.tenants.add(tenant("held"))
            # Cairn holds the write lock; a reader elsewhere is not blocked (WAL) and sees
            # the last committed state.
            assert await asyncio.to_thread(read_elsewhere) == []
            await tx.commit()
        assert await asyncio.to_thread(read_elsewhere) == ["held"]
    finally:
        await database.close()
