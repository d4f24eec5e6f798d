"""``python -m sandbox --state-file``: the emulator loads the file, and a SIGTERM (how ``make run`` stops its
children) saves the state before the process ends. Runs the real entry point in a child process."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from django.conf import settings

from tests.unit.sandbox.client import DEMO_APP, SandboxApi

STARTUP_SECONDS = 60


def _start(state_path: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", "0", "--quiet", "--state-file", str(state_path)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        found = re.search(r"listening on (http://\S+?)/? ", line)
        if found:
            return process, found.group(1).rstrip("/")
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError("python -m sandbox did not start:\n" + "".join(lines))


def _stop(process: subprocess.Popen) -> str:
    """SIGTERM, then the rest of the output. Read through the same text stream as ``_start`` (communicate() would
    read the pipe beneath it and miss the lines already buffered there)."""
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    output = process.stdout.read()
    process.stdout.close()
    return output


def test_sigterm_saves_the_state_and_the_next_start_loads_it(tmp_path):
    state_path = tmp_path / "sandbox-state.json"
    process, url = _start(state_path)
    with requests.Session() as http:
        http.trust_env = False
        image_url = SandboxApi(url, http).upload("kept.png")
    output = _stop(process)

    saved = json.loads(state_path.read_text(encoding="utf-8"))
    process, url = _start(state_path)
    try:
        with requests.Session() as http:
            http.trust_env = False
            images = SandboxApi(url, http).state(DEMO_APP[0])["images"]
    finally:
        second_output = _stop(process)

    assert process.returncode == 0
    assert "Sandbox stopped." in output
    assert image_url in json.dumps(saved)
    assert images == [image_url]
    assert f"State: state loaded from {state_path}" in second_output
