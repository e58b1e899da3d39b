"""Every view the core can answer with has a rendering on every front end (the shell, Slack,
Teams); `tests/slack/test_render.py` and `tests/teams/test_render.py` prove each one stays
within its platform's limits."""

from __future__ import annotations

import inspect

import pytest

from bots.shell import render as shell
from bots.slack import render as slack
from bots.slack.blocks import clip
from bots.slack.mrkdwn import escape
from bots.teams import render as teams
from core import views
from core.humanize import ellipsis
from core.nudges import views as nudge_views
from core.reports.card import ReportCard
from core.reports.views import ReportFile, WeeklyReportPost
from core.scoring import views as scoring_views
from core.view_summary import summary
from tests.slack.test_render import VIEWS

# Views that only ever reach a surface of their own (the App Home), never a message.
SURFACE_ONLY = {views.DashboardView}
ANSWERS = sorted(
    [cls for _, cls in inspect.getmembers(views, inspect.isclass)
     if issubclass(cls, views.View) and cls is not views.View and cls.__module__ == views.__name__
     and cls not in SURFACE_ONLY and cls is not views.MilestoneLine]
    + [ReportCard, ReportFile, WeeklyReportPost],
    key=lambda cls: cls.__name__)


# Scoring's views (teams, challenges, leaderboards, scores, badges, forecasts) too.
ANSWERS += sorted(
    (cls for _, cls in inspect.getmembers(scoring_views, inspect.isclass)
     if issubclass(cls, views.View) and cls.__module__ == scoring_views.__name__),
    key=lambda cls: cls.__name__)


@pytest.mark.parametrize("view", ANSWERS, ids=lambda cls: cls.__name__)
def test_the_shell_slack_and_teams_render_every_view(view: type[views.View]) -> None:
    assert shell._render.dispatch(view) is not shell._render.dispatch(views.View), view
    assert slack._blocks.dispatch(view) is not slack._blocks.dispatch(views.View), view
    assert teams._parts.dispatch(view) is not teams._parts.dispatch(views.View), view


# Nudges as chat platforms deliver them, and the answer to `remind …`. (The shell's feed and the
# CLI's dry run are the shell's own.)
DELIVERED = sorted(
    [cls for _, cls in inspect.getmembers(nudge_views, inspect.isclass)
     if issubclass(cls, nudge_views.NudgeView) and cls is not nudge_views.NudgeView
     and cls.__module__ == nudge_views.__name__] + [nudge_views.ReminderSettingsView],
    key=lambda cls: cls.__name__)


@pytest.mark.parametrize("view", DELIVERED, ids=lambda cls: cls.__name__)
def test_chat_platforms_render_every_nudge_and_the_reminder_settings(view: type[views.View]
                                                                    ) -> None:
    assert shell._render.dispatch(view) is not shell._render.dispatch(views.View), view
    assert slack._blocks.dispatch(view) is not slack._blocks.dispatch(views.View), view
    assert teams._parts.dispatch(view) is not teams._parts.dispatch(views.View), view


# Views that say their title as their summary (reports' and tokens' views have one).
TITLED = {ReportCard, ReportFile, WeeklyReportPost}


@pytest.mark.parametrize("view", [v for v in ANSWERS + DELIVERED if v not in TITLED],
                         ids=lambda cls: cls.__name__)
def test_every_view_has_a_plain_summary_of_its_own(view: type[views.View]) -> None:
    assert summary.dispatch(view) is not summary.dispatch(views.View), view


def test_slack_and_teams_notify_with_the_one_summary() -> None:
    """Slack escapes it for mrkdwn and Teams clips it to 250 characters; the words are one."""
    for name, view in VIEWS.items():
        words = summary(view)
        assert words and words != "Cairn", name
        assert slack.message(view)["text"] == escape(clip(words, 2900)), name
        assert teams.message(view)["summary"] == ellipsis(words, 250), name
