"""What the chart and export commands answer: a file Cairn made, and what it shows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.nudges.views import NudgeView
from core.reports.card import ReportCard
from core.reports.ports import StoredFile
from core.views import View


class FileKind(StrEnum):
    CHART = "chart"
    EXPORT = "export"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportFile(View):
    """A chart (PNG) or an export (CSV, XLSX, PDF): the shell writes it, chats upload it."""

    kind: FileKind
    title: str  # "Burn-up · #1"
    summary: str  # "12 milestones, 30 check-ins · Q4 2026"; the chart's description
    file: StoredFile
    url: str = ""  # a signed, expiring address serving the file ("" where none is served)

    @property
    def is_image(self) -> bool:
        return self.file.media_type.startswith("image/")


@dataclass(frozen=True, slots=True, kw_only=True)
class WeeklyReportPost(NudgeView):
    """The week's report as posted to a channel on schedule, with its burn-up."""

    card: ReportCard
    chart: ReportFile | None = None
