"""Teams, challenges, leaderboards, scores, badges, approvals and forecasts in the text grammar.

    team new "Sales" @a @b · team add|remove "Sales" @c · team "Sales" · teams
    challenge new "Q1 delivery" from:<date> to:<date> [people|teams] [#channel]
        [rules:on-time,early,streaks] [on-time:4 cap:15 …]
    challenge list · challenge "Q1 delivery" · challenge join|leave "Q1 delivery"
    challenge add "Q1 delivery" @who|"Team" … · challenge start|end|cancel|recompute "Q1 …"
    challenge rules "Q1 delivery" on-time:4 cap:15
    leaderboard ["challenge"] [teams] · score [@who] ["challenge"] · badges [@who]
    approve #N · forecast #N
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from core import text as lex
from core.commands import Actor, AnyCommand, UserRef
from core.dates import parse_date
from core.errors import InvalidInput
from core.grammar.options import SLACK_CHANNEL
from core.scoring.challenge import NEW_HINT, ParticipantKind
from core.scoring.commands import (
    AddToChallenge,
    ApproveDeadline,
    ChangeChallengeRules,
    ChangeTeam,
    CreateChallenge,
    CreateTeam,
    JoinChallenge,
    Lifecycle,
    ListChallenges,
    ListTeamMilestones,
    ListTeams,
    MoveChallenge,
    ShowBadges,
    ShowChallenge,
    ShowForecast,
    ShowLeaderboard,
    ShowScore,
    ShowTeam,
)
from core.scoring.rules import NUMBERS, RULES_HINT, RuleFamily, parse_families
from core.scoring.team import TEAM_HINT

TEAM_USAGE = 'team new "Sales" @alice @bob · team add "Sales" @carol · team remove "Sales" ' \
             '@carol · team "Sales" · teams'
CHALLENGE_USAGE = ('challenge new "Q1 delivery" from:2027-01-01 to:2027-03-31 · challenge list '
                   '· challenge "Q1 delivery" · challenge join|leave|start|end|cancel '
                   '"Q1 delivery" · challenge add "Q1 delivery" @bob')


class Context(Protocol):
    @property
    def actor(self) -> Actor: ...

    @property
    def identity_prefix(self) -> str: ...

    @property
    def today(self) -> date: ...


def _name(token: lex.Token | None, example: str, what: str = "name") -> str:
    if token is None or not token.text.strip():
        raise InvalidInput(what, f"which {what}? put it in quotes", hint=example)
    return " ".join(token.text.split())


def _people(tokens: list[lex.Token], ctx: Context, example: str) -> tuple[UserRef, ...]:
    found: list[UserRef] = []
    for token in tokens:
        for word in token.text.replace(",", " ").split():
            person = lex.user_ref(word, ctx.identity_prefix)
            if person is None or token.quoted:
                raise InvalidInput("people", f"“{word[:30]}” is not a person", hint=example)
            found.append(person)
    return tuple(dict.fromkeys(found))


def _quoted_name(tokens: list[lex.Token], example: str) -> tuple[str, list[lex.Token]]:
    """A name is the quoted token, or the unquoted words before the first @ or option."""
    if not tokens:
        raise InvalidInput("name", "which one? put its name in quotes", hint=example)
    if tokens[0].quoted:
        return _name(tokens[0], example), tokens[1:]
    words: list[str] = []
    rest = list(tokens)
    while rest and not rest[0].text.startswith(("@", "<@", "#")) and rest[0].key_value is None:
        words.append(rest.pop(0).text)
    if not words:
        raise InvalidInput("name", "which one? put its name in quotes", hint=example)
    return " ".join(words), rest


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
        name, others = _quoted_name(tokens[1:], TEAM_HINT if word in ("new", "create")
                                    else TEAM_USAGE)
        people = _people(others, ctx, TEAM_USAGE)
        if word in ("new", "create"):
            return CreateTeam(actor=ctx.actor, name=name, people=people)
        if not people:
            raise InvalidInput("people", "who?", hint=f'team {word} "{name}" @carol')
        if word == "add":
            return ChangeTeam(actor=ctx.actor, name=name, add=people)
        return ChangeTeam(actor=ctx.actor, name=name, remove=people)
    if word in ("list", "all"):
        return ListTeams(actor=ctx.actor)
    name, others = _quoted_name(tokens, TEAM_USAGE)
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
    name, others = _quoted_name(tokens[1:], 'list team "Sales"')
    if others:
        return None
    return ListTeamMilestones(actor=ctx.actor, name=name)


def parse_challenge(rest: str, ctx: Context) -> AnyCommand:
    tokens = lex.tokenize(rest)
    if not tokens:
        return ListChallenges(actor=ctx.actor)
    first = tokens[0]
    word = "" if first.quoted else first.text.lower()
    after = tokens[1:]
    if word in ("list", "all"):
        return ListChallenges(actor=ctx.actor)
    if word in ("new", "create"):
        return _new(after, ctx)
    if word in ("join", "leave"):
        name, extra = _quoted_name(after, f'challenge {word} "Q1 delivery"')
        _nothing(extra, f'challenge {word} "{name}"')
        return JoinChallenge(actor=ctx.actor, name=name, leave=word == "leave")
    if word in ("add",):
        return _add(after, ctx)
    if word in (step.value for step in Lifecycle):
        name, extra = _quoted_name(after, f'challenge {word} "Q1 delivery"')
        _nothing(extra, f'challenge {word} "{name}"')
        return MoveChallenge(actor=ctx.actor, name=name, step=Lifecycle(word))
    if word == "finish":
        name, extra = _quoted_name(after, 'challenge end "Q1 delivery"')
        _nothing(extra, f'challenge end "{name}"')
        return MoveChallenge(actor=ctx.actor, name=name, step=Lifecycle.END)
    if word == "rules":
        name, extra = _quoted_name(after, RULES_HINT)
        numbers, families = _rules(extra)
        if not numbers and families is None:
            raise InvalidInput("rules", "which numbers?", hint=RULES_HINT)
        return ChangeChallengeRules(actor=ctx.actor, name=name, numbers=numbers,
                                    families=families)
    name, extra = _quoted_name(tokens, CHALLENGE_USAGE)
    _nothing(extra, f'challenge "{name}"')
    return ShowChallenge(actor=ctx.actor, name=name)


def _nothing(extra: list[lex.Token], example: str) -> None:
    if extra:
        raise InvalidInput("text", f"I didn't expect “{extra[0].text[:30]}” here", hint=example)


def _rules(tokens: list[lex.Token]
           ) -> tuple[tuple[tuple[str, str], ...], frozenset[RuleFamily] | None]:
    numbers: list[tuple[str, str]] = []
    families: frozenset[RuleFamily] | None = None
    for token in tokens:
        pair = _key(token)  # hyphenated names too: on-time:4, early-days:3, post-day:1
        if pair is None:
            raise InvalidInput("rules", f"I didn't expect “{token.text[:30]}” here",
                               hint=RULES_HINT)
        key, value = pair
        if key == "rules":
            families = parse_families(value)
        elif key in NUMBERS:
            numbers.append((key, value))
        else:
            raise InvalidInput("rules", f"“{key[:20]}” is not a rule number; try "
                               + ", ".join(NUMBERS), hint=RULES_HINT)
    return tuple(numbers), families


def _key(token: lex.Token) -> tuple[str, str] | None:
    text = token.text
    if token.quoted or ":" not in text:
        return None
    key, _, value = text.partition(":")
    return key.lower(), value


def _new(tokens: list[lex.Token], ctx: Context) -> AnyCommand:
    name, rest = _quoted_name(tokens, NEW_HINT)
    starts = ends = None
    kind = ParticipantKind.PEOPLE
    channel: str | None = None
    numbers: list[tuple[str, str]] = []
    families: frozenset[RuleFamily] | None = None
    rest = list(rest)
    while rest:
        token = rest.pop(0)
        pair = _key(token)
        word = token.text.lower()
        if pair is not None and pair[0] in ("from", "to", "start", "starts", "end", "ends"):
            phrase = [pair[1]]
            while rest and _plain_word(rest[0]):  # `to:end of quarter`
                phrase.append(rest.pop(0).text)
            try:
                day = parse_date(" ".join(phrase), ctx.today)
            except InvalidInput as error:
                raise InvalidInput("date", error.message, hint=NEW_HINT) from None
            if pair[0] in ("from", "start", "starts"):
                starts = day
            else:
                ends = day
        elif pair is not None and pair[0] == "rules":
            families = parse_families(pair[1])
        elif pair is not None and pair[0] in NUMBERS:
            numbers.append(pair)
        elif not token.quoted and word in ("people", "teams"):
            kind = ParticipantKind(word)
        elif not token.quoted and word.startswith("#") and len(word) > 1:
            channel = token.text
        elif not token.quoted and (slack := SLACK_CHANNEL.match(token.text)):
            channel = slack.group(1)  # a Slack channel, by its id (where it is posted)
        elif pair is not None and pair[0] == "channel":
            channel = pair[1] if pair[1].startswith(("#", "19:")) else f"#{pair[1]}"
        else:
            raise InvalidInput("challenge", f"I didn't expect “{token.text[:30]}” here",
                               hint=NEW_HINT)
    if starts is None or ends is None:
        raise InvalidInput("period", "a challenge needs from:<date> and to:<date>",
                           hint=NEW_HINT)
    return CreateChallenge(actor=ctx.actor, name=name, starts=starts, ends=ends, kind=kind,
                           channel=channel, families=families,
                           numbers=tuple(numbers))


def _plain_word(token: lex.Token) -> bool:
    word = token.text.lower()
    return not token.quoted and ":" not in word and not word.startswith(("#", "<#")) \
        and word not in ("people", "teams")


def _add(tokens: list[lex.Token], ctx: Context) -> AnyCommand:
    example = 'challenge add "Q1 delivery" @bob · challenge add "Q1 delivery" "Sales"'
    name, rest = _quoted_name(tokens, example)
    teams = tuple(dict.fromkeys(" ".join(t.text.split()) for t in rest if t.quoted))
    people = _people([t for t in rest if not t.quoted], ctx, example)
    if not teams and not people:
        raise InvalidInput("participant", "who joins?", hint=example)
    return AddToChallenge(actor=ctx.actor, name=name, people=people, teams=teams)


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


#: (names, usage, summary, parser, examples): the verbs `core.grammar.parser` registers.
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
