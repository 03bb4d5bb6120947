"""The layers of DESIGN.md, enforced: every import of the package points down."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "zicha"

#: layer -> the layers it may import (itself included)
ALLOWED: dict[str, set[str]] = {
    "domain": {"domain"},
    "packs": {"domain", "packs"},
    "workbook": {"domain", "workbook"},
    "storage": {"domain", "packs", "storage"},
    "engine": {"domain", "packs", "engine"},
    "reports": {"domain", "packs", "engine", "reports"},
    "actions": {"domain", "packs", "engine", "workbook", "storage", "reports", "actions"},
    "web": {"domain", "packs", "engine", "storage", "reports", "actions", "web"},
    "cli": {"domain", "packs", "reports", "actions", "web", "cli"},
}


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py"))


def _layer(path: Path) -> str | None:
    rel = path.relative_to(SRC).parts
    return rel[0] if len(rel) > 1 else None


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name == "zicha" or name.startswith("zicha.")]


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(ALLOWED), packages - set(ALLOWED)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_down(path: Path) -> None:
    layer = _layer(path)
    if layer is None:
        return
    wrong = []
    for line, name in _imports(path):
        parts = name.split(".")
        target = parts[1] if len(parts) > 1 else None
        if target is not None and target not in ALLOWED[layer] and target in ALLOWED:
            wrong.append(f"line {line}: {layer} -> {name}")
    assert not wrong, f"{path.relative_to(SRC)} imports against the layers: {wrong}"


def test_the_check_catches_a_wrong_edge(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from zicha.cli.main import cli\n", encoding="utf-8")
    assert _imports(bad) == [(1, "zicha.cli.main")]


def test_engine_holds_no_pack_name() -> None:
    """No code outside the packs' data names a pack: a second pack needs no code."""
    names = [p.name for p in (SRC / "packs" / "builtin").iterdir() if p.is_dir()]
    for path in _modules():
        if _layer(path) in ("cli", "packs"):
            continue  # the default pack id lives in packs.registry; the CLI names the default
        text = path.read_text(encoding="utf-8")
        for name in names:
            assert name not in text, f"{path.relative_to(SRC)} names the pack {name}"
