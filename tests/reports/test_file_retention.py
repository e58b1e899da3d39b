"""Charts and exports do not pile up: the signed `/files` address stops working after its
time, and the hourly job removes the files older than the retention (over real HTTP)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer

from integrations.exports.links import DEFAULT_TTL, FileLinks
from integrations.exports.store import FolderFileStore
from tests.fakes import FrozenClock
from wiring.reports import add_file_route, files_cleanup_job

PUBLIC = "https://cairn.example.com"


def exists(location: str) -> bool:
    return Path(location).exists()


async def test_links_expire_and_old_files_are_removed(tmp_path: Path) -> None:
    clock = FrozenClock(datetime.now(UTC).isoformat())  # files carry the real time
    store = FolderFileStore(tmp_path / "files", FileLinks(PUBLIC, b"k" * 32))
    app = web.Application()
    add_file_route(app, store, clock)
    old = await store.save(b"\x89PNG old", "image/png", "cairn", "burnup", "#1")
    fresh = await store.save(b"\x89PNG fresh", "image/png", "cairn", "status")
    stray = tmp_path / "files" / "not-a-token"  # nothing the store made: never touched
    stray.mkdir()
    (tmp_path / "files" / "README").write_text("mine")
    ten_days_ago = (clock.now() - timedelta(days=10)).timestamp()
    for path in (Path(old.location), Path(old.location).parent, stray):
        os.utime(path, (ten_days_ago, ten_days_ago))
    address = store.address(fresh, clock.now()).removeprefix(PUBLIC)

    async with TestServer(app) as server, ClientSession(str(server.make_url("/"))) as http:
        async with http.get(address) as served:
            assert served.status == 200 and await served.read() == b"\x89PNG fresh"
        async with http.get(address.replace("sig=", "sig=0")) as tampered:
            assert tampered.status == 403
        clock.advance(seconds=DEFAULT_TTL.total_seconds() + 1)
        async with http.get(address) as late:
            assert late.status == 403 and "expired" in await late.text()

        clock.set(datetime.now(UTC))
        job = files_cleanup_job(store, clock, keep=timedelta(days=8))
        assert await job.run() == 1
        assert not exists(old.location) and exists(fresh.location)
        assert stray.is_dir() and (tmp_path / "files" / "README").exists()
        again = store.address(old, clock.now()).removeprefix(PUBLIC)
        async with http.get(again) as gone:  # a valid address to a removed file
            assert gone.status == 404
        assert await job.run() == 0
