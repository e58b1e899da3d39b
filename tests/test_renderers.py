"""Every view the core can answer with has a rendering on every front end (the shell, Slack,
Teams); `tests/slack/test_render.py` and `tests/teams/test_render.py` prove each one stays
within its platform's limits."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import core
from bots.shell import render as shell
from bots.slack import render as slack
from bots.slack.blocks import clip
from bots.slack.mrkdwn import escape
from bots.teams import render as teams
from core import views
from core.access.views import TokenCreatedView, TokenListView
from core.humanize import ellipsis
from core.nudges import views as nudge_views
from core.reports.card import ReportCard
from core.reports.views import ReportFile, WeeklyReportPost
from core.scoring import views as scoring_views
from core.view_summary import summary
from core.webhooks.views import WebhookCreatedView, WebhookListView, WebhookLogView
from tests.slack.test_render import VIEWS

# Views that only ever reach a surface of their own (the App Home), never a message.
SURFACE_ONLY = {views.DashboardView}
ANSWERS = sorted(
    [cls for _, cls in inspect.getmembers(views, inspect.isclass)
     if issubclass(cls, views.View) and cls is not views.View and cls.__module__ == views.__name__
     and cls not in SURFACE_ONLY and cls is not views.MilestoneLine]
    + [ReportCard, ReportFile, WeeklyReportPost, TokenCreatedView, TokenListView,
       WebhookCreatedView, WebhookListView, WebhookLogView],
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


def every_view_of_the_core() -> set[type[views.View]]:
    """Every view class any module of the core defines."""
    found: set[type[views.View]] = set()
    for info in pkgutil.walk_packages(core.__path__, "core."):
        module = importlib.import_module(info.name)
        found |= {cls for _, cls in inspect.getmembers(module, inspect.isclass)
                  if issubclass(cls, views.View) and cls.__module__ == module.__name__}
    return found


# Bases, parts of other views, and what only the shell shows (the CLI's dry run and nudge feed).
NOT_ANSWERS = {views.View, views.MilestoneLine, nudge_views.NudgeView, nudge_views.NudgeFeed,
               nudge_views.NudgePreview, *SURFACE_ONLY}


def test_no_view_of_the_core_is_left_out_of_these_checks() -> None:
    """A view added anywhere in the core (tokens, webhooks, scoring, ...) is checked above."""
    left_out = every_view_of_the_core() - set(ANSWERS) - set(DELIVERED) - NOT_ANSWERS
    assert not left_out, sorted(cls.__qualname__ for cls in left_out)


def test_slack_and_teams_notify_with_the_one_summary() -> None:
    """Slack escapes it for mrkdwn and Teams clips it to 250 characters; the words are one."""
    for name, view in VIEWS.items():
        words = summary(view)
        assert words and words != "Cairn", name
        assert slack.message(view)["text"] == escape(clip(words, 2900)), name
        assert teams.message(view)["summary"] == ellipsis(words, 250), name
