"""Timed deadlines: `due:friday 17:00`, kept in the owner's time zone, shown in the reader's."""

from __future__ import annotations

from datetime import date, time

import pytest

from core.commands import Actor, ChangeDueDate, CreateMilestone
from core.errors import InvalidInput
from core.grammar.parser import parse
from core.model import TenantId, UserId
from core.views import ActivityView, MilestoneCard
from tests.unit.conftest import Company

ME = Actor(tenant_id=TenantId(1), user_id=UserId(1))
MONDAY = date(2026, 11, 23)


def read(text: str) -> object:
    return parse(text, actor=ME, today=MONDAY)


@pytest.mark.parametrize(("text", "due", "at"), [
    ("due #4 2026-12-31 14:30", date(2026, 12, 31), time(14, 30)),
    ("due #4 friday 17:00", date(2026, 11, 27), time(17, 0)),
    ("due #4 dec 31 at 5pm", date(2026, 12, 31), time(17, 0)),
    ("due #4 tomorrow 9:30am", date(2026, 11, 24), time(9, 30)),
    ("due #4 next friday", date(2026, 12, 4), None),
])
def test_due_reads_an_optional_time_of_day(text: str, due: date, at: time | None) -> None:
    command = read(text)
    assert isinstance(command, ChangeDueDate)
    assert (command.due, command.due_time) == (due, at)


@pytest.mark.parametrize(("text", "due", "at"), [
    ('goal "Ship" due:friday 17:00 owner:@bob', date(2026, 11, 27), time(17, 0)),
    ('goal "Ship" due:end of month at 12:00', date(2026, 11, 30), time(12, 0)),
    ('goal "Ship" due:2026-12-31', date(2026, 12, 31), None),
    ('goal "Ship" due:next friday 8am priority:high', date(2026, 12, 4), time(8, 0)),
])
def test_create_reads_an_optional_time_after_the_due_date(text: str, due: date,
                                                         at: time | None) -> None:
    command = read(text)
    assert isinstance(command, CreateMilestone)
    assert (command.due, command.due_time) == (due, at)


@pytest.mark.parametrize("text", ["due #4 friday 25:00", "due #4 friday 13pm", "due #4 7:75"])
def test_a_bad_time_says_what_works(text: str) -> None:
    with pytest.raises(InvalidInput) as error:
        read(text)
    assert "17:00" in error.value.hint or "2026-12-31" in error.value.hint


async def test_a_timed_deadline_is_the_owners_time_shown_in_the_readers_zone(
        acme: Company) -> None:
    a = acme.alice  # Europe/Berlin, like everyone in acme
    card = await acme.card(a, 'goal "Ship v2" due:friday 17:00 owner:@bob')
    assert card.line.due is not None
    assert (card.line.due.text, card.line.due.time) == ("Fri 27 Nov 17:00", "17:00")
    await acme.ok(a, "me tz America/New_York")
    # The same deadline, read in New York: 17:00 in Berlin is 11:00 there.
    seen = await acme.card(a, "show #1")
    assert seen.line.due is not None and seen.line.due.text == "Fri 27 Nov 11:00"
    # A late-evening deadline in Tokyo is the day before in Berlin.
    await acme.ok(acme.bob, "me tz Asia/Tokyo")
    await acme.ok(a, "me tz Europe/Berlin")
    await acme.ok(a, "due #1 2026-12-01 07:00")
    seen = await acme.card(acme.carol, "show #1")
    assert seen.line.due is not None and seen.line.due.text == "Mon 30 Nov 23:00"


async def test_moving_the_date_without_a_time_makes_it_all_day_again(acme: Company) -> None:
    a = acme.alice
    await acme.ok(a, 'task "Report" due:2026-12-10 09:00')
    card = await acme.card(a, "due #1 2026-12-10 09:00")
    assert "already due" in card.headline
    card = await acme.card(a, "due #1 2026-12-10 14:00")
    assert card.headline == "#1 is now due Thu 10 Dec 14:00"
    card = await acme.card(a, "due #1 2026-12-11")
    assert card.line.due is not None and card.line.due.time == ""
    assert card.headline == "#1 is now due Fri 11 Dec"
    feed = await acme.ok(a, "activity #1")
    assert isinstance(feed, ActivityView)
    texts = [e.text for e in feed.entries]
    assert "@alice moved the due date of #1 from Thu 10 Dec 14:00 to Fri 11 Dec" in texts
    assert "@alice moved the due date of #1 from Thu 10 Dec 09:00 to Thu 10 Dec 14:00" in texts
    cleared = await acme.card(a, "due #1 none")
    assert cleared.line.due is None


async def test_the_card_shows_the_time_in_the_shell(acme: Company) -> None:
    from bots.shell.render import render

    card = await acme.ok(acme.alice, 'milestone "Demo" due:2026-12-03 16:30')
    assert isinstance(card, MilestoneCard)
    assert "Due Thu 3 Dec 16:30 (in 10 days)" in render(card)
