"""The check-in burst benchmark, at its smoke size, end to end: a real `app.py serve` on
PostgreSQL, signed Slack requests, the checks it makes afterwards."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_quick_burst_stores_every_check_in_once_and_rolls_up(postgres_url: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "checkin_burst.py"), "--quick",
         "--database", postgres_url], cwd=ROOT, capture_output=True, text=True, timeout=300,
        check=False)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr[-3000:]
    assert "loaded 50 people and 500 milestones" in out
    assert "24 acknowledged check-ins each stored once" in out
    assert "5 parents equal to a full recompute" in out
    for kind in ("list mine", "submit check-in", "show #N", "App Home published", "x baseline"):
        assert kind in out
