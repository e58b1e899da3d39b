"""The rough edges a new user hit in their first hour in the shell, each smoothed: wording,
hints, truncation, time zones, reopening and the inbox."""

from __future__ import annotations

from bots.shell.session import ShellSession
from tests.shell.talk import refused, say


async def test_a_time_zone_is_understood_in_any_case(shell: ShellSession) -> None:
    assert "Time zone Asia/Tokyo" in await say(shell, "me tz asia/tokyo")
    assert "Time zone America/New_York" in await say(shell, "me tz AMERICA/NEW_YORK")
    assert "“Mars/Olympus” is not a time zone" in await refused(shell, "me tz Mars/Olympus")
