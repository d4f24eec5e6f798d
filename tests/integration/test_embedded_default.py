"""Smoke test of the embedded default, as a new user runs it: no DATABASE_URL, no REDIS_URL, nothing else.

In a fresh var/ folder: migrate, create the cache table, seed the demo, start the stack (``runstack``: web
admin, Celery worker and beat on the filesystem broker, and the emulator when it exists), log into the admin
over HTTP with the printed demo login, see a demo product, have the worker run a task, and stop it all.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

PROJECT_DIR = Path(settings.BASE_DIR)
# Everything that would move the project off the embedded default, or change the demo login.
CONFIGURATION = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "FIELD_ENCRYPTION_KEY",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "CELERY_TASK_ALWAYS_EAGER",
    "DEMO_USERNAME",
    "DEMO_PASSWORD",
    "PORT",
    "SANDBOX_PORT",
)
DEMO_TITLE = "纯棉圆领短袖T恤 女款 宽松百搭"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def embedded_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURATION}
    env.update(
        DJANGO_SETTINGS_MODULE="shopadmin.settings",
        SHOPADMIN_VAR_DIR=str(tmp_path / "var"),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, f"manage.py {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout


class Stack:
    """``manage.py runstack`` in the background, its output collected line by line."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runstack", *args],
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match:
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.lines:
                    match = regex.search(line)
                    if match:
                        return match
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.process.poll() is not None:
                    break
                self._changed.wait(min(remaining, 0.5))
        pytest.fail(f"no line matching {pattern!r} within {timeout} s; output so far:\n{self.output()}")

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            pytest.fail(f"runstack did not stop within {timeout} s after SIGTERM:\n{self.output()}")
        self._reader.join(timeout=5)
        self.process.stdout.close()
        return code


def admin_login(session: requests.Session, base_url: str, username: str, password: str) -> requests.Response:
    login_page = session.get(f"{base_url}/admin/login/?next=/admin/", timeout=10)
    assert login_page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    return session.post(
        f"{base_url}/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"},
        headers={"Referer": f"{base_url}/admin/login/"},
        timeout=10,
    )


def test_embedded_default_runs_the_whole_stack(embedded_env, tmp_path):
    # Given a fresh var/ folder, set up as the run command does (bin/setup creates the folder)
    (tmp_path / "var").mkdir()
    manage(embedded_env, "migrate", "--noinput", "--verbosity", "0")
    manage(embedded_env, "createcachetable")
    seeded = manage(embedded_env, "seed_demo")
    username, password = re.search(r"Demo login created: (\S+) / (\S+)", seeded).groups()
    assert (tmp_path / "var" / "db.sqlite3").is_file()

    # When the stack starts
    port, sandbox_port = free_port(), free_port()
    stack = Stack(embedded_env, "--port", str(port), "--sandbox-port", str(sandbox_port), "--concurrency", "1")
    try:
        base_url = stack.wait_for(r"admin:\s+(http://127\.0\.0\.1:\d+)/admin/").group(1)
        assert base_url == f"http://127.0.0.1:{port}"
        assert stack.wait_for(r"login:\s+(\S+ / \S+)").group(1) == f"{username} / {password}"
        stack.wait_for(r"^worker\s*\| .*celery@\S+ ready", timeout=60)
        stack.wait_for(r"^beat\s*\| .*beat: Starting", timeout=60)

        # Then the demo login opens the admin, which lists the demo catalog
        with requests.Session() as browser:
            logged_in = admin_login(browser, base_url, username, password)
            assert logged_in.status_code == 200
            assert logged_in.url == f"{base_url}/admin/"
            assert 'id="logout-form"' in logged_in.text
            changelist = browser.get(f"{base_url}/admin/products/product/", timeout=10)
            assert changelist.status_code == 200
            assert DEMO_TITLE in changelist.text
            image = browser.get(f"{base_url}/admin/products/imageasset/", timeout=10)
            assert image.status_code == 200

        # And the worker takes a task from the filesystem broker and runs it
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from shopadmin.celery import app; app.send_task('celery.accumulate', args=(20, 26))",
            ],
            cwd=PROJECT_DIR,
            env=embedded_env,
            check=True,
            timeout=60,
        )
        stack.wait_for(r"^worker\s*\| .*celery\.accumulate\[\S+\] succeeded in .*\(20, 26\)", timeout=30)
    finally:
        code = stack.stop()

    # And SIGTERM stops everything cleanly
    assert code == 0, stack.output()
    assert stack.lines[-1] == "stopped."
