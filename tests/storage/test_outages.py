"""An outage is one error line when it starts (again at most once a minute while it lasts) and
one line when the database answers again, however many requests fail meanwhile."""

from __future__ import annotations

import logging
import sys

import asyncpg
import pytest

from storage.availability import (
    SETTLE_S,
    Outages,
    PoolRetriesInOutages,
    killed,
    unreachable,
)

KILLED = asyncpg.exceptions.AdminShutdownError(
    "terminating connection due to administrator command")
REFUSED = ConnectionRefusedError(111, "Connect call failed ('10.0.0.5', 5432)")


class Ticking:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Ticking:
    return Ticking()


@pytest.fixture
def outages(clock: Ticking) -> Outages:
    return Outages("postgres://cairn:***@db:5432/cairn", monotonic=clock)


def lines(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    found = [(r.levelname, r.getMessage()) for r in caplog.records
             if r.name == "storage.availability"]
    assert not any(r.exc_info for r in caplog.records)
    caplog.clear()
    return found


def test_an_outage_is_one_line_and_its_end_another(
        outages: Outages, clock: Ticking, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    for _ in range(200):
        error = outages.unavailable(KILLED, retry=True)
        clock.now += 0.01
    assert error.retry and error.message == error.UNREACHABLE
    assert lines(caplog) == [("ERROR", "database postgres://cairn:***@db:5432/cairn unreachable: "
                              "AdminShutdownError: terminating connection due to administrator "
                              "command; commands fail with a plain message and nothing is saved "
                              "until it answers again")]
    outages.reached()  # answering again, but failures may still trickle in: not over yet
    assert lines(caplog) == [] and not outages.down
    clock.now += SETTLE_S
    for _ in range(50):
        outages.reached()
    assert lines(caplog) == [("WARNING", "database postgres://cairn:***@db:5432/cairn back after "
                              "2.0 s (200 failures meanwhile)")]


def test_failures_close_together_are_one_incident(
        outages: Outages, clock: Ticking, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    for _ in range(3):  # three kills a second apart, each with its stragglers
        outages.note(KILLED)
        outages.reached()
        clock.now += 0.1
        outages.note(KILLED)
        clock.now += 1
        outages.reached()
    assert [level for level, _ in lines(caplog)] == ["ERROR"]
    clock.now += SETTLE_S
    outages.reached()
    assert lines(caplog) == [("WARNING", "database postgres://cairn:***@db:5432/cairn back after "
                              "3.3 s (6 failures meanwhile)")]
    clock.now += 30
    outages.note(REFUSED)  # a new incident
    [(level, text)] = lines(caplog)
    assert level == "ERROR"
    assert "unreachable: ConnectionRefusedError: [Errno 111] Connect call failed" in text


def test_a_long_outage_says_it_goes_on_once_a_minute(
        outages: Outages, clock: Ticking, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    for _ in range(5 * 60):  # a failure a second for five minutes
        outages.note(REFUSED)
        clock.now += 1
    said = lines(caplog)
    assert len(said) == 5
    assert "still unreachable after 2 min (121 failures)" in said[2][1]
    assert outages.down


def test_asyncpg_pool_retries_count_towards_the_outage(
        outages: Outages, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    pool_log = logging.getLogger("asyncpg.pool")
    quiet = PoolRetriesInOutages(outages)
    pool_log.addFilter(quiet)
    try:
        try:
            raise REFUSED
        except OSError:
            pool_log.warning("Failed to restore the pool connection floor; retrying",
                             exc_info=sys.exc_info())
        pool_log.warning("something else about the pool")
    finally:
        pool_log.removeFilter(quiet)
    said = [(r.name, r.levelname) for r in caplog.records]
    assert said == [("storage.availability", "ERROR"), ("asyncpg.pool", "WARNING")]
    assert outages.down


@pytest.mark.parametrize(("error", "dropped", "not_there"), [
    (KILLED, True, True),
    (asyncpg.exceptions.ConnectionDoesNotExistError("closed in the middle"), True, True),
    (asyncpg.exceptions.InternalClientError("cannot switch to state 12"), True, True),
    (REFUSED, False, True),
    (asyncpg.exceptions.CannotConnectNowError("the database system is starting up"), False,
     True),
    (asyncpg.exceptions.ObjectNotInPrerequisiteStateError(
        'database "cairn" is not currently accepting connections'), False, True),
    (asyncpg.exceptions.UniqueViolationError("duplicate key"), False, True),
    (ValueError("a bug"), False, False),
])
def test_what_counts_as_the_database_not_being_there(
        error: Exception, dropped: bool, not_there: bool) -> None:
    # A connection killed (open or opening) is worth another try at once; a server refusing
    # connections is not. While connecting, any refusal means "not there".
    assert killed(error) is dropped
    assert unreachable(error) is not_there
