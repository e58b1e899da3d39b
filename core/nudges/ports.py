"""The port of nudges' storage: where reminder data lives (`NudgeRepository`, reached as
`tx.nudges`). How a nudge leaves Cairn (`Notifier`, one per chat platform) is in
`core.nudges.notifier`.

The repository works in two modes, like the outbox. Opened for a tenant, it reads and changes
that tenant's settings, vacations and snoozes. Opened without one (the scheduler), its sweep
queries span every tenant: each takes or returns whole sets, never one person at a time, so a
sweep costs a fixed number of statements whatever the number of people.

Candidates (`people_due`, `milestones_due`, `teams_due`) may be a superset of what is due: the
core decides exactly with `core.nudges.schedule`; they must never miss anyone.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from core.model import MilestoneId, TenantId, UserId
from core.nudges.candidates import (
    DigestData,
    MilestoneDay,
    NudgeMilestone,
    Person,
    PersonDay,
    TeamDay,
)
from core.nudges.deliveries import InboxEntry, NewNudge, Nudge, NudgeKey, Outcome, Receipt
from core.nudges.follow_ups import AskState
from core.nudges.schedule import Cadence, PersonPolicy, TeamPolicy, ZoneWindow
from core.nudges.snooze import Snooze
from core.nudges.workweek import Vacation
from core.tenancy import User


class NudgeRepository(Protocol):
    # --- settings of one tenant ---------------------------------------------------------------
    async def team_policy(self) -> TeamPolicy: ...
    async def save_team_policy(self, policy: TeamPolicy) -> None: ...
    async def person_policy(self, user_id: UserId) -> PersonPolicy: ...
    async def save_person_policy(self, user_id: UserId, policy: PersonPolicy) -> None: ...
    async def milestone_cadences(self, milestone_ids: Collection[MilestoneId]
                                 ) -> dict[MilestoneId, Cadence]:
        """Milestones with a cadence of their own (any tenant when unscoped)."""
        ...
    async def owned_cadences(self, owner_id: UserId) -> dict[MilestoneId, Cadence]: ...
    async def save_milestone_cadence(self, milestone_id: MilestoneId, owner_id: UserId,
                                     cadence: Cadence | None) -> None: ...
    async def vacations(self, user_id: UserId, since: date) -> list[Vacation]:
        """Vacations ending on or after `since`, earliest first."""
        ...
    async def add_vacation(self, user_id: UserId, vacation: Vacation) -> None: ...
    async def clear_vacations(self, user_id: UserId, since: date) -> int: ...
    async def snoozes(self, user_id: UserId, now: datetime) -> list[Snooze]: ...
    async def add_snooze(self, user_id: UserId, snooze: Snooze) -> None: ...
    async def clear_snoozes(self, user_id: UserId, milestone_id: MilestoneId | None) -> int: ...
    async def nudge(self, nudge_id: int) -> Nudge | None: ...
    async def latest_nudges(self, user_id: UserId, since: datetime) -> list[Nudge]:
        """The nudges this person got last (all of those sent at that moment), since a moment."""
        ...
    async def reschedule(self, nudge_id: int, not_before: datetime) -> None:
        """Sends a nudge again at `not_before` (snoozed): pending, as if new."""
        ...
    async def receipts(self, user_id: UserId, *, after: int = 0, unread_only: bool = False,
                       limit: int = 20) -> list[Receipt]:
        """Nudges that reached this person's inbox, newest first."""
        ...

    # --- the sweep (every tenant) ---------------------------------------------------------------
    async def people_due(self, windows: Sequence[ZoneWindow]) -> list[PersonDay]:
        """People whose daily moment may be in a window on a working day of theirs, who are
        not on vacation that day and whose daily pass of that day has not run yet (a pass
        that claimed its check-in, detail "pass", has run)."""
        ...
    async def milestones_due(self, windows: Sequence[ZoneWindow]) -> list[MilestoneDay]:
        """Open milestones with a cadence of their own whose time may be in a window."""
        ...
    async def teams_due(self, windows: Sequence[ZoneWindow]) -> list[TeamDay]:
        """Tenants whose weekly digest may be in a window."""
        ...
    async def open_due(self, people: Collection[Person], until: date) -> list[NudgeMilestone]:
        """Open milestones these people own that are due on or before `until`."""
        ...
    async def watched_overdue(self, people: Collection[Person], before: date
                              ) -> list[tuple[UserId, NudgeMilestone]]:
        """Open milestones these people watch, due before `before`, whose overdue alert they
        have not had (watchers hear of an overdue milestone once)."""
        ...
    async def vacations_of(self, user_ids: Collection[UserId], since: date
                           ) -> dict[UserId, list[Vacation]]: ...
    async def digest_channels(self, tenant_ids: Collection[TenantId], since: datetime
                              ) -> list[tuple[TenantId, str]]:
        """Home channels with open milestones or ones completed since `since`."""
        ...
    async def claim(self, nudges: Sequence[NewNudge]) -> set[NudgeKey]:
        """Records deliveries under their unique keys; returns the keys that were new."""
        ...
    async def claimed(self, nudges: Sequence[NewNudge]) -> set[NudgeKey]:
        """The keys of these that are claimed already (previews)."""
        ...
    async def claim_day(self, nudges: Sequence[NewNudge],
                        passes: Sequence[tuple[TenantId, UserId, date]]) -> int:
        """Claims a sweep's nudges and records the daily passes that ran, in one go; returns
        how many nudges were new. A pass that claimed its check-in (detail "pass") is recorded
        by that claim; the others are recorded as run for their day."""
        ...

    # --- delivery (every tenant) ----------------------------------------------------------------
    async def lease(self, now: datetime, limit: int, lease_for: timedelta) -> list[Nudge]:
        """Takes pending deliveries that are due, so no other worker takes them before
        `now + lease_for` (then they come back: a crash delays a nudge, never loses it)."""
        ...
    async def pending(self, now: datetime, limit: int) -> list[Nudge]:
        """Pending deliveries due at `now`, without taking them (previews)."""
        ...
    async def people(self, user_ids: Collection[UserId]
                     ) -> dict[UserId, tuple[User, tuple[str, ...]]]:
        """Users with their platform identities, across tenants."""
        ...
    async def open_owned(self, people: Collection[Person]
                         ) -> dict[UserId, list[NudgeMilestone]]:
        """The open milestones these people own."""
        ...
    async def milestones(self, ids: Collection[MilestoneId]) -> dict[MilestoneId, NudgeMilestone]:
        """Milestones by id (not deleted), any status."""
        ...
    async def watchers(self, milestone_ids: Collection[MilestoneId]
                       ) -> dict[MilestoneId, set[UserId]]: ...
    async def admins(self, tenant_ids: Collection[TenantId]) -> dict[TenantId, list[UserId]]: ...
    async def policies(self, tenant_ids: Collection[TenantId], user_ids: Collection[UserId]
                       ) -> tuple[dict[TenantId, TeamPolicy], dict[UserId, PersonPolicy]]: ...
    async def snoozes_of(self, user_ids: Collection[UserId], now: datetime
                         ) -> dict[UserId, list[Snooze]]: ...
    async def ask_states(self, milestone_ids: Collection[MilestoneId]
                         ) -> dict[MilestoneId, AskState]: ...
    async def save_ask_states(self, states: Mapping[MilestoneId, tuple[TenantId, AskState]]
                              ) -> None: ...
    async def digest_data(self, channels: Collection[tuple[TenantId, str]], since: datetime
                          ) -> dict[tuple[TenantId, str], DigestData]: ...
    async def add_inbox(self, entries: Sequence[InboxEntry]) -> None:
        """Inbox notifications for nudges, and the receipts that link them to the nudge."""
        ...
    async def mark_prepared(self, nudge_ids: Collection[int]) -> None: ...
    async def settle(self, outcomes: Sequence[Outcome], at: datetime) -> None: ...
