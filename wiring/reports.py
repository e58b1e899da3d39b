"""Reports wired: rows from the database, charts drawn in a worker process, files in a folder."""

from __future__ import annotations

from pathlib import Path

from core.reports.ports import ReportTools
from integrations.charts.renderer import ProcessChartRenderer
from integrations.exports.store import FolderFileStore
from storage import Database
from storage.reports import TortoiseReportSources
from wiring.settings import Settings


def report_tools(settings: Settings, database: Database) -> tuple[ReportTools,
                                                                    ProcessChartRenderer]:
    """The tools, and the renderer to close on shutdown (its worker starts on the first chart)."""
    renderer = ProcessChartRenderer()
    tools = ReportTools(sources=TortoiseReportSources(database.unit_of_work()),
                        renderer=renderer,
                        files=FolderFileStore(Path(settings.cairn_files_dir).resolve()))
    return tools, renderer
