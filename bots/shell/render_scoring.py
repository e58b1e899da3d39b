"""The shell's text for teams, challenges, leaderboards, scores, badges and forecasts."""

from __future__ import annotations

from bots.shell.render import INDENT, Style, _render, list_row
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

NAME_WIDTH = 20


def _headline(text: str, style: Style) -> list[str]:
    return [f"✅ {text}"] if text else []


def standing_rows(lines: tuple[StandingLine, ...], own: tuple[StandingLine, ...] = ()
                  ) -> list[str]:
    rows = [f"{INDENT}{'#':>3}  {'name':<{NAME_WIDTH}} {'points':>7}  {'on time':>7}  move"]
    for line in lines:
        rows.append(_standing(line))
    if own:
        rows.append(f"{INDENT}  …")
        rows += [_standing(line) for line in own]
    return rows


def _standing(line: StandingLine) -> str:
    me = " ◀ you" if line.is_reader else ""
    name = ellipsis(line.name, NAME_WIDTH)
    return (f"{INDENT}{line.rank:>3}  {name:<{NAME_WIDTH}} {line.points:>7}  "
            f"{line.on_time:>7}  {line.movement_text}{me}")


@_render.register
def _leaderboard(view: LeaderboardView, style: Style) -> str:
    title = f"🏆 {view.challenge}" + (f" · {view.headline}" if view.headline else "")
    out = [style.bold(title), INDENT + style.dim(
        f"{view.period} · {view.participants} taking part · {view.state.value}")]
    if not view.lines:
        return "\n".join([*out, INDENT + view.empty])
    out += standing_rows(view.lines, view.own)
    out.append(INDENT + style.dim("on time: the lower bound of a 95% interval over the "
                                  "closes; `score` explains each point"))
    return "\n".join(out)


@_render.register
def _post(view: ChallengePost, style: Style) -> str:
    return "\n".join([style.bold(view.headline), _leaderboard(view.board, style)])


@_render.register
def _score(view: ScoreView, style: Style) -> str:
    rank = f" · rank {view.rank}" if view.rank else ""
    points = "1 point" if view.points == "1" else f"{view.points} points"
    out = [style.bold(f"🧮 @{view.person} in {view.challenge}: {points} · on time "
                      f"{view.on_time}{rank}")]
    if not view.items and not view.streak:
        out.append(INDENT + view.empty)
    for item in view.items:
        out.append(f"{INDENT}{item.ref} {ellipsis(item.title, 40)}  {item.points} pts  "
                   + style.dim(f"({item.state}, {item.when})"))
        out += [f"{INDENT * 2}{line.points:>5}  {line.text}" for line in item.lines]
    if view.streak:
        out.append(f"{INDENT}Check-in streak ({view.streak_weeks} weeks now)")
        out += [f"{INDENT * 2}{line.points:>5}  {line.text}" for line in view.streak]
    return "\n".join(out)


@_render.register
def _challenges(view: ChallengeListView, style: Style) -> str:
    if not view.lines:
        return view.empty
    out = [style.bold("🏁 Challenges")]
    for line in view.lines:
        joined = " ✓ you take part" if line.joined else ""
        out.append(f"{INDENT}“{line.name}”  {line.state.value} · {line.kind.value} · "
                   f"{line.period} · {line.participants} taking part{joined}")
    return "\n".join(out)


@_render.register
def _challenge(view: ChallengeView, style: Style) -> str:
    line = view.line
    out = _headline(view.headline, style)
    out += [style.bold(f"🏁 “{line.name}”  {line.state.value}"),
            f"{INDENT}{line.period} · between {line.kind.value}"
            + (f" · posts in {view.channel}" if view.channel else "")
            + (f" · by @{view.created_by}" if view.created_by else "")]
    out.append(f"{INDENT}Rules:")
    out += [f"{INDENT * 2}· {rule}" for rule in view.rules]
    shown = ", ".join(view.participants) if view.participants else "nobody yet"
    out.append(f"{INDENT}Taking part ({len(view.participants)}): {ellipsis(shown, 300)}")
    if view.standings:
        out += standing_rows(view.standings)
    if view.next_steps:
        out.append(INDENT + style.dim("Next: " + " · ".join(view.next_steps)))
    return "\n".join(out)


@_render.register
def _teams(view: TeamListView, style: Style) -> str:
    if not view.teams:
        return view.empty
    out = [style.bold("👥 Teams")]
    out += [f"{INDENT}“{t.name}” ({t.size}): " + ellipsis(", ".join(f"@{m}" for m in t.members),
                                                           200) for t in view.teams]
    return "\n".join(out)


@_render.register
def _team(view: TeamView, style: Style) -> str:
    out = _headline(view.headline, style)
    progress = f" · {view.progress}% on average" if view.progress is not None else ""
    out.append(style.bold(f"👥 “{view.name}”  {len(view.members)} people{progress}"))
    for m in view.members:
        out.append(f"{INDENT}@{m.handle} {m.name}  · {m.open_milestones} open")
    if view.milestones:
        out.append(f"{INDENT}Open milestones:")
        out += [f"{INDENT * 2}{list_row(line)}" for line in view.milestones]
    if view.challenges:
        out.append(INDENT + "In " + ", ".join(f"“{c}”" for c in view.challenges))
    return "\n".join(out)


@_render.register
def _badges(view: BadgesView, style: Style) -> str:
    out = [style.bold(f"🏅 @{view.person}: {view.headline}")]
    out += [f"{INDENT}{b.emoji} {b.title}: {b.description} · {b.earned}"
            + (f" {b.context}" if b.context else "") for b in view.earned]
    if view.locked:
        out.append(INDENT + style.dim("Still to earn: " + ", ".join(
            f"{b.emoji} {b.title} ({b.description})" for b in view.locked)))
    return "\n".join(out)


@_render.register
def _badge_news(view: BadgeAnnouncement, style: Style) -> str:
    out = [style.bold(view.headline)]
    if view.channel:
        out.append(f"{INDENT}{view.description}")
    if view.footer:
        out.append(INDENT + style.dim(view.footer))
    return "\n".join(out)


@_render.register
def _forecast(view: ForecastView, style: Style) -> str:
    out = [style.bold(f"🔮 {view.ref} {view.title}  {view.progress}%"), INDENT + view.summary]
    if view.at_risk:
        out.append(f"{INDENT}⚠ at risk: {view.risk}")
    if view.basis:
        out.append(INDENT + style.dim(view.basis))
    return "\n".join(out)
