"""Calls that carry an access token, as the WeChat and Tencent Ads clients make them (design §5).

A token error means the platform refused the call before applying it, so the call is safely repeated once with a
fresh token; a second token error is raised. A failure to get a token at all is never an unknown outcome: the API
call itself was not sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from typing import Protocol, TypeVar

from channels_sync.platforms.errors import AuthError, PlatformError

logger = logging.getLogger("channels_sync.platforms")

T = TypeVar("T")


class TokenSource(Protocol):
    """Where a client gets its access token (``tokens.AccessTokenProvider`` in production)."""

    def get_token(self) -> str: ...

    def invalidate(self, failed_token: str) -> bool: ...


def token_from(tokens: TokenSource) -> str:
    """``tokens.get_token()``; its error, whatever happened to the token request, says the call was not sent."""
    try:
        return tokens.get_token()
    except PlatformError as error:
        error.outcome_unknown = False
        raise


def send_with_token(tokens: TokenSource, send: Callable[[str], T], *, token_errcodes: Collection[int]) -> T:
    """``send(token)``, and once more with a fresh token when the platform refuses the token (an
    :class:`AuthError` with one of ``token_errcodes``): the failed token is dropped from ``tokens`` first (only if
    it is still the cached one)."""
    token = token_from(tokens)
    try:
        return send(token)
    except AuthError as error:
        if error.errcode not in token_errcodes:
            raise
        dropped = tokens.invalidate(token)
        logger.info(
            "platform.token.rejected",
            extra={"endpoint": error.endpoint, "errcode": error.errcode, "cached_token_dropped": dropped},
        )
    return send(token_from(tokens))
