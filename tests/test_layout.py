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


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


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
