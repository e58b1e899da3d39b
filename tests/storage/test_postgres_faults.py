"""PostgreSQL killing Cairn's connections (a failover, a restart, `pg_terminate_backend`) and
refusing new ones, on the real server, through the shell's sessions: nothing acknowledged is
lost, nothing is applied twice, and one incident is one error line, not a traceback a request."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator

import asyncpg
import pytest

from bots.shell.session import Answer, ShellSession
from core.bus import Deps
from core.errors import StorageUnavailable
from core.tenancy import Plan
from core.view_cache import ViewCache
from storage import Database, open_database
from storage.availability import SETTLE_S
from storage.config import redact
from tests.databases import create_postgres_database, drop_postgres_database
from tests.fakes import FrozenClock

pytestmark = pytest.mark.postgres

KILL_CAIRN = """
    SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
    WHERE datname = current_database() AND application_name LIKE 'cairn%'
      AND pid <> pg_backend_pid()"""
UNREACHABLE = StorageUnavailable.UNREACHABLE
KILLS = 3


def deps_of(database: Database) -> Deps:
    clock = FrozenClock()
    return Deps(uow=database.unit_of_work(), clock=clock,
                views=ViewCache(database.versions(), clock))


async def open_session(deps: Deps) -> ShellSession:
    return await ShellSession.open(deps, tenant="acme", user="alice", plan=Plan.ENTERPRISE)


def problems(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    return [r for r in records if r.levelno >= logging.ERROR or r.exc_info]


async def test_connections_killed_mid_load_lose_nothing_and_log_one_line(
        pg_database: Database, postgres_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="core.retry")
    deps = deps_of(pg_database)
    first = await open_session(deps)
    assert (await first.answer('goal "Launch"')).ok
    sessions = [await open_session(deps) for _ in range(12)]  # more than the pool's 10
    said: list[tuple[str, Answer]] = []
    stop = asyncio.Event()

    async def talk(n: int, session: ShellSession) -> None:
        line = 0
        while not stop.is_set():
            text = f"comment #1 from {n}, line {line}" if line % 3 else "list"
            answer = await session.answer(text)
            assert answer is not None
            said.append((text, answer))
            line += 1

    async def kill() -> list[int]:
        admin = await asyncpg.connect(postgres_url)
        killed: list[int] = []
        try:
            for _ in range(KILLS):
                await asyncio.sleep(1)
                killed.append(await admin.fetchval(KILL_CAIRN))
            await asyncio.sleep(1)
        finally:
            await admin.close()
            stop.set()
        return killed

    killed, *_ = await asyncio.wait_for(
        asyncio.gather(kill(), *(talk(n, s) for n, s in enumerate(sessions))), 120)

    assert all(k > 0 for k in killed), killed
    # Commands whose connection died ran again. Only one whose second run met the next kill
    # too (a loaded machine can stall that long) may be refused, and then plainly.
    refused = [text for text, a in said if not a.ok]
    assert all(a.ok or a.text.startswith(f"❌ {UNREACHABLE}.") for _, a in said), said
    assert len(refused) <= KILLS, refused
    retried = [r for r in caplog.records if r.name == "core.retry"]
    assert len(retried) >= KILLS, "no command was in flight when its connection was killed"
    async with deps.uow() as tx:
        rows = await (await tx.connection()).execute_query_dict("SELECT body FROM comments")
    stored = Counter(row["body"] for row in rows)
    acknowledged = [text.removeprefix("comment #1 ") for text, a in said
                    if text.startswith("comment") and a.ok]
    assert stored == Counter(acknowledged)  # each acknowledged comment once, nothing else
    # Three kills a second apart are one incident: one error line, no traceback at all, and
    # one "back" once the database has answered for a while.
    errors = problems(caplog.records)
    assert len(errors) == 1 and not errors[0].exc_info, [r.getMessage() for r in errors]
    assert errors[0].getMessage().startswith(f"database {redact(pg_database.url)} unreachable: ")
    await asyncio.sleep(SETTLE_S)
    assert (await first.answer("show #1")).ok
    assert len([r for r in caplog.records if "back after" in r.getMessage()]) == 1


async def test_a_killed_connection_is_dropped_and_the_pool_stays_whole(
        pg_database: Database, postgres_url: str) -> None:
    uow = pg_database.unit_of_work()
    admin = await asyncpg.connect(postgres_url)
    try:
        for _ in range(15):  # more than the pool holds: a leak would hang here
            with pytest.raises(StorageUnavailable) as failed:
                async with uow() as tx:
                    db = await tx.connection()
                    pid = (await db.execute_query_dict("SELECT pg_backend_pid() AS pid"))[0]
                    await admin.execute("SELECT pg_terminate_backend($1)", pid["pid"])
                    await db.execute_query_dict("SELECT 1")
            assert failed.value.retry and failed.value.message == UNREACHABLE
        # The same task carries on with fresh connections, outside and inside transactions.
        async with uow() as tx:
            assert await tx.tenants.by_slug("nobody") is None
        assert await pg_database.ping()
    finally:
        await admin.close()


@pytest.fixture
async def own_database() -> AsyncIterator[tuple[str, Database]]:
    """A database of its own: the test below stops it accepting connections."""
    url = create_postgres_database()
    database = await open_database(url, migrate=False)
    try:
        yield url, database
    finally:
        await database.close()
        drop_postgres_database(url)


async def test_an_outage_is_answered_plainly_logged_once_and_its_end_noticed(
        own_database: tuple[str, Database], postgres_url: str,
        caplog: pytest.LogCaptureFixture) -> None:
    url, database = own_database
    name = url.rpartition("/")[2]
    deps = deps_of(database)
    session = await open_session(deps)
    assert (await session.answer('goal "Launch"')).ok
    admin = await asyncpg.connect(postgres_url)
    caplog.set_level(logging.INFO)
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
        answers = [await session.answer(line) for line in
                   ("update #1 40%", "comment #1 still there?", "list", "show #1")]
        assert not await database.ping()  # /readyz says 503
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()
    for answer in answers:
        assert answer is not None and not answer.ok
        assert answer.text.startswith(f"❌ {UNREACHABLE}."), answer.text
    errors = problems(caplog.records)
    assert len(errors) == 1 and not errors[0].exc_info
    assert f"database {redact(url)} unreachable: " in errors[0].getMessage()

    again = await session.answer("update #1 40%")
    assert again is not None and again.ok, again
    await asyncio.sleep(SETTLE_S)
    assert await database.ping()
    back = [r for r in caplog.records if "back after" in r.getMessage()]
    assert len(back) == 1 and back[0].levelno == logging.WARNING
    shown = await session.answer("show #1")
    assert shown is not None and "40%" in shown.text and "still there" not in shown.text


async def test_a_commit_killed_by_the_server_is_settled_then_run_again(
        own_database: tuple[str, Database], caplog: pytest.LogCaptureFixture) -> None:
    """The server's session dies inside COMMIT (a deferred trigger kills it): whether the
    transaction committed is asked of the server (`txid_status`), and since it did not, the
    command runs again and is applied once."""
    url, database = own_database
    deps = deps_of(database)
    session = await open_session(deps)
    assert (await session.answer('goal "Launch"')).ok
    admin = await asyncpg.connect(url)
    try:
        # A sequence, not a row: the first COMMIT is rolled back, the count of tries is not.
        await admin.execute("""
            CREATE SEQUENCE commits_tried;
            CREATE FUNCTION kill_first_commit() RETURNS trigger AS $$
            BEGIN
                IF nextval('commits_tried') = 1 THEN
                    PERFORM pg_terminate_backend(pg_backend_pid());
                    PERFORM pg_sleep(5);
                END IF;
                RETURN NULL;
            END $$ LANGUAGE plpgsql;
            CREATE CONSTRAINT TRIGGER kill_first_commit AFTER INSERT ON comments
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kill_first_commit();
        """)
    finally:
        await admin.close()
    caplog.set_level(logging.DEBUG, logger="core.retry")

    answer = await session.answer("comment #1 once, please")

    assert answer is not None and answer.ok, answer
    assert any(r.name == "core.retry" for r in caplog.records)
    async with deps.uow() as tx:
        db = await tx.connection()
        rows = await db.execute_query_dict("SELECT body FROM comments")
        tried = await db.execute_query_dict("SELECT last_value FROM commits_tried")
    assert [row["body"] for row in rows] == ["once, please"]
    assert tried[0]["last_value"] == 2
