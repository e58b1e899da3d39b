from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.dates import parse_date, quarter_end
from core.errors import InvalidInput

MONDAY = date(2026, 11, 23)
FRIDAY = date(2026, 11, 27)


@pytest.mark.parametrize(("phrase", "today", "expected"), [
    ("2026-12-31", MONDAY, date(2026, 12, 31)),
    ("2026-1-5", MONDAY, date(2026, 1, 5)),
    ("today", MONDAY, MONDAY),
    ("Tomorrow", MONDAY, date(2026, 11, 24)),
    ("friday", MONDAY, FRIDAY),
    ("fri", FRIDAY, FRIDAY),  # a weekday that is today means today
    ("monday", FRIDAY, date(2026, 11, 30)),
    ("next friday", MONDAY, date(2026, 12, 4)),
    ("this friday", MONDAY, FRIDAY),
    ("next week", MONDAY, date(2026, 11, 30)),
    ("next week", FRIDAY, date(2026, 11, 30)),
    ("next month", MONDAY, date(2026, 12, 1)),
    ("next quarter", MONDAY, date(2027, 1, 1)),
    ("in 3 days", MONDAY, date(2026, 11, 26)),
    ("3 days", MONDAY, date(2026, 11, 26)),
    ("in a week", MONDAY, date(2026, 11, 30)),
    ("in 2 weeks", MONDAY, date(2026, 12, 7)),
    ("in 1 month", date(2026, 1, 31), date(2026, 2, 28)),
    ("end of week", MONDAY, FRIDAY),
    ("end of next week", MONDAY, date(2026, 12, 4)),
    ("end of month", MONDAY, date(2026, 11, 30)),
    ("end of the month", date(2026, 2, 3), date(2026, 2, 28)),
    ("eom", MONDAY, date(2026, 11, 30)),
    ("end of quarter", MONDAY, date(2026, 12, 31)),
    ("end of quarter", date(2026, 4, 1), date(2026, 6, 30)),
    ("end of next quarter", MONDAY, date(2027, 3, 31)),
    ("end of year", MONDAY, date(2026, 12, 31)),
    ("dec 31", MONDAY, date(2026, 12, 31)),
    ("31 December", MONDAY, date(2026, 12, 31)),
    ("march 3", MONDAY, date(2027, 3, 3)),  # the next one, not last March
])
def test_phrases(phrase: str, today: date, expected: date) -> None:
    assert parse_date(phrase, today) == expected


@pytest.mark.parametrize("phrase", [
    "someday", "", "   ", "2026-02-30", "2026-13-01", "in 9999 years", "1999-12-31",
    "2040-01-01", "!!!", "x" * 100, "friday the banana",
])
def test_nonsense_and_absurd_dates_are_refused_with_examples(phrase: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date(phrase, MONDAY)
    assert "friday" in caught.value.hint


def test_quarter_end() -> None:
    assert [quarter_end(date(2026, m, 15)).isoformat() for m in (1, 5, 8, 11)] == [
        "2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.dates(min_value=date(2001, 1, 1), max_value=date(2090, 1, 1)))
def test_any_phrase_resolves_within_range_or_is_refused(phrase: str, today: date) -> None:
    try:
        found = parse_date(phrase, today)
    except InvalidInput:
        return
    assert (today - found).days <= 366
    assert found.year <= today.year + 10
