"""The supervisor behind ``manage.py runstack``: prefixed output, and all children stop together."""

import sys
import threading
import time

import pytest

from shopadmin.management.commands.runstack import Child, Supervisor


def python(code: str) -> list[str]:
    return [sys.executable, "-u", "-c", code]


SLEEPER = python("import time\nprint('up', flush=True)\nwhile True: time.sleep(0.1)")


@pytest.fixture
def lines():
    return []


def make_supervisor(children, lines) -> Supervisor:
    return Supervisor(children, write=lines.append, stop_timeout=5)


def test_output_lines_are_prefixed_with_the_child_name(lines):
    supervisor = make_supervisor([Child("web", python("print('hello')")), Child("worker", SLEEPER)], lines)
    supervisor.start()
    try:
        died = supervisor.wait(threading.Event())
    finally:
        supervisor.stop()

    assert died.name == "web"
    assert "web    | hello" in lines
    assert "worker | up" in lines


def test_a_dying_child_stops_the_others(lines):
    # Given two long-running children and one that fails
    children = [Child("worker", SLEEPER), Child("beat", SLEEPER), Child("web", python("import sys; sys.exit(3)"))]
    supervisor = make_supervisor(children, lines)
    supervisor.start()

    # When the supervisor notices the failure and stops
    died = supervisor.wait(threading.Event())
    supervisor.stop()

    # Then it names the dead child, and nothing is left running
    assert died.name == "web"
    assert died.process.returncode == 3
    assert all(child.process.poll() is not None for child in children)


def test_stop_request_terminates_every_child(lines):
    children = [Child("worker", SLEEPER), Child("beat", SLEEPER)]
    supervisor = make_supervisor(children, lines)
    supervisor.start()
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()

    started = time.monotonic()
    assert supervisor.wait(stop) is None
    supervisor.stop()

    assert time.monotonic() - started < 5
    assert all(child.process.poll() is not None for child in children)


def test_a_child_ignoring_sigterm_is_killed(lines):
    stubborn = python(
        "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('up', flush=True)\n"
        "while True: time.sleep(0.1)"
    )
    supervisor = Supervisor([Child("stubborn", stubborn)], write=lines.append, stop_timeout=0.5)
    supervisor.start()
    deadline = time.monotonic() + 10
    while "stubborn | up" not in lines and time.monotonic() < deadline:
        time.sleep(0.05)

    supervisor.stop()

    assert supervisor.children[0].process.poll() is not None
    assert "stubborn did not stop within 0 s: killing it" in lines


# --- the emulator's state file ----------------------------------------------------------------------------------------


def _sandbox_argv(**options) -> list[str]:
    from shopadmin.management.commands.runstack import Command

    defaults = {
        "host": "127.0.0.1",
        "port": 8000,
        "sandbox_port": 8765,
        "concurrency": 1,
        "no_worker": True,
        "no_beat": True,
        "sandbox_state_file": None,
        "no_sandbox_state": False,
    }
    children = Command()._children({**defaults, **options}, with_sandbox=True)
    return next(child.argv for child in children if child.name == "sandbox")


def test_the_run_command_keeps_the_emulators_state_in_the_var_folder_by_default(settings):
    argv = _sandbox_argv()

    assert argv[argv.index("--state-file") + 1] == str(settings.VAR_DIR / "sandbox-state.json")


def test_the_run_command_can_name_another_state_file_or_run_the_emulator_without_one(tmp_path):
    named = _sandbox_argv(sandbox_state_file=str(tmp_path / "elsewhere.json"))
    without = _sandbox_argv(no_sandbox_state=True)

    assert named[named.index("--state-file") + 1] == str(tmp_path / "elsewhere.json")
    assert "--state-file" not in without
