"""The processes a stack benchmark runs of its own (``chaos.py``, ``sync_engine.py --stack``): free ports, a
supervised service (a ``redis-server``, a ``celery worker``), a PostgreSQL database of the run's own, the
emulator's control API, and a shop's SKUs as the emulator's state holds them."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from _common import ROOT

# The emulator's demo apps of the three platforms (sandbox/README.md, "Apps and secrets").
SHOPS = (
    ("V1.17", "wechat_store", "wx_demo_store", "demo-store-secret"),
    ("Channels", "channels", "wx_demo_channels", "demo-channels-secret"),
    ("mini-shop", "minishop", "wx_demo_minishop", "demo-minishop-secret"),
)


# --- Processes -----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Service:
    """A child process in a session of its own, so that a SIGKILL of its group also takes its children (a
    worker's prefork pool) at once, as when a machine dies. Its output is appended to ``log_path``."""

    def __init__(self, name: str, argv: list[str], *, env: dict[str, str], log_path: Path, ready: str):
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = log_path
        self.ready = ready
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, *, timeout: float = 90.0) -> None:
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start:\n{self.output(offset)[-3000:]}")
            if self.ready in self.output(offset):
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start in {timeout:.0f} s:\n{self.output(offset)[-3000:]}")

    def output(self, offset: int = 0) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def kill(self) -> None:
        """SIGKILL the process and its children."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self, *, timeout: float = 20.0) -> None:
        """SIGTERM (a warm shutdown), then SIGKILL if it does not end in time."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        # The pool's children may outlive a parent that ended first.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def redis_service(port: int, folder: Path) -> Service:
    redis = shutil.which("redis-server")
    if redis is None:
        raise SystemExit("chaos: redis-server is not installed (the run starts and kills a Redis of its own)")
    argv = [redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    argv += ["--dir", str(folder)]
    return Service("redis", argv, env=dict(os.environ), log_path=folder / "redis.log", ready="Ready to accept")


def celery_service(name: str, args: list[str], *, env: dict[str, str], folder: Path, ready: str) -> Service:
    argv = [sys.executable, "-m", "celery", "-A", "shopadmin", *args]
    return Service(name, argv, env=env, log_path=folder / f"{name}.log", ready=ready)


# --- PostgreSQL ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """The PostgreSQL server named by DATABASE_URL, and the name of the run's own database on it."""

    url: str
    database: str

    @classmethod
    def from_environment(cls, database: str | None) -> Server:
        url = os.environ.get("DATABASE_URL", "")
        parts = urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql", "pgsql"):
            raise SystemExit(
                "chaos: set DATABASE_URL to a PostgreSQL database (postgres://user@host:5432/name): the run "
                "creates a database of its own on that server and drops it at the end"
            )
        name = unquote(parts.path.lstrip("/")) or "shopadmin"
        return cls(url=url, database=database or f"{name}_chaos_run")

    def url_of(self, database: str) -> str:
        parts = urlsplit(self.url)
        return parts._replace(path="/" + quote(database), query="").geturl()

    def _admin(self):
        import psycopg

        parts = urlsplit(self.url)
        return psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=unquote(parts.username or "") or None,
            password=unquote(parts.password or "") or None,
            dbname="postgres",
            autocommit=True,
        )

    def recreate(self) -> None:
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{self.database}"')

    def drop(self) -> None:
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def version(self) -> str:
        with self._admin() as connection:
            return connection.execute("SHOW server_version").fetchone()[0]


# --- The emulator's control API ------------------------------------------------------------------------------


class Control:
    """The emulator's ``/__sandbox__/`` endpoints (sandbox/README.md, "Control API")."""

    def __init__(self, url: str):
        import requests

        self.url = url
        self.http = requests.Session()
        self.http.trust_env = False

    def call(self, method: str, path: str, **kwargs) -> dict:
        response = self.http.request(method, f"{self.url}/__sandbox__/{path}", timeout=30, **kwargs)
        response.raise_for_status()
        return response.json()

    def state(self, appid: str) -> dict:
        return self.call("GET", "state", params={"appid": appid})

    def applied(self, appid: str) -> list[dict]:
        return self.call("GET", "applied", params={"appid": appid})["applied"]


def _sku_key(platform: str, key: str) -> str:
    """A SKU's key as the emulator's state names it: V1.17's ``id:vid`` pairs in any order, the others' ids."""
    if platform == "wechat_store":
        return ";".join(sorted(part for part in str(key).split(";") if part))
    return str(key)


def remote_skus(platform: str, product: dict) -> dict[str, dict[str, int | None]]:
    """Each SKU of a product in the emulator's state: its stock and the price the shop holds for it (for the
    drafted platforms, the draft's: the last edit sent, whether or not the audit put it online yet)."""
    stock = {_sku_key(platform, k): v for k, v in product.get("stock", {}).items()}
    if platform == "wechat_store":
        skus = product["product_info"].get("sku_list", [])
        prices = {_sku_key(platform, s["sku_id"]): s.get("price") for s in skus}
    elif platform == "channels":
        skus = (product.get("edit_product") or {}).get("skus", [])
        prices = {str(s["sku_id"]): s.get("sale_price") for s in skus}
    else:
        skus = (product.get("edit_spu") or {}).get("skus", [])
        prices = {str(s["sku_id"]): s.get("sale_price") for s in skus}
    return {key: {"stock": stock.get(key), "price": prices.get(key)} for key in stock.keys() | prices.keys()}
