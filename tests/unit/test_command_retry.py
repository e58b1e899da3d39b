"""A command whose database connection died before anything was committed runs once more; one
that may have committed something never does. Told through the fake, whose commits fail on
demand the way storage reports a lost connection (`StorageUnavailable`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from core.bus import Deps, run_text
from core.errors import StorageUnavailable
from core.model import TenantId
from core.retry import once_more_if_disconnected
from core.views import Notice, Tone, View
from tests.fakes import InMemoryStore, InMemoryUnitOfWork
from tests.unit.conftest import Company

LOST = StorageUnavailable(retry=True)  # the connection died in use; nothing committed
BUSY = StorageUnavailable(StorageUnavailable.BUSY)  # already waited; running again won't help


class FailingCommits:
    """The fake's units of work, whose next commits fail (committing nothing) with `errors`."""

    def __init__(self, store: InMemoryStore, *errors: StorageUnavailable) -> None:
        self.store = store
        self.errors = list(errors)
        self.commits = 0

    def __call__(self, tenant_id: TenantId | None = None) -> Any:
        uow = InMemoryUnitOfWork(self.store, tenant_id)
        commit = uow.commit

        async def failing() -> None:
            self.commits += 1
            if self.errors:
                raise self.errors.pop(0)
            await commit()

        uow.commit = failing  # type: ignore[method-assign]
        return uow


def comments(store: InMemoryStore) -> list[str]:
    return [c.body for c in store.state.comments.values()]


@pytest.fixture
async def acme_goal(acme: Company) -> Company:
    await acme.card(acme.alice, 'goal "Launch"')
    return acme


async def test_a_command_whose_connection_died_runs_once_more_and_counts_once(
        acme_goal: Company) -> None:
    flaky = FailingCommits(acme_goal.store, LOST)
    deps = replace(acme_goal.deps, uow=flaky)

    view = await run(deps, acme_goal, "comment #1 shipped")

    assert not is_error(view)
    assert flaky.commits == 2
    assert comments(acme_goal.store) == ["shipped"]


async def test_a_second_loss_is_told_plainly_and_saves_nothing(acme_goal: Company) -> None:
    flaky = FailingCommits(acme_goal.store, LOST, LOST)
    view = await run(replace(acme_goal.deps, uow=flaky), acme_goal, "comment #1 shipped")

    assert isinstance(view, Notice) and is_error(view)
    assert view.text == "Cairn cannot reach its database right now, so nothing was saved."
    assert flaky.commits == 2 and comments(acme_goal.store) == []


async def test_a_failure_that_running_again_would_not_cure_is_not_retried(
        acme_goal: Company) -> None:
    flaky = FailingCommits(acme_goal.store, BUSY)
    view = await run(replace(acme_goal.deps, uow=flaky), acme_goal, "comment #1 shipped")

    assert isinstance(view, Notice) and view.text.startswith("Cairn's database is busy")
    assert flaky.commits == 1 and comments(acme_goal.store) == []


async def test_a_commit_that_may_have_happened_is_never_repeated(acme_goal: Company) -> None:
    maybe = StorageUnavailable(StorageUnavailable.MAYBE_SAVED, retry=True, maybe_saved=True)
    flaky = FailingCommits(acme_goal.store, maybe)
    view = await run(replace(acme_goal.deps, uow=flaky), acme_goal, "comment #1 shipped")

    assert isinstance(view, Notice) and "cannot tell whether this was saved" in view.text
    assert view.hint == "look before you try again"
    assert flaky.commits == 1


async def test_nothing_runs_again_after_an_earlier_unit_of_work_committed(
        acme_goal: Company) -> None:
    flaky = FailingCommits(acme_goal.store)
    runs = 0

    async def two_steps(deps: Deps) -> View:
        nonlocal runs
        runs += 1
        tenant = acme_goal.alice.tenant_id
        async with deps.uow(tenant) as first:
            await first.commit()  # say, a step that is done and durable
        flaky.errors.append(LOST)
        async with deps.uow(tenant) as second:
            await second.commit()
        raise AssertionError("the second commit fails")

    with pytest.raises(StorageUnavailable):
        await once_more_if_disconnected(two_steps, replace(acme_goal.deps, uow=flaky))
    assert runs == 1


async def run(deps: Deps, company: Company, text: str) -> View:
    return await run_text(text, company.alice, deps)


def is_error(view: View) -> bool:
    return isinstance(view, Notice) and view.tone == Tone.ERROR
