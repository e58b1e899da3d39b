"""Reports wired: rows from the database, charts drawn in a worker process, files in a folder,
served at signed, expiring addresses (`/files/<token>/<name>?expires=…&sig=…`)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from core.ports import Clock
from core.reports.ports import ReportTools
from integrations.charts.renderer import ProcessChartRenderer
from integrations.exports.links import FileLinks
from integrations.exports.store import FolderFileStore
from storage import Database
from storage.reports import TortoiseReportSources
from storage.reports.schedules import TortoiseReportSchedules
from wiring.scheduler import PeriodicJob
from wiring.settings import Settings

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from aiohttp import web


def report_tools(settings: Settings, database: Database) -> tuple[ReportTools,
                                                                    ProcessChartRenderer]:
    """The tools, and the renderer to close on shutdown (its worker starts on the first chart)."""
    renderer = ProcessChartRenderer()
    tools = ReportTools(sources=TortoiseReportSources(database.unit_of_work()),
                        renderer=renderer,
                        schedules=TortoiseReportSchedules(database.unit_of_work()),
                        files=FolderFileStore(Path(settings.cairn_files_dir).resolve(),
                                              FileLinks(settings.public_url, _secret(settings))))
    return tools, renderer


def _secret(settings: Settings) -> bytes:
    """Links signed with a key derived from CAIRN_SECRET_KEY outlive a restart; without one,
    a key of this process's (links stop working when it stops)."""
    if settings.cairn_secret_key is not None:
        key = settings.cairn_secret_key.get_secret_value().split(",")[0].strip()
        return hashlib.sha256(b"cairn file links\0" + key.encode()).digest()
    return secrets.token_bytes(32)


def add_file_route(app: web.Application, store: FolderFileStore, clock: Clock) -> None:
    from aiohttp import web

    async def serve_file(request: web.Request) -> web.StreamResponse:
        token, name = request.match_info["token"], request.match_info["name"]
        links = store.links
        if links is None or not links.valid(token, name, request.query.get("expires", ""),
                                             request.query.get("sig", ""), clock.now()):
            raise web.HTTPForbidden(text="This address is wrong or has expired: ask Cairn "
                                         "for the chart or export again.\n")
        path = store.find(token, name)
        if path is None:
            raise web.HTTPNotFound(text="That file is no longer here.\n")
        kind = "inline" if name.endswith(".png") else "attachment"
        return web.FileResponse(path, headers={
            "Content-Disposition": f'{kind}; filename="{name}"',
            "Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"})

    app.router.add_get("/files/{token}/{name}", serve_file)


def files_cleanup_job(store: FolderFileStore, clock: Clock, keep: timedelta) -> PeriodicJob:
    """Every hour: the charts and exports older than `keep` (CAIRN_FILES_KEEP_DAYS) removed."""

    async def clean() -> int:
        removed = await store.remove_older_than(clock.now() - keep)
        if removed:
            logger.info("removed %d chart and export files older than %s", removed, keep)
        return removed

    return PeriodicJob("reports:files", timedelta(hours=1), clean)
