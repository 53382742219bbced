"""scoring/ is mathematics on plain values: it imports no web framework, ORM or application."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import scoring

FORBIDDEN = ("flask", "flask_", "sqlalchemy", "ideadb", "werkzeug", "marshmallow", "wtforms")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_file_in_scoring_imports_flask_sqlalchemy_or_ideadb() -> None:
    package = Path(scoring.__file__).parent
    files = sorted(package.rglob("*.py"))
    assert len(files) >= 5
    offenders = {
        f"{path.relative_to(package)}: {name}"
        for path in files
        for name in imported_modules(path)
        if name.split(".")[0].lower().startswith(FORBIDDEN)
    }
    assert offenders == set()


def test_importing_scoring_loads_none_of_them() -> None:
    code = (
        "import sys, scoring\n"
        f"bad = [m for m in sys.modules if m.split('.')[0].lower().startswith({FORBIDDEN!r})]\n"
        "print(','.join(bad))\n"
    )
    root = Path(scoring.__file__).parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True
    )
    assert result.stdout.strip() == ""
