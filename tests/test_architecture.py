"""The layers of DESIGN.md, enforced: every import of the package points down.

Every module is walked: absolute imports of zicha, relative ones (resolved against the module's
own package), imports of the top-level modules, and third-party imports, which are checked per
layer (no Django below `storage` and `web`, no polars in `domain`) and against the dependencies
`pyproject.toml` declares.
"""

from __future__ import annotations

import ast
import importlib.metadata
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "zicha"

#: layer -> the layers it may import (itself included). "" is the top-level package
#: (`zicha/__init__.py`), which any module may import and which imports no layer.
ALLOWED: dict[str, set[str]] = {
    "": {""},
    "domain": {"", "domain"},
    "packs": {"", "domain", "packs"},
    "engine": {"", "domain", "packs", "engine"},
    # the workbook answers the engine's fact interface with the engine's own frames (a
    # `Dataset`), so it sits above it; the database answers it by the interface's shape alone
    # (its models sit below every layer that writes or serves them)
    "workbook": {"", "domain", "packs", "engine", "workbook"},
    "storage": {"", "domain", "packs", "storage"},
    "reports": {"", "domain", "packs", "engine", "reports"},
    "actions": {"", "domain", "packs", "engine", "workbook", "storage", "reports", "actions"},
    "cli": {"", "domain", "packs", "reports", "actions", "web", "cli"},
    "web": {"", "domain", "packs", "engine", "storage", "reports", "actions", "web"},
}

#: third-party packages a layer may not import (DESIGN.md: no Django below storage and web, no
#: polars in domain)
DJANGO = frozenset({"django", "rest_framework", "drf_spectacular", "whitenoise", "waitress"})
FORBIDDEN: dict[str, frozenset[str]] = {
    "": DJANGO | {"polars"},
    "domain": DJANGO | {"polars"},
    "packs": DJANGO,
    "engine": DJANGO,
    "workbook": DJANGO,
    "reports": DJANGO,
}

#: import name -> distribution name, where the two differ and the package is not installed
DISTRIBUTIONS = {
    "docx": "python-docx",
    "python_calamine": "python-calamine",
    "rest_framework": "djangorestframework",
    "drf_spectacular": "drf-spectacular",
    "dj_database_url": "dj-database-url",
}


def _distribution(top: str) -> str:
    """The distribution an import name comes from, as pip names it."""
    installed = importlib.metadata.packages_distributions().get(top)
    name = installed[0] if installed else DISTRIBUTIONS.get(top, top)
    return name.lower().replace("_", "-")


@dataclass(frozen=True)
class Edge:
    line: int
    name: str  # the module imported, absolute ("zicha.engine.store", "polars")


def _layer_of(module: str) -> str:
    """The layer of a zicha module name: its first package below `zicha`, "" for the top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in ALLOWED) else ""


def _module_name(path: Path, src: Path = SRC) -> str:
    rel = path.relative_to(src).with_suffix("")
    parts = ["zicha", *rel.parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, is_package: bool = False) -> list[Edge]:
    """Every import of a module's source as absolute names; relative ones resolved."""
    tree = ast.parse(source)
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: list[Edge] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Edge(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                prefix = ".".join(base)
                if node.module:
                    found.append(Edge(node.lineno, f"{prefix}.{node.module}"))
                else:  # from . import x: each name may be a module
                    found += [Edge(node.lineno, f"{prefix}.{a.name}") for a in node.names]
            elif node.module:
                found.append(Edge(node.lineno, node.module))
    return found


def _declared() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    deps = data["project"]["dependencies"]
    names = set()
    for spec in deps:
        name = spec.split(";")[0]
        for sep in "<>=!~[ ":
            name = name.split(sep)[0]
        names.add(name.strip().lower().replace("_", "-"))
    return names


def violations(
    source: str, module: str, is_package: bool = False, declared: set[str] | None = None
) -> list[str]:
    """What is wrong with a module's imports, one line each. `declared`: the distributions
    that may be imported (default: pyproject's dependencies)."""
    layer = _layer_of(module)
    allowed = ALLOWED.get(layer)
    if allowed is None:
        return [f"{module}: package「{layer}」has no layer in ALLOWED"]
    declared = _declared() if declared is None else declared
    wrong: list[str] = []
    for edge in imports_of(source, module, is_package):
        top = edge.name.split(".")[0]
        if top == "zicha":
            target = _layer_of(edge.name)
            if target not in allowed:
                wrong.append(f"line {edge.line}: {layer or 'zicha'} -> {edge.name}")
            continue
        if top in sys.stdlib_module_names or top == "__future__":
            continue
        if top in FORBIDDEN.get(layer, frozenset()):
            wrong.append(f"line {edge.line}: {layer or 'zicha'} may not import {top}")
        elif _distribution(top) not in declared:
            wrong.append(f"line {edge.line}: {top} is not a declared dependency")
    return wrong


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(ALLOWED), packages - set(ALLOWED)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_down(path: Path) -> None:
    module = _module_name(path)
    wrong = violations(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")
    assert not wrong, f"{path.relative_to(SRC)} imports against the layers: {wrong}"


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        # absolute, upwards
        ("zicha.engine.store", "from zicha.cli.main import cli\n", "engine -> zicha.cli.main"),
        ("zicha.engine.store", "import zicha.reports.terminal\n", "engine -> zicha.reports"),
        # relative, resolved against the module's package
        ("zicha.engine.store", "from ..workbook import reader\n", "engine -> zicha.workbook"),
        ("zicha.domain.period", "from ..engine.store import X\n", "domain -> zicha.engine.store"),
        ("zicha.reports", "from .. import cli\n", "reports -> zicha.cli"),
        # the database answers the engine's questions by their shape, below the engine; the
        # server's pages reach the workbook only through actions
        ("zicha.storage.facts", "from ..engine.facts import F\n", "storage -> zicha.engine.facts"),
        ("zicha.web.pages", "from zicha.workbook import reader\n", "web -> zicha.workbook"),
        # a top-level module reaching into a layer
        ("zicha", "from zicha.engine import store\n", "zicha -> zicha.engine"),
        # third-party, per layer
        ("zicha.domain.dataset", "import polars as pl\n", "domain may not import polars"),
        ("zicha.engine.store", "from django.db import models\n", "engine may not import django"),
        ("zicha.workbook.reader", "import rest_framework\n", "may not import rest_framework"),
        ("zicha.reports.pdf", "import django\n", "reports may not import django"),
        # an undeclared third-party package
        ("zicha.reports.x", "import openpyxl\n", "openpyxl is not a declared dependency"),
    ],
)
def test_the_check_catches_a_wrong_edge(module: str, source: str, expected: str) -> None:
    wrong = violations(source, module, is_package=module in ("zicha", "zicha.reports"))
    assert len(wrong) == 1 and expected in wrong[0], wrong


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("zicha.engine.store", "from ..domain.period import Period\nimport polars\n"),
        ("zicha.engine.store", "from . import calculator\nfrom .evaluation import x\n"),
        ("zicha.cli.main", "from zicha import __version__\nimport click\n"),
        ("zicha.web.views", "from zicha.storage import models\nimport django\n"),
        ("zicha.storage.facts", "from zicha.packs import registry\nfrom django.db import m\n"),
        ("zicha.actions.loading", "from zicha.storage import bulk\nfrom django.db import m\n"),
        ("zicha.cli.server", "from zicha.web import server\n"),
        ("zicha.domain.period", "import re\nfrom datetime import date\nimport lark\n"),
    ],
)
def test_the_check_allows_a_right_edge(module: str, source: str) -> None:
    # the server's dependencies are declared when the server lands
    assert violations(source, module, declared=_declared() | {"django"}) == []


def test_relative_imports_resolve() -> None:
    edges = imports_of("from .calculator import C\nfrom .. import domain\n", "zicha.engine.x")
    assert [e.name for e in edges] == ["zicha.engine.calculator", "zicha.domain"]
    edges = imports_of("from . import reader\n", "zicha.workbook", is_package=True)
    assert [e.name for e in edges] == ["zicha.workbook.reader"]


def test_engine_holds_no_pack_name() -> None:
    """No code outside the packs' data names a pack: a second pack needs no code."""
    names = [p.name for p in (SRC / "packs" / "builtin").iterdir() if p.is_dir()]
    for path in _modules():
        if _layer_of(_module_name(path)) in ("cli", "packs"):
            continue  # the default pack id lives in packs.registry; the CLI names the default
        text = path.read_text(encoding="utf-8")
        for name in names:
            assert name not in text, f"{path.relative_to(SRC)} names the pack {name}"
