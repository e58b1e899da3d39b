"""Reading PNG back with Pillow: its size, and whether anything was drawn on it."""

from __future__ import annotations

import io

from PIL import Image


def png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return image.size


def ink_share(data: bytes) -> float:
    """The share of pixels that are not (nearly) white."""
    with Image.open(io.BytesIO(data)) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
        return 1 - sum(histogram[245:]) / (grey.width * grey.height)


def colours(data: bytes) -> int:
    with Image.open(io.BytesIO(data)) as image:
        found = image.convert("RGB").getcolors(maxcolors=1 << 16)
        return len(found) if found is not None else 1 << 16


def looks_drawn(data: bytes) -> bool:
    """Text, axes and bars, not a blank or a single-colour canvas."""
    return ink_share(data) > 0.01 and colours(data) > 20
