"""Teams, challenges, leaderboards, scores, badges, approvals and forecasts in the text grammar.

    team new "Sales" @a @b · team add|remove "Sales" @c · team "Sales" · teams
    challenge new "Q1 delivery" from:<date> to:<date> [people|teams] [#channel]
        [rules:on-time,early,streaks] [on-time:4 cap:15 …]
    challenge list · challenge "Q1 delivery" · challenge join|leave "Q1 delivery"
    challenge add "Q1 delivery" @who|"Team" … · challenge start|end|cancel|recompute "Q1 …"
    challenge rules "Q1 delivery" on-time:4 cap:15
    leaderboard ["challenge"] [teams] · score [@who] ["challenge"] · badges [@who]
    approve #N · forecast #N

The challenge words are parsed in `core.grammar.challenges`.
"""

from __future__ import annotations

from core import text as lex
from core.commands import AnyCommand
from core.errors import InvalidInput
from core.grammar.challenges import parse_challenge
from core.grammar.scoring_names import Context, people_named, quoted_name
from core.scoring.commands import (
    ApproveDeadline,
    ChangeTeam,
    CreateTeam,
    ListTeamMilestones,
    ListTeams,
    ShowBadges,
    ShowForecast,
    ShowLeaderboard,
    ShowScore,
    ShowTeam,
)
from core.scoring.team import TEAM_HINT

TEAM_USAGE = 'team new "Sales" @alice @bob · team add "Sales" @carol · team remove "Sales" ' \
             '@carol · team "Sales" · teams'


def parse_teams(rest: str, ctx: Context) -> AnyCommand:
    if rest.strip():
        raise InvalidInput("teams", f"I didn't expect “{rest.strip()[:30]}” here",
                           hint='teams · team "Sales"')
    return ListTeams(actor=ctx.actor)


def parse_team(rest: str, ctx: Context) -> AnyCommand:
    tokens = lex.tokenize(rest)
    if not tokens:
        return ListTeams(actor=ctx.actor)
    first = tokens[0]
    word = first.text.lower() if not first.quoted else ""
    if word in ("new", "create", "add", "remove", "rm", "kick"):
        name, others = quoted_name(tokens[1:], TEAM_HINT if word in ("new", "create")
                                    else TEAM_USAGE)
        people = people_named(others, ctx, TEAM_USAGE)
        if word in ("new", "create"):
            return CreateTeam(actor=ctx.actor, name=name, people=people)
        if not people:
            raise InvalidInput("people", "who?", hint=f'team {word} "{name}" @carol')
        if word == "add":
            return ChangeTeam(actor=ctx.actor, name=name, add=people)
        return ChangeTeam(actor=ctx.actor, name=name, remove=people)
    if word in ("list", "all"):
        return ListTeams(actor=ctx.actor)
    name, others = quoted_name(tokens, TEAM_USAGE)
    if others:
        raise InvalidInput("team", f"I didn't expect “{others[0].text[:30]}” here",
                           hint=TEAM_USAGE)
    return ShowTeam(actor=ctx.actor, name=name)


def parse_list_team(rest: str, ctx: Context) -> AnyCommand | None:
    """`list team "Sales"`; None when `rest` is not a team's name (`list team` lists all)."""
    tokens = lex.tokenize(rest)
    if len(tokens) < 2 or tokens[0].text.lower() != "team" or tokens[0].quoted:
        return None
    if tokens[1].text.lower() == "page" and not tokens[1].quoted:
        return None
    name, others = quoted_name(tokens[1:], 'list team "Sales"')
    if others:
        return None
    return ListTeamMilestones(actor=ctx.actor, name=name)


def parse_leaderboard(rest: str, ctx: Context) -> AnyCommand:
    tokens = lex.tokenize(rest)
    teams = False
    if tokens and not tokens[-1].quoted and tokens[-1].text.lower() == "teams":
        teams, tokens = True, tokens[:-1]
    name = " ".join(t.text for t in tokens).strip() or None
    return ShowLeaderboard(actor=ctx.actor, challenge=name, teams=teams)


def parse_score(rest: str, ctx: Context) -> AnyCommand:
    tokens = lex.tokenize(rest)
    person = None
    if tokens and not tokens[0].quoted and (ref := lex.user_ref(tokens[0].text,
                                                                ctx.identity_prefix)):
        person, tokens = ref, tokens[1:]
    name = " ".join(t.text for t in tokens).strip() or None
    if name is not None and name.startswith("@"):
        raise InvalidInput("person", f"“{name[:30]}” is not a person here",
                           hint='score @bob "Q1 delivery"')
    return ShowScore(actor=ctx.actor, person=person, challenge=name)


def parse_badges(rest: str, ctx: Context) -> AnyCommand:
    if not rest.strip():
        return ShowBadges(actor=ctx.actor)
    person = lex.user_ref(rest.strip(), ctx.identity_prefix)
    if person is None:
        raise InvalidInput("person", f"“{rest.strip()[:30]}” is not a person",
                           hint="badges · badges @bob")
    return ShowBadges(actor=ctx.actor, person=person)


def parse_approve(rest: str, ctx: Context) -> AnyCommand:
    ref, extra = lex.take_one_ref(rest, "approve", more="")
    if extra.strip():
        raise InvalidInput("text", f"I didn't expect “{extra.strip()[:30]}” here",
                           hint=f"approve {ref}")
    return ApproveDeadline(actor=ctx.actor, milestone=ref)


def parse_forecast(rest: str, ctx: Context) -> AnyCommand:
    ref, extra = lex.take_one_ref(rest, "forecast", more="")
    if extra.strip():
        raise InvalidInput("text", f"I didn't expect “{extra.strip()[:30]}” here",
                           hint=f"forecast {ref}")
    return ShowForecast(actor=ctx.actor, milestone=ref)


#: (names, usage, summary, parser, examples): the verbs `core.grammar.verbs` registers.
SCORING_VERBS = (
    (("team",), 'team new "Sales" @a @b | team add|remove "Sales" @c | team "Sales"',
     "teams of people", parse_team,
     ('team new "Sales" @alice @bob', 'team add "Sales" @carol', 'team "Sales"')),
    (("teams",), "teams", "every team and its people", parse_teams, ("teams",)),
    (("challenge", "challenges"),
     'challenge new "Name" from:<date> to:<date> [people|teams] [#channel] | challenge list | '
     'challenge "Name" | challenge join|leave|add|start|end|cancel "Name"',
     "challenges: points for closing on time (start, end, add, recompute: admins)",
     parse_challenge,
     ('challenge new "Q1 delivery" from:2027-01-04 to:2027-03-31 teams #delivery',
      'challenge join "Q1 delivery"', 'challenge add "Q1 delivery" "Sales"',
      'challenge start "Q1 delivery"', 'challenge rules "Q1 delivery" on-time:4 cap:15')),
    (("leaderboard", "lb"), 'leaderboard ["challenge"] [teams]',
     "ranks, points and on-time rates", parse_leaderboard,
     ("leaderboard", 'leaderboard "Q1 delivery" teams')),
    (("score", "points"), 'score [@who] ["challenge"]', "points item by item, explained",
     parse_score, ("score", "score @bob")),
    (("badges", "achievements"), "badges [@who]", "badges earned and still to earn",
     parse_badges, ("badges", "badges @bob")),
    (("approve",), "approve #N", "accept a later due date (the parent's owner)",
     parse_approve, ("approve #4",)),
    (("forecast",), "forecast #N", "when it will likely be done (P50, P85)", parse_forecast,
     ("forecast #2",)),
)
