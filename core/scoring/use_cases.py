"""The scoring use cases by command: teams, challenges, leaderboards, scores, badges."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import core.scoring.board_cases as boards
import core.scoring.challenge_cases as challenges
import core.scoring.team_cases as teams
from core.commands import AnyCommand
from core.scoring import commands as sc
from core.views import View

HANDLERS: dict[type[AnyCommand], Callable[[Any, Any], Awaitable[View]]] = {
    sc.CreateTeam: teams.create_team,
    sc.ChangeTeam: teams.change_team,
    sc.ListTeams: teams.list_teams,
    sc.ShowTeam: teams.show_team,
    sc.ListTeamMilestones: teams.list_team_milestones,
    sc.CreateChallenge: challenges.create_challenge,
    sc.ListChallenges: challenges.list_challenges,
    sc.ShowChallenge: challenges.show_challenge,
    sc.JoinChallenge: challenges.join_challenge,
    sc.AddToChallenge: challenges.add_to_challenge,
    sc.MoveChallenge: challenges.move_challenge,
    sc.ChangeChallengeRules: challenges.change_rules,
    sc.ShowLeaderboard: boards.show_leaderboard,
    sc.ShowScore: boards.show_score,
    sc.ShowBadges: boards.show_badges,
    sc.ApproveDeadline: boards.approve_deadline,
    sc.ShowForecast: boards.show_forecast,
}
