"""The benches' server processes: started, read until they say which port they listen on
(never past a deadline), and stopped."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_S = 60


async def start(args: list[str], ready: re.Pattern[str], *, env: dict[str, str] | None = None,
                stream: str = "stdout", cwd: Path = ROOT) -> tuple[asyncio.subprocess.Process,
                                                                  int]:
    """Starts `args` in `cwd` and waits until a line of its `stream` matches `ready` (group 1:
    the port). A server that exits or stays silent for a minute is killed and ends the bench
    with what it said."""
    process = await asyncio.create_subprocess_exec(
        *args, cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    pipe = process.stdout if stream == "stdout" else process.stderr
    assert pipe is not None
    seen = []
    try:
        async with asyncio.timeout(START_S):
            while line := (await pipe.readline()).decode():
                seen.append(line)
                if match := ready.search(line):
                    _READERS.append(asyncio.ensure_future(_drain(pipe)))  # keeps it flowing
                    return process, int(match.group(1))
    except TimeoutError:
        seen.append(f"(nothing more after {START_S} s)\n")
    if process.returncode is None:
        process.kill()
    await process.wait()
    raise SystemExit(f"a server did not start ({' '.join(args[-2:])}):\n" + "".join(seen))


_READERS: list[asyncio.Future[None]] = []


async def _drain(pipe: asyncio.StreamReader) -> None:
    while await pipe.readline():
        pass


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        await process.wait()
