"""Running `python app.py serve` as an operator does, and waiting for it to listen, never past
a deadline.

A server that dies, or hangs without saying it listens, fails the test within the timeout with
what it printed, and is killed: a blocking read of its output would hang the suite instead.
`served` runs one on a fresh SQLite file, with a workspace and an API token made in the shell.
"""

from __future__ import annotations

import asyncio
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

from bots.shell.session import ShellSession
from core.bus import Deps
from core.tenancy import Plan
from storage import open_database
from tests.databases import run_in_own_loop, seed_migrated_sqlite
from wiring.runtime import SystemClock

LISTENING = re.compile(r"listening on http://[^:]+:(\d+)")
START_S = 60.0
ROOT = Path(__file__).resolve().parents[1]
SECRET = re.compile(r"`(cairn_[A-Za-z0-9_-]{43})`")


def _failed(seen: list[str], within: float, code: int | None) -> AssertionError:
    why = f"exited with {code}" if code is not None else f"not listening after {within:.0f} s"
    return AssertionError(f"serve did not start ({why}):\n" + "".join(seen))


def wait_for_port(process: subprocess.Popen[str], seen: list[str], *,
                  within: float = START_S) -> int:
    """The port `serve` listens on, read from its stderr (text mode) into `seen`. Stops reading
    at that line, so `communicate()` gets the rest."""
    stream = process.stderr
    assert stream is not None
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:  # a blocking readline, in a thread the deadline does not wait for
        for line in iter(stream.readline, ""):
            lines.put(line)
            if LISTENING.search(line):
                return
        lines.put("")

    threading.Thread(target=read, daemon=True, name="serve stderr").start()
    deadline = time.monotonic() + within
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if not line:
            break
        seen.append(line)
        if match := LISTENING.search(line):
            return int(match.group(1))
    code = process.poll()
    if code is None:
        process.kill()
        process.wait(timeout=10)
    raise _failed(seen, within, code)


async def port_of(process: asyncio.subprocess.Process, seen: list[str], *,
                  within: float = START_S, stream: asyncio.StreamReader | None = None,
                  until: re.Pattern[str] = LISTENING) -> int:
    """The same for a process started with asyncio (its stderr unless `stream` is given):
    reads lines into `seen` until `until` matches one (group 1 is the port)."""
    pipe = stream if stream is not None else process.stderr
    assert pipe is not None
    try:
        async with asyncio.timeout(within):
            while line := (await pipe.readline()).decode():
                seen.append(line)
                if match := until.search(line):
                    return int(match.group(1))
            await process.wait()
    except TimeoutError:
        pass
    code = process.returncode
    if code is None:
        process.kill()
        await process.wait()
    raise _failed(seen, within, code)


@dataclass(frozen=True, slots=True)
class Served:
    """A running `serve`: its API's base URL and a token of the workspace's admin."""

    base: str
    token: str
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def environment(directory: Path, **extra: str) -> dict[str, str]:
    """An operator's environment around a SQLite file in `directory` (migrated already): no
    platform is configured, so only the shell, the API and the background jobs run."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "GOOGLE_", "MICROSOFT_", "TEAMS_", "CAIRN_"))}
    database = directory / "cairn.sqlite3"
    seed_migrated_sqlite(database)
    env.update(DATABASE_URL=f"sqlite://{database}", PYTHONUNBUFFERED="1", TZ="UTC",
               CAIRN_FILES_DIR=str(directory / "files"), **extra)
    return env


async def _seed(url: str, *, people: tuple[str, ...], plan: str) -> str:
    """The workspace and a token, typed into a shell session on the database serve will use;
    the token's secret."""
    database = await open_database(url, migrate=False)
    try:
        session = await ShellSession.open(Deps(uow=database.unit_of_work(), clock=SystemClock()),
                                          tenant="acme", user="alice", plan=Plan(plan))
        said = ""
        for line in [*(f"as @{who}" for who in people), "as @alice", 'token new "Served" write']:
            answer = await session.answer(line)
            assert answer is not None and answer.ok, (line, answer)
            said = answer.text
    finally:
        await database.close()
    found = SECRET.search(said)
    assert found, said
    return found.group(1)


def _port_in(log: Path, process: subprocess.Popen[bytes], within: float) -> int:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and process.poll() is None:
        if match := LISTENING.search(log.read_text(errors="replace")):
            return int(match.group(1))
        time.sleep(0.05)
    code = process.poll()
    if code is None:
        process.kill()
        process.wait(timeout=10)
    raise _failed([log.read_text(errors="replace")], within, code)


@contextmanager
def served(directory: Path, *, people: tuple[str, ...] = ("bob",), plan: str = "enterprise",
           **settings: str) -> Iterator[Served]:
    """`serve` on a free port over a fresh SQLite file in `directory`, with the workspace
    `acme` on `plan`, of alice (its first person, so its admin) and `people`, and a `write`
    token of alice's. Its log goes to a file (a pipe nobody reads would fill and stall it). It
    gets SIGTERM at the end, and is killed if it has not stopped 30 s later."""
    env = environment(directory, CAIRN_SECRET_KEY=Fernet.generate_key().decode(),
                      HOST="127.0.0.1", PORT="0", **settings)
    token = run_in_own_loop(lambda: _seed(env["DATABASE_URL"], people=people, plan=plan))
    log = directory / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "app.py", "serve"], cwd=ROOT, env=env,
                                   stdout=sink, stderr=subprocess.STDOUT)
    try:
        port = _port_in(log, process, START_S)
        yield Served(base=f"http://127.0.0.1:{port}/api/v1", token=token, log=log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
