"""The export formats by the name people type (`export csv|xlsx|pdf`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.reports.ports import ExportWriter
from integrations.exports import csv_writer, pdf_writer, xlsx_writer


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    extension: str
    media_type: str
    open: Callable[[Path], ExportWriter]


FORMATS = {
    "csv": ExportFormat("csv", "csv", csv_writer.MEDIA_TYPE, csv_writer.CsvExportWriter),
    "xlsx": ExportFormat("xlsx", "xlsx", xlsx_writer.MEDIA_TYPE, xlsx_writer.XlsxExportWriter),
    "pdf": ExportFormat("pdf", "pdf", pdf_writer.MEDIA_TYPE, pdf_writer.PdfExportWriter),
}
