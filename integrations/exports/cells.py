"""What a spreadsheet must never run: cells that begin like a formula (DESIGN §5b).

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
apostrophe (OWASP's advice against CSV injection), unless it is a plain number (`-5`, `+3.2`);
people are written without their `@`. Both CSV and XLSX follow it, so a cell copied from one to
the other, or re-saved as CSV, stays inert.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralised(text: str) -> str:
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def person(handle: str) -> str:
    """A person as a cell: the handle without its @, neutralised like any text."""
    return neutralised(handle.lstrip("@"))
