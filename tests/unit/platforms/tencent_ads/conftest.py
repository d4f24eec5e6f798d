"""Golden files of the Tencent Ads bodies, as sent on the wire (two-decimal amounts).

``golden(name, body)`` compares ``encode_request(body, indent=2, sort_keys=True)`` with ``golden/<name>.json``.
Run the tests with ``UPDATE_GOLDEN=1`` to (re)write the files after an intended change, then review the diff.
"""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from channels_sync.platforms.tencent_ads.payloads import encode_request

GOLDEN_DIR = Path(__file__).parent / "golden"


@pytest.fixture
def golden() -> Callable[[str, Any], None]:
    def check(name: str, body: Any) -> None:
        path = GOLDEN_DIR / f"{name}.json"
        text = encode_request(body, indent=2, sort_keys=True) + "\n"
        if os.environ.get("UPDATE_GOLDEN") == "1":
            GOLDEN_DIR.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden file {path.name} is missing: run the tests with UPDATE_GOLDEN=1 to write it")
        assert text == path.read_text(encoding="utf-8")

    return check
