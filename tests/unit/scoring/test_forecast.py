"""Forecasts: a robust pace through check-ins, Monte Carlo over children, or honest silence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.milestones.forecast import forecast as card_forecast
from core.scoring.forecast import ForecastInput, Method, expected_by, forecast, trend_forecast
from core.scoring.present_plans import forecast_view
from core.scoring.throughput import quantile, simulate, weekly_throughput
from core.scoring.trend import theil_sen

MONDAY = datetime(2026, 3, 2, 9, tzinfo=UTC)


def weekly(*percents: int) -> list[tuple[datetime, int]]:
    return [(MONDAY + timedelta(weeks=n), p) for n, p in enumerate(percents)]


def test_one_mistyped_check_in_barely_moves_the_robust_pace() -> None:
    xs = [0.0, 7, 14, 21, 28]
    trend = theil_sen(xs, [10.0, 20, 90, 40, 50])
    assert trend is not None
    assert trend.slope == pytest.approx(10 / 7)
    assert theil_sen([1.0, 1.0], [0.0, 5.0]) is None


def test_the_pace_gives_a_p50_a_later_p85_and_the_chance_of_the_due_date() -> None:
    history = weekly(10, 20, 30, 38, 50)  # about 10% a week, to Mon 30 Mar
    today = date(2026, 3, 30)
    found = trend_forecast(history, progress=50, due=date(2026, 5, 29), today=today)
    assert found is not None and found.method == Method.TREND
    assert found.p50 == date(2026, 5, 4)  # 50% left at 10% a week: five weeks
    assert found.p85 is not None and found.p85 > found.p50
    assert found.chance is not None and found.chance > 0.85
    assert (found.samples, found.span_days) == (5, 28)
    tight = trend_forecast(history, progress=50, due=date(2026, 4, 17), today=today)
    assert tight is not None and tight.chance is not None and tight.chance < 0.1
    assert tight.at_risk and tight.late_by_days == 17
    even = trend_forecast(history, progress=50, due=date(2026, 5, 4), today=today)
    assert even is not None and even.chance == pytest.approx(0.5, abs=0.2)
    assert not even.at_risk


def test_no_finish_in_sight_when_the_pace_is_flat_or_backwards() -> None:
    found = trend_forecast(weekly(40, 40, 35), progress=35, due=date(2026, 4, 30),
                           today=date(2026, 3, 16))
    assert found is not None and found.p50 is None and found.p85 is None
    assert found.stalled and found.at_risk and found.chance is not None and found.chance < 0.2


def test_three_check_ins_over_fourteen_days_are_needed() -> None:
    today = date(2026, 3, 20)
    two = weekly(10, 30)
    short = [(MONDAY + timedelta(days=n), n * 5) for n in range(0, 13, 4)]  # 12 days
    for history in (two, short):
        assert trend_forecast(history, progress=30, due=None, today=today) is None
        found = forecast(ForecastInput(today=today, progress=30, due=date(2026, 3, 31),
                                       start=date(2026, 3, 1), checkins=history))
        assert found.method == Method.NOT_ENOUGH and not found.at_risk
        assert found.expected_now == 63  # 19 of 30 days into the plan


def test_done_is_done() -> None:
    found = forecast(ForecastInput(today=date(2026, 3, 20), progress=100, due=date(2026, 3, 1)))
    assert found.method == Method.DONE and found.chance == 1.0 and not found.at_risk


def test_monte_carlo_over_completed_children_is_seeded_and_ordered() -> None:
    today = date(2026, 3, 27)
    done = [today - timedelta(days=d) for d in (1, 3, 8, 10, 15, 17)]  # two a week
    given = ForecastInput(today=today, progress=60, due=date(2026, 4, 30), children_done=done,
                          children_open=4, checkins=weekly(10, 20, 30), seed=12)
    found = forecast(given)
    assert found.method == Method.THROUGHPUT
    assert found.p50 == today + timedelta(days=14)
    assert found.p85 is not None and found.p50 <= found.p85
    assert found.chance == 1.0 and forecast(given) == found
    soon = forecast(ForecastInput(today=today, progress=60, due=today + timedelta(days=7),
                                  children_done=done, children_open=4, seed=12))
    assert soon.chance == 0.0 and soon.at_risk
    assert (found.samples, found.span_days) == (6, 21)


def test_weekly_throughput_and_the_simulation_edges() -> None:
    today = date(2026, 3, 27)
    assert weekly_throughput([], today) == []
    assert weekly_throughput([today, today - timedelta(days=7), today - timedelta(days=100)],
                             today, window=4) == [1, 1, 0, 0]
    assert simulate([0, 0], 3, seed=1, trials=5) == [None] * 5
    assert simulate([1], 0, seed=1, trials=2) == [0.0, 0.0]
    assert simulate([2], 3, seed=1, trials=1) == [1.5]
    assert quantile([None, 1.0, 2.0, 3.0], 0.5) == 2.0 and quantile([], 0.5) is None


def test_the_plan_line_from_start_to_due() -> None:
    assert expected_by(date(2026, 3, 1), date(2026, 3, 11), date(2026, 3, 6)) == 50
    assert expected_by(date(2026, 3, 1), date(2026, 3, 11), date(2026, 4, 6)) == 100
    assert expected_by(None, date(2026, 3, 11), date(2026, 3, 6)) is None


def test_the_cards_forecast_uses_the_same_robust_pace() -> None:
    history = weekly(10, 20, 90, 40, 50)
    found = card_forecast(history, current=50, due=date(2026, 4, 17), today=date(2026, 3, 30))
    assert found is not None and found.finish == date(2026, 5, 4)
    assert found.late and found.late_by_days == 17
    assert card_forecast(weekly(10, 20), current=20, due=None, today=date(2026, 3, 9)) is None
    assert card_forecast(history, current=100, due=None, today=date(2026, 3, 30)) is None
    flat = card_forecast(weekly(5, 5, 5), current=5, due=None, today=date(2026, 3, 16))
    assert flat is not None and flat.stalled


def test_the_forecast_view_says_it_in_words() -> None:
    today = date(2026, 3, 30)
    found = trend_forecast(weekly(10, 20, 30, 38, 50), progress=50, due=date(2026, 4, 17),
                           today=today)
    assert found is not None
    view = forecast_view(7, "Launch beta", found, progress=50, today=today)
    assert view.ref == "#7" and view.p50 == "Mon 4 May" and view.at_risk
    assert view.summary.startswith("Likely done Mon 4 May, 85% sure by ")
    assert view.summary.endswith("chance of meeting the due date Fri 17 Apr.")
    assert view.risk == "forecast Mon 4 May, 17 days after the due date Fri 17 Apr"
    assert view.basis == "from 5 check-ins over 28 days"
    thin = forecast(ForecastInput(today=today, progress=20, due=date(2026, 4, 9),
                                  start=date(2026, 3, 10)))
    assert forecast_view(7, "Launch beta", thin, progress=20, today=today).summary == (
        "Not enough history to forecast yet: it takes 3 check-ins over 14 days, or 5 "
        "completed children. By now the plan expects 67%; it is at 20%.")
