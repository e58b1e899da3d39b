"""What front ends show for scoring: neutral frozen data, phrased for the reader, no markup.

Each platform's renderer maps these to Block Kit, an Adaptive Card or text. Numbers come both
as values (to sort, to colour) and as the text every surface prints the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.scoring.challenge import ChallengeState, ParticipantKind
from core.scoring.forecast import Method
from core.views import MilestoneLine, View


@dataclass(frozen=True, slots=True, kw_only=True)
class StandingLine:
    rank: int
    name: str  # a handle (without @) or a team's name
    points: str  # "14.5"
    on_time_rate: float | None  # Wilson lower bound, 0..1; None before any judged close
    on_time: str  # "84%" or "–"
    closes: int  # judged closes behind the rate
    movement: int | None = None  # places up since last week; None: not ranked last week
    is_reader: bool = False  # the reader, or one of the reader's teams
    members: int = 1

    @property
    def movement_text(self) -> str:
        """`▲2`, `▼1`, `–` unchanged, `new` when it was not ranked last week."""
        if self.movement is None:
            return "new"
        if self.movement > 0:
            return f"▲{self.movement}"
        if self.movement < 0:
            return f"▼{-self.movement}"
        return "–"


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaderboardView(View):
    challenge: str
    kind: ParticipantKind
    state: ChallengeState
    period: str  # "Mon 5 Jan – Tue 31 Mar"
    lines: tuple[StandingLine, ...]  # the top 10
    own: tuple[StandingLine, ...] = ()  # the reader's lines below the top 10
    participants: int = 0
    headline: str = ""  # "Final results" when finished
    empty: str = "Nobody has joined yet."


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreLineView:
    code: str  # a RuleCode value, for icons
    text: str
    points: str  # "+4.5", "-4.5", "0"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreItemView:
    number: int
    title: str
    state: str  # open, done, cancelled
    points: str
    lines: tuple[ScoreLineView, ...]
    when: str = ""  # "closed Tue 3 Mar", "due Fri 13 Mar"

    @property
    def ref(self) -> str:
        return f"#{self.number}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreView(View):
    person: str  # handle
    challenge: str
    points: str
    rank: int | None = None
    on_time: str = "–"
    items: tuple[ScoreItemView, ...] = ()
    streak: tuple[ScoreLineView, ...] = ()
    streak_weeks: int = 0  # full weeks of the current run
    empty: str = "No milestones due in this challenge yet."


@dataclass(frozen=True, slots=True, kw_only=True)
class ChallengeLine:
    name: str
    state: ChallengeState
    kind: ParticipantKind
    period: str
    participants: int = 0
    joined: bool = False  # the reader takes part (themselves or through a team)


@dataclass(frozen=True, slots=True, kw_only=True)
class ChallengeListView(View):
    lines: tuple[ChallengeLine, ...]
    empty: str = 'No challenges yet. Start one: challenge new "Q1 delivery" from:… to:…'


@dataclass(frozen=True, slots=True, kw_only=True)
class ChallengeView(View):
    line: ChallengeLine
    channel: str = ""
    rules: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    standings: tuple[StandingLine, ...] = ()
    created_by: str = ""
    headline: str = ""
    next_steps: tuple[str, ...] = ()  # commands that work from here


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamMemberLine:
    handle: str
    name: str
    open_milestones: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamView(View):
    name: str
    members: tuple[TeamMemberLine, ...]
    progress: int | None = None  # mean progress of the members' open milestones
    milestones: tuple[MilestoneLine, ...] = ()
    challenges: tuple[str, ...] = ()
    headline: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamLine:
    name: str
    members: tuple[str, ...]  # handles

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamListView(View):
    teams: tuple[TeamLine, ...]
    empty: str = 'No teams yet. Make one: team new "Sales" @alice @bob'


@dataclass(frozen=True, slots=True, kw_only=True)
class BadgeLine:
    code: str
    emoji: str
    title: str
    description: str
    earned: str = ""  # "Tue 3 Mar"; "" while not earned
    context: str = ""  # "#12", "“Q1 delivery”"


@dataclass(frozen=True, slots=True, kw_only=True)
class BadgesView(View):
    person: str
    earned: tuple[BadgeLine, ...]
    locked: tuple[BadgeLine, ...] = ()
    headline: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ForecastView(View):
    number: int
    title: str
    method: Method
    progress: int
    summary: str  # the answer in one sentence
    p50: str = ""  # "Fri 13 Mar"
    p85: str = ""
    chance: int | None = None  # percent
    due: str = ""
    at_risk: bool = False
    risk: str = ""  # why it is at risk, when it is
    basis: str = ""  # "from 5 check-ins over 21 days"
    expected_now: int | None = None  # where the plan says it should be by now

    @property
    def ref(self) -> str:
        return f"#{self.number}"
