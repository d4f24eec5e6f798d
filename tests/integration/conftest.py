"""Real parts for integration tests: PostgreSQL, Redis, a Celery worker process and the emulator over HTTP.

- The emulator runs in this process on a free port; the worker process calls it over HTTP like a real shop.
- The worker is a separate ``celery worker`` process on Redis, on a queue of its own, using the test database
  (tests commit their data: ``transactional_db``) and the same media folder.
- Nothing here runs tasks eagerly.
"""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import override_settings

from channels_sync.models import Shop, SyncJob
from sandbox import Sandbox, SandboxServer
from sandbox.core.apps import AppRegistry
from tests.conftest import TEST_SANDBOX_ORIGINS, redis_reachable, skip_unless_ci

PROJECT_DIR = Path(settings.BASE_DIR)
DEMO_APP_ID = "wx_demo_store"
DEMO_APP_SECRET = "demo-store-secret"
PUSH_TOKEN = "sandbox-push-token"
JOB_TIMEOUT_SECONDS = 60


def _database_url() -> str:
    """The URL of the test database this process uses, for the worker process."""
    params = connection.settings_dict
    user = quote(params.get("USER") or "")
    password = quote(params.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{credentials}{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}/{params['NAME']}"


@pytest.fixture(scope="module")
def live_services(django_db_setup, django_db_blocker) -> str:
    """PostgreSQL and Redis, or a skip (a failure with CI=true)."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            skip_unless_ci(f"integration tests need PostgreSQL (the database is {connection.vendor})")
    if not settings.REDIS_URL or not redis_reachable(settings.REDIS_URL):
        skip_unless_ci("integration tests need Redis (REDIS_URL unset or unreachable)")
    return settings.REDIS_URL


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[SandboxServer]:
    sandbox = Sandbox(apps=AppRegistry.default(environ={}), token_grace_seconds=0)
    with SandboxServer(sandbox, host="127.0.0.1", port=0, poll_interval=0.01) as server:
        yield server


class SandboxControl:
    """The emulator's control endpoints (sandbox/README.md)."""

    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()
        self.http.trust_env = False

    def _call(self, method: str, path: str, **kwargs) -> dict:
        response = self.http.request(method, f"{self.url}/__sandbox__/{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self._call("POST", "reset", json={})

    def faults(self, **plan) -> dict:
        return self._call("POST", "faults", json=plan)

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def state(self, appid: str = DEMO_APP_ID) -> dict:
        return self._call("GET", "state", params={"appid": appid})

    def applied(self, endpoint: str | None = None, appid: str = DEMO_APP_ID) -> list[dict]:
        params = {"appid": appid}
        if endpoint:
            params["endpoint"] = endpoint
        return self._call("GET", "applied", params=params)["applied"]

    def generate_order(self, product_id: str, sku_info: str, count: int = 1) -> dict:
        body = {"appid": DEMO_APP_ID, "product_id": product_id, "sku_info": sku_info, "count": count}
        return self._call("POST", "orders/generate", json=body)


@pytest.fixture
def sandbox(sandbox_server) -> Iterator[SandboxControl]:
    control = SandboxControl(sandbox_server.url)
    control.reset()
    yield control
    control.clear_faults()


class WorkerProcess:
    def __init__(self, env: dict[str, str], queue: str):
        self.log_path = Path(env["SHOPADMIN_VAR_DIR"]) / "worker.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "shopadmin",
                "worker",
                "-l",
                "info",
                "-c",
                "2",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited:\n{self.output()}")
            if "ready." in self.output():
                return
            time.sleep(0.2)
        raise RuntimeError(f"the worker did not start in {timeout} s:\n{self.output()}")

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture
def celery_worker_process(live_services, media_dir, tmp_path_factory, transactional_db) -> Iterator[WorkerProcess]:
    """A worker per test: each test's database flush renumbers content types, which a worker caches."""
    queue = f"shopadmin-test-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_database_url(),
        REDIS_URL=live_services,
        CELERY_QUEUE=queue,
        MEDIA_ROOT=str(media_dir),
        SHOPADMIN_VAR_DIR=str(tmp_path_factory.mktemp("worker-var")),
        # The worker calls the emulator on this process's free port.
        SANDBOX_ORIGINS=",".join(TEST_SANDBOX_ORIGINS),
        PYTHONUNBUFFERED="1",
    )
    # This process queues jobs on the worker's own queue.
    with override_settings(CELERY_TASK_DEFAULT_QUEUE=queue):
        worker = WorkerProcess(env, queue)
        yield worker
        worker.stop()


@pytest.fixture
def worker(celery_worker_process, transactional_db, settings, media_dir) -> WorkerProcess:
    settings.MEDIA_ROOT = media_dir
    return celery_worker_process


@pytest.fixture
def demo_shop(worker, sandbox) -> Shop:
    shop = Shop(
        name="演示微信小店",
        platform="wechat_store",
        app_id=DEMO_APP_ID,
        base_url=sandbox.url,
        push_token=PUSH_TOKEN,
    )
    shop.set_app_secret(DEMO_APP_SECRET)
    shop.save()
    return shop


def wait_for_jobs(*, timeout: float = JOB_TIMEOUT_SECONDS, worker: WorkerProcess | None = None, **filters) -> None:
    """Wait until no job matching ``filters`` is pending or running."""
    deadline = time.monotonic() + timeout
    active = SyncJob.objects.filter(state__in=SyncJob.ACTIVE_STATES, **filters)
    while time.monotonic() < deadline:
        if not active.exists():
            return
        time.sleep(0.2)
    details = list(active.values("pk", "kind", "state", "attempts", "last_errcode", "last_errmsg", "next_attempt_at"))
    log = worker.output()[-4000:] if worker else ""
    raise AssertionError(f"jobs still active after {timeout} s: {details}\n{log}")
