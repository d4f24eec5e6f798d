"""Golden files for the open platform's publishProduct form (``golden/<name>.json``).

``golden(name, data)`` compares ``data``, rendered as ``json.dumps(data, ensure_ascii=False, indent=2,
sort_keys=True)``, with the file; ``UPDATE_GOLDEN=1`` (re)writes the files after an intended change.
"""

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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
