"""The rules the emulator's place in the tree rests on: it needs nothing but the standard library (it runs as a
process of its own, ``python -m sandbox``), and the project's production code never imports it."""

import ast
import sys
from pathlib import Path

from django.conf import settings

PROJECT_DIR = Path(settings.BASE_DIR)
PRODUCTION_PACKAGES = ("channels_sync", "products", "shopadmin")


def imported_modules(path: Path) -> set[str]:
    """The top-level names of every module ``path`` imports, at module level or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
    return names


def test_the_emulator_imports_nothing_but_the_standard_library_and_itself():
    sources = sorted((PROJECT_DIR / "sandbox").rglob("*.py"))
    foreign = {
        str(path.relative_to(PROJECT_DIR)): sorted(
            name for name in imported_modules(path) if name != "sandbox" and name not in sys.stdlib_module_names
        )
        for path in sources
    }

    assert len(sources) > 40
    assert {path: names for path, names in foreign.items() if names} == {}


def test_no_production_module_imports_the_emulator():
    sources = sorted(path for package in PRODUCTION_PACKAGES for path in (PROJECT_DIR / package).rglob("*.py"))
    importing = [str(path.relative_to(PROJECT_DIR)) for path in sources if "sandbox" in imported_modules(path)]

    assert len(sources) > 50
    assert importing == []
