"""A regression found by the property test: cancelling a done parent keeps the roll-up true."""

from __future__ import annotations

import asyncio

from tests.unit.test_properties import play


def test_cancelling_a_done_parent_shows_its_children_again() -> None:
    asyncio.run(play([("alice", "done #1"), ("alice", "cancel #1")]))
