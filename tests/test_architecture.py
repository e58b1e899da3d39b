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
LAYERS = {"core", "storage", "bots", "integrations", "wiring", "app", "api"}


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
    return sorted((ROOT / package).rglob("*.py")) if (ROOT / package).exists() else []


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


@pytest.mark.parametrize("package", ["storage", "integrations", "bots", "api"])
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
             [*modules("core"), *modules("storage"), *modules("bots"), *modules("wiring"),
              *modules("api")]
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


def test_access_is_pure_standard_library_over_the_core() -> None:
    """Tokens, scopes and their grammar: no SDK, no HTTP, no storage."""
    for path in modules("core/access"):
        bad = {name for name in imports_of(path)
               if top(name) not in sys.stdlib_module_names and top(name) != "core"}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


#: The scoring use cases (commands, the bus's handlers, the feed in the change's unit of work):
#: beside the engine, they may use the kernel and the milestones' reads; the engine never
#: imports them.
SCORING_USE_CASES = {"commands", "use_cases", "board_cases", "challenge_cases", "team_cases",
                     "feed", "forecast_feed"}


def test_scoring_is_pure_standard_library_over_the_shared_kernel() -> None:
    cases = {f"core.scoring.{leaf}" for leaf in SCORING_USE_CASES}
    for path in modules("core/scoring"):
        if path.stem in SCORING_USE_CASES:
            continue
        for name in imports_of(path):
            allowed = (top(name) in sys.stdlib_module_names or name in SCORING_KERNEL
                       or name == "core.scoring" or name.startswith("core.scoring."))
            assert allowed and name not in cases, f"{path.relative_to(ROOT)} imports {name}"


def test_the_scoring_use_cases_stay_in_the_core() -> None:
    """They use the kernel, the milestones' reads and the engine; never a feature that would
    make scoring depend on nudges, calendars or reports."""
    for leaf in SCORING_USE_CASES:
        path = ROOT / "core" / "scoring" / f"{leaf}.py"
        assert path.exists(), leaf
        for name in imports_of(path):
            allowed = (top(name) in sys.stdlib_module_names or name in KERNEL
                       or name == "core" or name.startswith(("core.scoring", "core.milestones")))
            assert allowed, f"{path.relative_to(ROOT)} imports {name}"


#: The shared kernel: the only modules at the top of `core/`; everything else lives in the
#: package of its feature (core/milestones, core/nudges, core/calendar, ...).
KERNEL = {f"core.{leaf}" for leaf in (
    "errors", "events", "dates", "text", "permissions", "model", "commands", "views",
    "humanize", "ports", "relay", "view_cache", "bus", "use_case", "retry",
    "delegating_unit", "tenancy", "history", "field_checks", "view_summary")}


def test_core_has_no_flat_modules_besides_the_kernel() -> None:
    flat = {f"core.{p.stem}" for p in (ROOT / "core").glob("*.py") if p.name != "__init__.py"}
    assert flat <= KERNEL, f"place these in their feature's package: {sorted(flat - KERNEL)}"
    assert not (ROOT / "core" / "services").exists()
    for package in (p for p in (ROOT / "core").iterdir() if p.is_dir()
                    and p.name != "__pycache__"):
        assert (package / "__init__.py").exists(), package.name


#: Modules stay at a few hundred lines, one concept each (CONVENTIONS §10): a little slack over
#: 300, then the module is split by concept inside its feature's package.
MAX_CORE_MODULE_LINES = 330


def test_core_modules_stay_short() -> None:
    long = {path.relative_to(ROOT).as_posix(): lines for path in modules("core")
            if (lines := len(path.read_text(encoding="utf-8").splitlines()))
            > MAX_CORE_MODULE_LINES}
    assert not long, f"split these by concept (physical lines): {long}"


MAX_MODULE_LINES = 330
OUTER_PACKAGES = ("bots", "wiring", "storage", "api", "integrations")


def test_modules_outside_the_core_stay_short() -> None:
    long = {path.relative_to(ROOT).as_posix(): lines for package in OUTER_PACKAGES
            for path in modules(package)
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"split these by concept (physical lines): {long}"


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


#: Each platform's own SDK: a platform package imports its own and no other's.
PLATFORM_SDKS = {"slack": {"slack_bolt", "slack_sdk"},
                 # The Agents SDK's activities are pydantic models.
                 "teams": {"microsoft_agents", "botbuilder", "msal", "jwt", "jsonschema",
                           "pydantic"},
                 # A terminal's progress bar for long jobs (exports, imports).
                 "shell": {"tqdm"}}
#: Libraries any platform package may use beside its SDK (its HTTP edge, secrets at rest).
PLATFORM_LIBRARIES = {"aiohttp", "cryptography"}
def _platforms() -> list[str]:
    return sorted(p.name for p in (ROOT / "bots").iterdir()
                  if p.is_dir() and (p / "__init__.py").exists())


def _core_file(module: str) -> Path | None:
    base = ROOT / Path(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _inside_a_unit_of_work(module: str) -> set[str]:
    """The functions and classes of a core module that work inside an open unit of work: they
    take one (`tx: UnitOfWork`) as a parameter."""
    path = _core_file(module)
    if path is None:
        return set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        functions = [node] if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else (
            [n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
            if isinstance(node, ast.ClassDef) else [])
        for function in functions:
            arguments = [*function.args.posonlyargs, *function.args.args,
                         *function.args.kwonlyargs]
            if any(a.annotation is not None and ast.unparse(a.annotation) == "UnitOfWork"
                   for a in arguments):
                found.add(node.name)
    return found


@pytest.mark.parametrize("platform", _platforms())
def test_a_platform_uses_its_own_sdk_and_the_core_from_outside_a_unit_of_work(
        platform: str) -> None:
    """Adapters only translate: they hand commands to the bus and render what comes back.
    They import their own SDK (never another platform's, never the ORM or a database driver)
    and nothing of the core that works inside a unit of work (`tx: UnitOfWork` helpers)."""
    own = PLATFORM_SDKS.get(platform, set())
    for path in modules(f"bots/{platform}"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name in imports_of(path):
            library = top(name)
            assert library not in SDKS or library in own | PLATFORM_LIBRARIES, (
                f"{path.relative_to(ROOT)} imports {name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and top(node.module) == "core":
                inner = _inside_a_unit_of_work(node.module) & {a.name for a in node.names}
                where = path.relative_to(ROOT).as_posix()
                assert not inner, (
                    f"{where} imports {sorted(inner)} from {node.module}: the core's inside")


def _opens_a_unit_of_work(path: Path) -> list[int]:
    """Lines of `async with <...>.uow(...)`, `async with uow(...)` or `unit_of_work()(...)`."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.AsyncWith):
            for item in node.items:
                call = item.context_expr
                if not isinstance(call, ast.Call):
                    continue
                callee = call.func
                name = (callee.attr if isinstance(callee, ast.Attribute) else
                        callee.id if isinstance(callee, ast.Name) else
                        "unit_of_work" if isinstance(callee, ast.Call) and "unit_of_work" in
                        ast.unparse(callee.func) else "")
                if name.lstrip("_") in {"uow", "unit_of_work"}:
                    lines.append(node.lineno)
    return lines


def test_nothing_outside_the_core_and_storage_opens_a_unit_of_work() -> None:
    """Use cases open units of work (one per command); platforms, integrations, the API and
    the composition root call use cases."""
    paths = [p for package in ("bots", "integrations", "api", "wiring") for p in modules(package)]
    for path in [*paths, ROOT / "app.py"]:
        where = path.relative_to(ROOT).as_posix()
        lines = _opens_a_unit_of_work(path)
        assert not lines, f"{where}:{lines[0]} opens a unit of work"


def test_the_unit_of_work_check_sees_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("async def f(deps, db):\n"
                      "    async with deps.uow(1) as tx: pass\n"
                      "    async with self._uow() as tx: pass\n"
                      "    async with db.unit_of_work()(1) as tx: pass\n"
                      "    async with lock(): pass\n", encoding="utf-8")
    assert _opens_a_unit_of_work(sample) == [2, 3, 4]


def _import_graph(package: str) -> dict[str, set[str]]:
    """Module -> the modules of `package` it imports, wherever in the module (a function-local
    import closes a cycle at run time just the same), except under `if TYPE_CHECKING:`."""
    graph: dict[str, set[str]] = {}
    for path in modules(package):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        name = name.removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test)
                   for child in node.body for n in ast.walk(child)}
        found: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                named = {f"{node.module}.{a.name}" for a in node.names}
                found |= named
                if not all(_core_file(m) is not None for m in named):
                    found.add(node.module)  # names of the module, not its submodules
        graph[name] = {m for m in found if top(m) == package.split("/")[0]}
    known = set(graph)
    return {m: {d for d in deps if d in known and d != m} for m, deps in graph.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


@pytest.mark.parametrize("package", ["core", "wiring"])
def test_no_import_cycles(package: str) -> None:
    cycle = _cycle(_import_graph(package))
    assert cycle is None, " -> ".join(cycle or [])


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


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
    """`core/interactions` is what every platform imports: it never pulls the bus in (the bus
    runs every command through it); its values (forms, validation, idempotency, audience,
    concerned) never pull a use case in either."""
    values = {"forms", "validation", "idempotency", "audience", "concerned"}
    cases = {"use_case", "milestones", "nudges", "calendar", "people", "scoring", "reports",
             "webhooks", "grammar", "access"}
    for path in modules("core/interactions"):
        for name in runtime_imports_of(path):
            assert not name.startswith("core.bus"), (
                f"{path.relative_to(ROOT)} imports {name}")
            leaf = name.removeprefix("core.interactions.")
            assert path.stem not in values or not (
                name.split(".")[:2] in (["core", case] for case in cases)
                or (leaf != name and leaf not in values)), (
                f"{path.relative_to(ROOT)} imports {name}")


def test_slack_listeners_never_release_a_claim_by_hand() -> None:
    """A command's idempotency key is claimed in its own unit of work (core.interactions);
    listeners pass the key on and never claim or release one around a command."""
    for name in ("front.py", "actions.py", "nudge_actions.py", "form_flow.py"):
        text = (ROOT / "bots" / "slack" / name).read_text(encoding="utf-8")
        assert "release_key" not in text, name


def test_the_core_forms_name_their_fields_as_validation_keys_its_errors() -> None:
    """Every field `core.interactions.validation` can put an error on is a field of the core's
    forms (`form_specs`), so a platform rendering those forms shows each error beside its
    field."""
    from core.interactions import form_specs as specs
    from core.model import Status

    tree = ast.parse((ROOT / "core/interactions/validation.py").read_text(encoding="utf-8"))
    keyed = {node.slice.value for node in ast.walk(tree)
             if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
             and node.value.id == "errors" and isinstance(node.slice, ast.Constant)}
    keyed |= {node.args[0].value for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("_day", "_number") and node.args
              and isinstance(node.args[0], ast.Constant)}
    forms = [specs.milestone_form(None, 1),
             specs.check_in_form(1, "t", percent=0, status=Status.ON_TRACK),
             specs.check_in_form(1, "t", percent=0, status=Status.ON_TRACK, metric="m")]
    fields = {f.name for form in forms for f in form.fields}
    assert len(keyed) >= 10 and keyed <= fields, sorted(keyed - fields)
