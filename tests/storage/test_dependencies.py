"""The dependency rule around storage: it builds on core and tortoise, and nothing in core or
storage reaches into the outer layers."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTER = {"bots", "integrations", "wiring", "app"}
# cryptography: webhook signing secrets are sealed at rest (storage/webhooks/sealing.py).
STORAGE_MAY_IMPORT = {"core", "storage", "tortoise", "pypika_tortoise", "asyncpg", "aiosqlite",
                      "cryptography"}


def _imports(package: str) -> Iterator[tuple[Path, str]]:
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module.split(".")[0]


def test_storage_imports_only_core_its_orm_and_the_standard_library() -> None:
    allowed = STORAGE_MAY_IMPORT | set(sys.stdlib_module_names)
    strays = sorted({(p.relative_to(ROOT).as_posix(), m) for p, m in _imports("storage")
                     if m not in allowed})
    assert strays == []


def test_core_does_not_import_storage_or_outer_layers() -> None:
    strays = sorted({(p.relative_to(ROOT).as_posix(), m) for p, m in _imports("core")
                     if m in OUTER | {"storage", "tortoise"}})
    assert strays == []
