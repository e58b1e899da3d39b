"""An export's progress on the terminal: a bar on stderr while the rows stream, gone when done."""

from __future__ import annotations

from typing import TextIO

from tqdm import tqdm


class ProgressBar:
    """A `core.reports.ports.ProgressCallback` drawing one bar per export on `stream`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._bar: tqdm | None = None  # type: ignore[type-arg]
        self._seen = 0
        self.told: list[tuple[int, int]] = []  # what was told, for whoever wants to check

    def __call__(self, done: int, total: int) -> None:
        self.told.append((done, total))
        if self._bar is None:
            self._bar = tqdm(total=total, unit=" rows", desc="exporting", leave=False,
                             file=self._stream, dynamic_ncols=True)
        self._bar.total = max(total, done)
        self._bar.update(done - self._seen)
        self._seen = done
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        self._bar, self._seen = None, 0
