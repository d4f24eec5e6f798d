"""``python manage.py runsandbox``: serve the platform emulator until interrupted (channels_sync/sandbox/README.md)."""

import logging
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from channels_sync.sandbox import DEFAULT_PORT, Sandbox, SandboxServer
from channels_sync.sandbox.tokens import DEFAULT_GRACE_SECONDS


class _CallFormatter(logging.Formatter):
    """One line per call: the event name and the fields the sandbox attaches (never a query string or secret)."""

    FIELDS = (
        "http_method",
        "http_path",
        "appid",
        "http_status",
        "errcode",
        "fault",
        "push_status",
        "push_error",
        "detail",
    )

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = " ".join(f"{name}={getattr(record, name)}" for name in self.FIELDS if hasattr(record, name))
        return f"{line} {extras}" if extras else line


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Run the local emulator of the platform APIs until interrupted (Ctrl-C or SIGTERM)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Interface to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"Port (default {DEFAULT_PORT}; 0 = any).")
        parser.add_argument("--event-url", default=None, help="Callback URL for the order-paid push.")
        parser.add_argument("--seed", type=int, default=None, help="Seed for deterministic ids and tokens.")
        parser.add_argument(
            "--token-grace",
            type=float,
            default=DEFAULT_GRACE_SECONDS,
            help=f"Seconds a superseded cgi-bin/token token keeps working (default {DEFAULT_GRACE_SECONDS}).",
        )
        parser.add_argument("--quiet", action="store_true", help="Do not log each call.")
        parser.add_argument(
            "--state-file",
            default=None,
            help="Keep the emulator's state in this JSON file across restarts (default: in memory only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._configure_logging(quiet=options["quiet"])
        try:
            sandbox = Sandbox(
                seed=options["seed"],
                event_url=options["event_url"],
                token_grace_seconds=options["token_grace"],
                state_file=options["state_file"],
            )
            server = SandboxServer(sandbox, host=options["host"], port=options["port"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot start the sandbox: {exc}") from exc
        self.stdout.write(f"Sandbox listening on {server.url}/ (apps: {', '.join(sandbox.ctx.apps.ids())})")
        if options["event_url"]:
            self.stdout.write(f"Order-paid pushes go to {options['event_url']}")
        if sandbox.state_report is not None:
            report = sandbox.state_report
            write = self.stderr.write if report.problem else self.stdout.write
            write(f"State: {report.describe()}")
        self.stdout.write("Quit with CONTROL-C.")
        # A supervisor (make run) stops the emulator with SIGTERM: handled like Ctrl-C, so the state is saved.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("Sandbox stopped.")
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.stop()

    @staticmethod
    def _configure_logging(*, quiet: bool) -> None:
        logger = logging.getLogger("channels_sync.sandbox")
        logger.setLevel(logging.WARNING if quiet else logging.INFO)
        handler = logging.StreamHandler()
        handler.setFormatter(_CallFormatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        # The handler above prints the fields; the project's root handler would print the line a second time.
        logger.propagate = False
