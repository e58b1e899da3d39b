"""Teams, challenges, leaderboards, scores, badges and forecasts as Block Kit. Part of the one
Slack renderer (`render.message` renders these); user text is escaped here.

A leaderboard is one section of preformatted rows per chunk (ranks line up), top 10 plus the
reader's own lines; every text is packed into sections of at most 3,000 characters, and a
message never passes 50 blocks (`render.message` cuts and says so).
"""

from __future__ import annotations

from bots.slack.blocks import Block, actions, button, context, header, join_lines, section
from bots.slack.mrkdwn import escape
from bots.slack.render import _blocks, line_text
from core.humanize import ellipsis
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

NAME_WIDTH = 18
SCORE_ITEMS = 20


def _headline(text: str) -> list[Block]:
    return [section(f"✅ *{escape(text)}*")] if text else []


def standing_rows(lines: tuple[StandingLine, ...], own: tuple[StandingLine, ...] = ()
                  ) -> list[Block]:
    rows = [f"{'#':>3}  {'name':<{NAME_WIDTH}} {'points':>7} {'on time':>7}  move"]
    rows += [_row(line) for line in lines]
    if own:
        rows += ["  …", *(_row(line) for line in own)]
    # Inside a code block nothing is mrkdwn, but &, < and > still need escaping.
    return [section(f"```{chunk}```") for chunk in join_lines([escape(r) for r in rows], 2990)]


def _row(line: StandingLine) -> str:
    name = ellipsis(line.name, NAME_WIDTH)
    me = " ◀ you" if line.is_reader else ""
    return (f"{line.rank:>3}  {name:<{NAME_WIDTH}} {line.points:>7} {line.on_time:>7}  "
            f"{line.movement_text}{me}")


@_blocks.register
def _leaderboard(view: LeaderboardView, stamp: str) -> list[Block]:
    title = f"🏆 {view.challenge}" + (f" · {view.headline}" if view.headline else "")
    blocks: list[Block] = [header(title), context(
        escape(f"{view.period} · {view.participants} taking part · {view.state.value}"))]
    if not view.lines:
        return [*blocks, section(escape(view.empty))]
    blocks += standing_rows(view.lines, view.own)
    blocks.append(context("On time: the lower bound of a 95% interval over the closes · "
                          "`/cairn score` explains each point"))
    return blocks


@_blocks.register
def _score(view: ScoreView, stamp: str) -> list[Block]:
    rank = f" · rank {view.rank}" if view.rank else ""
    blocks: list[Block] = [section(f"🧮 *@{escape(view.person)}* in *{escape(view.challenge)}*: "
                                   f"*{view.points}* points{rank} · on time {view.on_time}")]
    if not view.items and not view.streak:
        blocks.append(context(escape(view.empty)))
    rows: list[str] = []
    for item in view.items[:SCORE_ITEMS]:
        rows.append(f"*{item.ref}* {escape(item.title)} · *{item.points}* pts "
                    f"_({item.state}, {escape(item.when)})_")
        rows += [f"      `{line.points}` {escape(line.text)}" for line in item.lines]
    if len(view.items) > SCORE_ITEMS:
        rows.append(f"_…and {len(view.items) - SCORE_ITEMS} more items_")
    if view.streak:
        rows.append(f"*Check-in streak* ({view.streak_weeks} weeks now)")
        rows += [f"      `{line.points}` {escape(line.text)}" for line in view.streak]
    blocks += [section(chunk) for chunk in join_lines(rows)]
    return blocks


@_blocks.register
def _challenges(view: ChallengeListView, stamp: str) -> list[Block]:
    if not view.lines:
        return [section(escape(view.empty))]
    rows = [f"*“{escape(x.name)}”* {x.state.value} · {x.kind.value} · {escape(x.period)} · "
            f"{x.participants} taking part" + (" · ✓ you take part" if x.joined else "")
            for x in view.lines]
    return [section(chunk) for chunk in join_lines(["*🏁 Challenges*", *rows])]


@_blocks.register
def _challenge(view: ChallengeView, stamp: str) -> list[Block]:
    x = view.line
    facts = [escape(x.period), f"between {x.kind.value}"]
    if view.channel:
        facts.append(f"posts in {escape(view.channel)}")
    if view.created_by:
        facts.append(f"by @{escape(view.created_by)}")
    blocks = _headline(view.headline)
    blocks += [section(f"🏁 *“{escape(x.name)}”* · {x.state.value}"), context(" · ".join(facts))]
    rules = [f"• {escape(rule)}" for rule in view.rules]
    blocks += [section(chunk) for chunk in join_lines(["*Rules*", *rules])]
    people = ", ".join(escape(p) for p in view.participants) or "nobody yet"
    blocks += [section(chunk) for chunk in join_lines(
        [f"*Taking part* ({len(view.participants)}): {people}"])][:3]
    if view.standings:
        blocks += standing_rows(view.standings)
    if view.next_steps:
        blocks.append(actions(*(button(step[:75], f"cairn.run:step{i}", step)
                                for i, step in enumerate(view.next_steps[:5])),
                              block_id=f"challenge.{stamp}"))
    return blocks


@_blocks.register
def _teams(view: TeamListView, stamp: str) -> list[Block]:
    if not view.teams:
        return [section(escape(view.empty))]
    rows = [f"*“{escape(t.name)}”* ({t.size}): "
            + escape(ellipsis(", ".join(f"@{m}" for m in t.members), 500)) for t in view.teams]
    return [section(chunk) for chunk in join_lines(["*👥 Teams*", *rows])]


@_blocks.register
def _team(view: TeamView, stamp: str) -> list[Block]:
    progress = f" · {view.progress}% on average" if view.progress is not None else ""
    blocks = _headline(view.headline)
    blocks.append(section(f"👥 *“{escape(view.name)}”* · {len(view.members)} people{progress}"))
    rows = [f"@{escape(m.handle)} {escape(m.name)} · {m.open_milestones} open"
            for m in view.members]
    blocks += [section(chunk) for chunk in join_lines(rows)][:10]
    if view.milestones:
        blocks += [section(chunk) for chunk in join_lines(
            ["*Open milestones*", *(line_text(m) for m in view.milestones)])][:10]
    if view.challenges:
        blocks.append(context("In " + ", ".join(f"“{escape(c)}”" for c in view.challenges)))
    return blocks


@_blocks.register
def _badges(view: BadgesView, stamp: str) -> list[Block]:
    rows = [f"{b.emoji} *{escape(b.title)}*: {escape(b.description)} · {escape(b.earned)}"
            + (f" {escape(b.context)}" if b.context else "") for b in view.earned]
    blocks = [section(chunk) for chunk in join_lines(
        [f"🏅 *@{escape(view.person)}*: {escape(view.headline)}", *rows])]
    if view.locked:
        blocks.append(context(escape("Still to earn: " + ", ".join(
            f"{b.emoji} {b.title}" for b in view.locked))))
    return blocks


@_blocks.register
def _badge_news(view: BadgeAnnouncement, stamp: str) -> list[Block]:
    blocks: list[Block] = [section(f"*{escape(view.headline)}*")]
    if view.channel:
        blocks.append(section(escape(view.description)))
    if view.footer:
        blocks.append(context(escape(view.footer)))
    return blocks


@_blocks.register
def _forecast(view: ForecastView, stamp: str) -> list[Block]:
    blocks: list[Block] = [section(f"🔮 *{view.ref} {escape(view.title)}* · {view.progress}%\n"
                                   f"{escape(view.summary)}")]
    if view.at_risk:
        blocks.append(section(f"⚠️ At risk: {escape(view.risk)}"))
    if view.basis:
        blocks.append(context(escape(view.basis)))
    return blocks


@_blocks.register
def _post(view: ChallengePost, stamp: str) -> list[Block]:
    return [section(f"*{escape(view.headline)}*"), *_leaderboard(view.board, stamp)]
