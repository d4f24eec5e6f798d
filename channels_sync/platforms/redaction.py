"""Secrets out of everything a call leaves behind: access tokens and app secrets masked in URLs, bodies, attempt
rows and log records, and bodies cut to what an attempt row keeps."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

logger = logging.getLogger("channels_sync.platforms")

# An attempt row keeps at most this many characters of a request or response body.
MAX_RECORDED_CHARS = 8000

REDACTED = "***"
SENSITIVE_KEYS = frozenset(
    {"access_token", "secret", "appsecret", "app_secret", "client_secret", "token", "refresh_token"}
)
_KEY_ALTERNATIVES = "|".join(sorted(SENSITIVE_KEYS, key=len, reverse=True))
# ``access_token=…`` in a URL or query string. The leading \b keeps ``token`` from matching inside other names.
_SENSITIVE_PARAM = re.compile(rf"(?i)\b({_KEY_ALTERNATIVES})=[^&#\s\"']*")
# ``"secret": "…"`` inside text that is JSON but was not parsed (a truncated or non-object body).
_SENSITIVE_JSON_FIELD = re.compile(rf'(?i)"({_KEY_ALTERNATIVES})"\s*:\s*"[^"]*"')
# Literal secret values shorter than this are not masked inside text: they would mask innocent words.
_MIN_LITERAL_LENGTH = 8


# --- redaction --------------------------------------------------------------------------------------------------


def redact_text(text: str, literals: Iterable[str] = ()) -> str:
    """``text`` with sensitive query parameters, JSON fields and the given literal values replaced by ``***``."""
    text = _SENSITIVE_PARAM.sub(lambda match: f"{match.group(1)}={REDACTED}", text)
    text = _SENSITIVE_JSON_FIELD.sub(lambda match: f'"{match.group(1)}": "{REDACTED}"', text)
    for literal in literals:
        if literal and len(literal) >= _MIN_LITERAL_LENGTH:
            text = text.replace(literal, REDACTED)
    return text


def redact(value: Any, literals: Iterable[str] = ()) -> Any:
    """A copy of a JSON-like value with every sensitive key's value replaced by ``***``, at any depth, and every
    string passed through :func:`redact_text` (URLs inside values carry tokens too)."""
    literals = tuple(literals)
    if isinstance(value, Mapping):
        return {
            key: REDACTED if str(key).lower() in SENSITIVE_KEYS else redact(item, literals)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(item, literals) for item in value]
    if isinstance(value, str):
        return redact_text(value, literals)
    return value


def truncate_for_record(value: Any, max_chars: int = MAX_RECORDED_CHARS) -> Any:
    """``value`` itself when its JSON fits in ``max_chars``, else a dict with the size and the start of the JSON,
    so an attempt row stays small even for a getbystatus of a thousand products."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) <= max_chars:
        return value
    return {"_truncated": True, "_chars": len(text), "_preview": text[:max_chars]}


class RedactingFilter(logging.Filter):
    """Masks tokens and secrets in records of loggers this package does not own.

    urllib3 logs every request line, query string and access token included, at DEBUG level.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_text(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_text(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


_REDACTED_LOGGERS = ("urllib3.connectionpool",)
_redaction_installed = threading.Event()
_redaction_lock = threading.Lock()


def install_log_redaction() -> None:
    """Attach :class:`RedactingFilter` to the HTTP libraries' loggers, once per process."""
    if _redaction_installed.is_set():
        return
    with _redaction_lock:
        if not _redaction_installed.is_set():
            for name in _REDACTED_LOGGERS:
                logging.getLogger(name).addFilter(RedactingFilter())
            _redaction_installed.set()
