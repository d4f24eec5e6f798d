"""The HTTP transport of every platform client: one shared ``requests`` session whose connections check, when they
open, that the address they reach is one the call's host policy allows (no loopback, private or link-local address
unless the policy says so), and never follow a redirect."""

from __future__ import annotations

import contextvars
import logging
import os
import socket
import sys
import threading
from http.cookiejar import DefaultCookiePolicy
from typing import Any, ClassVar

import requests
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from channels_sync.platforms.hosts import Destination, HostPolicy, is_public_address

logger = logging.getLogger("channels_sync.platforms")

USER_AGENT = "shopadmin-channels-sync/1"
# Connections kept per host, and hosts kept: a worker talks to a handful of platform hosts (or the emulator).
POOL_MAXSIZE = 32
POOL_HOSTS = 8

# --- connections that check where they go ----------------------------------------------------------------------

# The policy of the call in progress. urllib3 opens connections deep inside ``requests``, where no argument of the
# call reaches, so :meth:`JsonHttpClient._send` sets it around exactly its own ``session.request`` and the
# connection reads it when it opens its socket.
call_host_policy: contextvars.ContextVar[HostPolicy | None] = contextvars.ContextVar("call_host_policy", default=None)


class AddressRefused(Exception):
    """Raised inside urllib3 when a connection would reach a destination the call's policy refuses.

    Not an ``OSError``, so neither urllib3 nor requests wraps it into a retryable connection error; the client
    turns it into :class:`~channels_sync.platforms.errors.DestinationRefusedError`.
    """


class _GuardedConnectionMixin:
    """Opens the socket only to an address the call's policy allows (DNS rebinding included).

    The name is resolved once, here, and the socket is connected to one of exactly the addresses that were
    checked: a name that answers a public address to a first lookup and 127.0.0.1 to a second one cannot slip
    through, as it could if the check resolved the name and the connection resolved it again. TLS still verifies
    the certificate against the host name (SNI and hostname checks use ``self.host``, not the address).
    Without a policy (a session used directly, e.g. by tests driving the emulator) it is a plain connection.
    """

    guarded_scheme: ClassVar[str] = "http"

    def _new_conn(self) -> socket.socket:
        policy = call_host_policy.get()
        if policy is None:
            return super()._new_conn()  # type: ignore[misc]
        destination = Destination(scheme=self.guarded_scheme, host=self.host.lower(), port=self.port)
        if not policy.allows(destination):
            raise AddressRefused(_("%(given)s is not allowed for this platform.") % {"given": destination.netloc})
        if policy.is_emulator(destination):
            # An emulator origin is the operator's own choice, loopback or private address included.
            return super()._new_conn()  # type: ignore[misc]
        return self._connect_to_public_address(destination)

    def _connect_to_public_address(self, destination: Destination) -> socket.socket:
        try:
            found = socket.getaddrinfo(
                self._dns_host, self.port, urllib3_connection.allowed_gai_family(), socket.SOCK_STREAM
            )
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error
        addresses = list(dict.fromkeys(sockaddr[0] for *_, sockaddr in found))
        refused = [address for address in addresses if not is_public_address(address)]
        if refused or not addresses:
            # All or nothing: a name with any non-public address is not a platform's public API.
            raise AddressRefused(
                _("%(given)s resolves to an address that is not public (%(addresses)s): refused.")
                % {"given": destination.netloc, "addresses": ", ".join(refused) or "-"}
            )
        last_error: OSError | None = None
        for address in addresses:
            try:
                sock = urllib3_connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except OSError as error:
                last_error = error
                continue
            sys.audit("http.client.connect", self, self.host, self.port)
            return sock
        if isinstance(last_error, TimeoutError):
            raise ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
            ) from last_error
        raise NewConnectionError(self, f"Failed to establish a new connection: {last_error}") from last_error


class _GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    guarded_scheme = "http"


class _GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    guarded_scheme = "https"


class _GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedHTTPAdapter(HTTPAdapter):
    """requests' adapter with connections that apply the call's :class:`HostPolicy` when they open.

    A proxy named by the environment (``HTTPS_PROXY``) is the operator's egress: the socket then goes to the
    proxy, which resolves the platform's host itself, so only the URL check of the client applies.
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPConnectionPool,
            "https": _GuardedHTTPSConnectionPool,
        }


def is_guarded(session: Any) -> bool:
    """Whether ``session`` opens its connections through :class:`GuardedHTTPAdapter` (as :func:`new_session`'s do)."""
    get_adapter = getattr(session, "get_adapter", None)
    if get_adapter is None:
        return False
    return all(isinstance(get_adapter(f"{scheme}://"), GuardedHTTPAdapter) for scheme in ("http", "https"))


# --- the shared session -----------------------------------------------------------------------------------------


class _SessionHolder:
    """One ``requests.Session`` per process, created on first use.

    The pid is checked because a Celery prefork worker inherits the parent's module state: pooled sockets must
    not be shared across a fork.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session: requests.Session | None = None
        self._pid: int | None = None

    def get(self) -> requests.Session:
        session, pid = self._session, os.getpid()
        if session is not None and self._pid == pid:
            return session
        with self._lock:
            if self._session is None or self._pid != pid:
                self._session = new_session()
                self._pid = pid
            return self._session


def new_session() -> requests.Session:
    """A session configured like the shared one: pooled, without automatic retries or cookies."""
    session = requests.Session()
    # No automatic retries: whether a failed call may be repeated is the engine's decision, and a silent retry
    # of a POST could apply it twice.
    adapter = GuardedHTTPAdapter(pool_connections=POOL_HOSTS, pool_maxsize=POOL_MAXSIZE, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    # The session is shared by every shop and thread; platform APIs need no cookies, so none are kept.
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
    return session


_sessions = _SessionHolder()


def shared_session() -> requests.Session:
    """The process-wide session used by every client that is not given one."""
    return _sessions.get()
