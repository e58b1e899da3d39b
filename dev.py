#!/usr/bin/env python3
"""Cairn's bootstrap: needs only Python 3.11+.

    python3 dev.py serve     create .venv on first use, install, start Cairn on SQLite
    python3 dev.py test      the same, then run the whole test suite (pytest arguments pass on)
    python3 dev.py <cmd>     any other Cairn command: shell, demo, migrate, nudge, ...

The virtual environment is reinstalled whenever pyproject.toml changes. Once it exists,
`.venv/bin/cairn <cmd>` is the same as `python3 dev.py <cmd>`. What this script says about the
environment goes to stderr, so `printf 'list\n' | python3 dev.py shell` prints only answers.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".cairn-installed"


def venv_python() -> Path:
    return VENV / ("Scripts" if os.name == "nt" else "bin") / "python"


def ensure_environment() -> Path:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit(f"Cairn needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    python = venv_python()
    if not python.exists():
        print("Creating the virtual environment in .venv ...", file=sys.stderr, flush=True)
        try:
            venv.create(VENV, with_pip=True)
        except (OSError, subprocess.CalledProcessError) as error:
            sys.exit(f"Could not create .venv ({error}). On Debian and Ubuntu, "
                     "`apt install python3-venv` provides what is missing.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("Installing Cairn and its dependencies into .venv ...", file=sys.stderr,
              flush=True)
        # pip's own output goes to stderr too: stdout belongs to the command that follows.
        subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", "-e", ".[dev]"], cwd=ROOT, check=True,
                       stdout=sys.stderr)
        STAMP.write_text(wanted)
    return python


def main(argv: list[str]) -> None:
    command = argv[0] if argv else "serve"
    python = ensure_environment()
    os.chdir(ROOT)
    if command == "test":
        args = [str(python), "-m", "pytest", *argv[1:]]
    else:
        args = [str(python), "app.py", *argv]
    if os.name == "nt":
        sys.exit(subprocess.call(args))
    os.execv(str(python), args)


if __name__ == "__main__":
    main(sys.argv[1:])
