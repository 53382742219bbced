"""The layout holds by construction: layer contracts, types, module size, no private reach-ins."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ideadb", "scoring")
MAX_CODE_LINES = 600
# Data modules are tables, not logic (kept out of the size rule).
DATA_MODULES: frozenset[str] = frozenset()


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _contracts_kept(contracts: tuple[str, ...] = (), graph_hook=None) -> bool:
    """Check setup.cfg's import contracts; ``graph_hook(graph)`` may alter the real graph first."""
    from importlinter import configuration
    from importlinter.adapters.building import GraphBuilder
    from importlinter.application import use_cases
    from importlinter.application.app_config import settings

    class Builder(GraphBuilder):
        def build(self, *args, **kwargs):
            graph = super().build(*args, **kwargs)
            if graph_hook is not None:
                graph_hook(graph)
            return graph

    configuration.configure()
    settings.configure(GRAPH_BUILDER=Builder())
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return use_cases.lint_imports(
            config_filename=str(ROOT / "setup.cfg"),
            limit_to_contracts=contracts,
            cache_dir=None,
            is_debug_mode=True,
            no_logo=True,
        )
    finally:
        os.chdir(cwd)


def test_import_contracts_hold():
    assert _contracts_kept() is True


@pytest.mark.parametrize(
    ("importer", "imported", "contract"),
    [
        ("ideadb.ideas.service", "ideadb.search.service", "features"),
        ("ideadb.core.db", "ideadb.accounts.models", "features"),
        ("ideadb.units.service", "ideadb.units.models", None),
        ("ideadb.units.models", "ideadb.units.service", "acyclic"),
        ("scoring.ranking", "sqlalchemy", "scoring"),
        ("ideadb.reviews.models", "ideadb.reviews.views", "models"),
        ("ideadb.criteria.service", "ideadb.criteria.views", "web"),
        ("ideadb.ideas.models", "whoosh", "whoosh"),
    ],
)
def test_a_violating_import_breaks_its_contract(importer, imported, contract):
    def add_import(graph):
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="x")

    if contract is None:  # an allowed import keeps every contract
        assert _contracts_kept(graph_hook=add_import) is True
    else:
        assert _contracts_kept((contract,)) is True
        assert _contracts_kept((contract,), graph_hook=add_import) is False


def _code_lines(path: Path) -> int:
    """Lines of code: not blank, not a comment, not inside a docstring."""
    source = path.read_text(encoding="utf-8")
    docstring_lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        value = getattr(node, "value", None)
        if (
            isinstance(node, ast.Expr)
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
        ):
            docstring_lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return sum(
        1
        for number, line in enumerate(source.splitlines(), 1)
        if line.strip() and not line.strip().startswith("#") and number not in docstring_lines
    )


def test_no_module_is_larger_than_one_screen_of_thought():
    too_big = {
        _module_name(p): n
        for p in _modules()
        if _module_name(p) not in DATA_MODULES and (n := _code_lines(p)) > MAX_CODE_LINES
    }
    assert too_big == {}


def test_no_module_imports_another_modules_private_names():
    offenders = []
    for path in _modules():
        name = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if not node.module.startswith(PACKAGES) or node.module == name:
                    continue
                private = [a.name for a in node.names if re.match(r"_[^_]", a.name)]
                if private:
                    offenders.append(f"{name}: from {node.module} import {', '.join(private)}")
            if isinstance(node, ast.Attribute) and re.match(r"_[^_]", node.attr):
                base = node.value
                # module._private through an imported module object of ours
                if isinstance(base, ast.Name) and base.id in {"service", "engine", "search_engine"}:
                    offenders.append(f"{name}: {base.id}.{node.attr}")
    assert offenders == []


def test_our_packages_are_imported_plainly_not_looked_up():
    pattern = re.compile(r"import_module\(|find_spec\(|optional_module\(|__import__\(")
    offenders = [
        f"{_module_name(p)}:{n}"
        for p in _modules()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_types_check():
    from mypy import api

    out, err, status = api.run(["--config-file", str(ROOT / "setup.cfg")])
    assert status == 0, out[-6000:] + err
