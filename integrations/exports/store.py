"""`core.reports.ports.FileStore` on a folder: each file in a folder of its own, named by an
unguessable token, so two exports of the same name never meet and a signed address can name
the file by its token."""

from __future__ import annotations

import asyncio
import re
import secrets
import shutil
from datetime import datetime
from pathlib import Path

from core.reports.ports import ExportWriter, StoredFile
from integrations.exports.files import PendingFile, file_name
from integrations.exports.formats import FORMATS
from integrations.exports.links import FileLinks

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_EXTENSIONS = {"image/png": "png"}


class FolderFileStore:
    def __init__(self, root: Path, links: FileLinks | None = None) -> None:
        self.root = root
        self.links = links

    def address(self, file: StoredFile, now: datetime) -> str:
        if self.links is None:
            return ""
        return self.links.address(file.token, file.name, now)

    def _place(self, name: str, media_type: str) -> tuple[Path, StoredFile]:
        token = secrets.token_urlsafe(18)
        target = self.root / token / name
        return target, StoredFile(name=name, location=str(target), media_type=media_type,
                                  token=token)

    def open_export(self, format_name: str, *name_parts: str) -> tuple[ExportWriter, StoredFile]:
        found = FORMATS[format_name]
        target, stored = self._place(file_name(*name_parts, extension=found.extension),
                                     found.media_type)
        return found.open(target), stored

    async def save(self, data: bytes, media_type: str, *name_parts: str) -> StoredFile:
        extension = _EXTENSIONS.get(media_type, "bin")
        target, stored = self._place(file_name(*name_parts, extension=extension), media_type)
        await asyncio.to_thread(_write, target, data)
        return stored

    async def remove_older_than(self, before: datetime) -> int:
        """Removes the files last written before a moment (each token's folder whole), off
        the event loop; returns how many folders went."""
        return await asyncio.to_thread(_remove_older_than, self.root, before.timestamp())

    def find(self, token: str, name: str) -> Path | None:
        """The file a token and name point at, if it is one of this store's."""
        if not TOKEN.match(token) or "/" in name or name.startswith("."):
            return None
        path = self.root / token / name
        return path if path.is_file() else None


def _write(target: Path, data: bytes) -> None:
    pending = PendingFile(target)
    try:
        pending.path.write_bytes(data)
    except BaseException:
        pending.discard()
        raise
    pending.commit()


def _remove_older_than(root: Path, before: float) -> int:
    if not root.is_dir():
        return 0
    removed = 0
    for folder in root.iterdir():
        if not folder.is_dir() or not TOKEN.match(folder.name):
            continue  # never anything this store did not make
        try:
            # A file still being written (its `.part`) is newer than `before`: kept.
            newest = max([folder.stat().st_mtime, *(f.stat().st_mtime for f in folder.iterdir())])
            if newest < before:
                shutil.rmtree(folder)
                removed += 1
        except FileNotFoundError:  # another instance cleaning the same folder
            continue
    return removed
