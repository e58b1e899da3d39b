"""Cairn's app icons for the Teams package, drawn here: a cairn of four stones.

Teams wants a full-colour icon of 192×192 (`color.png`) and a 32×32 outline icon that is white
on a transparent background (`outline.png`). Both are RGBA PNGs written with the standard
library (zlib), the stones anti-aliased by supersampling.
"""

from __future__ import annotations

import struct
import zlib

COLOR_SIZE = 192
OUTLINE_SIZE = 32
ACCENT = (0x2E, 0x6B, 0x5E)  # slate green, also the manifest's accentColor
STONE = (0xF4, 0xF1, 0xEA)
#: Stones on a 192-unit canvas, bottom to top: centre x, centre y, radius x, radius y.
STONES = ((96.0, 143.0, 56.0, 22.0), (98.0, 103.0, 41.0, 17.0), (93.0, 71.0, 28.0, 13.0),
          (96.0, 46.0, 16.0, 10.0))
SAMPLES = 4  # per axis, per pixel


def accent_hex() -> str:
    return "#{:02X}{:02X}{:02X}".format(*ACCENT)


def _coverage(size: int) -> list[float]:
    """How much of each pixel the stones cover, from 0 to 1, row by row."""
    scale = 192.0 / size
    step = 1.0 / SAMPLES
    found: list[float] = []
    for y in range(size):
        for x in range(size):
            inside = 0
            for sy in range(SAMPLES):
                py = (y + (sy + 0.5) * step) * scale
                for sx in range(SAMPLES):
                    px = (x + (sx + 0.5) * step) * scale
                    if any(((px - cx) / rx) ** 2 + ((py - cy) / ry) ** 2 <= 1.0
                           for cx, cy, rx, ry in STONES):
                        inside += 1
            found.append(inside / (SAMPLES * SAMPLES))
    return found


def color_icon() -> bytes:
    """192×192: light stones on the accent colour, opaque."""
    pixels = bytearray()
    for cover in _coverage(COLOR_SIZE):
        pixels += bytes(round(a + (s - a) * cover) for a, s in zip(ACCENT, STONE, strict=True))
        pixels.append(255)
    return png(COLOR_SIZE, COLOR_SIZE, bytes(pixels))


def outline_icon() -> bytes:
    """32×32: white stones, the rest transparent."""
    pixels = bytearray()
    for cover in _coverage(OUTLINE_SIZE):
        pixels += bytes((255, 255, 255, round(255 * cover)) if cover else (0, 0, 0, 0))
    return png(OUTLINE_SIZE, OUTLINE_SIZE, bytes(pixels))


def png(width: int, height: int, rgba: bytes) -> bytes:
    """An 8-bit RGBA PNG of `rgba` (rows top to bottom, no filtering)."""
    assert len(rgba) == width * height * 4
    stride = width * 4
    raw = b"".join(b"\x00" + rgba[row * stride:(row + 1) * stride] for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
