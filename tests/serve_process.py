"""Waiting for `python app.py serve` to listen, never past a deadline.

A server that dies, or hangs without saying it listens, fails the test within the timeout with
what it printed, and is killed: a blocking read of its output would hang the suite instead.
"""

from __future__ import annotations

import asyncio
import queue
import re
import subprocess
import threading
import time

LISTENING = re.compile(r"listening on http://[^:]+:(\d+)")
START_S = 60.0


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
