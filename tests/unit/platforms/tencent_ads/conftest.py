"""Golden files of the Tencent Ads bodies, as sent on the wire (two-decimal amounts).

The shared ``golden`` fixture (tests/unit/platforms/conftest.py) renders them with ``encode_request``.
"""

from collections.abc import Callable
from typing import Any

import pytest

from channels_sync.platforms.tencent_ads.payloads import encode_request


@pytest.fixture
def golden_render() -> Callable[[Any], str]:
    """Tencent Ads bodies as sent on the wire (two-decimal amounts), for the shared ``golden`` fixture."""
    return lambda body: encode_request(body, indent=2, sort_keys=True) + "\n"
