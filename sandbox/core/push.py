"""Delivery of server pushes (events) to a callback URL, signed the way WeChat signs its pushes.

The receiver checks ``signature == sha1("".join(sorted([token, timestamp, nonce])))`` with its own server token;
the sandbox uses the app's push token (README, "Order-paid push").

:func:`deliver` sends one push and waits for the answer. :class:`PushQueue` sends pushes in order on a background
thread (the Channels store's events), so that the call that caused an event never waits for the receiver, and a
receiver that calls the sandbox back cannot deadlock with it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
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


def signed_url(url: str, *, token: str, timestamp: str, nonce: str, extra: dict[str, str] | None = None) -> str:
    """The URL with the signature parameters; ``extra`` adds the secure mode's ``encrypt_type`` and
    ``msg_signature``."""
    query = urllib.parse.urlencode(
        {
            "signature": wechat_signature(token, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            **(extra or {}),
        }
    )
    return f"{url}{'&' if '?' in url else '?'}{query}"


def deliver(
    url: str,
    body: bytes,
    content_type: str,
    *,
    token: str,
    timestamp: str,
    nonce: str,
    extra_query: dict[str, str] | None = None,
) -> PushResult:
    """POST ``body`` to ``url`` with the signature query parameters. Never raises: the outcome is returned."""
    request = urllib.request.Request(
        signed_url(url, token=token, timestamp=timestamp, nonce=nonce, extra=extra_query),
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


# A delivery thread with nothing to send for this long ends; the next push starts a new one.
WORKER_IDLE_SECONDS = 2.0


@dataclass
class QueuedPush:
    """A signed push waiting for delivery; ``on_result`` is called (on the delivery thread) with its outcome."""

    url: str
    body: bytes
    content_type: str
    token: str = field(repr=False)
    timestamp: str
    nonce: str
    on_result: Callable[[PushResult], None] | None = None
    # The secure mode's query parameters (``encrypt_type``, ``msg_signature``); the body is encrypted already.
    extra_query: dict[str, str] | None = None


class PushQueue:
    """Delivers pushes one at a time, in the order they were queued, on a daemon thread."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._queue: deque[QueuedPush] = deque()
        # Queued plus the one being delivered.
        self._unfinished = 0
        self._worker: threading.Thread | None = None

    def put(self, push: QueuedPush) -> None:
        with self._condition:
            self._queue.append(push)
            self._unfinished += 1
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="sandbox-push", daemon=True)
                self._worker.start()
            self._condition.notify_all()

    def flush(self, timeout: float) -> bool:
        """Wait until every queued push has been delivered (or has failed); False if ``timeout`` ran out first."""
        with self._condition:
            return self._condition.wait_for(lambda: self._unfinished == 0, timeout)

    def pending(self) -> int:
        with self._condition:
            return self._unfinished

    def _run(self) -> None:
        while True:
            with self._condition:
                if not self._queue:
                    self._condition.wait_for(lambda: bool(self._queue), WORKER_IDLE_SECONDS)
                if not self._queue:
                    self._worker = None
                    return
                push = self._queue.popleft()
            try:
                result = deliver(
                    push.url,
                    push.body,
                    push.content_type,
                    token=push.token,
                    timestamp=push.timestamp,
                    nonce=push.nonce,
                    extra_query=push.extra_query,
                )
                if push.on_result is not None:
                    push.on_result(result)
            except Exception:  # a bug in a callback must not stop later pushes
                logger.exception("sandbox.push.crashed")
            finally:
                with self._condition:
                    self._unfinished -= 1
                    self._condition.notify_all()
