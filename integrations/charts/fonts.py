"""Fonts for any script: DejaVu Sans (shipped inside matplotlib's package data), then fonts of
the machine for the scripts DejaVu lacks (CJK, Arabic, Indic, Thai...), then Last Resort, which
draws a placeholder for any other character so nothing silently disappears.

Charts and PDFs use the same list, found once per process through matplotlib's font manager.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

logger = logging.getLogger(__name__)

BASE_FAMILY = "DejaVu Sans"
LAST_RESORT_FAMILY = "Last Resort High-Efficiency"
#: Families worth using when the machine has them, in order of preference.
FALLBACK_FAMILIES = (
    "Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK KR",
    "Noto Sans JP", "Noto Sans SC", "Noto Sans KR", "Source Han Sans", "IPAexGothic",
    "IPAGothic", "TakaoGothic", "WenQuanYi Zen Hei", "Droid Sans Fallback",
    "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Bengali",
    "Noto Sans Tamil", "Noto Sans Thai", "Noto Sans Armenian", "Noto Sans Georgian",
    "Noto Sans Ethiopic",
)


@dataclass(frozen=True, slots=True)
class FontFile:
    family: str
    path: Path


def bundled(name: str) -> Path:
    """A font file of matplotlib's package data (`DejaVuSans.ttf`)."""
    return Path(str(files("matplotlib") / "mpl-data" / "fonts" / "ttf" / name))


def regular() -> FontFile:
    return FontFile(BASE_FAMILY, bundled("DejaVuSans.ttf"))


def bold() -> FontFile:
    return FontFile(BASE_FAMILY, bundled("DejaVuSans-Bold.ttf"))


def last_resort() -> FontFile:
    return FontFile(LAST_RESORT_FAMILY, bundled("LastResortHE-Regular.ttf"))


@cache
def machine_fallbacks() -> tuple[FontFile, ...]:
    """The fallback families this machine has, each once (the first file found for it)."""
    from matplotlib import font_manager  # on first use: it scans the machine's fonts once

    found: dict[str, FontFile] = {}
    for entry in font_manager.fontManager.ttflist:
        if entry.name in FALLBACK_FAMILIES and entry.name not in found and (
                entry.style == "normal" and entry.weight in (400, "normal", "regular")):
            found[entry.name] = FontFile(entry.name, Path(entry.fname))
    chosen = tuple(found[name] for name in FALLBACK_FAMILIES if name in found)
    logger.debug("fallback fonts: %s", [f.family for f in chosen] or "none on this machine")
    return chosen


def chain() -> tuple[FontFile, ...]:
    """Every font in the order a character is looked for: base, the machine's, last resort."""
    return (regular(), *machine_fallbacks(), last_resort())
