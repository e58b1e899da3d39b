"""Small builders of report inputs: milestones, check-ins and requests at readable moments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from core.model import Kind, MilestoneId, Priority, Status
from core.reports.inputs import CheckinRequest, ReportMilestone, ReportUpdate

#: Thursday 26 November 2026, 12:00 UTC: the week of Monday 23 November.
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
LONG_AGO = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def at(day: str, clock: str = "10:00") -> datetime:
    """`at("2026-11-24")`: a moment in UTC."""
    return datetime.fromisoformat(f"{day}T{clock}+00:00")


def milestone(number: int, *, kind: Kind = Kind.MILESTONE, title: str = "",
              parent: int | None = None, owner: str = "alice",
              status: Status = Status.ON_TRACK, progress: int = 0,
              priority: Priority = Priority.MEDIUM, weight: int = 1, due: str | None = None,
              start: str | None = None, created: datetime = LONG_AGO,
              completed: datetime | None = None, tags: tuple[str, ...] = (),
              last_update: datetime | None = None) -> ReportMilestone:
    return ReportMilestone(
        id=MilestoneId(number), number=number, kind=kind, title=title or f"Milestone {number}",
        parent_id=MilestoneId(parent) if parent else None, parent_number=parent, owner=owner,
        status=status, progress=100 if status == Status.DONE else progress, priority=priority,
        weight=weight, tags=tags, start_date=date.fromisoformat(start) if start else None,
        due_date=date.fromisoformat(due) if due else None, created_at=created,
        completed_at=completed, last_update_at=last_update)


def update(number: int, when: datetime, percent: int | None, *, status: Status = Status.ON_TRACK,
           author: str = "alice", notes: str = "") -> ReportUpdate:
    return ReportUpdate(milestone_id=MilestoneId(number), author=author, at=when,
                        percent=percent, status=status, notes=notes)


def request(person: str, asked: datetime, answered_after: timedelta | None) -> CheckinRequest:
    return CheckinRequest(person=person, asked_at=asked,
                          answered_at=asked + answered_after if answered_after else None)
