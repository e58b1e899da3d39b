"""Charts are drawn in worker processes: started on the first chart, shut down on close, and
never in the process that serves chats."""

from __future__ import annotations

import asyncio
import multiprocessing
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.reports.charts import ChartSize, burnup_chart, status_chart
from core.reports.ports import RenderFailed
from integrations.charts.renderer import ProcessChartRenderer
from tests.reports import scenario
from tests.reports.pictures import looks_drawn, png_size

ROOT = Path(__file__).resolve().parents[2]


async def test_charts_are_drawn_by_a_pool_started_on_first_use_and_stopped_on_close() -> None:
    renderer = ProcessChartRenderer()
    assert not renderer.started and not multiprocessing.active_children()
    report = scenario.this_week()
    try:
        pngs = await asyncio.gather(
            renderer.render(burnup_chart(report)),
            renderer.render(status_chart(report), ChartSize(600, 400)),
            renderer.render(burnup_chart(report), ChartSize(1800, 700)))
        assert renderer.started and len(multiprocessing.active_children()) == 1
    finally:
        await renderer.close()
    assert [png_size(png) for png in pngs] == [(1200, 600), (600, 400), (1800, 700)]
    assert all(looks_drawn(png) for png in pngs)
    assert not multiprocessing.active_children()
    with pytest.raises(RenderFailed, match="shut down"):
        await renderer.render(status_chart(report))


async def test_a_worker_that_dies_is_replaced_and_the_chart_still_comes() -> None:
    async with ProcessChartRenderer() as renderer:
        chart = status_chart(scenario.this_week())
        await renderer.render(chart, ChartSize(300, 200))
        for worker in multiprocessing.active_children():
            worker.kill()
            worker.join()
        png = await renderer.render(chart, ChartSize(300, 200))
        assert png_size(png) == (300, 200)
    assert not multiprocessing.active_children()


async def test_a_chart_that_cannot_be_drawn_fails_with_a_reason() -> None:
    async with ProcessChartRenderer() as renderer:
        with pytest.raises(RenderFailed, match="pixels a side"):
            await renderer.render(status_chart(scenario.this_week()), ChartSize(5, 5))


def test_the_serving_process_never_imports_matplotlib() -> None:
    """The whole point of the pool: drawing happens elsewhere, the loop only awaits bytes."""
    script = textwrap.dedent("""
        import asyncio, sys
        from core.reports.charts import burnup_chart
        from integrations.charts.renderer import ProcessChartRenderer
        from tests.reports import scenario

        async def main():
            async with ProcessChartRenderer() as renderer:
                png = await renderer.render(burnup_chart(scenario.this_week()))
            assert png.startswith(b"\\x89PNG"), png[:8]
            loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("matplotlib", "PIL"))
            assert not loaded, loaded

        if __name__ == "__main__":
            asyncio.run(main())
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
