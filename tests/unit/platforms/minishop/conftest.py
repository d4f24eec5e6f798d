"""Golden files for the mini-shop payload builders (``golden(name, data)``, as in the Channels tests): run with
``UPDATE_GOLDEN=1`` to (re)write them after an intended change, then review the diff."""

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.unit.platforms.stubs import EMULATOR_POLICY

GOLDEN_DIR = Path(__file__).parent / "golden"


@pytest.fixture
def golden() -> Callable[[str, Any], None]:
    def check(name: str, data: Any) -> None:
        path = GOLDEN_DIR / f"{name}.json"
        text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        if os.environ.get("UPDATE_GOLDEN") == "1":
            GOLDEN_DIR.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden file {path.name} is missing: run the tests with UPDATE_GOLDEN=1 to write it")
        assert text == path.read_text(encoding="utf-8")

    return check


# --- The client and the adapter against the in-process emulator ----------------------------------------------

MINISHOP_APP = ("wx_demo_minishop", "demo-minishop-secret")


@pytest.fixture
def minishop_provider(server, token_cache, http_session, calls):
    from channels_sync.platforms.tokens import AccessTokenProvider
    from tests.unit.platforms.conftest import TIMEOUTS

    return AccessTokenProvider(
        base_url=server.url,
        appid=MINISHOP_APP[0],
        secret=MINISHOP_APP[1],
        cache=token_cache,
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )


@pytest.fixture
def minishop(server, minishop_provider, http_session, calls):
    from channels_sync.platforms.minishop import MiniShopClient
    from tests.unit.platforms.conftest import TIMEOUTS

    return MiniShopClient(
        server.url,
        tokens=minishop_provider,
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )


@pytest.fixture
def audit_delay(control) -> float:
    """Audits take a minute of sandbox time: they finish only when a test moves the clock."""
    control.control("POST", "config", {"minishop_audit": {"delay_seconds": 60, "outcome": "pass"}})
    return 60.0
