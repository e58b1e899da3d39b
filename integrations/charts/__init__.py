"""Charts as PNG: matplotlib (Agg, object-oriented, never pyplot) in worker processes.

`ProcessChartRenderer` is the `core.reports.ports.ChartRenderer`; `draw.render_png` draws one
chart description in the calling process (the workers call it).
"""
