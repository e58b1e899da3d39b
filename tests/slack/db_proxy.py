"""A TCP proxy between Cairn and PostgreSQL, to take the database away from a running Cairn the
way an outage does: refuse every connection (`cut`), hang without an answer (`stall`), or go
away right after a transaction that wrote a given table committed (`cut_after_commit`).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from urllib.parse import urlsplit, urlunsplit

# PostgreSQL's extended protocol as asyncpg speaks it: a statement is prepared once per
# connection (Parse: its name, then its SQL) and run by name (Bind: a portal, then the name).
PARSE = re.compile(rb'P.{4}([^\x00]*)\x00INSERT INTO "(\w+)"', re.DOTALL)
BIND = re.compile(rb"B.{4}[^\x00]*\x00([^\x00]*)\x00", re.DOTALL)


class DatabaseProxy:
    def __init__(self, target_url: str) -> None:
        parts = urlsplit(target_url)
        self._target_url = target_url
        self._target = (parts.hostname or "127.0.0.1", parts.port or 5432)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._table: bytes | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The target's URL, through the proxy."""
        parts = urlsplit(self._target_url)
        netloc = parts.netloc.rsplit("@", 1)
        host = f"127.0.0.1:{self.port}"
        return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2
                                         else host))

    async def start(self) -> DatabaseProxy:
        self._server = await asyncio.start_server(self._connected, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def cut(self) -> None:
        """PostgreSQL is gone: connections are refused, open ones are closed."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()
        self._flowing.set()

    def stall(self) -> None:
        """Nothing answers any more (a server that hangs, a network that drops packets)."""
        self._flowing.clear()

    def cut_after_commit(self, table: str) -> None:
        """Cuts once a transaction that inserted into `table` has committed and the client
        used its connection once more (the pool's reset when it takes the connection back), so
        the change is saved, the client knows it, and what follows finds no database."""
        self._table = table.encode()

    async def restore(self) -> None:
        await self.cut()
        self._flowing.set()
        await self.start()

    async def close(self) -> None:
        await self.cut()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _connected(self, reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, upstream_writer}
        state = _Connection()
        for pump in (self._pump(reader, upstream_writer, state, upward=True),
                     self._pump(upstream_reader, writer, state, upward=False)):
            task = asyncio.ensure_future(pump)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    state: _Connection, *, upward: bool) -> None:
        try:
            while data := await reader.read(65536):
                await self._flowing.wait()
                if writer.is_closing():
                    break
                if upward:
                    state.watch(data, self._table)
                writer.write(data)
                await writer.drain()
                if not upward and state.answered(data):
                    self._table = None
                    await self.cut()
                    break
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()


class _Connection:
    """What one client connection did: which prepared statements insert into which table,
    and whether the transaction under way wrote to the table being watched."""

    def __init__(self) -> None:
        self.inserts: dict[bytes, bytes] = {}
        self.wrote = False
        self.committing = False
        self.committed = False

    def watch(self, data: bytes, table: bytes | None) -> None:
        for match in PARSE.finditer(data):
            self.inserts[match.group(1)] = match.group(2)
        if table is None:
            return
        if any(self.inserts.get(m.group(1)) == table for m in BIND.finditer(data)):
            self.wrote = True
        if self.wrote and b"COMMIT" in data:
            self.committing = True

    def answered(self, data: bytes) -> bool:
        """Whether this answer from the server is the one after the commit's."""
        if self.committed:
            return True
        if self.committing and b"COMMIT\x00" in data:
            self.committed = True
        return False
