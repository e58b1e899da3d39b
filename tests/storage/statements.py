"""Counting the SQL statements tortoise sends, to pin down how many queries a call costs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Every client logs each execution once at DEBUG; connection housekeeping is not SQL.
        if isinstance(record.msg, str) and record.msg.startswith(("Created", "Closed")):
            return
        self.statements.append(record.getMessage())


@contextmanager
def recorded_statements() -> Iterator[list[str]]:
    log = logging.getLogger("tortoise.db_client")
    recorder = _Recorder()
    level, propagate = log.level, log.propagate
    log.setLevel(logging.DEBUG)
    log.propagate = False
    log.addHandler(recorder)
    try:
        yield recorder.statements
    finally:
        log.removeHandler(recorder)
        log.setLevel(level)
        log.propagate = propagate
