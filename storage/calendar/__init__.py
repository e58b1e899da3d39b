"""Calendar sync and ICS feeds: their tables (tortoise app `calendar`) and repository."""

from storage.calendar.repository import TortoiseCalendar

__all__ = ["TortoiseCalendar"]
