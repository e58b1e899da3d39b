"""The report card phrases the report for its reader, with changes against the week before."""

from __future__ import annotations

from core.reports.card import Trend, report_card
from tests.reports import scenario


def test_the_card_s_figures_and_their_changes() -> None:
    card = report_card(scenario.this_week())
    assert (card.title, card.period, card.compared_with) == (
        "Weekly report · Company", "Week of Mon 23 Nov 2026", "last week")
    shown = {f.key: (f.text, f.change, f.trend) for f in card.figures}
    assert shown == {
        "progress": ("74%", "+13 pts vs last week", Trend.BETTER),
        "completed": ("2", "+1 vs last week", Trend.BETTER),
        "on_time_rate": ("50%", "−50 pts vs last week", Trend.WORSE),
        "overdue": ("1", "±0 vs last week", Trend.SAME),
        "at_risk": ("1", "+1 vs last week", Trend.WORSE),
        "checkin_latency": ("3 h", "−7 h vs last week", Trend.BETTER),
    }


def test_the_card_s_lines_say_what_matters_about_each() -> None:
    card = report_card(scenario.this_week())
    assert [(line.ref, line.note) for line in card.completed] == [
        ("#5", "done Wed 25 Nov, 1 day late"), ("#2", "done Tue 24 Nov, on time")]
    assert [(line.ref, line.note) for line in card.overdue] == [("#4", "6 days overdue")]
    assert [(line.ref, line.note) for line in card.at_risk] == [("#3", "At risk, due Thu 10 Dec")]
    assert [(line.ref, line.note) for line in card.goals] == [
        ("#1", "due Thu 31 Dec · +20 pts"), ("#8", "due Sun 31 Jan 2027 · +6 pts")]
    assert card.movers[0].note == "+30 pts"
    assert [(s.person, s.text) for s in card.streaks] == [
        ("bob", "2 weeks of check-ins in a row · 2 on time in a row"),
        ("carol", "2 weeks of check-ins in a row")]
    assert card.more_completed == card.more_overdue == card.more_at_risk == 0
