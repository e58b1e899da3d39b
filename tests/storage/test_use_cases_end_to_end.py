"""The core's use cases on the real databases tell the same story as on the fake: every view a
team sees along the way is identical, down to the roll-ups, the feed and the inboxes."""

from __future__ import annotations

from typing import cast

from core.bus import Deps, run_text
from core.commands import Actor
from core.people.use_cases import ensure_tenant, join
from core.ports import UnitOfWorkFactory
from core.tenancy import Plan
from core.views import MilestoneCard, Notice, Tone, View
from tests.fakes import FrozenClock, InMemoryStore
from tests.storage.builders import SUBSCRIPTIONS

STORY: tuple[tuple[str, str], ...] = (
    ("alice", 'goal "Grow revenue 20%" due:2026-12-31 priority:high'),
    ("alice", 'milestone "Launch beta" parent:#1 owner:@bob due:2026-12-15'),
    ("alice", 'milestone "Hire two AEs" parent:#1 owner:@carol due:2026-12-20'),
    ("bob", 'task "Write release notes" parent:#2 due:2026-12-10'),
    ("bob", 'task "Fix the installer" parent:#2'),
    ("bob", "update #4 50% on track half of the notes are written"),
    ("carol", "update #3 20% at risk no senior candidates yet"),
    ("bob", "update #5 at risk blockers: waiting for legal"),
    ("carol", "comment #2 Demo moved to Thursday, @bob can you join?"),
    ("alice", "due #3 2027-01-15"),
    ("alice", "due #2 2026-12-16 17:30"),  # a timed deadline, in @bob's time zone
    ("alice", "move #5 under #3"),
    ("bob", "done #4 all written"),
    ("alice", "update #1 90%"),  # refused: a parent's progress is rolled up
    ("bob", "done #2 shipped!"),
    ("alice", "reopen #2"),
    ("alice", "assign #3 @bob @carol"),
    ("alice", 'criteria #5 "Installs fixed" 0 -> 10'),
    ("alice", "criteria #5 4"),
    ("alice", "cancel #5 not needed after all"),
    ("alice", "delete #4"),
    ("alice", "delete #2"),
    ("alice", "list team"),
    ("alice", "list #1"),
    ("bob", "list mine"),
    ("alice", "show #1"),
    ("alice", "show #3"),
    ("alice", "activity"),
    ("alice", "activity #3"),
    ("alice", "activity #2"),  # refused: deleted
    ("bob", "inbox"),
    ("carol", "inbox read"),
    ("carol", "inbox all"),
    ("alice", "people"),
    ("alice", "#99"),
)


async def _tell(uow: UnitOfWorkFactory) -> list[View]:
    deps = Deps(uow=uow, clock=FrozenClock("2026-11-23T09:00:00+00:00"))
    tenant = await ensure_tenant(deps, slug="acme", name="Acme", plan=Plan.PROFESSIONAL)
    assert tenant.id is not None
    people: dict[str, Actor] = {}
    for handle in ("alice", "bob", "carol"):
        people[handle] = await join(deps, tenant.id, handle=handle,
                                    identity=f"slack:T1:{handle.upper()}")
    views: list[View] = []
    for who, line in STORY:
        views.append(await run_text(line, people[who], deps))
        deps.clock.advance(minutes=7)  # type: ignore[attr-defined]
    return views


async def test_the_story_reads_the_same_on_every_implementation(
    uow: UnitOfWorkFactory, implementation: str
) -> None:
    views = await _tell(uow)
    errors = [(line, v) for (_, line), v in zip(STORY, views, strict=True)
              if isinstance(v, Notice) and v.tone == Tone.ERROR]
    assert [line for line, _ in errors] == ["update #1 90%", "activity #2", "#99"]
    goal = views[STORY.index(("alice", "show #1"))]
    assert isinstance(goal, MilestoneCard)
    if implementation != "fake":
        fake = cast(UnitOfWorkFactory, InMemoryStore(SUBSCRIPTIONS).uow)
        assert views == await _tell(fake)
