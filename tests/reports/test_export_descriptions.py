"""Export rows and the streamed export: every milestone, the period's check-ins, the summary."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core.model import Kind, Priority, Status
from core.reports.charts import ChartSize
from core.reports.exporting import BATCH, write_export
from core.reports.exports import MILESTONE_COLUMNS, UPDATE_COLUMNS, export_row, update_row
from core.reports.inputs import CompanyScope, SubtreeScope
from core.reports.periods import PeriodKind, current_period
from core.reports.ports import ImageSizes
from tests.reports import scenario
from tests.reports.builders import NOW, at, milestone, update
from tests.reports.fakes import InMemoryReportSource, KeepingWriter, LabelRenderer


def test_an_export_row_has_a_cell_per_column_in_the_reader_s_dates() -> None:
    done_late_evening = milestone(5, kind=Kind.TASK, parent=8, owner="carol", due="2026-11-24",
                                  status=Status.DONE, completed=at("2026-11-24", "23:30"),
                                  priority=Priority.HIGH, tags=("hiring", "q4"),
                                  last_update=at("2026-11-24", "23:30"))
    row = export_row(done_late_evening, "Asia/Tokyo")
    cells = dict(zip((c.key for c in MILESTONE_COLUMNS), row.cells(), strict=True))
    assert cells == {
        "number": 5, "kind": "Task", "title": "Milestone 5", "parent": 8, "owner": "carol",
        "status": "Done", "progress": 100, "start": None, "due": date(2026, 11, 24),
        "done": date(2026, 11, 25), "on_time": False, "priority": "High",
        "tags": "hiring, q4", "last_update": date(2026, 11, 25)}


def test_an_update_row_is_on_the_reader_s_wall_clock() -> None:
    row = update_row(update(3, at("2026-11-25", "23:30"), None, status=Status.BLOCKED),
                     number=3, title="Beta", zone="Europe/Paris")
    assert len(row.cells()) == len(UPDATE_COLUMNS)
    assert row.at == datetime(2026, 11, 26, 0, 30) and row.progress is None
    assert row.cells()[5] == "Blocked"


async def test_an_export_streams_every_milestone_and_the_period_s_check_ins() -> None:
    source = InMemoryReportSource(scenario.milestones(), scenario.updates(), scenario.checkins())
    writer, seen = KeepingWriter(), []
    outcome = await write_export(
        source=source, scope=CompanyScope(), period=current_period(PeriodKind.WEEK, NOW, "UTC"),
        now=NOW, tenant="Acme", writer=writer,
        progress=lambda done, total: seen.append((done, total)))
    assert [row.number for row in writer.milestones] == [1, 2, 3, 8, 4, 5, 6, 7]
    assert [(row.number, row.notes) for row in writer.updates] == [(3, "Pipeline slipped")]
    assert (outcome.milestones, outcome.updates) == (8, 1)
    assert seen == [(14, 14)]
    assert writer.finished is not None and not writer.aborted
    summary, images = writer.finished
    assert images is None
    assert (summary.title, summary.period) == ("Acme · Company", "Week of Mon 23 Nov 2026")
    assert summary.generated == "Generated Thu 26 Nov 2026 12:00 (UTC)"
    assert [line.ref for line in summary.top_risks] == ["#4", "#3"]
    assert summary.burnup.actual[-1] == (date(2026, 11, 26), 74)
    assert ("checkins since", at("2026-11-16", "00:00")) in source.asked


async def test_a_picture_format_gets_its_charts_at_its_sizes() -> None:
    sizes = ImageSizes(burnup=ChartSize(1800, 700), status=ChartSize(900, 700))
    writer, renderer = KeepingWriter(images=sizes), LabelRenderer()
    await write_export(source=InMemoryReportSource(scenario.milestones()),
                       scope=SubtreeScope(1), period=current_period(PeriodKind.ALL, NOW, "UTC"),
                       now=NOW, tenant="", writer=writer, renderer=renderer)
    assert writer.finished is not None
    summary, images = writer.finished
    assert images is not None and images.burnup == b"Burn-up \xc2\xb7 #1"
    assert renderer.sizes == [sizes.burnup, sizes.status]
    assert summary.title == "#1"


async def test_progress_is_told_in_batches_over_milestones_and_check_ins() -> None:
    many = [milestone(n, progress=n % 100) for n in range(1, 2 * BATCH + 2)]
    seen: list[tuple[int, int]] = []
    await write_export(source=InMemoryReportSource(many), scope=CompanyScope(),
                       period=current_period(PeriodKind.MONTH, NOW, "UTC"), now=NOW, tenant="",
                       writer=KeepingWriter(), progress=lambda *p: seen.append(p))
    assert seen == [(BATCH, len(many)), (2 * BATCH, len(many)), (len(many), len(many))]


async def test_a_failed_export_aborts_its_writer() -> None:
    writer = KeepingWriter()
    many = [milestone(n) for n in range(1, 3 * BATCH)]
    with pytest.raises(ConnectionError):
        await write_export(source=InMemoryReportSource(many, fail_after=BATCH + 3),
                           scope=CompanyScope(), now=NOW, tenant="", writer=writer,
                           period=current_period(PeriodKind.WEEK, NOW, "UTC"))
    assert writer.aborted and writer.finished is None and len(writer.milestones) == BATCH


async def test_a_picture_format_without_a_renderer_is_a_wiring_mistake() -> None:
    writer = KeepingWriter(images=ImageSizes(ChartSize(10, 10), ChartSize(10, 10)))
    with pytest.raises(ValueError, match="renderer"):
        await write_export(source=InMemoryReportSource([]), scope=CompanyScope(), now=NOW,
                           tenant="", writer=writer,
                           period=current_period(PeriodKind.WEEK, NOW, "UTC"))
    assert writer.aborted
