"""`python app.py` as an operator runs it with Google Calendar configured: real processes,
a real SQLite file, the fake Google over HTTP, and the feed fetched from `serve`.

Only `serve` has the Google settings and PUBLIC_URL; the shells people type in have neither,
and what they change still reaches Google, and the addresses they are given are serve's."""

from __future__ import annotations

import asyncio
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp

from tests.google_calendar_fake import FakeGoogleCalendar
from tests.serve_process import wait_for_port
from tests.shell.test_cli import ROOT, env_for, get

SHARED_ID = "deadlines@group.calendar.google.com"
FEED = re.compile(r"(https?://[a-z0-9.:]+)(/calendar/[A-Za-z0-9_-]+\.ics)")


async def _shell(tmp_path: Path, script: str, tenant: str = "acme") -> str:
    """A shell in another terminal: no Google settings, no PUBLIC_URL."""
    result = await asyncio.to_thread(
        subprocess.run, [sys.executable, "app.py", "shell", "--tenant", tenant, "--user",
                         "alice", "--tz", "Europe/Berlin"], cwd=ROOT, input=script,
        capture_output=True, text=True, timeout=120, check=False, env=env_for(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


async def _started(process: subprocess.Popen[str], seen: list[str]) -> int:
    return await asyncio.to_thread(wait_for_port, process, seen)


async def _until(what: str, check: Callable[[], object]) -> None:
    for _ in range(150):  # the calendar job runs every 5 seconds
        if check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"never happened: {what}")


async def test_changes_from_a_shell_without_google_reach_google_through_serve(
        tmp_path: Path) -> None:
    fake = FakeGoogleCalendar()
    await fake.start()
    fake.add_calendar(SHARED_ID)
    serve_env = env_for(tmp_path, GOOGLE_APPLICATION_CREDENTIALS=str(
        fake.credentials_file(tmp_path)), GOOGLE_CALENDAR_ID=SHARED_ID,
        GOOGLE_API_URL=fake.url, PORT="0", HOST="127.0.0.1", PUBLIC_URL="http://cairn.test")
    try:
        said = await _shell(tmp_path, 'goal "Ship v2" due:2026-12-31 17:00\n'
                                      "calendar status\ncalendar feed\n")
        assert "📅 Calendar sync is off" in said  # no serve with Google has run yet
        assert "Google Calendar is not configured for this installation" in said
        assert "⏳ 1 change waiting" in said  # written here all the same, for serve to send
        assert "No serve has run yet" in said and "start `serve` with PUBLIC_URL set" in said
        early = FEED.search(said)
        assert early is not None and early.group(1) == "http://localhost:3000", said
        process = await asyncio.to_thread(
            subprocess.Popen, [sys.executable, "app.py", "serve"], cwd=ROOT, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=serve_env)
        seen: list[str] = []
        try:
            port = await _started(process, seen)
            await _until("the goal reaches Google", lambda: fake.live_events(SHARED_ID))
            (event,) = fake.live_events(SHARED_ID)
            assert event["summary"] == "Goal #1: Ship v2"
            assert event["start"]["timeZone"] == "Europe/Berlin"
            # Another terminal, while serve runs: its default PUBLIC_URL is not serve's.
            said = await _shell(tmp_path, "calendar status\ncalendar feed\ndone #1\n")
            assert "📅 Calendar sync is on" in said
            assert f"→ the shared calendar {SHARED_ID}" in said
            feed = FEED.search(said)
            assert feed is not None and feed.group(1) == "http://cairn.test", said
            assert "No serve has run yet" not in said
            await _until("the ✅ of done reaches Google", lambda: [
                e for e in fake.live_events(SHARED_ID) if e["summary"].startswith("✅")])
            async with aiohttp.ClientSession() as session:
                url = f"http://127.0.0.1:{port}"
                for path in (feed.group(2), early.group(2)):  # the early one works too
                    async with session.get(url + path) as response:
                        assert response.status == 200
                        assert "SUMMARY:✅ Goal #1: Ship v2" in (await response.read()).decode()
                async with session.post(url + "/google/notifications") as response:
                    assert response.status == 404  # no channel: polling only on http
            process.send_signal(signal.SIGTERM)
            _, rest = await asyncio.to_thread(process.communicate, timeout=30)
            log = "".join(seen) + rest
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == 0, log
        assert "adapter google-calendar: on (deadlines go to deadlines@" in log
        assert "adapter calendar-feeds: on" in log
        said = await _shell(tmp_path, "calendar status\n")
        assert "1 event in calendars" in said and "Nothing waiting" in said
        # Another workspace of the same Cairn: the calendar holds acme's deadlines only.
        other = await _shell(tmp_path, "calendar status\n", tenant="globex")
        assert "→ nowhere yet: the installation's calendar holds another workspace's" in other
        assert "calendar shared <its calendar id>" in other
        # The addresses given out are nowhere in the database.
        with sqlite3.connect(tmp_path / "cairn.sqlite3") as db:
            stored = repr(db.execute("SELECT * FROM calendar_feeds").fetchall())
        tokens = [m.group(2)[10:-4] for m in (early, feed)]
        assert all(len(token) >= 43 for token in tokens)
        assert not any(token in stored for token in tokens), stored
    finally:
        await fake.close()


def test_a_broken_key_leaves_google_off_and_serve_up(tmp_path: Path) -> None:
    (tmp_path / "key.json").write_text("{not json")
    process = subprocess.Popen(
        [sys.executable, "app.py", "serve"], cwd=ROOT, text=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=env_for(tmp_path, PORT="0", HOST="127.0.0.1",
                                            GOOGLE_APPLICATION_CREDENTIALS=str(
                                                tmp_path / "key.json"),
                                            GOOGLE_CALENDAR_ID=SHARED_ID))
    seen: list[str] = []
    try:
        port = asyncio.run(_started(process, seen))
        # serving: it answers (and has its signal handlers by now)
        assert get(port, "/healthz")[0] == 200
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    log = "".join(seen) + rest
    assert process.returncode == 0, log
    assert "Google Calendar stays off: GOOGLE_APPLICATION_CREDENTIALS:" in log
    assert "is not a service account key" in log and "Traceback" not in log
