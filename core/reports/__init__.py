"""Reports: the figures of a period, chart and export *descriptions* (data, not pixels).

Everything here is computed from plain inputs (`inputs`) that storage streams through the
`ports`; `integrations/charts` turns chart descriptions into PNG and `integrations/exports`
writes export descriptions as CSV, XLSX and PDF.
"""
