"""Fetching a picture from a platform's image URL (adopting a shop's products): bounded in size, through the
guarded shared session, never following a redirect."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import urlsplit

import requests

from channels_sync.platforms.errors import (
    DestinationRefusedError,
    ProtocolError,
    TransportError,
)
from channels_sync.platforms.hosts import HostPolicy
from channels_sync.platforms.http import Timeouts, transport_error
from channels_sync.platforms.transport import AddressRefused, call_host_policy, shared_session

logger = logging.getLogger("channels_sync.platforms")

# --- Fetching pictures -------------------------------------------------------------------------------------------

# Every platform's product images are at most 10 MB (§3.6); a larger answer is not a product picture.
IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_CHUNK_BYTES = 64 * 1024


def fetch_image(
    url: str,
    *,
    policy: HostPolicy,
    timeouts: Timeouts,
    params: Mapping[str, str] | None = None,
    session: requests.Session | None = None,
    max_bytes: int = IMAGE_MAX_BYTES,
) -> bytes:
    """GET the picture at ``url`` (a shop's image link, or the emulator's stand-in for one), as bytes.

    The destination is checked as for API calls (``policy``: the image hosts allowed, public addresses only unless
    an emulator origin), redirects are never followed, and the body must be an ``image/*`` answer of at most
    ``max_bytes``. Raises :class:`DestinationRefusedError`, :class:`TransportError` (nothing is changed by a GET,
    so the outcome is always known), or :class:`ProtocolError` for an answer that is not a picture.
    """
    endpoint = _image_endpoint(url)
    refusal = policy.refusal(url)
    if refusal is not None:
        raise DestinationRefusedError(refusal, endpoint=endpoint)
    http = session if session is not None else shared_session()
    token = call_host_policy.set(policy)
    try:
        with http.get(
            url,
            params=dict(params) if params else None,
            timeout=timeouts.as_requests(),
            allow_redirects=False,
            stream=True,
        ) as response:
            content_type = response.headers.get("Content-Type", "")
            if response.status_code != 200 or not content_type.startswith("image/"):
                raise ProtocolError(
                    f"not a picture: HTTP {response.status_code}, {content_type or 'no content type'}",
                    endpoint=endpoint,
                    http_status=response.status_code,
                    outcome_unknown=False,
                )
            chunks, size = [], 0
            for chunk in response.iter_content(IMAGE_CHUNK_BYTES):
                size += len(chunk)
                if size > max_bytes:
                    raise ProtocolError(
                        f"the picture is larger than {max_bytes} bytes", endpoint=endpoint, outcome_unknown=False
                    )
                chunks.append(chunk)
    except AddressRefused as refused:
        raise DestinationRefusedError(str(refused), endpoint=endpoint) from None
    except requests.RequestException as exc:
        # ``from None``: the message would hold the full URL.
        error = transport_error(exc, endpoint)
        raise TransportError(error.errmsg, endpoint=endpoint, outcome_unknown=False) from None
    finally:
        call_host_policy.reset(token)
    return b"".join(chunks)


def _image_endpoint(url: str) -> str:
    """The host and path of ``url``, without a user name, query or fragment: what records and errors name."""
    try:
        parts = urlsplit(url)
        return f"{parts.hostname or ''}{parts.path}" or "image"
    except ValueError:
        return "image"
