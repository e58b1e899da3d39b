"""The colours of Cairn's charts and files: one palette, so a status looks the same in a PNG,
an XLSX cell and a PDF. Plain hex strings: no drawing library is imported here."""

from __future__ import annotations

from core.model import Status

INK = "#1F2933"  # titles, labels
MUTED = "#6B7785"  # subtitles, axes
GRID = "#E4E7EB"
BACKGROUND = "#FFFFFF"
ACCENT = "#2F6FDE"  # the actual progress
IDEAL = "#9AA5B1"  # the ideal line
TODAY = "#D64545"

STATUS_COLOURS: dict[Status, str] = {
    Status.NOT_STARTED: "#9AA5B1",
    Status.ON_TRACK: "#2E9E5B",
    Status.AT_RISK: "#E6A117",
    Status.OFF_TRACK: "#E0602B",
    Status.BLOCKED: "#B42318",
    Status.DONE: "#2F6FDE",
    Status.CANCELLED: "#CBD2D9",
}

#: Light backgrounds of the same meaning, for spreadsheet cells.
STATUS_FILLS: dict[Status, str] = {
    Status.NOT_STARTED: "#EEF0F2",
    Status.ON_TRACK: "#DDF3E4",
    Status.AT_RISK: "#FDF0D5",
    Status.OFF_TRACK: "#FCE3D6",
    Status.BLOCKED: "#F8D7D4",
    Status.DONE: "#DCE8FB",
    Status.CANCELLED: "#F5F7FA",
}

#: Series of several goals, distinguishable with colour blindness (Okabe-Ito, reordered).
SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
          "#000000")

GOOD, FAIR, POOR = "#2E9E5B", "#E6A117", "#B42318"


def rate_colour(rate: float) -> str:
    """Green from 80% on time, amber from 50%, red below."""
    return GOOD if rate >= 0.8 else FAIR if rate >= 0.5 else POOR
