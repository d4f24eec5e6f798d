"""What the benchmark scripts share: Django on a throwaway database, timing helpers, tables and result files.

Imported by the scripts in this folder (run as ``python bench/<name>.py``, so this folder is on ``sys.path``).
It puts the project root on ``sys.path`` too, so the project's apps import as they do under ``manage.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# --- Django ----------------------------------------------------------------------------------------------------


def django_setup(*, database: bool = True, keep: bool = False) -> Path:
    """Configure Django on the embedded default inside a new temporary folder and return that folder.

    The environment is set before the settings module is read, so a ``DATABASE_URL``, ``REDIS_URL`` or
    ``MEDIA_ROOT`` in the shell or in ``.env`` can never point a benchmark at a real database or bucket: the
    database is a fresh SQLite file, the cache the database cache, uploads go to the same folder. With
    ``database`` the schema and the cache table are created. The folder is removed at exit unless ``keep``.
    """
    var_dir = Path(tempfile.mkdtemp(prefix="shopadmin-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "shopadmin.settings"
    os.environ["SHOPADMIN_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'db.sqlite3'}"
    os.environ["REDIS_URL"] = ""
    os.environ["MEDIA_ROOT"] = str(var_dir / "media")
    os.environ["DEBUG"] = "true"  # the embedded default; measurements switch DEBUG off (see without_debug)
    os.environ["LOG_LEVEL"] = "WARNING"  # the engine logs every job at INFO; a benchmark prints its own table
    # The emulator is on 127.0.0.1: never route it through a proxy named in the shell.
    no_proxy = [p for p in os.environ.get("NO_PROXY", "").split(",") if p]
    os.environ["NO_PROXY"] = ",".join([*no_proxy, "127.0.0.1", "localhost"])

    import django

    django.setup()
    if database:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
    if not keep:
        import atexit

        atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
    return var_dir


def without_debug():
    """Settings as in production while measuring: with DEBUG on, Django keeps every SQL statement in memory."""
    from django.test import override_settings

    return override_settings(DEBUG=False)


# --- Figures ---------------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` 0.95 for p95) of ``values``; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil without importing math
    return ordered[int(rank) - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def machine_info() -> dict[str, Any]:
    """What the figures depend on: CPUs, Python, OS, SQLite, Django and the commit measured."""
    import sqlite3

    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
    }
    try:
        import django

        info["django"] = django.get_version()
    except ImportError:  # pragma: no cover - the venv always has Django
        pass
    info.update(_git_state())
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()

    try:
        return {"git_commit": git("rev-parse", "HEAD"), "git_dirty": bool(git("status", "--porcelain"))}
    except (OSError, subprocess.SubprocessError):
        return {}


def write_results(
    name: str,
    *,
    parameters: dict[str, Any],
    figures: Any,
    notes: Iterable[str] = (),
    machine_extra: dict[str, Any] | None = None,
    path: Path | None = None,
) -> Path:
    """Write ``bench/results/<name>-<YYYYMMDD>.json`` (a second run on the same day replaces it), or ``path``.

    ``machine_extra`` adds to the machine's description what only the script knows (a server's version).
    """
    now = dt.datetime.now(dt.UTC).astimezone()
    if path is None:
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / f"{name}-{now:%Y%m%d}.json"
    document = {
        "benchmark": name,
        "recorded_at": now.isoformat(timespec="seconds"),
        "machine": {**machine_info(), **(machine_extra or {})},
        "parameters": parameters,
        "figures": figures,
        "notes": list(notes),
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


# --- Output ----------------------------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if ord(char) >= 0x1100 and _is_wide(char) else 1 for char in text)


def _is_wide(char: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(char) in ("W", "F")


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain-text table: text columns left-aligned, numbers right-aligned."""
    rows = [[_cell(value) for value in row] for row in rows]
    numeric = [all(_is_number(row[i]) for row in rows) if rows else False for i in range(len(headers))]
    widths = [max([_width(h), *(_width(row[i]) for row in rows)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        parts = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - _width(cell))
            parts.append(pad + cell if numeric[i] else cell + pad)
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.2f}" if abs(value) >= 1 else f"{value:.3f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def heading(text: str) -> None:
    print(f"\n{text}\n{'=' * _width(text)}")
