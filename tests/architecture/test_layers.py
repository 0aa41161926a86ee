"""The architecture, enforced: layers point one way and SQL lives in `index/`.

    service  ->  index  ->  ingest        (service/ingest_job.py sits above both)

`ingest` turns a file into a Document and knows nothing about storage; `index` imports
only `praxis.ingest.models` from it; nothing below `service` imports `service`.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("ingest", "index", "service")


def python_files(layer: str) -> list[Path]:
    return sorted(p for p in (ROOT / layer).rglob("*.py") if "data" not in p.relative_to(ROOT / layer).parts[:1])


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, absolute names (relative imports resolved against praxis.<layer>)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = "praxis." + ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                found.add(f"{base}.{node.module}" if node.module else base)
            elif node.module:
                found.add(node.module)
    return found


def violations(layer: str, allowed: callable) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in python_files(layer)
        for module in sorted(imported_modules(path))
        if module.split(".")[0] in {"praxis", *LAYERS} and not allowed(module)
    ]


def test_ingest_knows_nothing_about_storage_or_the_service() -> None:
    assert violations("ingest", lambda m: m.startswith("praxis.ingest")) == []


def test_index_imports_only_the_data_models_of_ingest() -> None:
    allowed = lambda m: m.startswith("praxis.index") or m == "praxis.ingest.models"  # noqa: E731
    assert violations("index", allowed) == []


def test_nothing_imports_the_bare_top_level_names() -> None:
    """The distribution installs as praxis.*: `import index` would be some other package's."""
    assert [v for layer in LAYERS for v in violations(layer, lambda m: m.startswith("praxis."))] == []


# Files still allowed to run SQL outside index/ (none: the recommender's moved to index/evidence.py).
NOT_YET_MOVED: set[str] = set()


@pytest.mark.parametrize("layer", ["ingest", "service"])
def test_sql_lives_in_index(layer: str) -> None:
    """Routers, recommenders and the evaluation call named functions of `index/`."""
    calls = []
    for path in python_files(layer):
        if str(path.relative_to(ROOT)) in NOT_YET_MOVED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in {"execute", "executemany", "executescript", "select_in", "conn"}:
                calls.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert calls == []


def test_every_package_is_installed() -> None:
    """pyproject lists packages by hand (the folders map to praxis.*): a new one must be listed."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        "praxis." + ".".join(init.parent.relative_to(ROOT).parts)
        for layer in LAYERS for init in (ROOT / layer).rglob("__init__.py")
    }
    assert found - listed == set()
