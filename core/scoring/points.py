"""Points are exact decimals: sums must not depend on the order they were added in.

Floats would make an incremental total and a full recompute differ in the last digit; with
`Decimal` and at most two decimals in every rule number, every sum here is exact.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

Points = Decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Rounded to hundredths, the precision points are stored and shown with."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_points(value: Decimal) -> str:
    """`4.5`, `12`, `-3`, `0.25`: no trailing zeros, no exponent."""
    text = f"{cents(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def signed(value: Decimal) -> str:
    """`+3`, `-1.5`, `0`: a line's contribution to a score."""
    text = format_points(value)
    return text if text.startswith("-") or text == "0" else f"+{text}"
