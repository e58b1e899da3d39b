"""What to write to each calendar for one milestone: the writes that bring its events to what
they should be, and the fingerprint that tells when an event already says it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time

from core.calendar.event_ids import event_id
from core.calendar.model import CalendarEntry, CalendarLink, CalendarRef, CalendarWrite
from core.model import MilestoneId, TenantId


@dataclass(frozen=True, slots=True)
class PlannedWrite:
    write: CalendarWrite
    link: CalendarLink  # as it will be once the write is confirmed


def planned_writes(tenant_id: TenantId, milestone_id: MilestoneId,
            desired: Mapping[CalendarRef, CalendarEntry], links: Sequence[CalendarLink],
            now: datetime) -> list[PlannedWrite]:
    planned: list[PlannedWrite] = []
    existing = {link.calendar: link for link in links}
    for link in links:
        if link.calendar not in desired and not link.deleted:
            planned.append(PlannedWrite(
                CalendarWrite(calendar=link.calendar, event_id=link.event_id, entry=None),
                replace(link, deleted=True, stale=False, etag="", digest="", updated_at=now)))
    for calendar, entry in desired.items():
        last = existing.get(calendar)
        fingerprint = digest(calendar, entry)
        if last is not None and not last.deleted and not last.stale and (
                last.digest == fingerprint and last.written_when == entry.when.key()):
            # The calendar already shows exactly this. A move made in this very calendar
            # stops here: reading it recorded the new date as written, so it is not echoed.
            continue
        eid = last.event_id if last else event_id(tenant_id, milestone_id)
        planned.append(PlannedWrite(
            CalendarWrite(calendar=calendar, event_id=eid, entry=entry, known=last is not None),
            CalendarLink(tenant_id=tenant_id, milestone_id=milestone_id, calendar=calendar,
                         event_id=eid, written_when=entry.when.key(), digest=fingerprint,
                         updated_at=now)))
    return planned


def digest(calendar: CalendarRef, entry: CalendarEntry) -> str:
    """What the event says, apart from when it is (kept as `CalendarLink.written_when`, which
    a move read from the calendar updates) and what follows from that (the reminder)."""
    shown = asdict(entry)
    for derived in ("when", "reminder_minutes", "updated_at"):
        shown.pop(derived)
    text = json.dumps([asdict(calendar), shown], sort_keys=True, default=_plain)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: object) -> str:
    if isinstance(value, date | time | datetime):
        return value.isoformat()
    return str(value)
