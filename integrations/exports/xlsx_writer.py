"""XLSX with XlsxWriter in constant-memory mode: each row goes to disk as soon as the next one
starts, so a workbook of any size holds one row in memory.

Sheets: `Summary` (the report's figures, the top risks, the goals and a native burn-up chart),
`Milestones` (one row per milestone: filters, a frozen header, dates as dates, progress from 0
to 1 in a percent format, statuses coloured) and `Updates` (the period's check-ins). Text is
always written as text, never as a formula, and neutralised like the CSV's.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from core.reports.card import Unit
from core.reports.exports import (
    MILESTONE_COLUMNS,
    UPDATE_COLUMNS,
    Cell,
    Column,
    ColumnType,
    ExportRow,
    ExportSummary,
    SummaryImages,
    UpdateRow,
)
from core.reports.ports import ImageSizes
from integrations.charts import palette
from integrations.exports.cells import neutralised, person
from integrations.exports.files import PendingFile

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0%"


class XlsxExportWriter:
    """`ExportWriter` for XLSX."""

    images: ImageSizes | None = None

    def __init__(self, target: Path, *, scratch: Path | None = None) -> None:
        self._pending = PendingFile(target)
        # XlsxWriter keeps each sheet's rows in a file of its own until `close`; a directory of
        # ours (in `scratch`, the system's temporary directory by default) holds them, so an
        # aborted export removes them all.
        self._rows_dir = tempfile.TemporaryDirectory(prefix="cairn-xlsx-", dir=scratch,
                                                     ignore_cleanup_errors=True)
        self._book = xlsxwriter.Workbook(str(self._pending.path), {
            "constant_memory": True,
            "tmpdir": self._rows_dir.name,
            # Text stays text: never guessed into a formula, a number or a link.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        })
        book = self._book
        self._formats = {
            "header": book.add_format({"bold": True, "bg_color": "#F0F2F5",
                                       "bottom": 1, "border_color": palette.GRID}),
            ColumnType.DATE: book.add_format({"num_format": DATE_FORMAT}),
            ColumnType.DATETIME: book.add_format({"num_format": DATETIME_FORMAT}),
            ColumnType.PERCENT: book.add_format({"num_format": PERCENT_FORMAT}),
            "title": book.add_format({"bold": True, "font_size": 16}),
            "muted": book.add_format({"font_color": palette.MUTED}),
            "section": book.add_format({"bold": True, "font_size": 12}),
            Unit.COUNT: book.add_format({"num_format": "0"}),
            Unit.SHARE: book.add_format({"num_format": PERCENT_FORMAT}),
            Unit.HOURS: book.add_format({"num_format": '0.0 "h"'}),
        }
        self._summary = book.add_worksheet("Summary")
        self._milestones = self._table(book.add_worksheet("Milestones"), MILESTONE_COLUMNS)
        self._updates = self._table(book.add_worksheet("Updates"), UPDATE_COLUMNS)
        self._milestone_rows = 0
        self._update_rows = 0

    def add_milestone(self, row: ExportRow) -> None:
        self._milestone_rows += 1
        self._write_row(self._milestones, self._milestone_rows, MILESTONE_COLUMNS, row.cells())

    def add_update(self, row: UpdateRow) -> None:
        self._update_rows += 1
        self._write_row(self._updates, self._update_rows, UPDATE_COLUMNS, row.cells())

    def finish(self, summary: ExportSummary, images: SummaryImages | None) -> None:
        last_column = len(MILESTONE_COLUMNS) - 1
        self._milestones.autofilter(0, 0, self._milestone_rows, last_column)
        self._colour_statuses(self._milestone_rows)
        self._updates.autofilter(0, 0, self._update_rows, len(UPDATE_COLUMNS) - 1)
        _SummarySheet(self._book, self._summary, self._formats).write(summary)
        self._summary.activate()
        try:
            self._book.close()
        finally:
            self._rows_dir.cleanup()
        self._pending.commit()

    def abort(self) -> None:
        self._rows_dir.cleanup()
        self._pending.discard()

    def _table(self, sheet: Worksheet, columns: Sequence[Column]) -> Worksheet:
        for index, column in enumerate(columns):
            sheet.set_column(index, index, column.width)
            sheet.write_string(0, index, column.header, self._formats["header"])
        sheet.freeze_panes(1, 0)
        return sheet

    def _write_row(self, sheet: Worksheet, row: int, columns: Sequence[Column],
                   values: Sequence[Cell]) -> None:
        for index, (column, value) in enumerate(zip(columns, values, strict=True)):
            _write_cell(sheet, row, index, column.type, value, self._formats)

    def _colour_statuses(self, rows: int) -> None:
        if rows == 0:
            return
        status = next(i for i, c in enumerate(MILESTONE_COLUMNS) if c.key == "status")
        progress = next(i for i, c in enumerate(MILESTONE_COLUMNS) if c.key == "progress")
        for state, fill in palette.STATUS_FILLS.items():
            colour = self._book.add_format({"bg_color": fill,
                                            "font_color": palette.STATUS_COLOURS[state]})
            self._milestones.conditional_format(1, status, rows, status, {
                "type": "cell", "criteria": "==", "value": f'"{state.label}"',
                "format": colour})
        self._milestones.conditional_format(1, progress, rows, progress, {
            "type": "data_bar", "bar_color": palette.ACCENT, "bar_solid": True,
            "min_type": "num", "min_value": 0, "max_type": "num", "max_value": 1})


def _write_cell(sheet: Worksheet, row: int, column: int, kind: ColumnType, value: Cell,
                formats: dict[Any, Format]) -> None:
    if value is None or value == "":
        return
    if kind == ColumnType.PERCENT and isinstance(value, int):
        sheet.write_number(row, column, value / 100, formats[ColumnType.PERCENT])
    elif kind == ColumnType.FLAG:
        sheet.write_string(row, column, "yes" if value else "no")
    elif kind == ColumnType.PERSON:
        sheet.write_string(row, column, person(str(value)))
    elif isinstance(value, datetime):
        sheet.write_datetime(row, column, value, formats[ColumnType.DATETIME])
    elif isinstance(value, date):
        sheet.write_datetime(row, column, value, formats[ColumnType.DATE])
    elif isinstance(value, int):
        sheet.write_number(row, column, value)
    else:
        sheet.write_string(row, column, neutralised(str(value)))


class _SummarySheet:
    """The Summary sheet, written top to bottom (constant memory allows no going back)."""

    def __init__(self, book: xlsxwriter.Workbook, sheet: Worksheet,
                 formats: dict[Any, Format]) -> None:
        self._book, self._sheet, self._formats = book, sheet, formats
        self._row = 0

    def write(self, summary: ExportSummary) -> None:
        sheet, formats = self._sheet, self._formats
        for index, width in enumerate((10, 44, 14, 14, 26, 30)):
            sheet.set_column(index, index, width)
        sheet.write_string(0, 0, neutralised(summary.title), formats["title"])
        sheet.write_string(1, 0, summary.period, formats["muted"])
        sheet.write_string(2, 0, summary.generated, formats["muted"])
        self._row = 4
        self._header(["Figure", "Value", summary.card.compared_with.capitalize() or "Before",
                      "Change"], first_column=1)
        for figure in summary.figures:
            number_format = formats[figure.unit]
            sheet.write_string(self._row, 1, figure.label)
            for column, value in ((2, figure.value), (3, figure.previous)):
                if value is not None:
                    sheet.write_number(self._row, column, value, number_format)
            sheet.write_string(self._row, 4, figure.change)
            self._row += 1
        self._lines("Top risks", summary.top_risks)
        self._lines("Goals", summary.card.goals)
        self._burnup(summary)

    def _header(self, names: Sequence[str], first_column: int = 0) -> None:
        for index, name in enumerate(names):
            self._sheet.write_string(self._row, first_column + index, name,
                                     self._formats["header"])
        self._row += 1

    def _lines(self, title: str, lines: Sequence[Any]) -> None:
        self._row += 1
        self._sheet.write_string(self._row, 0, title, self._formats["section"])
        self._row += 1
        if not lines:
            self._sheet.write_string(self._row, 0, "None", self._formats["muted"])
            self._row += 1
            return
        self._header(["Number", "Title", "Owner", "Status", "Progress", "Note"])
        for line in lines:
            sheet = self._sheet
            sheet.write_number(self._row, 0, int(line.ref.lstrip("#")))
            sheet.write_string(self._row, 1, neutralised(line.title))
            sheet.write_string(self._row, 2, person(line.owner))
            sheet.write_string(self._row, 3, line.status.label)
            sheet.write_number(self._row, 4, line.percent / 100,
                               self._formats[ColumnType.PERCENT])
            sheet.write_string(self._row, 5, line.note)
            self._row += 1

    def _burnup(self, summary: ExportSummary) -> None:
        """The burn-up's points as a table under the rest, drawn as a native line chart."""
        burnup, sheet = summary.burnup, self._sheet
        self._row += 1
        sheet.write_string(self._row, 0, "Burn-up", self._formats["section"])
        self._row += 1
        self._header(["Date", "Progress", "Ideal date", "Ideal"])
        first = self._row
        ideal = list(burnup.ideal or ())
        for index, (day, value) in enumerate(burnup.actual):
            sheet.write_datetime(self._row, 0, day, self._formats[ColumnType.DATE])
            sheet.write_number(self._row, 1, value / 100, self._formats[ColumnType.PERCENT])
            if index < len(ideal):
                sheet.write_datetime(self._row, 2, ideal[index][0],
                                     self._formats[ColumnType.DATE])
                sheet.write_number(self._row, 3, ideal[index][1] / 100,
                                   self._formats[ColumnType.PERCENT])
            self._row += 1
        last = self._row - 1
        chart = self._book.add_chart({"type": "scatter", "subtype": "straight"})
        chart.add_series({"name": "Progress", "categories": ["Summary", first, 0, last, 0],
                          "values": ["Summary", first, 1, last, 1],
                          "line": {"color": palette.ACCENT, "width": 2.25}})
        if len(ideal) == 2 and len(burnup.actual) >= 2:
            chart.add_series({"name": "Ideal", "categories": ["Summary", first, 2, first + 1, 2],
                              "values": ["Summary", first, 3, first + 1, 3],
                              "line": {"color": palette.IDEAL, "dash_type": "dash"}})
        chart.set_title({"name": burnup.title, "name_font": {"size": 12}})
        chart.set_x_axis({"num_format": "d mmm", "major_gridlines": {"visible": False}})
        chart.set_y_axis({"min": 0, "max": 1, "num_format": PERCENT_FORMAT,
                          "major_gridlines": {"visible": True,
                                              "line": {"color": palette.GRID}}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 640, "height": 320})
        sheet.insert_chart(4, 6, chart)
