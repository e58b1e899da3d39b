"""Random sessions: the roll-up always holds, and a refused command never changes anything."""

from __future__ import annotations

import asyncio
import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.milestones.rollup import mean_percent
from core.model import Status
from core.views import Notice, Tone
from tests.fakes import FrozenClock, InMemoryStore
from tests.unit.conftest import make_company

refs = st.integers(min_value=1, max_value=8).map(lambda n: f"#{n}")
people = st.sampled_from(["alice", "bob", "carol", "erin"])
lines = st.one_of(
    st.builds(lambda k, p: f'{k} "X" parent:{p}', st.sampled_from(["goal", "task"]), refs),
    st.builds(lambda k: f'{k} "Top"', st.sampled_from(["goal", "milestone"])),
    st.builds(lambda r, n: f"update {r} {n}%", refs, st.integers(-10, 110)),
    st.builds(lambda r, s: f"update {r} {s}", refs, st.sampled_from(["at risk", "blocked"])),
    st.builds(lambda r, p: f"move {r} under {p}", refs, refs),
    st.builds(lambda r: f"move {r} to top", refs),
    st.builds(lambda r: f"done {r}", refs),
    st.builds(lambda r: f"reopen {r}", refs),
    st.builds(lambda r: f"cancel {r}", refs),
    st.builds(lambda r: f"delete {r}", refs),
    st.builds(lambda r, w: f"edit {r} weight:{w}", refs, st.integers(0, 5)),
    st.builds(lambda r, n: f"criteria {r} {n}", refs, st.integers(0, 10)),
    st.builds(lambda r: f'criteria {r} "M" 0 -> 10', refs),
    st.builds(lambda r, who: f"assign {r} @{who}", refs, people),
    st.builds(lambda r: f"due {r} 2026-02-30", refs),
)


def check_rollup(store: InMemoryStore) -> None:
    s = store.state
    alive = [m for m in s.milestones.values() if m.id not in s.deleted]
    for m in alive:
        if m.status == Status.DONE:
            assert m.progress == 100
            continue
        counted = [c for c in alive if c.parent_id == m.id and c.status != Status.CANCELLED]
        weight = sum(c.weight for c in counted)
        if counted and weight:
            expected = mean_percent(sum(c.progress * c.weight for c in counted), weight)
            assert m.progress == expected, (m.number, m.progress, expected)


SCAFFOLD = [
    ("alice", 'goal "G"'),
    ("alice", 'milestone "M" parent:#1 owner:@bob'),
    ("alice", 'task "T1" parent:#2 owner:@carol'),
    ("alice", 'task "T2" parent:#2'),
    ("alice", 'task "T3" parent:#1'),
]


async def play(session: list[tuple[str, str]]) -> None:
    store = InMemoryStore()
    company = await make_company(store, FrozenClock())
    for who, text in [*SCAFFOLD, *session]:
        before = copy.deepcopy(store.state)
        view = await company.say(getattr(company, who), text)
        if isinstance(view, Notice) and view.tone == Tone.ERROR:
            assert store.state == before, f"{text!r} was refused but changed something"
        check_rollup(store)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(people, lines), min_size=1, max_size=30))
def test_random_sessions_keep_every_invariant(session: list[tuple[str, str]]) -> None:
    asyncio.run(play(session))
