"""The plain-text summary of each scoring view (a notification's text, what a screen reader
says first); `core.view_summary.summary` registers `summary` for every type in `VIEWS`."""

from __future__ import annotations

from core.scoring.views import (
    BadgesView,
    ChallengeListView,
    ChallengeView,
    ForecastView,
    LeaderboardView,
    ScoreView,
    TeamListView,
    TeamView,
)
from core.views import View

#: The scoring views that `summary` summarises.
VIEWS: tuple[type[View], ...] = (LeaderboardView, ScoreView, ChallengeView, ChallengeListView,
                                 TeamView, TeamListView, BadgesView, ForecastView)


def summary(view: View) -> str:
    if isinstance(view, LeaderboardView):
        return f"Leaderboard of {view.challenge}"
    if isinstance(view, ScoreView):
        return f"@{view.person}: {view.points} points in {view.challenge}"
    if isinstance(view, ChallengeView):
        return view.headline or f"Challenge {view.line.name}"
    if isinstance(view, TeamView):
        return view.headline or f"Team {view.name}"
    if isinstance(view, BadgesView):
        return f"@{view.person}: {view.headline}"
    if isinstance(view, ForecastView):
        return f"{view.ref}: {view.summary}"
    return "Teams" if isinstance(view, TeamListView) else "Challenges"
