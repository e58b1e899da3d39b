"""Every export file, written through the streamed export and parsed back: CSV with `csv`,
XLSX with openpyxl, PDF with pypdf, compared with the rows that went in."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from pypdf import PdfReader

from core.model import Kind, Status
from core.reports.exporting import write_export
from core.reports.exports import export_row
from core.reports.inputs import CompanyScope, ReportMilestone, ReportUpdate
from core.reports.periods import PeriodKind, current_period
from integrations.charts.renderer import ProcessChartRenderer
from integrations.exports.formats import FORMATS
from integrations.exports.pdf_writer import BURNUP, STATUS
from integrations.exports.xlsx_writer import XlsxExportWriter
from tests.reports import scenario
from tests.reports.builders import NOW, milestone
from tests.reports.fakes import InMemoryReportSource
from tests.reports.pictures import looks_drawn

# openpyxl drops the data bars' Excel 2010 extension it cannot read; Excel reads them.
pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")

HOSTILE_TITLES = ["=1+1", "+SUM(A1:A9)", "-20% costs", "@here", "\tTabbed", "\rReturn",
                  "-5", "+3.5", "1e3", "Plain title"]
NEUTRALISED = ["'=1+1", "'+SUM(A1:A9)", "'-20% costs", "'@here", "'\tTabbed", "'\rReturn",
               "-5", "+3.5", "1e3", "Plain title"]


@pytest.fixture(scope="module")
def renderer() -> Iterator[ProcessChartRenderer]:
    charts = ProcessChartRenderer()
    yield charts
    asyncio.run(charts.close())


async def export(kind: str, folder: Path, renderer: ProcessChartRenderer, *,
                 milestones: Sequence[ReportMilestone] | None = None,
                 updates: Sequence[ReportUpdate] | None = None,
                 tenant: str = "Acme Robotics") -> Path:
    target = folder / f"export.{FORMATS[kind].extension}"
    source = InMemoryReportSource(
        scenario.milestones() if milestones is None else milestones,
        scenario.updates() if updates is None else updates, scenario.checkins())
    await write_export(source=source, scope=CompanyScope(), now=NOW, tenant=tenant,
                       period=current_period(PeriodKind.WEEK, NOW, "UTC"),
                       writer=FORMATS[kind].open(target), renderer=renderer)
    assert names_in(folder) == [target.name]  # nothing left over
    return target


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def hostile() -> list[ReportMilestone]:
    return [milestone(n, title=title, tags=("=cmd",) if n == 1 else ())
            for n, title in enumerate(HOSTILE_TITLES, start=1)]


# CSV

def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


async def test_csv_has_one_row_per_milestone_done_and_cancelled_included(
        tmp_path: Path, renderer: ProcessChartRenderer) -> None:
    rows = read_csv(await export("csv", tmp_path, renderer))
    expected = scenario.milestones()
    assert [int(r["Number"]) for r in rows] == [m.number for m in expected]
    assert list(rows[0]) == ["Number", "Kind", "Title", "Parent", "Owner", "Status",
                             "Progress (%)", "Start", "Due", "Done", "On time", "Priority",
                             "Tags", "Last update"]
    by_number = {int(r["Number"]): r for r in rows}
    for m in expected:
        row = by_number[m.number]
        assert row["Owner"] == m.owner and row["Status"] == m.status.label
        assert int(row["Progress (%)"]) == m.progress
        assert row["Due"] == (m.due_date.isoformat() if m.due_date else "")
        assert row["Parent"] == (str(m.parent_number) if m.parent_number else "")
    assert [by_number[n]["On time"] for n in (2, 5, 4)] == ["yes", "no", ""]
    assert by_number[5]["Done"] == "2026-11-25" and by_number[7]["Status"] == "Cancelled"
    assert by_number[3]["Tags"] == "sales, q4"


async def test_csv_cells_that_look_like_formulas_are_neutralised_but_numbers_are_not(
        tmp_path: Path, renderer: ProcessChartRenderer) -> None:
    rows = read_csv(await export("csv", tmp_path, renderer, milestones=hostile(), updates=[]))
    assert [r["Title"] for r in rows] == NEUTRALISED
    assert rows[0]["Tags"] == "'=cmd"


async def test_csv_keeps_any_script(tmp_path: Path, renderer: ProcessChartRenderer) -> None:
    titles = ["Ανάπτυξη εσόδων", "売上を伸ばす", "Рост выручки", "نمو الإيرادات"]
    rows = read_csv(await export("csv", tmp_path, renderer, updates=[], milestones=[
        milestone(n, title=t, owner="zoë") for n, t in enumerate(titles, start=1)]))
    assert [r["Title"] for r in rows] == titles and rows[0]["Owner"] == "zoë"


# XLSX

async def test_xlsx_milestones_sheet_has_typed_cells_filters_and_a_frozen_header(
        tmp_path: Path, renderer: ProcessChartRenderer) -> None:
    book = openpyxl.load_workbook(await export("xlsx", tmp_path, renderer))
    assert book.sheetnames == ["Summary", "Milestones", "Updates"]
    sheet = book["Milestones"]
    assert sheet.auto_filter.ref == "A1:N9" and sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:7] == ["Number", "Kind", "Title", "Parent", "Owner", "Status", "Progress"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert sorted(rows) == sorted(m.number for m in scenario.milestones())
    done = rows[5]
    assert done[6].value == 1 and done[6].number_format == "0%"
    assert done[8].value == datetime(2026, 11, 24) and done[8].is_date
    assert done[9].value == datetime(2026, 11, 25) and done[9].number_format == "yyyy-mm-dd"
    assert (done[10].value, done[4].value, done[5].value) == ("no", "carol", "Done")
    assert rows[3][6].value == pytest.approx(0.3) and isinstance(rows[3][0].value, int)
    assert rows[1][3].value is None  # a goal has no parent
    rules = {str(r.sqref): len(r.rules) for r in sheet.conditional_formatting}
    assert rules["F2:F9"] == len(Status)  # a colour per status


async def test_xlsx_text_is_never_a_formula(tmp_path: Path,
                                            renderer: ProcessChartRenderer) -> None:
    sheet = openpyxl.load_workbook(await export("xlsx", tmp_path, renderer,
                                                milestones=hostile(), updates=[]))["Milestones"]
    titles = [row[2] for row in sheet.iter_rows(min_row=2)]
    # XML cannot hold a carriage return as such: XLSX escapes it (_x000D_), and Excel reads it
    # back as one; openpyxl leaves the escape as it is.
    assert [c.value.replace("_x000D_", "\r") for c in titles] == NEUTRALISED
    assert all(c.data_type == "s" for c in titles)


async def test_xlsx_updates_sheet_has_the_period_s_check_ins_on_the_reader_s_clock(
        tmp_path: Path, renderer: ProcessChartRenderer) -> None:
    sheet = openpyxl.load_workbook(await export("xlsx", tmp_path, renderer))["Updates"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == [[3, "'=HYPERLINK(\"http://evil\")", datetime(2026, 11, 25, 10, 0), "carol",
                     0.3, "At risk", "Pipeline slipped", None]]
    assert sheet.auto_filter.ref == "A1:H2"


async def test_xlsx_summary_has_the_figures_the_risks_and_a_burn_up_chart(
        tmp_path: Path, renderer: ProcessChartRenderer) -> None:
    book = openpyxl.load_workbook(await export("xlsx", tmp_path, renderer, tenant="=Acme"))
    sheet = book["Summary"]
    assert book.active.title == "Summary"
    assert sheet["A1"].value == "'=Acme · Company" and sheet["A2"].value == (
        "Week of Mon 23 Nov 2026")
    figures = {row[1].value: row for row in sheet.iter_rows(min_row=6, max_row=11)}
    assert figures["Progress"][2].value == pytest.approx(0.74)
    assert figures["Progress"][2].number_format == "0%"
    assert (figures["Completed"][2].value, figures["Completed"][3].value) == (2, 1)
    assert figures["On time"][4].value == "−50 pts vs last week"
    assert figures["Check-in latency"][2].value == 3
    cells = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "Top risks" in cells and "Post the job ad" in cells and "Burn-up" in cells
    assert len(sheet._charts) == 1
    chart = sheet._charts[0]
    assert chart.tagname == "scatterChart" and len(chart.series) == 2


async def test_xlsx_survives_control_characters_in_text(tmp_path: Path,
                                                        renderer: ProcessChartRenderer) -> None:
    book = openpyxl.load_workbook(await export("xlsx", tmp_path, renderer, updates=[],
                                               milestones=[milestone(1, title="Bell\x07 ring")]))
    assert book["Milestones"]["C2"].value.startswith("Bell")


# PDF

def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


async def test_pdf_is_one_page_with_the_title_period_figures_and_risks(
        tmp_path: Path, renderer: ProcessChartRenderer) -> None:
    path = await export("pdf", tmp_path, renderer)
    pages, text = pdf_text(path)
    assert pages == 1
    for expected in ("Acme Robotics · Company", "Weekly report · Week of Mon 23 Nov 2026",
                     "74%", "+13 pts vs last week", "50%", "3 h", "Top risks",
                     "#4 Post the job ad", "6 days overdue", "Goals", "Grow revenue 20%",
                     "Generated Thu 26 Nov 2026 12:00 (UTC)"):
        assert expected in " ".join(text.split()), expected
    assert PdfReader(path).metadata.title == "Acme Robotics · Company"


async def test_pdf_embeds_the_burn_up_and_status_charts(tmp_path: Path,
                                                        renderer: ProcessChartRenderer) -> None:
    page = PdfReader(await export("pdf", tmp_path, renderer)).pages[0]
    sizes = []
    for image in page.images:
        with Image.open(io.BytesIO(image.data)) as picture:
            sizes.append(picture.size)
            buffer = io.BytesIO()
            picture.convert("RGB").save(buffer, format="PNG")
        assert looks_drawn(buffer.getvalue())
    assert sorted(sizes) == sorted([(BURNUP.width, BURNUP.height),
                                    (STATUS.width, STATUS.height)])


@pytest.mark.parametrize("title", ["Ανάπτυξη εσόδων 20%", "売上を20%伸ばす", "Рост выручки"])
async def test_pdf_titles_in_any_script_are_in_its_text(
        title: str, tmp_path: Path, renderer: ProcessChartRenderer) -> None:
    goal = milestone(1, kind=Kind.GOAL, title=title, progress=40, due="2026-12-31")
    _, text = pdf_text(await export("pdf", tmp_path, renderer, milestones=[goal], updates=[],
                                    tenant=title))
    assert f"{title} · Company" in text and f"#1 {title}" in " ".join(text.split())


async def test_pdf_stays_one_page_with_long_titles_and_many_risks(
        tmp_path: Path, renderer: ProcessChartRenderer) -> None:
    many = [milestone(n, kind=Kind.GOAL if n <= 20 else Kind.TASK, title=f"{n} " + "long " * 40,
                      due="2026-11-01", progress=n % 100) for n in range(1, 60)]
    path = await export("pdf", tmp_path, renderer, milestones=many, updates=[],
                        tenant="Company " * 30)
    pages, text = pdf_text(path)
    assert pages == 1 and "…" in text


async def test_an_empty_scope_exports_empty_files(tmp_path: Path,
                                                  renderer: ProcessChartRenderer) -> None:
    for kind in FORMATS:
        folder = tmp_path / kind
        path = await export(kind, folder, renderer, milestones=[], updates=[])
        assert path.stat().st_size > 0
    assert read_csv(tmp_path / "csv" / "export.csv") == []
    assert openpyxl.load_workbook(tmp_path / "xlsx" / "export.xlsx")["Milestones"].max_row == 1
    assert "Nothing overdue or at risk." in pdf_text(tmp_path / "pdf" / "export.pdf")[1]


# Failures

@pytest.mark.parametrize("kind", sorted(FORMATS))
async def test_a_failed_export_leaves_no_file(kind: str, tmp_path: Path,
                                              renderer: ProcessChartRenderer) -> None:
    source = InMemoryReportSource(scenario.milestones(), fail_after=4)
    with pytest.raises(ConnectionError):
        await write_export(source=source, scope=CompanyScope(), now=NOW, tenant="Acme",
                           period=current_period(PeriodKind.WEEK, NOW, "UTC"),
                           writer=FORMATS[kind].open(tmp_path / f"x.{kind}"), renderer=renderer)
    assert names_in(tmp_path) == []


def test_an_aborted_workbook_leaves_no_row_files(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    writer = XlsxExportWriter(tmp_path / "x.xlsx", scratch=scratch)
    for m in scenario.milestones():
        writer.add_milestone(export_row(m, "UTC"))
    assert names_in(scratch) != []
    writer.abort()
    assert names_in(scratch) == [] and names_in(tmp_path) == ["scratch"]


async def test_a_finished_export_replaces_an_older_file_whole(
        tmp_path: Path, renderer: ProcessChartRenderer) -> None:
    (tmp_path / "export.csv").write_text("old")
    path = await export("csv", tmp_path, renderer)
    assert len(read_csv(path)) == len(scenario.milestones())

