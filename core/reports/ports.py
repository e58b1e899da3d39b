"""What reports need from outside: storage's rows of a scope, a chart renderer, export writers.

`ReportSource` is implemented by storage, one per unit of work (so per tenant); the renderer and
the writers by `integrations/charts` and `integrations/exports`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from core.model import TenantId
from core.reports.charts import WIDE, Chart, ChartSize
from core.reports.exports import ExportRow, ExportSummary, SummaryImages, UpdateRow
from core.reports.glance_cache import GlanceCache
from core.reports.inputs import CheckinRequest, ReportMilestone, ReportUpdate, Scope
from core.reports.schedule import ReportSchedules

#: Told (rows read, rows expected) as an export goes; the same numbers at the end.
ProgressCallback = Callable[[int, int], None]


class RenderFailed(Exception):
    """A chart could not be drawn (the renderer's workers died or refused it)."""


@dataclass(frozen=True, slots=True)
class ScopeSize:
    milestones: int
    updates: int


class ReportSource(Protocol):
    """One tenant's rows of a scope, streamed: never all loaded at once. The scope is resolved
    already (its milestone, person or team exists in the tenant)."""

    async def size(self, scope: Scope) -> ScopeSize:
        """How many milestones and check-ins the streams below will yield."""
        ...

    def milestones(self, scope: Scope) -> AsyncIterator[ReportMilestone]:
        """Every milestone of the scope, done and cancelled ones included, by number. A
        subtree: the milestone and all below it; a person: what they own; a team: what its
        members own; the company: everything."""
        ...

    def updates(self, scope: Scope) -> AsyncIterator[ReportUpdate]:
        """Every check-in on the scope's milestones, oldest first."""
        ...

    def checkins(self, scope: Scope, since: datetime | None) -> AsyncIterator[CheckinRequest]:
        """The check-in requests about the scope's milestones sent since a moment (all of them
        for None), each with when it was answered."""
        ...


class ChartRenderer(Protocol):
    async def render(self, chart: Chart, size: ChartSize = WIDE) -> bytes:
        """The chart as PNG, drawn without blocking the event loop; raises `RenderFailed`."""
        ...


@dataclass(frozen=True, slots=True)
class ImageSizes:
    burnup: ChartSize
    status: ChartSize
    #: False when the format captions the pictures itself: they are drawn without titles.
    titled: bool = True


class ExportWriter(Protocol):
    """Writes one export file as rows arrive; holds no more than a bounded buffer of them."""

    #: The sizes of the summary's charts it embeds; None when it embeds no pictures.
    images: ImageSizes | None

    def add_milestone(self, row: ExportRow) -> None: ...

    def add_update(self, row: UpdateRow) -> None: ...

    def finish(self, summary: ExportSummary, images: SummaryImages | None) -> None:
        """Writes the summary and closes the file. Called once, off the event loop."""
        ...

    def abort(self) -> None:
        """Closes and drops what was written: a failed export leaves no file."""
        ...


class ReportSources(Protocol):
    def __call__(self, tenant_id: TenantId) -> ReportSource:
        """The report rows of one tenant (and of no other)."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredFile:
    """A file Cairn made (a chart, an export), whole, where front ends can read it."""

    name: str  # `cairn-company-q4-2026.xlsx`
    location: str  # a path on the machine that serves it
    media_type: str
    token: str  # unguessable: the file's part of a signed address


class FileStore(Protocol):
    def open_export(self, format_name: str, *name_parts: str) -> tuple[ExportWriter, StoredFile]:
        """A writer for a new export file; the file exists, whole, once the writer finished."""
        ...

    async def save(self, data: bytes, media_type: str, *name_parts: str) -> StoredFile:
        """Writes a whole file (a chart) off the event loop."""
        ...

    def address(self, file: StoredFile, now: datetime) -> str:
        """A signed address that serves the file for a while; "" where Cairn serves none."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportTools:
    """What the report, chart and export commands need, built by the composition root."""

    sources: ReportSources
    renderer: ChartRenderer
    files: FileStore
    #: Weekly reports posted to a channel; None where they are not offered.
    schedules: ReportSchedules | None = None
    #: This week's company figures for the App Home, kept a few minutes per tenant.
    glances: GlanceCache = field(default_factory=GlanceCache)

