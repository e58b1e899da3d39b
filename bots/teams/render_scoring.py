"""Teams, challenges, leaderboards, scores, badges and forecasts as Adaptive Cards 1.5. Part of
the one Teams renderer (`render.message` renders these); user text is escaped here, and every
card is cut to Teams' 28 KB by `cards.fit`."""

from __future__ import annotations

from bots.teams import cards
from bots.teams.cards import Element, submit, text
from bots.teams.markdown import escape, oneline
from bots.teams.render import Parts, _parts, headline, line_text, rows
from core.nudges.views import BadgeAnnouncement, ChallengePost
from core.scoring.views import (
    BadgesView,
    ChallengeListView,
    ChallengeView,
    ForecastView,
    LeaderboardView,
    ScoreView,
    StandingLine,
    TeamListView,
    TeamView,
)

SCORE_ITEMS = 20


def standing_rows(lines: tuple[StandingLine, ...], own: tuple[StandingLine, ...] = ()
                  ) -> list[Element]:
    found = [cards.facts([(f"{line.rank}.", _row(line)) for line in lines])]
    if own:
        found += [text("…", subtle=True), cards.facts([(f"{line.rank}.", _row(line))
                                                       for line in own])]
    return found


def _row(line: StandingLine) -> str:
    me = " ◀ **you**" if line.is_reader else ""
    return (f"**{oneline(line.name, 60)}** · {line.points} pts · on time {line.on_time} · "
            f"{line.movement_text}{me}")


@_parts.register
def _leaderboard(view: LeaderboardView, stamp: str) -> Parts:
    title = f"🏆 {oneline(view.challenge, 100)}" + (f" · {escape(view.headline)}"
                                                    if view.headline else "")
    body: list[Element] = [text(title, size="medium", weight="bolder"), text(
        escape(f"{view.period} · {view.participants} taking part · {view.state.value}"),
        subtle=True)]
    if not view.lines:
        return [*body, text(escape(view.empty))], []
    body += standing_rows(view.lines, view.own)
    body.append(text("On time: the lower bound of a 95% interval over the closes", subtle=True))
    return body, [submit("My score", "run", f'score "{view.challenge}"', stamp=stamp)]


@_parts.register
def _score(view: ScoreView, stamp: str) -> Parts:
    rank = f" · rank {view.rank}" if view.rank else ""
    body: list[Element] = [text(f"🧮 **@{oneline(view.person, 60)}** in "
                                f"**{oneline(view.challenge, 100)}**: **{view.points}** "
                                f"points{rank} · on time {view.on_time}", size="medium")]
    if not view.items and not view.streak:
        body.append(text(escape(view.empty), subtle=True))
    for item in view.items[:SCORE_ITEMS]:
        body.append(text(f"**{item.ref}** {oneline(item.title, 120)} · **{item.points}** pts "
                         f"_({item.state}, {escape(item.when)})_", separator=True))
        body += rows([f"{line.points}  {escape(line.text)}" for line in item.lines],
                     subtle=True)
    if len(view.items) > SCORE_ITEMS:
        body.append(text(f"…and {len(view.items) - SCORE_ITEMS} more items", subtle=True))
    if view.streak:
        body.append(text(f"**Check-in streak** ({view.streak_weeks} weeks now)",
                         separator=True))
        body += rows([f"{line.points}  {escape(line.text)}" for line in view.streak],
                     subtle=True)
    return body, []


@_parts.register
def _challenges(view: ChallengeListView, stamp: str) -> Parts:
    if not view.lines:
        return [text(escape(view.empty))], []
    body = [text("**🏁 Challenges**", size="medium")]
    body += rows([f"**“{oneline(x.name, 100)}”** {x.state.value} · {x.kind.value} · "
                  f"{escape(x.period)} · {x.participants} taking part"
                  + (" · ✓ you take part" if x.joined else "") for x in view.lines])
    return body, []


@_parts.register
def _challenge(view: ChallengeView, stamp: str) -> Parts:
    x = view.line
    facts = [escape(x.period), f"between {x.kind.value}"]
    if view.channel:
        facts.append(f"posts in {escape(view.channel)}")
    if view.created_by:
        facts.append(f"by @{escape(view.created_by)}")
    body: list[Element] = [headline(view.headline)] if view.headline else []
    body += [text(f"🏁 **“{oneline(x.name, 100)}”** · {x.state.value}", size="medium"),
             text(" · ".join(facts), subtle=True), text("**Rules**", separator=True)]
    body += rows([f"• {escape(rule)}" for rule in view.rules])
    people = ", ".join(oneline(p, 60) for p in view.participants[:100]) or "nobody yet"
    body.append(text(f"**Taking part** ({len(view.participants)}): {people}", separator=True))
    if view.standings:
        body += standing_rows(view.standings)
    actions = [submit(step, "run", step, stamp=stamp) for step in view.next_steps[:5]]
    return body, actions


@_parts.register
def _teams(view: TeamListView, stamp: str) -> Parts:
    if not view.teams:
        return [text(escape(view.empty))], []
    body = [text("**👥 Teams**", size="medium")]
    body += rows([f"**“{oneline(t.name, 80)}”** ({t.size}): "
                  + oneline(", ".join(f"@{m}" for m in t.members), 500) for t in view.teams])
    return body, []


@_parts.register
def _team(view: TeamView, stamp: str) -> Parts:
    progress = f" · {view.progress}% on average" if view.progress is not None else ""
    body: list[Element] = [headline(view.headline)] if view.headline else []
    body.append(text(f"👥 **“{oneline(view.name, 80)}”** · {len(view.members)} people"
                     f"{progress}", size="medium"))
    body += rows([f"@{oneline(m.handle, 60)} {oneline(m.name, 80)} · {m.open_milestones} open"
                  for m in view.members])
    if view.milestones:
        body.append(text("**Open milestones**", separator=True))
        body += rows([line_text(m) for m in view.milestones])
    if view.challenges:
        body.append(text("In " + ", ".join(f"“{oneline(c, 80)}”" for c in view.challenges),
                         subtle=True))
    return body, []


@_parts.register
def _badges(view: BadgesView, stamp: str) -> Parts:
    body = [text(f"🏅 **@{oneline(view.person, 60)}**: {escape(view.headline)}", size="medium")]
    body += rows([f"{b.emoji} **{escape(b.title)}**: {escape(b.description)} · "
                  f"{escape(b.earned)}" + (f" {escape(b.context)}" if b.context else "")
                  for b in view.earned])
    if view.locked:
        body.append(text(escape("Still to earn: " + ", ".join(
            f"{b.emoji} {b.title}" for b in view.locked)), subtle=True))
    return body, []


@_parts.register
def _badge_news(view: BadgeAnnouncement, stamp: str) -> Parts:
    body = [text(escape(view.headline), weight="bolder", size="medium")]
    if view.channel:
        body.append(text(escape(view.description)))
    if view.footer:
        body.append(text(escape(view.footer), subtle=True))
    return body, []


@_parts.register
def _forecast(view: ForecastView, stamp: str) -> Parts:
    body = [text(f"🔮 **{view.ref} {oneline(view.title, 120)}** · {view.progress}%",
                 size="medium"), text(escape(view.summary))]
    if view.at_risk:
        body.append(text(f"⚠️ At risk: {escape(view.risk)}", color="warning"))
    if view.basis:
        body.append(text(escape(view.basis), subtle=True))
    return body, []


@_parts.register
def _post(view: ChallengePost, stamp: str) -> Parts:
    body, actions = _leaderboard(view.board, stamp)
    return [text(escape(view.headline), weight="bolder"), *body], actions
