"""``python -m sandbox``: serve the platform emulator until interrupted (Ctrl-C or SIGTERM); see README.md.

Run it from the project folder (``bin/sandbox`` and ``make run`` do). It needs nothing but the standard library.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from typing import Any

from sandbox.core.server import DEFAULT_PORT, SandboxServer
from sandbox.core.tokens import DEFAULT_GRACE_SECONDS
from sandbox.emulator import Sandbox


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox",
        description="Run the local emulator of the platform APIs until interrupted (Ctrl-C or SIGTERM).",
    )
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
    return parser


def _configure_logging(*, quiet: bool) -> None:
    # Every module of the emulator logs under its own name, below this one.
    logger = logging.getLogger("sandbox")
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    handler = logging.StreamHandler()
    handler.setFormatter(_CallFormatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    # The handler above is the only one: a root handler, if any, would print each line a second time.
    logger.propagate = False


def _say(line: str, *, problem: bool = False) -> None:
    print(line, file=sys.stderr if problem else sys.stdout, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    _configure_logging(quiet=options.quiet)
    try:
        sandbox = Sandbox(
            seed=options.seed,
            event_url=options.event_url,
            token_grace_seconds=options.token_grace,
            state_file=options.state_file,
        )
        server = SandboxServer(sandbox, host=options.host, port=options.port)
    except (OSError, ValueError) as exc:
        _say(f"cannot start the sandbox: {exc}", problem=True)
        return 1
    _say(f"Sandbox listening on {server.url}/ (apps: {', '.join(sandbox.ctx.apps.ids())})")
    if options.event_url:
        _say(f"Order-paid pushes go to {options.event_url}")
    if sandbox.state_report is not None:
        report = sandbox.state_report
        _say(f"State: {report.describe()}", problem=bool(report.problem))
    _say("Quit with CONTROL-C.")
    # A supervisor (make run) stops the emulator with SIGTERM: handled like Ctrl-C, so the state is saved.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        _say("Sandbox stopped.")
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
