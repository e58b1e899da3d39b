"""Challenges in the text grammar: `challenge new|list|join|leave|add|start|end|cancel ...`,
and their rules."""

from __future__ import annotations

from core import text as lex
from core.commands import AnyCommand
from core.dates import parse_date
from core.errors import InvalidInput
from core.grammar.options import SLACK_CHANNEL
from core.grammar.scoring_names import Context, people_named, quoted_name
from core.scoring.challenge import NEW_HINT, ParticipantKind
from core.scoring.commands import (
    AddToChallenge,
    ChangeChallengeRules,
    CreateChallenge,
    JoinChallenge,
    Lifecycle,
    ListChallenges,
    MoveChallenge,
    ShowChallenge,
)
from core.scoring.rules import NUMBERS, RULES_HINT, RuleFamily, parse_families

CHALLENGE_USAGE = ('challenge new "Q1 delivery" from:2027-01-01 to:2027-03-31 · challenge list '
                   '· challenge "Q1 delivery" · challenge join|leave|start|end|cancel '
                   '"Q1 delivery" · challenge add "Q1 delivery" @bob')


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
        name, extra = quoted_name(after, f'challenge {word} "Q1 delivery"')
        _nothing(extra, f'challenge {word} "{name}"')
        return JoinChallenge(actor=ctx.actor, name=name, leave=word == "leave")
    if word in ("add",):
        return _add(after, ctx)
    if word in (step.value for step in Lifecycle):
        name, extra = quoted_name(after, f'challenge {word} "Q1 delivery"')
        _nothing(extra, f'challenge {word} "{name}"')
        return MoveChallenge(actor=ctx.actor, name=name, step=Lifecycle(word))
    if word == "finish":
        name, extra = quoted_name(after, 'challenge end "Q1 delivery"')
        _nothing(extra, f'challenge end "{name}"')
        return MoveChallenge(actor=ctx.actor, name=name, step=Lifecycle.END)
    if word == "rules":
        name, extra = quoted_name(after, RULES_HINT)
        numbers, families = _rules(extra)
        if not numbers and families is None:
            raise InvalidInput("rules", "which numbers?", hint=RULES_HINT)
        return ChangeChallengeRules(actor=ctx.actor, name=name, numbers=numbers,
                                    families=families)
    name, extra = quoted_name(tokens, CHALLENGE_USAGE)
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
    name, rest = quoted_name(tokens, NEW_HINT)
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
    name, rest = quoted_name(tokens, example)
    teams = tuple(dict.fromkeys(" ".join(t.text.split()) for t in rest if t.quoted))
    people = people_named([t for t in rest if not t.quoted], ctx, example)
    if not teams and not people:
        raise InvalidInput("participant", "who joins?", hint=example)
    return AddToChallenge(actor=ctx.actor, name=name, people=people, teams=teams)
