"""A small company's week, used by the report, card, chart and export tests.

The week of Monday 23 November 2026, read on Thursday 26 at 12:00 UTC:

    #1 goal  Grow revenue      #2 done Tue 24 (due Wed 25: on time)   #3 at risk, 30%
    #8 goal  Hire two AEs      #4 50%, due Fri 20: overdue             #5 done Wed 25 (due Tue 24:
                               #6 done Tue 17 last week (on time)         late)
                               #7 cancelled
"""

from __future__ import annotations

from datetime import timedelta

from core.model import Kind, Priority, Status
from core.reports.contents import Report
from core.reports.inputs import CheckinRequest, ReportMilestone, ReportUpdate
from core.reports.periods import PeriodKind, current_period
from core.reports.report import build_report
from tests.reports.builders import NOW, at, milestone, request, update


def milestones() -> list[ReportMilestone]:
    return [
        milestone(1, kind=Kind.GOAL, title="Grow revenue 20%", progress=65, due="2026-12-31",
                  start="2026-09-01", priority=Priority.HIGH),
        milestone(2, parent=1, title="Launch beta", owner="bob", status=Status.DONE,
                  due="2026-11-25", completed=at("2026-11-24"), last_update=at("2026-11-18")),
        milestone(3, parent=1, title="=HYPERLINK(\"http://evil\")", owner="carol",
                  status=Status.AT_RISK, progress=30, due="2026-12-10", tags=("sales", "q4"),
                  last_update=at("2026-11-25")),
        milestone(8, kind=Kind.GOAL, title="Hire two AEs", progress=83, due="2027-01-31"),
        milestone(4, kind=Kind.TASK, parent=8, title="Post the job ad", owner="bob",
                  progress=50, due="2026-11-20", priority=Priority.CRITICAL,
                  last_update=at("2026-11-12")),
        milestone(5, kind=Kind.TASK, parent=8, title="Shortlist", owner="carol",
                  status=Status.DONE, due="2026-11-24", completed=at("2026-11-25")),
        milestone(6, kind=Kind.TASK, parent=8, title="Budget approved", owner="bob",
                  status=Status.DONE, due="2026-11-18", completed=at("2026-11-17")),
        milestone(7, kind=Kind.TASK, parent=8, title="Agency", owner="dave",
                  status=Status.CANCELLED, completed=at("2026-11-11")),
    ]


def updates() -> list[ReportUpdate]:
    return [
        update(6, at("2026-11-10"), 60, author="bob"),
        update(4, at("2026-11-12"), 50, author="bob"),
        update(3, at("2026-11-16"), 20, author="carol"),
        update(2, at("2026-11-18"), 70, author="bob", notes="-1 bug left"),
        update(5, at("2026-11-19"), 80, author="carol"),
        update(3, at("2026-11-25"), 30, status=Status.AT_RISK, author="carol",
               notes="Pipeline slipped"),
    ]


def checkins() -> list[CheckinRequest]:
    return [
        request("alice", at("2026-11-23", "09:00"), timedelta(hours=2)),
        request("bob", at("2026-11-23", "09:00"), timedelta(hours=4)),
        request("carol", at("2026-11-24", "09:00"), None),
        request("bob", at("2026-11-16", "09:00"), timedelta(hours=10)),
        request("bob", at("2026-10-01", "09:00"), timedelta(hours=99)),  # long before
    ]


def this_week(zone: str = "UTC") -> Report:
    return build_report(milestones(), updates(), checkins(), scope="Company",
                        period=current_period(PeriodKind.WEEK, NOW, zone), now=NOW)
