"""Which addresses a platform client may call: the per-platform allow-list of base URLs, and public addresses.

A shop's base URL is typed by staff, and the worker sends the shop's decrypted app secret there (the
``stable_token`` body, the Tencent Ads OAuth query, the open platform's form). So a base URL is accepted only when
it is

* one of the platform's own API hosts, over HTTPS on the default port unless a host entry names another port
  (:attr:`HostPolicy.hosts`: ``api.weixin.qq.com`` for the WeChat platforms, ``api.e.qq.com`` for Tencent Ads, the
  hosts the operator lists for the open platform), or
* one of the emulator origins the installation enables (:attr:`HostPolicy.emulator_origins`, e.g.
  ``http://127.0.0.1:*``; none in production).

The same :class:`HostPolicy` answers the admin's validation (:meth:`HostPolicy.refusal`, a sentence for a field
error) and the HTTP client, which checks the URL before anything is encoded and checks the connection itself again
when it opens (``http.py``): there the host must still be allowed and, unless it is an emulator origin, every
address its name resolves to must be public (:func:`is_public_address`).

Nothing here reads Django settings: the policy is built from them by the adapters (``adapter.py``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

DEFAULT_PORTS = {"http": 80, "https": 443}
ANY_PORT = "*"
# What a base URL may contain: letters, digits and the URL punctuation a host, port and path need. Backslashes,
# spaces, control characters and "@" are refused outright, so that no two URL parsers can disagree about the host
# (urllib.parse here, urllib3 when connecting).
_URL_CHARACTERS = re.compile(r"^[A-Za-z0-9._~:/?#\[\]!$&'()*+,;=%-]+$")
_HOST_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
# NAT64's well-known prefix (RFC 6052): the IPv4 address in the last 32 bits is the one really reached.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True)
class Destination:
    """Where a call goes: scheme, host (lower case; an IPv6 address without brackets) and port."""

    scheme: str
    host: str
    port: int

    @property
    def netloc(self) -> str:
        """``host``, or ``host:port`` when the port is not the scheme's default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if DEFAULT_PORTS.get(self.scheme) == self.port else f"{host}:{self.port}"


def destination_of(url: str) -> Destination | None:
    """The destination of ``url``, or ``None`` when it has no usable host, a user name or password, an invalid port
    or a character outside :data:`_URL_CHARACTERS`."""
    url = url.strip()
    if not _URL_CHARACTERS.match(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not parts.hostname or parts.username is not None or parts.password is not None:
        return None
    if port is None:
        port = DEFAULT_PORTS.get(scheme)
        if port is None:
            return Destination(scheme=scheme, host=parts.hostname.lower(), port=0)
    return Destination(scheme=scheme, host=parts.hostname.lower(), port=port)


def normalize_host(host: str) -> str:
    """``host`` as :class:`Destination` holds it: lower case, an IPv6 address without brackets."""
    return host.strip().lower().removeprefix("[").removesuffix("]")


@dataclass(frozen=True)
class EmulatorOrigin:
    """An origin the local emulator may be reached at: ``http://127.0.0.1:*`` (``port`` ``None``: any port)."""

    scheme: str
    host: str
    port: int | None

    @classmethod
    def parse(cls, text: str) -> EmulatorOrigin:
        """``scheme://host[:port]`` with ``*`` for any port; raises ``ValueError`` for anything else."""
        text = text.strip()
        match = re.fullmatch(r"(?i)(https?)://(\[[0-9a-f:.]+\]|[^/:\[\]@\s]+)(?::(\d{1,5}|\*))?/?", text)
        if not match:
            raise ValueError(f"not an origin (scheme://host[:port], port * for any): {text!r}")
        scheme, host, port = match.group(1).lower(), normalize_host(match.group(2)), match.group(3)
        if port == ANY_PORT:
            return cls(scheme=scheme, host=host, port=None)
        number = int(port) if port else DEFAULT_PORTS[scheme]
        if not 0 < number < 65536:
            raise ValueError(f"not a port: {port!r}")
        return cls(scheme=scheme, host=host, port=number)

    def matches(self, destination: Destination) -> bool:
        return (
            destination.scheme == self.scheme
            and destination.host == self.host
            and (self.port is None or destination.port == self.port)
        )

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{ANY_PORT if self.port is None else self.port}"


def parse_api_host(text: str) -> tuple[str, int]:
    """An allowed API host entry, ``host`` or ``host:port`` (HTTPS; the default port 443 when none is given), as
    ``(host, port)``; raises ``ValueError`` for anything else (a scheme, a path, a wildcard)."""
    text = text.strip()
    match = re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[^/:\[\]@\s]+)(?::(\d{1,5}))?", text)
    if not match:
        raise ValueError(f"not a host name (host or host:port, no scheme or path): {text!r}")
    host = normalize_host(match.group(1))
    port = int(match.group(2)) if match.group(2) else DEFAULT_PORTS["https"]
    if not 0 < port < 65536:
        raise ValueError(f"not a port: {match.group(2)!r}")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _HOST_NAME.match(host):
            raise ValueError(f"not a host name: {text!r}") from None
    return host, port


def invalid_entries(values: Iterable[str], parse) -> list[str]:
    """The entries of a setting that ``parse`` refuses (for the system checks)."""
    invalid = []
    for value in values:
        try:
            parse(value)
        except ValueError:
            invalid.append(value)
    return invalid


@dataclass(frozen=True)
class HostPolicy:
    """The base URLs one platform's clients may call (see the module docstring).

    ``hosts`` are ``(host, port)`` pairs reached over HTTPS only; ``emulator_origins`` are reached as they are
    written, and only they may resolve to a loopback or private address. ``hosts_setting`` names the setting that
    lists ``hosts`` when the operator chooses them (the open platform), so a refusal can say where to add one.
    """

    hosts: frozenset[tuple[str, int]] = frozenset()
    emulator_origins: tuple[EmulatorOrigin, ...] = ()
    hosts_setting: str = ""

    @classmethod
    def build(
        cls, *, hosts: Iterable[str] = (), emulator_origins: Iterable[str] = (), hosts_setting: str = ""
    ) -> HostPolicy:
        """A policy from the settings' strings. An entry that does not parse allows nothing (the system checks
        report it), so a typo can only refuse more, never less."""
        parsed_hosts, origins = set(), []
        for host in hosts:
            try:
                parsed_hosts.add(parse_api_host(host))
            except ValueError:
                continue
        for origin in emulator_origins:
            try:
                origins.append(EmulatorOrigin.parse(origin))
            except ValueError:
                continue
        return cls(hosts=frozenset(parsed_hosts), emulator_origins=tuple(origins), hosts_setting=hosts_setting)

    def is_emulator(self, destination: Destination) -> bool:
        return any(origin.matches(destination) for origin in self.emulator_origins)

    def is_api_host(self, destination: Destination) -> bool:
        return destination.scheme == "https" and (destination.host, destination.port) in self.hosts

    def allows(self, destination: Destination) -> bool:
        return self.is_emulator(destination) or self.is_api_host(destination)

    def refusal(self, base_url: str) -> str | None:
        """Why ``base_url`` may not be called, as a sentence for the merchant; ``None`` when it may."""
        destination = destination_of(base_url)
        if destination is None:
            return _("Enter the API address as https://host, without a user name, password or spaces.")
        if destination.scheme not in DEFAULT_PORTS:
            return _("Only https:// addresses are allowed, not %(scheme)s://.") % {"scheme": destination.scheme}
        if self.allows(destination):
            return None
        secure = Destination("https", destination.host, DEFAULT_PORTS["https"])
        if destination.scheme == "http" and self.is_api_host(secure):
            return _("Use https://%(netloc)s: the platform's API is only called over HTTPS.") % {
                "netloc": secure.netloc
            }
        return self._host_refusal(destination)

    def _host_refusal(self, destination: Destination) -> str:
        allowed = ", ".join(sorted(f"https://{Destination('https', host, port).netloc}" for host, port in self.hosts))
        if self.hosts_setting and not self.hosts:
            return _(
                "%(given)s is not allowed: no address of this platform is allowed yet. The operator lists the "
                "allowed hosts in %(setting)s."
            ) % {"given": destination.netloc, "setting": self.hosts_setting}
        if self.hosts_setting:
            return _(
                "%(given)s is not allowed for this platform: use %(allowed)s, or ask the operator to add the host "
                "to %(setting)s."
            ) % {"given": destination.netloc, "allowed": allowed, "setting": self.hosts_setting}
        if self.hosts:
            return _("This platform's API is at %(allowed)s, not %(given)s.") % {
                "allowed": allowed,
                "given": destination.netloc,
            }
        return _("%(given)s is not allowed for this platform.") % {"given": destination.netloc}


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (IPv4-mapped, NAT64, 6to4), which is the one really reached."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def is_public_address(text: str) -> bool:
    """Whether ``text`` (an IPv4 or IPv6 address) is a public, unicast address: not loopback, private, shared
    (100.64/10), link-local, multicast, reserved or unspecified, judged by the IPv4 address inside an IPv4-mapped,
    NAT64 or 6to4 address."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    if address.version == 6:
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            # 6to4 is globally routed itself, so both must be public; the other two are only their IPv4 address.
            return is_public_address(str(embedded)) and (address.sixtofour is None or _is_public(address))
        if address.is_site_local:
            return False
    return _is_public(address)


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )
