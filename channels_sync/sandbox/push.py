"""Delivery of server pushes (events) to a callback URL, signed the way WeChat signs its pushes.

The receiver checks ``signature == sha1("".join(sorted([token, timestamp, nonce])))`` with its own server token;
the sandbox uses the app's push token (README, "Order-paid push").
"""

from __future__ import annotations

import hashlib
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

PUSH_TIMEOUT_SECONDS = 5.0
# Enough of the receiver's answer to debug with; a WeChat receiver answers "success" or "".
ANSWER_PREVIEW_CHARS = 200


# Pushes go straight to the receiver (usually on this machine), never through an environment proxy.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def wechat_signature(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PushResult:
    url: str
    status: int | None = None
    answer: str = ""
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "answer": self.answer, "error": self.error}


def signed_url(url: str, *, token: str, timestamp: str, nonce: str) -> str:
    query = urllib.parse.urlencode(
        {"signature": wechat_signature(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
    )
    return f"{url}{'&' if '?' in url else '?'}{query}"


def deliver(url: str, body: bytes, content_type: str, *, token: str, timestamp: str, nonce: str) -> PushResult:
    """POST ``body`` to ``url`` with the signature query parameters. Never raises: the outcome is returned."""
    request = urllib.request.Request(
        signed_url(url, token=token, timestamp=timestamp, nonce=nonce),
        data=body,
        method="POST",
        headers={"Content-Type": content_type},
    )
    try:
        with _OPENER.open(request, timeout=PUSH_TIMEOUT_SECONDS) as response:
            answer = response.read().decode("utf-8", "replace")[:ANSWER_PREVIEW_CHARS]
            result = PushResult(url=url, status=response.status, answer=answer)
    except urllib.error.HTTPError as exc:
        answer = exc.read().decode("utf-8", "replace")[:ANSWER_PREVIEW_CHARS]
        exc.close()
        result = PushResult(url=url, status=exc.code, answer=answer, error=f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError) as exc:
        result = PushResult(url=url, error=str(exc))
    logger.info("sandbox.push.delivered", extra={"push_status": result.status, "push_error": result.error})
    return result
