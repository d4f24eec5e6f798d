"""Seed 004's example request (publishProduct, API reference §6), kept verbatim in ``seed_example_004.json``.

The seed writes the request as JSON; on the wire it is a form, so :func:`seed_form` turns each value into its
text as it stands in the example (the numbers ``1`` and ``24`` become ``"1"`` and ``"24"``; the JSON-string fields
keep their exact characters, the space in ``["区域1", "区域2"]`` included).
"""

import json
from pathlib import Path

SEED_004_PATH = Path(__file__).parent / "seed_example_004.json"
SEED_004_REQUEST: dict = json.loads(SEED_004_PATH.read_text(encoding="utf-8"))
SEED_004_TOKEN = SEED_004_REQUEST["token"]


def seed_form(**changes) -> dict[str, str]:
    """The example as form fields, with ``changes`` applied (a value of None removes the field)."""
    form = {key: value if isinstance(value, str) else json.dumps(value) for key, value in SEED_004_REQUEST.items()}
    for key, value in changes.items():
        if value is None:
            form.pop(key, None)
        else:
            form[key] = value
    return form
