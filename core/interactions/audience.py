"""Who a change concerns, as it travels with the event through the outbox to every platform.

`core.interactions.concerned.audience_of` works it out when the change is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.model import MilestoneId, UserId


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreadTarget:
    """Where a milestone's news is told: a home channel, in the thread of the card of
    `milestone_id` (the milestone itself, or the ancestor whose channel it inherits)."""

    channel: str
    milestone_id: MilestoneId


@dataclass(frozen=True, slots=True, kw_only=True)
class Audience:
    #: Everyone whose own view of their milestones shows this change: the actor, the
    #: milestone's owner and members, the people the change names, and the owners of every
    #: milestone above it (their goals roll it up).
    people: frozenset[UserId] = field(default_factory=frozenset)
    #: The people the change itself names: mentioned, given or relieved of the milestone,
    #: added or removed as watchers.
    named: frozenset[UserId] = field(default_factory=frozenset)
    #: The channel thread that tells it; None when no milestone on the way up has a channel.
    thread: ThreadTarget | None = None

    def data(self) -> dict[str, object]:
        """Plain JSON, to travel with the event through the outbox."""
        return {"people": sorted(self.people), "named": sorted(self.named),
                "thread": None if self.thread is None else {
                    "channel": self.thread.channel, "milestone_id": self.thread.milestone_id}}

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> Audience:
        thread = data.get("thread")
        target = None
        if isinstance(thread, Mapping) and isinstance(thread.get("milestone_id"), int):
            target = ThreadTarget(channel=str(thread.get("channel") or ""),
                                  milestone_id=MilestoneId(int(thread["milestone_id"])))
        return cls(people=_ids(data.get("people")), named=_ids(data.get("named")),
                   thread=target)


def _ids(value: object) -> frozenset[UserId]:
    if not isinstance(value, list | tuple):
        return frozenset()
    return frozenset(UserId(x) for x in value if isinstance(x, int))
