"""The clients refuse a destination their host policy does not allow, before any byte is sent.

Two checks: the base URL before a connection is looked for, and the connection itself when it opens (the name is
resolved once, every address must be public, and the socket goes to an address that was checked). DNS answers are
faked where the test needs a name to resolve to a given address; the stub server shows what reached it.
"""

import socket

import pytest
import requests
import urllib3.util.connection

from channels_sync.platforms.errors import DestinationRefusedError, TransportError
from channels_sync.platforms.hosts import HostPolicy
from channels_sync.platforms.open_platform.client import OpenPlatformClient
from channels_sync.platforms.tencent_ads.tokens import AdsTokenProvider
from channels_sync.platforms.tokens import AccessTokenProvider
from channels_sync.platforms.wechat import WeChatApiClient
from tests.unit.platforms.conftest import TIMEOUTS
from tests.unit.platforms.stubs import StaticTokens

pytestmark = pytest.mark.usefixtures("english")

SECRET = "app-secret-that-must-stay-home"
PUBLIC = "101.226.129.166"


@pytest.fixture
def connects(monkeypatch) -> list[tuple[str, int]]:
    """Every socket connection urllib3 opens, recorded and refused (no real network)."""
    opened: list[tuple[str, int]] = []

    def refuse(address, *args, **kwargs):
        opened.append(address)
        raise ConnectionRefusedError(111, "refused by the test")

    monkeypatch.setattr(urllib3.util.connection, "create_connection", refuse)
    return opened


@pytest.fixture
def dns(monkeypatch):
    """Fake DNS for ``api.weixin.qq.com``: ``dns.answers`` is a list of address lists, one per lookup (the last
    one repeats); every lookup of the name is counted in ``dns.lookups``. Other names resolve as usual."""
    real = socket.getaddrinfo

    class FakeDns:
        answers: list[list[str]] = [[PUBLIC]]
        lookups = 0

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if host != "api.weixin.qq.com":
            return real(host, port, family, type, proto, flags)
        addresses = FakeDns.answers[min(FakeDns.lookups, len(FakeDns.answers) - 1)]
        FakeDns.lookups += 1
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return FakeDns


def test_a_refused_base_url_sends_nothing_and_the_secret_nowhere(stub, http_session, calls, token_cache, connects):
    # Given a token provider whose base URL is a loopback address, under the production policy (no emulator)
    provider = AccessTokenProvider(
        base_url=stub.url,
        appid="wx_shop",
        secret=SECRET,
        cache=token_cache,
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=http_session,
    )

    # When it fetches a token
    with pytest.raises(DestinationRefusedError) as caught:
        provider.get_token()

    # Then nothing left: no connection, no stable_token body; the job would fail for good, naming no secret
    port = stub.url.rsplit(":", 1)[1]
    assert stub.received == []
    assert connects == []
    assert caught.value.errmsg == f"This platform's API is at https://api.weixin.qq.com, not 127.0.0.1:{port}."
    assert (caught.value.retryable, caught.value.outcome_unknown, caught.value.http_status) == (False, False, None)
    [record] = calls
    assert (record.endpoint, record.error, record.http_status, record.response) == (
        "/cgi-bin/stable_token",
        "DestinationRefusedError",
        None,
        None,
    )
    assert record.request["secret"] == "***"
    assert SECRET not in repr(calls) + str(caught.value) + repr(caught.value)


@pytest.mark.parametrize(
    "addresses",
    [
        pytest.param(["10.0.0.5"], id="private"),
        pytest.param(["127.0.0.1"], id="loopback"),
        pytest.param(["169.254.169.254"], id="link-local-metadata"),
        pytest.param(["::1"], id="ipv6-loopback"),
        pytest.param(["::ffff:127.0.0.1"], id="ipv4-mapped-loopback"),
        pytest.param([PUBLIC, "192.168.0.2"], id="public-and-private"),
    ],
)
def test_a_platform_host_that_resolves_to_a_non_public_address_is_never_connected_to(
    dns, connects, http_session, calls, addresses
):
    # Given the platform's own host, whose name answers a non-public address
    dns.answers = [addresses]
    client = WeChatApiClient(
        "https://api.weixin.qq.com",
        tokens=StaticTokens(),
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=http_session,
    )

    # When a call is made
    with pytest.raises(DestinationRefusedError) as caught:
        client.post("/merchant/create", {"product_base": {"name": "T恤"}})

    # Then the connection is refused before its socket opens
    refused = ", ".join(a for a in addresses if a != PUBLIC)
    assert caught.value.errmsg == f"api.weixin.qq.com resolves to an address that is not public ({refused}): refused."
    assert (caught.value.retryable, caught.value.outcome_unknown) == (False, False)
    assert connects == []
    assert [record.error for record in calls] == ["DestinationRefusedError"]


def test_the_socket_goes_to_the_address_that_was_checked_not_to_a_second_answer(dns, connects, http_session):
    # Given a name that answers a public address first and loopback afterwards (DNS rebinding)
    dns.answers = [[PUBLIC], ["127.0.0.1"]]
    client = WeChatApiClient(
        "https://api.weixin.qq.com", tokens=StaticTokens(), timeouts=TIMEOUTS, session=http_session
    )

    # When a call is made (the test refuses the connection itself, so nothing leaves the machine)
    with pytest.raises(TransportError) as caught:
        client.post("/merchant/create", {"product_base": {}})

    # Then the name was resolved once and the socket aimed at exactly that checked address
    assert dns.lookups == 1
    assert connects == [(PUBLIC, 443)]
    assert caught.value.outcome_unknown is False
    assert caught.value.errmsg.startswith("could not connect (ConnectionError: ")


def test_a_host_the_operator_lists_is_still_refused_when_it_resolves_to_loopback(stub, http_session):
    # Given an open platform host listed by the operator that is this machine (localhost)
    port = int(stub.url.rsplit(":", 1)[1])
    policy = HostPolicy.build(hosts=[f"localhost:{port}"], hosts_setting="OPEN_PLATFORM_ALLOWED_HOSTS")
    client = OpenPlatformClient(
        f"https://localhost:{port}", token=SECRET, timeouts=TIMEOUTS, session=http_session, host_policy=policy
    )

    # When a product is published
    with pytest.raises(DestinationRefusedError) as caught:
        client.publish_product({"supplierSpu": "S1"})

    # Then the URL passed the list, but its address did not: nothing reached the listening server
    assert caught.value.errmsg.startswith(f"localhost:{port} resolves to an address that is not public (")
    assert "127.0.0.1" in caught.value.errmsg
    assert stub.received == []


def test_the_tencent_ads_oauth_refresh_to_a_refused_host_sends_neither_secret(stub, http_session, calls, token_cache):
    provider = AdsTokenProvider(
        base_url=stub.url,
        client_id="ads_client",
        client_secret=SECRET,
        refresh_token="refresh-token-of-the-account",
        cache=token_cache,
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=http_session,
    )

    with pytest.raises(DestinationRefusedError) as caught:
        provider.get_token()

    port = stub.url.rsplit(":", 1)[1]
    assert caught.value.errmsg == f"This platform's API is at https://api.e.qq.com, not 127.0.0.1:{port}."
    assert stub.received == []
    assert calls[0].query["client_secret"] == calls[0].query["refresh_token"] == "***"


def test_an_open_platform_client_given_no_policy_calls_nowhere(stub, http_session):
    client = OpenPlatformClient(stub.url, token=SECRET, timeouts=TIMEOUTS, session=http_session)

    with pytest.raises(DestinationRefusedError) as caught:
        client.publish_product({"supplierSpu": "S1"})

    assert caught.value.errmsg == f"{stub.url.removeprefix('http://')} is not allowed for this platform."
    assert stub.received == []


def test_a_client_takes_no_session_whose_connections_do_not_check_their_destination():
    with pytest.raises(ValueError, match=r"session must come from new_session\(\)"):
        WeChatApiClient(
            "https://api.weixin.qq.com", tokens=StaticTokens(), timeouts=TIMEOUTS, session=requests.Session()
        )
