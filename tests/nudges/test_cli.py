"""`python app.py nudge` as an operator runs it: a real process on a real SQLite file."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from core.nudges.workweek import local_moment
from tests.shell.test_cli import app


def monday_nine_in_berlin(weeks_ahead: int) -> datetime:
    today = date.today()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7) + timedelta(
        weeks=weeks_ahead)
    return local_moment(monday, 9 * 60, "Europe/Berlin")


def test_a_dry_run_prints_who_gets_what_and_sends_nothing(tmp_path: Path) -> None:
    assert app(tmp_path, "demo").returncode == 0
    weekly = app(tmp_path, "shell", "--tenant", "acme", "--user", "alice",
                 stdin="report weekly #general monday 9:00\n")
    assert "The weekly report goes to #general" in weekly.stdout, weekly.stdout
    at = monday_nine_in_berlin(weeks_ahead=2)
    result = app(tmp_path, "nudge", "--dry-run", "--at", f"{at:%Y-%m-%dT%H:%M}")
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert out.startswith(f"Nudges due at {at:%Y-%m-%d %H:%M} UTC  (dry run: nothing is sent)")
    assert f"{at:%Y-%m-%d %H:%M} UTC  (Mon 09:00 Europe/Berlin)  @alice (acme)  checkin" in out
    assert "milestones are waiting for your check-in" in out
    assert "@bob (acme)  checkin" not in out  # New York is still asleep
    assert "@bob (acme) badge: held until" in out  # the demo's badges, announced in his day
    assert "#general (acme)  report\n      the weekly report: the company's report card" in out
    again = app(tmp_path, "nudge", "--dry-run", "--at", f"{at:%Y-%m-%dT%H:%M}")
    assert again.stdout == out  # nothing was claimed
    shell = app(tmp_path, "shell", "--tenant", "acme", "--user", "alice", stdin="inbox\n")
    assert "check-in" not in shell.stdout


def test_one_sweep_now_and_bad_input(tmp_path: Path) -> None:
    result = app(tmp_path, "nudge")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("Swept: 0 claimed")
    assert "Delivered: 0 sent, 0 skipped, 0 later." in result.stdout
    for args, message in ((["--at", "2026-12-07T09:00"], "--at only goes with --dry-run"),
                          (["--dry-run", "--at", "next monday"], "is not a moment")):
        bad = app(tmp_path, "nudge", *args)
        assert bad.returncode == 2 and message in bad.stderr
        assert "Traceback" not in bad.stderr
