"""The host policy: which base URLs a platform's shops may call, and which addresses count as public.

Pure functions: no server, no database. Messages are asserted in English (the default language is zh-Hans).
"""

import pytest

from channels_sync.platforms.hosts import EmulatorOrigin, HostPolicy, is_public_address, parse_api_host

pytestmark = pytest.mark.usefixtures("english")

WECHAT = HostPolicy.build(hosts=["api.weixin.qq.com"])
WECHAT_WITH_EMULATOR = HostPolicy.build(hosts=["api.weixin.qq.com"], emulator_origins=["http://127.0.0.1:8765"])
OPEN_PLATFORM = HostPolicy.build(
    hosts=["open.example.com", "api.example.com:8443"], hosts_setting="OPEN_PLATFORM_ALLOWED_HOSTS"
)
WRONG_HOST = "This platform's API is at https://api.weixin.qq.com, not {}."


@pytest.mark.parametrize(
    ("base_url", "refusal"),
    [
        pytest.param("http://127.0.0.1:5432", WRONG_HOST.format("127.0.0.1:5432"), id="postgres-on-loopback"),
        pytest.param(
            "http://169.254.169.254/latest/meta-data", WRONG_HOST.format("169.254.169.254"), id="cloud-metadata"
        ),
        pytest.param(
            "ftp://api.weixin.qq.com/cgi-bin", "Only https:// addresses are allowed, not ftp://.", id="ftp-scheme"
        ),
        pytest.param(
            "http://api.weixin.qq.com",
            "Use https://api.weixin.qq.com: the platform's API is only called over HTTPS.",
            id="platform-host-without-https",
        ),
        pytest.param("https://api.e.qq.com", WRONG_HOST.format("api.e.qq.com"), id="another-platforms-host"),
        pytest.param("http://[::1]:8765", WRONG_HOST.format("[::1]:8765"), id="ipv6-loopback"),
        pytest.param("https://[::ffff:127.0.0.1]", WRONG_HOST.format("[::ffff:127.0.0.1]"), id="ipv4-mapped-loopback"),
        pytest.param("https://api.weixin.qq.com:8443", WRONG_HOST.format("api.weixin.qq.com:8443"), id="other-port"),
        pytest.param("https://api.weixin.qq.com.evil.example", WRONG_HOST.format("api.weixin.qq.com.evil.example")),
        pytest.param(
            "https://api.weixin.qq.com@127.0.0.1",
            "Enter the API address as https://host, without a user name, password or spaces.",
            id="user-info-before-another-host",
        ),
        pytest.param(
            "https://api.weixin.qq.com\\@127.0.0.1",
            "Enter the API address as https://host, without a user name, password or spaces.",
            id="backslash",
        ),
        pytest.param(
            "api.weixin.qq.com",
            "Enter the API address as https://host, without a user name, password or spaces.",
            id="no-scheme",
        ),
    ],
)
def test_the_production_policy_refuses_every_address_but_the_platforms_own_over_https(base_url, refusal):
    assert WECHAT.refusal(base_url) == refusal


@pytest.mark.parametrize(
    "base_url", ["https://api.weixin.qq.com", "https://api.weixin.qq.com/", "https://API.Weixin.qq.com:443/"]
)
def test_the_platforms_own_host_over_https_is_allowed(base_url):
    assert WECHAT.refusal(base_url) is None


def test_an_enabled_emulator_origin_is_allowed_and_nothing_else_on_loopback():
    assert WECHAT_WITH_EMULATOR.refusal("http://127.0.0.1:8765") is None
    assert WECHAT_WITH_EMULATOR.refusal("http://127.0.0.1:8765/") is None
    assert WECHAT_WITH_EMULATOR.refusal("http://127.0.0.1:5432") == WRONG_HOST.format("127.0.0.1:5432")
    assert WECHAT_WITH_EMULATOR.refusal("http://localhost:8765") == WRONG_HOST.format("localhost:8765")
    assert WECHAT_WITH_EMULATOR.refusal("https://127.0.0.1:8765") == WRONG_HOST.format("127.0.0.1:8765")


def test_an_emulator_origin_with_a_star_allows_any_port_of_that_host_only():
    policy = HostPolicy.build(emulator_origins=["http://127.0.0.1:*", "http://[::1]:*"])

    assert policy.refusal("http://127.0.0.1:41234") is None
    assert policy.refusal("http://[::1]:8765") is None
    assert policy.refusal("http://127.0.0.2:8765") == "127.0.0.2:8765 is not allowed for this platform."


def test_the_open_platform_allows_the_hosts_the_operator_lists_and_says_where_to_add_one():
    assert OPEN_PLATFORM.refusal("https://open.example.com/gateway") is None
    assert OPEN_PLATFORM.refusal("https://api.example.com:8443") is None
    assert OPEN_PLATFORM.refusal("https://api.example.com") == (
        "api.example.com is not allowed for this platform: use https://api.example.com:8443, "
        "https://open.example.com, or ask the operator to add the host to OPEN_PLATFORM_ALLOWED_HOSTS."
    )
    assert OPEN_PLATFORM.refusal("https://api.weixin.qq.com") == (
        "api.weixin.qq.com is not allowed for this platform: use https://api.example.com:8443, "
        "https://open.example.com, or ask the operator to add the host to OPEN_PLATFORM_ALLOWED_HOSTS."
    )


def test_an_open_platform_without_listed_hosts_allows_nothing():
    policy = HostPolicy.build(hosts_setting="OPEN_PLATFORM_ALLOWED_HOSTS")

    assert policy.refusal("https://open.example.com") == (
        "open.example.com is not allowed: no address of this platform is allowed yet. The operator lists the "
        "allowed hosts in OPEN_PLATFORM_ALLOWED_HOSTS."
    )


def test_setting_entries_that_do_not_parse_allow_nothing():
    policy = HostPolicy.build(
        hosts=["https://open.example.com", "*.example.com", "open.example.com/api"],
        emulator_origins=["127.0.0.1:8765", "ftp://127.0.0.1:21"],
    )

    assert policy == HostPolicy()
    assert policy.refusal("https://open.example.com") == "open.example.com is not allowed for this platform."


def test_origins_and_hosts_parse_as_the_settings_write_them():
    assert EmulatorOrigin.parse("HTTP://LocalHost") == EmulatorOrigin(scheme="http", host="localhost", port=80)
    assert EmulatorOrigin.parse("http://[::1]:*") == EmulatorOrigin(scheme="http", host="::1", port=None)
    assert parse_api_host("Open.Example.com") == ("open.example.com", 443)
    assert parse_api_host("[2001:db8::1]:8443") == ("2001:db8::1", 8443)
    with pytest.raises(ValueError, match="not an origin"):
        EmulatorOrigin.parse("http://127.0.0.1:8765/path")
    with pytest.raises(ValueError, match="not a host name"):
        parse_api_host("open_example!.com")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.251",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "fd12:3456::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",
        "2002:7f00:1::",
        "2001:db8::1",
        "not an address",
    ],
)
def test_loopback_private_link_local_multicast_reserved_and_unspecified_addresses_are_not_public(address):
    assert is_public_address(address) is False


@pytest.mark.parametrize(
    "address", ["101.226.129.166", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_unicast_internet_addresses_are_public(address):
    assert is_public_address(address) is True
