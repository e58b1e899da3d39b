"""The dependency rule of DESIGN §2, checked on every import statement of the code base."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SDKS = {"slack_bolt", "slack_sdk", "botbuilder", "tortoise", "apscheduler", "googleapiclient",
        "google", "aiohttp", "asyncpg", "aiosqlite", "pydantic", "pydantic_settings", "click",
        "prometheus_client", "tqdm", "httplib2", "icalendar", "microsoft_agents", "msal",
        "jwt", "jsonschema", "standardwebhooks", "matplotlib", "xlsxwriter", "fpdf",
        "fontTools", "PIL", "numpy", "openpyxl", "pypdf"}
#: Drawing and file libraries, each confined to the integration that owns it.
OWNERS = {"matplotlib": "integrations/charts",
          "xlsxwriter": "integrations/exports/xlsx_writer.py",
          "fpdf": "integrations/exports/pdf_writer.py",
          "fontTools": "integrations/exports/pdf_writer.py"}
LAYERS = {"core", "storage", "bots", "integrations", "wiring", "app"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def top(name: str) -> str:
    return name.split(".")[0]


def test_the_core_imports_no_sdk_no_orm_and_no_outer_layer() -> None:
    for path in modules("core"):
        bad = {name for name in imports_of(path) if top(name) in SDKS | (LAYERS - {"core"})}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_the_webhooks_core_uses_the_standard_library_only() -> None:
    """Signing, HTTP and DNS live in integrations/webhooks; the core decides, pure."""
    for path in modules("core/webhooks"):
        bad = {name for name in imports_of(path)
               if top(name) not in sys.stdlib_module_names and top(name) != "core"}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize("package", ["storage", "integrations", "bots"])
def test_outer_layers_never_import_each_other(package: str) -> None:
    others = LAYERS - {"core", package}
    for path in modules(package):
        for name in imports_of(path):
            forbidden = top(name) in others
            sibling_bot = package == "bots" and name.startswith("bots.") and (
                name.split(".")[1] != path.relative_to(ROOT / "bots").parts[0])
            assert not forbidden and not sibling_bot, (
                f"{path.relative_to(ROOT)} imports {name}")


def test_importing_the_app_does_no_work() -> None:
    """No work at import time: importing every module opens nothing and starts nothing."""
    names = [".".join(p.relative_to(ROOT).with_suffix("").parts) for p in
             [*modules("core"), *modules("storage"), *modules("bots"), *modules("wiring")]
             if p.name != "__init__.py" and "migrations" not in p.parts]
    code = "import importlib, threading\n" + "".join(
        f"importlib.import_module({name!r})\n" for name in [*names, "app"]) + (
        "assert threading.active_count() == 1, threading.enumerate()\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not list(ROOT.glob("*.sqlite3-journal"))


#: What the scoring domain may use from the rest of the core: the shared kernel, nothing that
#: a feature package owns (it is stored and wired from outside).
SCORING_KERNEL = {"core.model", "core.errors", "core.views", "core.humanize"}


def test_scoring_is_pure_standard_library_over_the_shared_kernel() -> None:
    for path in modules("core/scoring"):
        for name in imports_of(path):
            allowed = (top(name) in sys.stdlib_module_names or name in SCORING_KERNEL
                       or name == "core.scoring" or name.startswith("core.scoring."))
            assert allowed, f"{path.relative_to(ROOT)} imports {name}"


def test_the_core_never_reads_the_wall_clock() -> None:
    """Time comes through the Clock port: no `datetime.now()`, `date.today()`, `time.time()`."""
    wall = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
            ("date", "today"), ("time", "time"), ("time", "monotonic")}
    for path in modules("core"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)):
                call = (node.func.value.id, node.func.attr)
                assert call not in wall, f"{path.relative_to(ROOT)}:{node.lineno} calls {call}"


def test_drawing_and_file_libraries_stay_in_the_integration_that_owns_them() -> None:
    paths = [p for package in ("core", "storage", "bots", "integrations", "wiring", "bench")
             for p in modules(package)] + [ROOT / "app.py"]
    for path in paths:
        where = path.relative_to(ROOT).as_posix()
        for name in imports_of(path):
            owner = OWNERS.get(top(name))
            assert owner is None or where.startswith(owner), f"{where} imports {name}"


def test_nothing_uses_pyplot() -> None:
    """pyplot keeps global figures and a global backend: unsafe beside threads and other
    charts. Charts are drawn with the Figure and Agg canvas objects only."""
    for path in [*modules("integrations"), *modules("bench"), *modules("tests")]:
        bad = {n for n in imports_of(path) if n in ("matplotlib.pyplot", "pylab")}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_importing_the_integrations_for_reports_starts_nothing() -> None:
    """The chart pool starts on the first chart; importing the renderer loads no matplotlib."""
    names = [".".join(p.relative_to(ROOT).with_suffix("").parts) for package in
             ("integrations/charts", "integrations/exports") for p in modules(package)]
    code = "import importlib, sys, threading, multiprocessing\n" + "".join(
        f"importlib.import_module({name!r})\n" for name in names) + (
        "assert threading.active_count() == 1, threading.enumerate()\n"
        "assert not multiprocessing.active_children()\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    lean = subprocess.run(
        [sys.executable, "-c", "import sys, integrations.charts.renderer, "
         "integrations.exports.formats\nassert 'matplotlib' not in sys.modules"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert lean.returncode == 0, lean.stderr[-2000:]


def runtime_imports_of(path: Path) -> set[str]:
    """Like `imports_of`, without what is imported only for the type checker."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and (
                node.test.id == "TYPE_CHECKING"):
            node.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_interaction_layer_is_values_over_the_kernel() -> None:
    """`core/interactions` (forms as values, idempotency) is what every platform imports: it
    never pulls the use cases in (they import it: the bus runs every command through it)."""
    for path in modules("core/interactions"):
        for name in runtime_imports_of(path):
            assert not name.startswith("core.services"), (
                f"{path.relative_to(ROOT)} imports {name}")


def test_slack_listeners_never_release_a_claim_by_hand() -> None:
    """A command's idempotency key is claimed in its own unit of work (core.interactions);
    listeners pass the key on and never claim or release one around a command."""
    for name in ("front.py", "actions.py", "nudge_actions.py", "form_data.py"):
        text = (ROOT / "bots" / "slack" / name).read_text(encoding="utf-8")
        assert "release_key" not in text, name
