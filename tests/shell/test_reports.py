"""Reports through the shell on a real database: the card, a chart written as a PNG, and
exports written to disk and parsed back (CSV with csv, XLSX with openpyxl, PDF with pypdf)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bots.shell.progress import ProgressBar
from bots.shell.session import ShellSession
from core.bus import Deps
from core.reports.ports import ReportTools
from core.tenancy import Plan
from integrations.charts.renderer import ProcessChartRenderer
from integrations.exports.store import FolderFileStore
from storage import Database
from storage.reports import TortoiseReportSources
from tests.fakes import FrozenClock
from tests.reports.pictures import looks_drawn, png_size
from tests.shell.talk import meet, refused, say


@pytest.fixture(scope="module")
def renderer() -> Iterator[ProcessChartRenderer]:
    """One chart worker for the module (a worker takes a while to start)."""
    drawing = ProcessChartRenderer()
    yield drawing
    asyncio.run(drawing.close())


@pytest.fixture
async def shell(db: Database, clock: FrozenClock, tmp_path: Path,
                renderer: ProcessChartRenderer) -> ShellSession:
    tools = ReportTools(sources=TortoiseReportSources(db.unit_of_work()), renderer=renderer,
                        files=FolderFileStore(tmp_path / "files"))
    deps = Deps(uow=db.unit_of_work(), clock=clock, reports=tools)
    return await ShellSession.open(deps, tenant="acme", user="alice", timezone="Europe/Berlin",
                                   plan=Plan.PROFESSIONAL)


async def company(shell: ShellSession, clock: FrozenClock) -> None:
    await meet(shell, "bob")
    await say(shell, 'goal "Grow revenue 20%" due:2026-12-31')
    await say(shell, 'milestone "Launch beta" due:2026-11-20 owner:@bob parent:#1')
    await say(shell, 'milestone "Hire two AEs" due:2026-12-20 parent:#1')
    await say(shell, 'task "=1+2 sums" parent:#3')
    await say(shell, 'goal "Ρεκόρ πωλήσεων 日本" due:2026-12-31')
    clock.advance(hours=2)
    await say(shell, "update #2 60% on track beta with five customers")
    await say(shell, "update #3 at risk blockers: budget")
    await say(shell, "done #4")
    clock.advance(minutes=1)


def written(text: str) -> Path:
    match = re.search(r"Written to (\S+)", text)
    assert match is not None, text
    path = Path(match.group(1))
    assert path.is_file()
    return path


async def test_report_card_shows_the_figures_and_lines(shell: ShellSession,
                                                       clock: FrozenClock) -> None:
    await company(shell, clock)
    text = await say(shell, "report")
    assert "Weekly report · Company" in text and "Week of Mon 23 Nov 2026" in text
    assert "Completed: 1" in text and "Overdue: 1" in text and "At risk: 1" in text
    assert "#2" in text and "days overdue" in text
    bob = await say(shell, "report month @bob")
    assert "Monthly report · @bob" in bob and "Launch beta" in bob and "Hire two" not in bob
    subtree = await say(shell, "report quarter #3")
    assert "Quarterly report · #3" in subtree and "Launch beta" not in subtree


async def test_refusals_are_polite(shell: ShellSession, clock: FrozenClock) -> None:
    await company(shell, clock)
    assert "#99" in await refused(shell, "report #99")
    assert "@nobody" in await refused(shell, "report @nobody")
    assert "no team “Sales”" in await refused(shell, 'report "Sales"')
    assert "csv, xlsx, pdf" in await refused(shell, "export docx")
    assert "burnup" in await refused(shell, "chart pie")
    assert "One period" in await refused(shell, "report week month")
    assert "not offered here" in await refused(shell, "report weekly #general friday 16:00")


async def test_a_team_is_reported_charted_and_exported(shell: ShellSession,
                                                       clock: FrozenClock) -> None:
    """`"Team"` targets read the scoring package's teams: what the members own, no more."""
    await company(shell, clock)
    await meet(shell, "carol")
    await say(shell, 'task "Carol\'s own" owner:@carol')
    await say(shell, 'team new "Sales" @bob @carol')
    card = await say(shell, 'report month "Sales"')
    assert "Monthly report · Team Sales" in card
    assert "Launch beta" in card and "Hire two" not in card
    assert looks_drawn(written(await say(shell, 'chart ontime "sales"')).read_bytes())
    rows = list(csv.DictReader(written(await say(shell, 'export csv "Sales" all'))
                               .open(encoding="utf-8-sig")))
    assert sorted(r[next(iter(r))] for r in rows) == ["2", "6"]
    await say(shell, 'team new "Nobody"')
    assert "Completed: 0" in await say(shell, 'report "Nobody"')


async def test_a_chart_is_written_as_a_png(shell: ShellSession, clock: FrozenClock) -> None:
    await company(shell, clock)
    text = await say(shell, "chart burnup #1")
    path = written(text)
    assert path.suffix == ".png" and "Burn-up · #1" in text
    data = path.read_bytes()
    assert png_size(data) == (1200, 600) and looks_drawn(data)
    assert looks_drawn(written(await say(shell, "chart status")).read_bytes())


async def test_exports_parse_back_like_the_database(shell: ShellSession,
                                                    clock: FrozenClock) -> None:
    await company(shell, clock)
    rows = list(csv.DictReader(written(await say(shell, "export csv company all"))
                               .open(encoding="utf-8-sig")))
    assert [r[next(iter(r))] for r in rows] == ["1", "2", "3", "4", "5"]
    evil = rows[3]
    assert any(v.startswith("'=1+2") for v in evil.values()), evil
    book = load_workbook(written(await say(shell, "export xlsx company quarter")))
    assert {"Milestones", "Updates", "Summary"} <= set(book.sheetnames)
    assert book["Milestones"].max_row == 6
    pdf = written(await say(shell, "export pdf"))
    page = PdfReader(pdf).pages[0].extract_text()
    assert "acme" in page and "Q4 2026" in page and "Launch beta" in page


async def test_an_export_tells_its_progress_to_the_terminal(shell: ShellSession,
                                                            clock: FrozenClock) -> None:
    await company(shell, clock)
    stream = io.StringIO()
    shell.progress = ProgressBar(stream)
    written(await say(shell, "export xlsx company all"))
    assert shell.progress.told[-1][0] == shell.progress.told[-1][1] > 5
    assert "exporting" in stream.getvalue()
