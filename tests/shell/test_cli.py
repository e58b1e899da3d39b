"""`python app.py ...` as an operator runs it: real processes, a real SQLite file, real HTTP."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.databases import seed_migrated_sqlite
from tests.serve_process import wait_for_port

ROOT = Path(__file__).resolve().parents[2]


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "GOOGLE_",
                                                                     "MICROSOFT_"))}
    env.update(DATABASE_URL=f"sqlite://{tmp_path / 'cairn.sqlite3'}", PYTHONUNBUFFERED="1",
               TZ="UTC")
    if "DATABASE_URL" not in extra:
        seed_migrated_sqlite(tmp_path / "cairn.sqlite3")
    env.update(extra)
    return env


def without_venv(env: dict[str, str]) -> dict[str, str]:
    """The environment of a fresh terminal: no virtual environment on PATH or activated."""
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    return {**{k: v for k, v in env.items() if k != "VIRTUAL_ENV"}, "PATH": path}


def app(tmp_path: Path, *args: str, stdin: str = "", **extra: str
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120, check=False,
                          env=env_for(tmp_path, **extra))


def test_piped_shell_answers_every_line_and_reports_refusals(tmp_path: Path) -> None:
    script = 'goal "Ship v2" due:2026-12-31\n\nlist\nupdate #1 150%\nshow #1\n'
    result = app(tmp_path, "shell", "--tenant", "local", "--user", "me", "--tz", "UTC",
                 stdin=script)
    assert result.returncode == 1, result.stderr  # one line was refused
    answers = result.stdout
    assert answers.startswith("✅ Created goal #1\n🎯 Goal #1  Ship v2")
    assert answers.count("\n🎯 Goal #1") == 2  # created, then shown
    assert "Your milestones" in answers
    assert "❌ Progress must be between 0% and 100%, not 150%." in answers
    assert "Traceback" not in result.stdout + result.stderr
    ok = app(tmp_path, "shell", "--tenant", "local", "--user", "me", stdin="show #1\n")
    assert ok.returncode == 0 and "Ship v2" in ok.stdout


def test_migrate_reports_progress_then_nothing_to_do(tmp_path: Path) -> None:
    fresh = f"sqlite://{tmp_path / 'fresh.sqlite3'}"
    first = app(tmp_path, "migrate", DATABASE_URL=fresh)
    assert first.returncode == 0, first.stderr
    assert "Applying migration" in first.stderr and "applied" in first.stdout
    again = app(tmp_path, "migrate", DATABASE_URL=fresh)
    assert again.returncode == 0 and "Already up to date" in again.stdout


def test_a_bad_database_url_is_a_one_line_error(tmp_path: Path) -> None:
    result = app(tmp_path, "migrate", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "Error:" in result.stderr


def test_demo_loads_a_company_to_explore(tmp_path: Path) -> None:
    result = app(tmp_path, "demo")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Loading the demo" in result.stderr and "100%" in result.stderr
    hint = re.search(r"Try it: (.+)$", result.stdout, re.MULTILINE)
    assert hint is not None and hint.group(1) == (
        "python3 dev.py shell --tenant acme --user alice"), result.stdout
    # The closing hint, run exactly as printed, from a shell without any environment active.
    look = subprocess.run(hint.group(1), shell=True, cwd=ROOT, text=True, capture_output=True,
                          input="list team\nlist at-risk\nshow #2\npeople\nleaderboard\n",
                          timeout=120,
                          env=without_venv(env_for(tmp_path)))
    assert look.returncode == 0, look.stdout[-3000:]
    assert "Everyone's milestones  (14)" in look.stdout
    assert "Overdue" in look.stdout and "Security review" in look.stdout
    assert "Comments" in look.stdout and "@bob" in look.stdout
    assert "Acme Robotics · professional plan · 5 of 25 people" in look.stdout
    # A running challenge: a leaderboard with last week's moves.
    assert "🏆 Q4 delivery" in look.stdout and "▲1" in look.stdout
    again = app(tmp_path, "demo")
    assert again.returncode != 0 and "already has people" in again.stderr


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serve_answers_health_readiness_and_metrics_and_stops_on_sigterm(
        tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "app.py", "serve"], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env_for(tmp_path, PORT="0", HOST="127.0.0.1"))
    seen: list[str] = []
    try:
        port = wait_for_port(process, seen)
        assert get(port, "/healthz") == (200, '{"status": "ok"}')
        status, body = get(port, "/readyz")
        assert status == 200 and '"database": true' in body
        status, body = get(port, "/metrics")
        assert status == 200 and 'cairn_http_requests_total{route="/readyz",status="200"}' in body
        assert "cairn_nudges_claimed_total" in body
        assert get(port, "/nowhere")[0] == 404
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=30)
        stderr = "".join(seen) + rest
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "stopped cleanly" in stderr
    assert "adapter shell: on" in stderr
    assert "adapter nudges: on" in stderr
    assert re.search(r"adapter slack: off \(.+\)", stderr)


def test_serve_on_a_taken_port_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "app.py", "serve"], cwd=ROOT, text=True,
                              capture_output=True, timeout=60,
                              env=env_for(tmp_path, PORT=str(port), HOST="127.0.0.1"))
    assert done.returncode != 0
    assert f"Error: cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_that_cannot_start_ends_with_one_line(tmp_path: Path) -> None:
    """A start-up that raises (here: a database restored without one of its tables) ends the
    process with one line, instead of leaving it up without a server (SQLite's connection
    thread kept it alive)."""
    assert app(tmp_path, "migrate").returncode == 0
    with sqlite3.connect(tmp_path / "cairn.sqlite3") as db:
        db.execute("DROP TABLE calendar_installation")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "app.py", "serve"], cwd=ROOT, text=True,
                          capture_output=True, timeout=60,
                          env=env_for(tmp_path, PORT="0", HOST="127.0.0.1"))
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if "Error" in line]
    assert errors == ["Error: Cairn could not start: the calendar-feeds adapter failed: "
                      "OperationalError: no such table: calendar_installation"], done.stderr
    assert "Traceback" not in done.stderr and "listening on" not in done.stderr
    assert time.monotonic() - started < 45


def test_the_cairn_console_script_is_installed_and_answers_help(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / ("cairn.exe" if os.name == "nt" else "cairn")
    assert script.exists(), "pyproject.toml declares [project.scripts] cairn"
    result = subprocess.run([str(script), "--help"], cwd=tmp_path, text=True,
                            capture_output=True, timeout=60, env=env_for(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Usage: cairn" in result.stdout
    for command in ("serve", "shell", "migrate", "demo", "nudge"):
        assert command in result.stdout


def test_the_readme_piped_example_works_as_written(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    example = next(line for line in readme.splitlines() if line.startswith("printf "))
    result = subprocess.run(example, shell=True, cwd=ROOT, text=True, capture_output=True,
                            timeout=120, env=without_venv(env_for(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("✅ Created goal #1"), result.stdout
    assert "Your milestones" in result.stdout


def test_every_command_the_readme_shows_is_one_cairn_has() -> None:
    from app import cli

    readme = (ROOT / "README.md").read_text()
    assert "python app.py" not in readme, "the README uses `python3 dev.py <command>`"
    shown = set(re.findall(r"python3 dev\.py ([a-z-]+)", readme))
    assert shown, "the README shows how to run Cairn"
    assert shown <= {*cli.commands, "test"}, shown - {*cli.commands, "test"}


def test_a_nudge_dry_run_names_the_workspace_of_each_person(tmp_path: Path) -> None:
    from datetime import date, timedelta

    from core.nudges.workweek import local_moment

    for slug in ("acme", "globex"):
        loaded = app(tmp_path, "demo", "--tenant", slug)
        assert loaded.returncode == 0, loaded.stderr[-3000:]
    today = date.today()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7) + timedelta(weeks=2)
    at = local_moment(monday, 9 * 60, "Europe/Berlin")
    result = app(tmp_path, "nudge", "--dry-run", "--at", f"{at:%Y-%m-%dT%H:%M}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "@alice (acme)  checkin" in result.stdout
    assert "@alice (globex)  checkin" in result.stdout
