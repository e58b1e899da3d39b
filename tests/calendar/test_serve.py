"""`python app.py` as an operator runs it with Google Calendar configured: real processes,
a real SQLite file, the fake Google over HTTP, and the feed fetched from `serve`."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from tests.google_calendar_fake import FakeGoogleCalendar
from tests.shell.test_cli import ROOT, env_for, get

SHARED_ID = "deadlines@group.calendar.google.com"


async def _shell(tmp_path: Path, env: dict[str, str], script: str) -> str:
    result = await asyncio.to_thread(
        subprocess.run, [sys.executable, "app.py", "shell", "--tenant", "acme", "--user",
                         "alice", "--tz", "Europe/Berlin"], cwd=ROOT, input=script,
        capture_output=True, text=True, timeout=120, check=False, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


async def _started(process: subprocess.Popen[str], seen: list[str]) -> int:
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = await asyncio.to_thread(process.stderr.readline)
        seen.append(line)
        if match := re.search(r"listening on http://[^:]+:(\d+)", line):
            return int(match.group(1))
        if process.poll() is not None:
            break
    raise AssertionError("serve did not start:\n" + "".join(seen))


async def test_serve_syncs_to_google_and_serves_feeds(tmp_path: Path) -> None:
    fake = FakeGoogleCalendar()
    await fake.start()
    fake.add_calendar(SHARED_ID)
    env = env_for(tmp_path, GOOGLE_APPLICATION_CREDENTIALS=str(fake.credentials_file(tmp_path)),
                  GOOGLE_CALENDAR_ID=SHARED_ID, GOOGLE_API_URL=fake.url, PORT="0",
                  HOST="127.0.0.1", PUBLIC_URL="http://cairn.test")
    try:
        said = await _shell(tmp_path, env, 'goal "Ship v2" due:2026-12-31 17:00\n'
                                           "calendar status\ncalendar feed\n")
        assert "📅 Calendar sync is on" in said
        assert f"→ the shared calendar {SHARED_ID}" in said
        assert "⏳ 1 change waiting" in said  # written in the shell, sent by serve
        feed = re.search(r"http://cairn\.test(/calendar/[A-Za-z0-9_-]+\.ics)", said)
        assert feed is not None, said
        process = await asyncio.to_thread(
            subprocess.Popen, [sys.executable, "app.py", "serve"], cwd=ROOT, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        seen: list[str] = []
        try:
            port = await _started(process, seen)
            for _ in range(100):  # the outbox relay runs every few seconds
                if fake.live_events(SHARED_ID):
                    break
                await asyncio.sleep(0.2)
            (event,) = fake.live_events(SHARED_ID)
            assert event["summary"] == "Goal #1: Ship v2"
            assert event["start"]["timeZone"] == "Europe/Berlin"
            async with aiohttp.ClientSession() as session:
                url = f"http://127.0.0.1:{port}"
                async with session.get(url + feed.group(1)) as response:
                    assert response.status == 200
                    assert b"SUMMARY:Goal #1: Ship v2" in await response.read()
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
        said = await _shell(tmp_path, env, "calendar status\n")
        assert "1 event in calendars" in said and "Nothing waiting" in said
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
