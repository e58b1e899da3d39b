"""What reports read, streamed page by page: `core.reports.ports.ReportSource` over SQL."""

from storage.reports.source import TortoiseReportSources

__all__ = ["TortoiseReportSources"]
