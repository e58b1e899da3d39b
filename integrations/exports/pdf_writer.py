"""A one-page executive summary as PDF (fpdf2): title, period, the six figures with their
change, the burn-up and status charts, the top risks and the goals.

Unicode-safe: DejaVu Sans from matplotlib's package data, then the machine's fonts for scripts
DejaVu lacks, then Last Resort, through fpdf2's per-glyph fallback, so any title is laid out
(and its text extractable) and nothing silently vanishes.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from core.reports.card import CardLine, FigureLine, Trend
from core.reports.charts import ChartSize
from core.reports.exports import ExportRow, ExportSummary, SummaryImages, UpdateRow
from core.reports.ports import ImageSizes
from integrations.charts import fonts, palette
from integrations.exports.files import PendingFile

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/pdf"
FAMILY = "Cairn"
PAGE_WIDTH, MARGIN = 210.0, 14.0
CONTENT = PAGE_WIDTH - 2 * MARGIN
# Drawn at the size they are printed (182 mm and 87 mm wide), at 240 dpi.
BURNUP = ChartSize(1720, 640, dpi=240)
STATUS = ChartSize(820, 560, dpi=240)
GOALS_SHOWN = 6
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TREND_COLOURS = {Trend.BETTER: palette.GOOD, Trend.WORSE: palette.POOR,
                  Trend.SAME: palette.MUTED}


class PdfExportWriter:
    """`ExportWriter` for the PDF summary: the rows only feed the report it summarises."""

    images: ImageSizes | None = ImageSizes(burnup=BURNUP, status=STATUS, titled=False)

    def __init__(self, target: Path) -> None:
        self._pending = PendingFile(target)
        self.rows = 0

    def add_milestone(self, row: ExportRow) -> None:
        self.rows += 1

    def add_update(self, row: UpdateRow) -> None:
        """A one-page summary lists no check-ins; they count in its figures."""

    def finish(self, summary: ExportSummary, images: SummaryImages | None) -> None:
        if images is None:
            raise ValueError("the PDF summary needs its charts")
        try:
            _Page(summary, images).output(self._pending.path)
        except BaseException:
            self._pending.discard()
            raise
        self._pending.commit()

    def abort(self) -> None:
        self._pending.discard()


def clean(text: str) -> str:
    """Control characters (a pasted bell, a stray NUL) become spaces: fonts have no glyph."""
    return _CONTROL.sub(" ", text)


@cache
def _coverage(path: Path) -> frozenset[int]:
    """The characters a font has glyphs for (its best cmap; the first font of a collection)."""
    with TTFont(str(path), lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap() or {})


def _texts(summary: ExportSummary) -> Iterator[str]:
    """Everything the page writes, to know which characters need a fallback font."""
    card = summary.card
    yield from (summary.title, summary.period, summary.generated, card.name,
                summary.burnup.subtitle, "Top risks Goals Status Burn-up Cairn · … %@#",
                "Nothing overdue or at risk. No goals in this report.")
    for figure in summary.figures:
        yield from (figure.label.upper(), figure.text, figure.change)
    for line in (*summary.top_risks, *card.goals):
        yield from (line.ref, line.title, line.owner, line.note)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


class _Page:
    def __init__(self, summary: ExportSummary, images: SummaryImages) -> None:
        self.summary, self.images = summary, images
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_title(clean(summary.title))
        pdf.set_creator("Cairn")
        pdf.add_font(FAMILY, "", str(fonts.regular().path))
        pdf.add_font(FAMILY, "B", str(fonts.bold().path))
        regular, bold = pdf.fonts[FAMILY.lower()], pdf.fonts[f"{FAMILY.lower()}B"]
        covered = regular.cmap.keys() & bold.cmap.keys()
        missing = {ord(c) for text in _texts(summary) for c in clean(text)} - covered
        pdf.set_fallback_fonts(self._fallbacks(pdf, missing), exact_match=False)
        pdf.add_page()
        self.pdf = pdf

    @staticmethod
    def _fallbacks(pdf: FPDF, missing: set[int]) -> list[str]:
        """Only the fonts the page needs: embedding one costs time (Last Resort, which covers
        all of Unicode, takes seconds), so most summaries embed DejaVu alone."""
        names: list[str] = []
        for index, font in enumerate((*fonts.machine_fallbacks(), fonts.last_resort())):
            if not missing:
                break
            last = font == fonts.last_resort()
            covers = missing if last else missing & _coverage(font.path)
            if not covers:
                continue
            name = f"fallback{index}"
            try:
                pdf.add_font(name, "", str(font.path))
            except Exception:  # a font fpdf2 cannot embed is skipped, the next one serves
                logger.warning("cannot embed %s (%s) in PDFs", font.family, font.path)
                continue
            names.append(name)
            missing -= covers
        return names

    def output(self, path: Path) -> None:
        self._heading()
        self._figures(self.summary.figures)
        y = self._caption("Burn-up", self.summary.burnup.subtitle, x=MARGIN,
                          y=self.pdf.get_y() + 5, width=CONTENT)
        burnup_height = CONTENT * BURNUP.height / BURNUP.width
        self.pdf.image(io.BytesIO(self.images.burnup), x=MARGIN, y=y, w=CONTENT,
                       h=burnup_height)
        y += burnup_height + 4
        status_width = CONTENT * 0.48
        status_height = status_width * STATUS.height / STATUS.width
        below = self._caption("Status", "", x=MARGIN, y=y, width=status_width)
        self.pdf.image(io.BytesIO(self.images.status), x=MARGIN, y=below, w=status_width,
                       h=status_height)
        self._lines("Top risks", self.summary.top_risks, x=MARGIN + status_width + 4, y=y,
                    width=CONTENT - status_width - 4, empty="Nothing overdue or at risk.")
        y = below + status_height
        self._goals(self.summary.card.goals[:GOALS_SHOWN], y=y + 4)
        self._footer()
        self.pdf.output(str(path))

    def _text(self, size: float, colour: str = palette.INK, bold: bool = False) -> None:
        self.pdf.set_font(FAMILY, "B" if bold else "", size)
        self.pdf.set_text_color(*_rgb(colour))

    def _fit(self, text: str, width: float) -> str:
        text = clean(text)
        if self.pdf.get_string_width(text) <= width:
            return text
        while text and self.pdf.get_string_width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def _heading(self) -> None:
        pdf, summary = self.pdf, self.summary
        size = 18.0
        self._text(size, bold=True)
        while pdf.get_string_width(clean(summary.title)) > CONTENT and size > 12:
            size -= 1
            self._text(size, bold=True)
        pdf.set_xy(MARGIN, MARGIN)
        pdf.cell(CONTENT, 9, self._fit(summary.title, CONTENT))
        self._text(11, palette.MUTED)
        pdf.set_xy(MARGIN, MARGIN + 10)
        period = f"{summary.card.name} · {summary.period}"
        pdf.cell(CONTENT, 6, self._fit(period, CONTENT))
        pdf.set_y(MARGIN + 19)

    def _figures(self, figures: Sequence[FigureLine]) -> None:
        pdf = self.pdf
        top, width, height, gap = pdf.get_y(), (CONTENT - 2 * 3) / 3, 20.0, 3.0
        for index, figure in enumerate(figures):
            x = MARGIN + (index % 3) * (width + gap)
            y = top + (index // 3) * (height + gap)
            pdf.set_fill_color(*_rgb("#F5F7FA"))
            pdf.rect(x, y, width, height, style="F")
            self._text(8, palette.MUTED)
            pdf.set_xy(x + 3, y + 2)
            pdf.cell(width - 6, 4, figure.label.upper())
            self._text(16, bold=True)
            pdf.set_xy(x + 3, y + 7)
            pdf.cell(width - 6, 7, figure.text)
            if figure.change:
                self._text(8, _TREND_COLOURS.get(figure.trend or Trend.SAME, palette.MUTED))
                pdf.set_xy(x + 3, y + 14.5)
                pdf.cell(width - 6, 4, self._fit(figure.change, width - 6))
        rows = (len(figures) + 2) // 3
        pdf.set_y(top + rows * (height + gap) - gap)

    def _caption(self, title: str, note: str, *, x: float, y: float, width: float) -> float:
        """A section's title (and a note beside it); returns where its content starts."""
        self._text(11, bold=True)
        self.pdf.set_xy(x, y)
        self.pdf.cell(self.pdf.get_string_width(title) + 2, 6, title)
        if note:
            self._text(8, palette.MUTED)
            self.pdf.cell(width - self.pdf.get_x() + x, 6, self._fit(note, width / 2))
        return y + 7

    def _lines(self, title: str, lines: Sequence[CardLine], *, x: float, y: float,
               width: float, empty: str) -> None:
        pdf = self.pdf
        y = self._caption(title, "", x=x, y=y, width=width) + 1
        if not lines:
            self._text(9, palette.MUTED)
            pdf.set_xy(x, y)
            pdf.cell(width, 5, empty)
            return
        for line in lines:
            self._text(9, bold=True)
            pdf.set_xy(x, y)
            pdf.cell(width, 5, self._fit(f"{line.ref}  {line.title}", width))
            self._text(8, palette.STATUS_COLOURS[line.status])
            pdf.set_xy(x, y + 4.6)
            pdf.cell(width, 4, self._fit(f"@{line.owner} · {line.note}", width))
            y += 10.5

    def _goals(self, goals: Sequence[CardLine], *, y: float) -> None:
        pdf = self.pdf
        y = self._caption("Goals", "", x=MARGIN, y=y, width=CONTENT) + 1
        if not goals:
            self._text(9, palette.MUTED)
            pdf.set_xy(MARGIN, y)
            pdf.cell(CONTENT, 5, "No goals in this report.")
            return
        title_width, bar_width = CONTENT * 0.42, CONTENT * 0.18
        for goal in goals:
            self._text(9)
            pdf.set_xy(MARGIN, y)
            pdf.cell(title_width, 5, self._fit(f"{goal.ref}  {goal.title}", title_width - 2))
            bar_x = MARGIN + title_width
            pdf.set_fill_color(*_rgb(palette.GRID))
            pdf.rect(bar_x, y + 1.2, bar_width, 2.8, style="F")
            pdf.set_fill_color(*_rgb(palette.STATUS_COLOURS[goal.status]))
            if goal.percent:
                pdf.rect(bar_x, y + 1.2, bar_width * goal.percent / 100, 2.8, style="F")
            self._text(9, bold=True)
            pdf.set_xy(bar_x + bar_width + 2, y)
            pdf.cell(12, 5, f"{goal.percent}%")
            self._text(8, palette.MUTED)
            rest = CONTENT - title_width - bar_width - 14
            pdf.set_xy(bar_x + bar_width + 14, y)
            pdf.cell(rest, 5, self._fit(f"@{goal.owner} · {goal.note}", rest))
            y += 6.5

    def _footer(self) -> None:
        self._text(8, palette.MUTED)
        self.pdf.set_xy(MARGIN, 297 - MARGIN - 4)
        self.pdf.cell(CONTENT, 4, self._fit(f"Cairn · {self.summary.generated}", CONTENT))
