"""Export files appear whole or not at all, under names that are safe on every system."""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from pathlib import Path

NAME_LIMIT = 80


class PendingFile:
    """A temporary file beside its target, moved into place by `commit` (atomically, on the
    same file system) or removed by `discard`: readers never see half a file."""

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        # Created like any file (so with the umask's permissions, unlike mkstemp's 0600),
        # under a name nobody else can have picked.
        self.path = target.parent / f".{target.name}.{secrets.token_hex(8)}.part"
        self.path.open("xb").close()

    def commit(self) -> Path:
        os.replace(self.path, self.target)
        return self.target

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def file_name(*parts: str, extension: str) -> str:
    """`cairn-company-q4-2026.xlsx` from ("cairn", "Company", "Q4 2026"): letters and digits of
    any script kept, everything else (slashes, dots, spaces) a single dash; never hidden,
    never a path, never empty."""
    words = []
    for part in parts:
        text = unicodedata.normalize("NFKC", part).casefold()
        slug = re.sub(r"[^\w]+|_+", "-", text).strip("-")
        if slug:
            words.append(slug)
    stem = "-".join(words)[:NAME_LIMIT].strip("-") or "export"
    return f"{stem}.{extension}"
