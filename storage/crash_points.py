"""Places where a test kills this process on purpose, to show what a crash there leaves.

`CAIRN_CRASH_AT=<name>` in the environment makes the process SIGKILL itself (no cleanup, no
rollback, no answer: the connection simply dies, as in a power cut) when it reaches that point.
Only tests set it (tests/slack/test_crash_idempotency.py); unset, a point costs one lookup.

- `idempotency-claimed`: a request's key was inserted, its change not made yet.
- `idempotency-committed`: the key and the change were committed, the answer not sent yet.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "CAIRN_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)
