"""The typed error family every platform client raises (design §4 "Retries", §5).

The sync engine decides what to do from two questions only, so every class answers them:

* ``retryable`` (a property): may the same call heal if it is made again later (after a backoff, a token refresh,
  a quota window)?
* ``outcome_unknown``: may the platform have applied the request although no success answer was seen? Such an
  outcome is reconciled by reading the remote state before any retry, because a blind retry of a create or a
  stock delta could double it.

The classes are platform-neutral: each client maps its own codes onto them (the WeChat mapping lives in
``channels_sync.platforms.wechat``). Messages are built from the endpoint path (never the URL with its query),
the errcode and the platform's redacted errmsg, so they never carry an access token or a secret.
"""

from __future__ import annotations

from typing import Any, ClassVar


class PlatformError(Exception):
    """Base of the family: a call to ``endpoint`` did not succeed.

    ``errcode``/``errmsg`` are the platform's answer when there was one; ``http_status`` is ``None`` when no
    HTTP answer arrived at all. ``outcome_unknown`` defaults per class (see each subclass).
    """

    default_outcome_unknown: ClassVar[bool] = False
    default_errcode: ClassVar[int | None] = None

    def __init__(
        self,
        errmsg: str = "",
        *,
        endpoint: str = "",
        errcode: int | None = None,
        http_status: int | None = None,
        outcome_unknown: bool | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.errcode = self.default_errcode if errcode is None else errcode
        self.errmsg = errmsg
        self.http_status = http_status
        self.outcome_unknown = self.default_outcome_unknown if outcome_unknown is None else outcome_unknown
        super().__init__(self.describe())

    @property
    def retryable(self) -> bool:
        return False

    def describe(self) -> str:
        """``"/merchant/create: HTTP 200, errcode 40097, invalid args: …"``."""
        details = []
        if self.http_status is not None:
            details.append(f"HTTP {self.http_status}")
        if self.errcode is not None:
            details.append(f"errcode {self.errcode}")
        if self.errmsg:
            details.append(self.errmsg)
        head = self.endpoint or "platform call"
        return f"{head}: {', '.join(details)}" if details else head

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(endpoint={self.endpoint!r}, errcode={self.errcode!r}, errmsg={self.errmsg!r}, "
            f"http_status={self.http_status!r}, outcome_unknown={self.outcome_unknown!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors defeat Exception's default pickling; Celery may pickle a raised error.
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls: type[PlatformError], state: dict[str, Any]) -> PlatformError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, error.describe())
    return error


class TransportError(PlatformError):
    """No usable HTTP answer: connection refused or reset, DNS failure, timeout, a body cut short.

    ``outcome_unknown`` must be stated by the raiser: ``False`` only when the request certainly never left (a
    connect error or connect timeout); a read timeout or a reset after sending may hide an applied change.
    """

    default_outcome_unknown = True

    @property
    def retryable(self) -> bool:
        return True


class ServerError(PlatformError):
    """HTTP 5xx (including a gateway timeout). The platform may have applied the call before failing."""

    default_outcome_unknown = True

    @property
    def retryable(self) -> bool:
        return True


class ProtocolError(ServerError):
    """A 2xx answer that cannot be used: not JSON, or a success without a field the reference documents.

    A subclass of :class:`ServerError` because the engine handles both alike (outcome unknown: reconcile, then
    retry), while the attempt log still shows which one it was.
    """


class SystemBusyError(PlatformError):
    """WeChat's errcode ``-1`` "system busy". Retryable with backoff, but the design treats the outcome as unknown:
    the engine reconciles before retrying, so the client never retries it by itself."""

    default_outcome_unknown = True
    default_errcode = -1

    @property
    def retryable(self) -> bool:
        return True


class AuthError(PlatformError):
    """Credentials or account configuration refused.

    Two kinds, told apart by ``config_error``:

    * a token error (40001/40014/42001) that persisted after the client's one refresh: retryable later, because
      the next attempt gets a fresh token (design §4 lists token errors among the retryable ones);
    * a configuration error (invalid app id or secret, IP not whitelisted, API not authorised…): terminal until
      a person fixes the shop's settings, because retrying only loops (reference §1.3, §7.3).
    """

    def __init__(self, errmsg: str = "", *, config_error: bool = False, **kwargs: Any) -> None:
        self.config_error = config_error
        super().__init__(errmsg, **kwargs)

    @property
    def retryable(self) -> bool:
        return not self.config_error


class DestinationRefusedError(PlatformError):
    """The call may not go where the shop's base URL points (``hosts.HostPolicy``): a host that is not the
    platform's, a scheme other than HTTPS, a name that resolves to a loopback, private or link-local address, or
    an answer that redirects elsewhere (never followed).

    Terminal: only a person correcting the shop's base URL, or the operator's settings, heals it. Refused before
    sending, nothing left (the default ``outcome_unknown`` False); a redirect answers a call that did go out, so
    its raiser says ``outcome_unknown=True``.
    """


class RateLimitedError(PlatformError):
    """A quota or frequency limit (WeChat 45009 daily, 45011 per minute, and platform-specific codes).

    ``retry_after`` is the number of seconds after which the limit's window has passed.
    """

    def __init__(self, errmsg: str = "", *, retry_after: float, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(errmsg, **kwargs)

    @property
    def retryable(self) -> bool:
        return True


class RejectedError(PlatformError):
    """A business rejection (bad field, unknown product, rule violated): terminal, shown on the object with its
    errcode and errmsg. ``errcode`` is ``None`` for an HTTP 4xx that carried no platform code."""

    def __init__(self, errcode: int | None, errmsg: str, **kwargs: Any) -> None:
        super().__init__(errmsg, errcode=errcode, **kwargs)


class ImageRefusedError(RejectedError):
    """The platform refused an image URL of the request as not its own: an upload it no longer knows (it lost or
    purged it), or one made by another account. Each platform's client maps its own answer (V1.17 40097 "… is not
    an image uploaded with common/upload_img", Channels 10020035).

    ``urls`` are the image URLs the errmsg names, when it names any: then only those need uploading again.
    """

    def __init__(self, errcode: int | None, errmsg: str, *, urls: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.urls = tuple(urls)
        super().__init__(errcode, errmsg, **kwargs)


class RemoteMissingError(RejectedError):
    """The remote object the call names does not exist (any more) in the shop: deleted there, or lost by it. Each
    platform's client maps its own answer (V1.17 40097 "product_id X does not exist", Channels 10020052, mini-shop
    9401002 and 100002).

    ``kind`` is what is missing (``"product"``, ``"freight_template"``, ``"group"``, ``"shelf"``, ``"order"``) and
    ``remote_id`` its id when the errmsg names it (``""`` when the code alone says it: the call's own object).
    """

    def __init__(self, errcode: int | None, errmsg: str, *, kind: str, remote_id: str = "", **kwargs: Any) -> None:
        self.kind = kind
        self.remote_id = remote_id
        super().__init__(errcode, errmsg, **kwargs)


class PayloadError(ValueError):
    """A request body cannot be built from the catalog; the message tells the merchant what is missing.

    Nothing was sent: the job fails at once with this message (retrying cannot help until the catalog changes).
    ``field`` is the path of the offending field in the body (``"product_base.category_id"``), ``asset_id`` the
    image asset that has no platform URL yet, when that is the cause.
    """

    def __init__(self, field: str, message: str, *, asset_id: int | None = None) -> None:
        self.field = field
        self.message = message
        self.asset_id = asset_id
        super().__init__(f"{field}: {message}")
