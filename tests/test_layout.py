"""The shape of the house: arrows point one way and no module grows into a god module."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# wsgi → anthology → judging → contest: a package may import only those to its right.
MAY_IMPORT = {
    "contest": {"contest"},
    "judging": {"contest", "judging"},
    "anthology": {"contest", "judging", "anthology"},
}
PROJECT_PACKAGES = {"contest", "judging", "anthology", "wsgi"}
MAX_LINES = 450
GENERATED = {Path("contest/demo/text.py")}
# The rooms inside the core: each may import only itself and the rooms listed.
ROOMS = {
    "contest.platform": {"contest.platform"},
    "contest.documents": {"contest.documents", "contest.platform"},
}
# contest/'s top level: the contest domain's modules, and these subpackages only.
CORE_SUBPACKAGES = {"services", "views", "demo", "platform", "documents"}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imported_modules(path: Path) -> set[str]:
    """Dotted names a module imports (for `from a import b`: `a` and `a.b`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _imported_packages(path: Path) -> set[str]:
    """Top-level project packages a module imports, at module level or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & PROJECT_PACKAGES


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_imports_point_one_way(package):
    wrong = {
        str(path.relative_to(ROOT)): sorted(_imported_packages(path) - MAY_IMPORT[package])
        for path in _modules(package)
        if _imported_packages(path) - MAY_IMPORT[package]
    }
    assert wrong == {}


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_no_module_is_a_god_module(package):
    long = {
        str(path.relative_to(ROOT)): n
        for path in _modules(package)
        if path.relative_to(ROOT) not in GENERATED
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_only_the_unit_of_work_commits(package):
    """Services flush; views, CLI commands and jobs commit through contest/uow.py alone."""
    committing = [
        str(path.relative_to(ROOT))
        for path in _modules(package)
        if path.name != "uow.py"
        and any(
            isinstance(node, ast.Attribute) and node.attr in ("commit", "rollback")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert committing == []


def test_no_template_carries_inline_javascript():
    """Behaviour lives in static/app.js, read from data attributes: a quote in a translation
    cannot break it, and a strict Content-Security-Policy can forbid inline script."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
    offenders = {
        str(path.relative_to(ROOT)): match.group(0)
        for path in (ROOT / "templates").rglob("*.html")
        if (match := inline.search(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_make_run_serves_on_the_port_given():
    """`PORT=8080 make run` serves there (the Makefile is read, nothing is run)."""
    planned = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "--port 8123" in planned and "127.0.0.1:8123" in planned


@pytest.mark.parametrize("room", sorted(ROOMS))
def test_the_rooms_never_import_the_domain(room):
    """The platform and the document engine import only themselves (and the document engine
    the platform): never the contest domain, judging or anthology."""
    folder = ROOT / room.replace(".", "/")
    wrong = {}
    for path in sorted(folder.rglob("*.py")):
        project = {m for m in _imported_modules(path) if m.split(".")[0] in PROJECT_PACKAGES}
        outside = {
            m
            for m in project
            if not any(m == allowed or m.startswith(allowed + ".") for allowed in ROOMS[room])
        }
        # `from contest.platform import db` names contest.platform and contest.platform.db
        if outside - {"contest"}:
            wrong[str(path.relative_to(ROOT))] = sorted(outside - {"contest"})
    assert wrong == {}


def test_the_core_holds_the_domain_and_its_rooms():
    subpackages = {p.parent.name for p in (ROOT / "contest").glob("*/__init__.py")}
    assert subpackages == CORE_SUBPACKAGES


def test_views_import_no_other_packages_views():
    """A page of one package never borrows another package's view: what both need lives in a
    service or a policy."""
    wrong = {}
    for package in sorted(MAY_IMPORT):
        for path in _modules(package):
            others = {
                m
                for m in _imported_modules(path)
                if m.split(".")[0] in MAY_IMPORT and m.split(".")[0] != package and ".views" in m
            }
            if others:
                wrong[str(path.relative_to(ROOT))] = sorted(others)
    assert wrong == {}


def test_rules_on_ticking_are_asked_by_services_only():
    """`signals.check_ticking` holds the packages' rules on forwarding by ticks: the service
    that ticks or forwards asks it, so no view or CLI command can forget to."""
    callers = sorted(
        str(path.relative_to(ROOT))
        for package in sorted(MAY_IMPORT)
        for path in _modules(package)
        if "check_ticking(" in path.read_text(encoding="utf-8")
        and path != ROOT / "contest" / "signals.py"
    )
    assert callers == ["contest/services/forwarding.py"]


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_package_init_imports_at_the_top(package):
    """No function-local imports in a package's `__init__`: cycles are solved by the signals
    and hooks, not by hiding imports in functions."""
    local = []
    for path in (ROOT / package).rglob("__init__.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                local += [
                    f"{path.relative_to(ROOT)}:{inner.lineno}"
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.Import | ast.ImportFrom)
                ]
    assert local == []


def test_no_template_carries_inline_style():
    """Looks live in static/style.css: the Content-Security-Policy's style-src is 'self' alone."""
    inline = re.compile(r"\sstyle\s*=|<style", re.IGNORECASE)
    offenders = {
        str(path.relative_to(ROOT)): match.group(0)
        for path in (ROOT / "templates").rglob("*.html")
        if (match := inline.search(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def _edge_modules() -> list[Path]:
    """Where a request or a command arrives: views, the login pages, CLI commands."""
    return [
        path
        for package in sorted(MAY_IMPORT)
        for path in _modules(package)
        if "views" in path.relative_to(ROOT).parts
        or path.name in ("views.py", "auth.py")
        or path.name.endswith("cli.py")
    ]


def test_only_services_write_the_audit_log():
    """Each user action is one service operation that records its own audit line: a view or
    a command never writes one beside it (nor reads its data in another transaction)."""
    writing = [
        str(path.relative_to(ROOT))
        for path in _edge_modules()
        if "record_event(" in path.read_text(encoding="utf-8")
    ]
    assert writing == []


def test_posted_values_are_read_through_forms():
    """Every posted value reaches a view through a WTForms form (its CSRF token, its filters,
    its types): nothing reads `request.form` raw."""
    raw = [
        str(path.relative_to(ROOT))
        for package in sorted(MAY_IMPORT)
        for path in _modules(package)
        if "request.form" in path.read_text(encoding="utf-8")
    ]
    assert raw == []


def test_services_are_given_the_clock():
    """A service is told the time by its caller (a view, a command, a job: `utcnow()` at the
    edge), as it is given its session, so a test sets the moment instead of waiting for it."""
    reading = [
        str(path.relative_to(ROOT))
        for package in sorted(MAY_IMPORT)
        for path in _modules(package)
        if "services" in path.relative_to(ROOT).parts
        and re.search(
            r"\b(utcnow|datetime\.now|date\.today)\(",
            path.read_text(encoding="utf-8"),
        )
    ]
    assert reading == []


def test_services_are_handed_the_file_store():
    """A service keeps and reads files in the `FileStore` its caller hands it (`file_store()`
    at the edge), never in a folder it looks up itself: a test gives it any folder. Nor does
    it reach the running app, where the store and every other collaborator are kept."""
    looking_up = [
        str(path.relative_to(ROOT))
        for package in sorted(MAY_IMPORT)
        for path in _modules(package)
        if "services" in path.relative_to(ROOT).parts
        and (
            {"contest.platform.storage.file_store", "flask.current_app", "flask.g"}
            & _imported_modules(path)
            or re.search(r"\bfile_store\b|STORAGE_DIR|extensions\[", path.read_text("utf-8"))
        )
    ]
    assert looking_up == []


def test_tests_import_no_helper_from_a_conftest():
    """Fixtures are plugins (`tests/plugins/`) and helpers plain modules: a conftest is only
    where pytest finds them, never a module a test imports."""
    importing = sorted(
        str(path.relative_to(ROOT))
        for folder in ("tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(
            r"^\s*from tests\.[\w.]*conftest import", path.read_text(encoding="utf-8"), re.M
        )
    )
    assert importing == []
