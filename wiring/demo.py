"""A realistic demo company, played through the real grammar and use cases over two weeks.

Acme Robotics: five people in five time zones, three goals, fourteen milestones and tasks, two
weeks of check-ins and comments, some things done, some late, some at risk; two teams in a
running challenge whose leaderboard shows last week's moves, and a few badges.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.bus import Deps, run_text
from core.commands import Actor
from core.people.use_cases import ensure_tenant, headcount, join
from core.tenancy import Plan
from core.views import Notice, Tone

PEOPLE = [
    # handle, name, time zone
    ("alice", "Alice Martin", "Europe/Berlin"),
    ("bob", "Bob Chen", "America/New_York"),
    ("carol", "Carol Diaz", "Europe/London"),
    ("dave", "Dave Okafor", "America/Los_Angeles"),
    ("erin", "Erin Sato", "Asia/Tokyo"),
]

# (day of the two weeks, who, what they typed). Dates in {braces} are days from today.
SCRIPT: list[tuple[int, str, str]] = [
    (0, "alice", "role @erin viewer"),
    (0, "alice", 'team new "Product" @bob @dave'),
    (0, "alice", 'team new "Revenue" @alice @carol'),
    (0, "alice", 'challenge new "Q4 delivery" from:{-14} to:{+30} teams #delivery'),
    (0, "alice", 'challenge add "Q4 delivery" "Product" "Revenue"'),
    (0, "alice", 'challenge start "Q4 delivery"'),
    (0, "alice", 'goal "Grow revenue 20%" due:{+38} priority:high'),  # 1
    (0, "alice", 'criteria #1 "ARR" 1.2M -> 1.5M USD'),
    (0, "alice", 'milestone "Launch beta" due:{+24} owner:@bob parent:#1'),  # 2
    (0, "bob", 'task "Finish onboarding flow" due:{+6} parent:#2'),  # 3
    (0, "bob", 'task "Security review" due:{-2} parent:#2 priority:critical'),  # 4
    (0, "bob", 'task "Write release notes" due:{+20} owner:@dave parent:#2'),  # 5
    (0, "alice", 'milestone "Hire two account executives" due:{+29} owner:@carol parent:#1'),
    (0, "alice", 'milestone "Close 3 enterprise deals" due:{+35} owner:@carol parent:#1'),  # 7
    (0, "carol", 'criteria #7 "Deals" 0 -> 3'),
    (0, "alice", 'goal "Ship mobile app v2" due:{+45} owner:@bob priority:high'),  # 8
    (0, "bob", 'milestone "Design review" due:{-4} owner:@dave parent:#8'),  # 9
    (0, "bob", 'milestone "iOS build" due:{+21} parent:#8'),  # 10
    (0, "bob", 'milestone "Android build" due:{+28} parent:#8'),  # 11
    (0, "bob", 'task "App store submission" due:{+40} owner:@dave parent:#8'),  # 12
    (1, "alice", 'goal "Build a brand people remember" due:{+60} owner:@dave'),  # 13
    (1, "dave", 'milestone "Website relaunch" due:{+14} parent:#13 '
                'link:https://acme.example/new'),  # 14
    (1, "dave", 'milestone "Two customer case studies" due:{+30} owner:@carol parent:#13'),
    (1, "alice", 'task "Talk at SaaStock" due:{+50} parent:#13'),  # 16
    (1, "carol", 'task "Draft the job ads" due:{-8}'),  # 17
    (1, "bob", "update #3 20% on track wireframes approved"),
    (2, "carol", "update #6 10% on track job ads are live"),
    (2, "bob", "update #4 10% at risk blockers: waiting for the pen-test vendor"),
    (3, "dave", "update #9 50% on track first round of feedback in"),
    (3, "alice", "comment #2 @bob can we demo the beta at the all-hands on Friday?"),
    (3, "bob", "comment #2 @alice yes, if onboarding holds up. I'll confirm Thursday."),
    (4, "bob", "update #3 45% on track sign-up and team invite done"),
    (4, "bob", "update #10 15% on track project set up, CI green"),
    (4, "carol", "done #17 ads drafted and reviewed"),
    (5, "carol", "criteria #7 1"),
    (5, "dave", "update #14 30% on track new homepage copy drafted"),
    (6, "carol", "update #6 35% on track 14 applicants, 4 first interviews"),
    (6, "dave", "update #5 25% on track outline ready"),
    (7, "alice", 'leaderboard "Q4 delivery"'),  # this week's ranks: next week shows moves
    (7, "bob", "update #4 20% at risk vendor slot moved to next week"),
    (7, "alice", "comment #4 @bob @carol this blocks two enterprise deals, let's talk today"),
    (7, "dave", "update #9 80% on track last screens reviewed"),
    (8, "bob", "update #3 70% on track onboarding checklist shipped"),
    (8, "bob", "update #11 10% on track started"),
    (9, "carol", "update #15 20% on track first interview booked with Northwind"),
    (9, "dave", "update #14 55% on track design locked"),
    (10, "bob", "update #10 35% on track login and dashboard screens"),
    (10, "carol", "update #6 50% on track two final-round candidates"),
    (11, "bob", "done #3 onboarding is live for beta users"),
    (11, "dave", "update #9 90% at risk two screens still need sign-off"),
    (11, "alice", "comment #9 @dave let's close this in tomorrow's review"),
    (12, "carol", "criteria #7 2"),
    (12, "dave", "done #9 signed off in the review"),
    (12, "dave", "update #14 70% on track staging site up"),
    (13, "bob", "update #10 50% on track offline mode working"),
    (13, "carol", "comment #7 Northwind wants a security questionnaire, @bob can you help?"),
    (13, "alice", "update #16 10% on track talk accepted, slides to do"),
]


@dataclass
class TravelClock:
    """The demo's clock: it walks through the last two weeks, then stops at now."""

    current: datetime

    def now(self) -> datetime:
        return self.current


class DemoError(Exception):
    pass


def _dated(text: str, today: date) -> str:
    for offset in range(-30, 90):
        token = f"{{{offset:+d}}}"
        if token in text:
            text = text.replace(token, (today + timedelta(days=offset)).isoformat())
    return text


async def load_demo(
    deps: Deps,
    *,
    slug: str = "acme",
    real_now: datetime,
    step: Callable[[str], None] = lambda _: None,
) -> int:
    """Loads the demo into a new tenant; refuses to touch a tenant that already has people."""
    start = real_now - timedelta(days=14)
    clock = TravelClock(start)
    travel = Deps(uow=deps.uow, clock=clock)
    tenant = await ensure_tenant(travel, slug=slug, name="Acme Robotics",
                                 plan=Plan.PROFESSIONAL, timezone="Europe/Berlin")
    assert tenant.id is not None
    if await headcount(deps, tenant.id) > 0:
        raise DemoError(f"the tenant “{slug}” already has people in it; "
                        f"load the demo under another name: python3 dev.py demo --tenant acme2")
    actors: dict[str, Actor] = {}
    for handle, name, zone in PEOPLE:
        actors[handle] = await join(travel, tenant.id, handle=handle, display_name=name,
                                    timezone=zone)
        step(f"joined @{handle}")
    today = real_now.date()
    for index, (day, who, line) in enumerate(SCRIPT):
        moment = start + timedelta(days=day, hours=index % 8, minutes=7 * index % 60)
        clock.current = max(clock.current, moment)
        view = await run_text(_dated(line, today), actors[who], travel)
        if isinstance(view, Notice) and view.tone == Tone.ERROR:
            raise DemoError(f"demo step “{line}” failed: {view.text}")
        step(line)
    return len(SCRIPT)


def demo_steps() -> int:
    return len(PEOPLE) + len(SCRIPT)
