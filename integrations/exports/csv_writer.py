"""CSV: one row per milestone, UTF-8 with a byte order mark (so Excel reads any script), ISO
dates, progress as a whole percent, and nothing a spreadsheet could run."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

from core.reports.exports import (
    MILESTONE_COLUMNS,
    Cell,
    Column,
    ColumnType,
    ExportRow,
    ExportSummary,
    SummaryImages,
    UpdateRow,
)
from core.reports.ports import ImageSizes
from integrations.exports.cells import neutralised, person
from integrations.exports.files import PendingFile

MEDIA_TYPE = "text/csv; charset=utf-8"


def header(column: Column) -> str:
    return f"{column.header} (%)" if column.type == ColumnType.PERCENT else column.header


def csv_cell(column: Column, value: Cell) -> str:
    if value is None:
        return ""
    if column.type == ColumnType.PERSON:
        return person(str(value))
    if column.type == ColumnType.FLAG:
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return neutralised(str(value))


class CsvExportWriter:
    """`ExportWriter` for CSV: a CSV holds one table, the milestones; each row is written as it
    comes (the file's buffer is all that is held)."""

    images: ImageSizes | None = None

    def __init__(self, target: Path) -> None:
        self._pending = PendingFile(target)
        self._file = self._pending.path.open("w", encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow([header(column) for column in MILESTONE_COLUMNS])

    def add_milestone(self, row: ExportRow) -> None:
        self._csv.writerow([csv_cell(column, value)
                            for column, value in zip(MILESTONE_COLUMNS, row.cells(), strict=True)])

    def add_update(self, row: UpdateRow) -> None:
        """Check-ins go to the XLSX's second sheet; a CSV has no room for them."""

    def finish(self, summary: ExportSummary, images: SummaryImages | None) -> None:
        self._file.close()
        self._pending.commit()

    def abort(self) -> None:
        self._file.close()
        self._pending.discard()
