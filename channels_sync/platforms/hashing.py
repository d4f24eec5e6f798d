"""The hash of a payload, which decides whether a product changed since its last push: pure, so the adapters'
publish (``adapter.PlatformAdapter.publish``) and the models share it."""

from __future__ import annotations

import hashlib
import json


def payload_hash(payload: dict) -> str:
    """A stable hash of a payload: the same content always gives the same hash, whatever the key order."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
