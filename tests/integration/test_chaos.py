"""The short chaos run in CI: ``bench/chaos.py --short`` (bench/README.md, "chaos.py") as it is, in a process of its
own. Two real workers and beat on a Redis the run starts itself, its own PostgreSQL database, the emulator over
HTTP with faults aimed at writes, on a V1.17, a Channels and a mini-shop shop; workers are SIGKILLed and Redis
restarted while 150 stock edits, price edits and list/delist go through. About two minutes.

Nothing may be lost, doubled, left with another stock than the catalog's, left active or failed.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings

from tests.conftest import skip_unless_ci

pytestmark = [pytest.mark.integration, pytest.mark.timeout(330)]

LAST_LINE = re.compile(
    r"chaos: edits (\d+), worker kills (\d+), redis restarts (\d+), lost (\d+), duplicated (\d+), "
    r"stock mismatches (\d+), stuck (\d+), converged in (\d+) s"
)
RUN_TIMEOUT_SECONDS = 300


def test_a_short_chaos_run_loses_doubles_mismatches_and_leaves_nothing(tmp_path):
    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    if url.scheme not in ("postgres", "postgresql", "pgsql"):
        skip_unless_ci("the chaos run needs PostgreSQL (DATABASE_URL)")
    if shutil.which("redis-server") is None:
        skip_unless_ci("the chaos run starts a Redis of its own: redis-server is not installed")
    database = f"{unquote(url.path.lstrip('/')) or 'shopadmin'}_chaos_test"
    results = tmp_path / "chaos.json"

    run = subprocess.run(
        [sys.executable, "bench/chaos.py", "--short", "--results", str(results), "--database", database],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
    )

    output = f"{run.stdout[-6000:]}\n{run.stderr[-3000:]}"
    lines = run.stdout.strip().splitlines()
    last = LAST_LINE.fullmatch(lines[-1] if lines else "")
    assert last is not None, output
    edits, kills, redis_restarts, lost, duplicated, mismatches, stuck, _ = map(int, last.groups())
    assert (lost, duplicated, mismatches, stuck) == (0, 0, 0, 0), output
    assert (edits, kills, redis_restarts) == (150, 2, 1), output
    figures = json.loads(results.read_text())["figures"]
    assert figures["jobs"]["failed"] == [], output
    assert figures["checks"]["listing_mismatches"] == 0, output
    assert figures["converged"] is True
    assert run.returncode == 0, output
