"""Run the whole stack in one terminal: the web admin, a Celery worker, Celery beat and the platform emulator.

Each part is a child process whose output lines are prefixed with its name. Ctrl-C or SIGTERM stops them
all; if one of them dies, the others are stopped and the command fails, so a broken stack is never left
half running. This is the development runner of the README's run command; production runs each part under
its own process manager.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

SANDBOX_STATE_FILENAME = "sandbox-state.json"


@dataclass
class Child:
    name: str
    argv: list[str]
    # The folder it starts in (None: the supervisor's): the emulator runs as ``python -m sandbox`` from the project.
    cwd: str | None = None
    process: subprocess.Popen | None = field(default=None, repr=False)


def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    """Ask Linux to SIGTERM this child when the supervisor dies, even by SIGKILL."""
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the supervisor died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


class Supervisor:
    """Starts children, relays their output line by line, and stops them all together."""

    def __init__(
        self,
        children: list[Child],
        *,
        write: Callable[[str], None],
        env: dict[str, str] | None = None,
        stop_timeout: float = 10.0,
    ) -> None:
        self.children = children
        self.write_raw = write
        self.env = env
        self.stop_timeout = stop_timeout
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._readers: list[threading.Thread] = []
        self._width = max((len(c.name) for c in children), default=0)

    def write(self, line: str) -> None:
        with self._lock:
            self.write_raw(line)

    def start(self) -> None:
        # All children are started before any reader thread exists: preexec_fn is not safe beside threads.
        preexec = _die_with_parent if sys.platform.startswith("linux") else None
        for child in self.children:
            child.process = subprocess.Popen(
                child.argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=child.cwd,
                env=self.env,
                text=True,
                encoding="utf-8",
                errors="replace",
                bufsize=1,
                # Own session: a Ctrl-C in the terminal reaches the supervisor only, which stops the children
                # in order instead of having them all interrupted at once.
                start_new_session=True,
                preexec_fn=preexec,
            )
        for child in self.children:
            reader = threading.Thread(target=self._relay, args=(child,), name=f"relay-{child.name}", daemon=True)
            reader.start()
            self._readers.append(reader)

    def _relay(self, child: Child) -> None:
        prefix = f"{child.name:<{self._width}} | "
        with contextlib.suppress(ValueError, OSError):  # the pipe is closed by stop()
            for line in child.process.stdout:
                self.write(prefix + line.rstrip("\n"))

    def wait(self, stop: threading.Event, poll_interval: float = 0.2) -> Child | None:
        """Block until ``stop`` is set (returns None) or a child exits (returns that child)."""
        while not stop.wait(poll_interval):
            for child in self.children:
                if child.process.poll() is not None:
                    return child
        return None

    def stop(self) -> None:
        """SIGTERM every child still running, then SIGKILL what is left after ``stop_timeout``."""
        self.stopping.set()
        running = [c for c in self.children if c.process is not None and c.process.poll() is None]
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                child.process.terminate()
        deadline = time.monotonic() + self.stop_timeout
        for child in running:
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.write(f"{child.name} did not stop within {self.stop_timeout:.0f} s: killing it")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()
        # Worker pool processes share their parent's process group: make sure none outlives it.
        for child in self.children:
            if child.process is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.process.pid, signal.SIGKILL)
        for reader in self._readers:
            reader.join(timeout=2)
        for child in self.children:
            if child.process is not None and child.process.stdout is not None:
                child.process.stdout.close()


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _wait_for_port(host: str, port: int, stop: threading.Event, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stop.is_set():
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            stop.wait(0.2)
    return False


class Command(BaseCommand):
    help = "Run the web admin, a Celery worker, Celery beat and the platform emulator until Ctrl-C."
    requires_system_checks = []  # runserver, the worker and beat each run the checks themselves

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address of the web admin and the emulator.")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000), help="Web admin port.")
        parser.add_argument(
            "--sandbox-port", type=int, default=int(os.environ.get("SANDBOX_PORT") or 8765), help="Emulator port."
        )
        parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes.")
        parser.add_argument("--no-worker", action="store_true", help="Do not start a Celery worker.")
        parser.add_argument("--no-beat", action="store_true", help="Do not start Celery beat.")
        parser.add_argument("--no-sandbox", action="store_true", help="Do not start the platform emulator.")
        parser.add_argument(
            "--sandbox-state-file",
            default=None,
            help="Where the emulator keeps its state across restarts (default: sandbox-state.json in the var folder).",
        )
        parser.add_argument(
            "--no-sandbox-state",
            action="store_true",
            help="Start the emulator empty and keep its state in memory only (it then forgets it when stopped).",
        )

    def handle(self, *args, **options):
        host, port, sandbox_port = options["host"], options["port"], options["sandbox_port"]
        # The emulator is not a part of a production install: run it only where its package is there.
        with_sandbox = not options["no_sandbox"] and (Path(settings.BASE_DIR) / "sandbox" / "__main__.py").is_file()
        children = self._children(options, with_sandbox)

        for name, wanted in (("web admin", port), ("emulator", sandbox_port if with_sandbox else None)):
            if wanted is not None and not _port_free(host, wanted):
                raise CommandError(
                    f"Port {wanted} on {host} is in use, so the {name} cannot start (is shopadmin already running?). "
                    f"Choose another with {'PORT' if name == 'web admin' else 'SANDBOX_PORT'}=…"
                )
        login = self._login_line()
        connections.close_all()

        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        supervisor = Supervisor(children, write=self._write, env=env)
        stop = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
        self._write(f"starting: {', '.join(c.name for c in children)}")
        supervisor.start()
        banner = threading.Thread(
            target=self._announce,
            args=(supervisor, stop, host, port, sandbox_port if with_sandbox else None, login),
            daemon=True,
        )
        banner.start()
        try:
            died = supervisor.wait(stop)
        finally:
            self._write("stopping…")
            supervisor.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if died is not None:
            raise CommandError(f"{died.name} exited with code {died.process.returncode}; stopped the others.")
        self._write("stopped.")

    def _children(self, options, with_sandbox: bool) -> list[Child]:
        python = sys.executable
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        celery = [python, "-m", "celery", "-A", "shopadmin"]
        children = [Child("web", [python, manage, "runserver", f"{options['host']}:{options['port']}", "--noreload"])]
        if not options["no_worker"]:
            children.append(
                Child("worker", [*celery, "worker", "-l", "info", "--concurrency", str(options["concurrency"])])
            )
        if not options["no_beat"]:
            schedule = Path(settings.CELERY_BEAT_SCHEDULE_FILENAME)
            schedule.parent.mkdir(parents=True, exist_ok=True)
            children.append(Child("beat", [*celery, "beat", "-l", "info", "-s", str(schedule)]))
        if with_sandbox:
            argv = [python, "-m", "sandbox", "--host", options["host"], "--port", str(options["sandbox_port"])]
            if not options["no_sandbox_state"]:
                # The database keeps the remote ids and image URLs the emulator gave: the emulator keeps them too,
                # so the stack really starts where it stopped.
                state_file = options["sandbox_state_file"] or str(Path(settings.VAR_DIR) / SANDBOX_STATE_FILENAME)
                argv += ["--state-file", state_file]
            children.append(Child("sandbox", argv, cwd=str(settings.BASE_DIR)))
        return children

    @staticmethod
    def _login_line() -> str:
        from products.demo import demo_login_describe

        login = demo_login_describe()
        if login is None:
            return "no demo login (create one with: make demo)"
        if login.password is None:
            return f"{login.username} (password set by you after the first start)"
        return f"{login.username} / {login.password}"

    def _announce(self, supervisor, stop, host, port, sandbox_port, login) -> None:
        if not _wait_for_port(host, port, stop, timeout=120):
            return
        lines = [
            "",
            "=" * 72,
            "  shopadmin is running",
            f"  admin:     http://{host}:{port}/admin/",
            f"  login:     {login}",
        ]
        if sandbox_port is not None:
            lines.append(f"  emulator:  http://{host}:{sandbox_port}/")
            lines.append(f"  pushes:    {self._configure_sandbox_events(host, port, sandbox_port, stop)}")
        lines += ["  Ctrl-C stops everything.", "=" * 72, ""]
        if not supervisor.stopping.is_set():
            supervisor.write("\n".join(lines))

    @staticmethod
    def _configure_sandbox_events(host, port, sandbox_port, stop) -> str:
        """Have the emulator push order and product events to the demo shops' webhooks on this admin."""
        from channels_sync.demo import demo_event_urls_configure

        if not _wait_for_port(host, sandbox_port, stop, timeout=60):
            return "emulator not reachable; no event pushes"
        try:
            config = demo_event_urls_configure(
                sandbox_url=f"http://{host}:{sandbox_port}", admin_url=f"http://{host}:{port}"
            )
        except Exception as error:  # the stack runs without pushes; the periodic polls still work
            return f"could not configure the emulator's pushes ({error.__class__.__name__})"
        return ", ".join(sorted(config.values())) or "no shop uses the emulator"

    def _write(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
