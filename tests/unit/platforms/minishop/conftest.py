"""The mini-shop client and adapter against the in-process emulator; golden files come from the shared
``golden`` fixture (tests/unit/platforms/conftest.py)."""

import pytest

from tests.unit.platforms.stubs import EMULATOR_POLICY

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
