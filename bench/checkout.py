"""Another commit of Cairn to measure beside this checkout: `git worktree add` into a
temporary folder, removed again afterwards, and a PostgreSQL database of its own (each commit
migrates its own schema; they never share one)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class Checkout:
    ref: str
    commit: str
    folder: Path

    @property
    def short(self) -> str:
        return self.commit[:7]

    @property
    def label(self) -> str:
        """The ref as given, with its commit when the ref is a name (`main (770cdbe)`)."""
        return self.ref if self.commit.startswith(self.ref) else f"{self.ref} ({self.short})"

    def database_url(self, url: str) -> str:
        """`url` with the database named after the commit: `.../cairn_bench_at_4a32b25`."""
        base, _, rest = url.rpartition("/")
        name, mark, query = rest.partition("?")
        return f"{base}/{name}_at_{self.short}{mark}{query}"


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


@contextmanager
def checked_out(ref: str) -> Iterator[Checkout]:
    """`ref` checked out (detached) in a temporary worktree while the block runs."""
    commit = _git("rev-parse", "--verify", f"{ref}^{{commit}}")
    folder = Path(tempfile.mkdtemp(prefix=f"cairn-at-{commit[:7]}-"))
    _git("worktree", "add", "--detach", "--quiet", str(folder), commit)
    try:
        yield Checkout(ref, commit, folder)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT,
                       capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True, check=False)
