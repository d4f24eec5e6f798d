"""Every documented errcode of every platform is explained in Chinese, with the field or object at fault.

The exact lists below are the codes of the API reference (``shared/docs/api_reference.md``): §1.3 and §1.4 for the
WeChat platforms, §2 and the emulator for V1.17, §3.3 to §3.8 and §7 for the Channels store, §4 for the mini-shop,
§5 for Tencent Ads (with the codes the emulator and the client agree on where the reference has none) and the
HTTP-like codes the open platform's client reads (§6 publishes none).
"""

import re

import pytest
from django.utils import translation

from channels_sync.errcode_explanations import catalogs, explain
from channels_sync.platforms.channels.client import ChannelsClient
from channels_sync.platforms.minishop.client import MiniShopClient
from channels_sync.platforms.wechat_store.client import WeChatStoreClient
from products.models import Platform

WECHAT_COMMON = [-1, 40001, 40002, 40013, 40014, 40066, 40097, 40125, 40164, 41001, 41002, 41004, 42001, 43001]
WECHAT_COMMON += [43002, 44002]
WECHAT_COMMON += [45009, 45011, 45035, 47001, 48001, 48004, 50002, 61004]
WECHAT_STORE = [40005, 44001]
CHANNELS = [10020005, 10020008, 10020011, 10020012, 10020013, 10020014, 10020017, 10020018, 10020019, 10020020]
CHANNELS += [10020021, 10020022, 10020023, 10020024, 10020025, 10020026, 10020027, 10020028, 10020029, 10020030]
CHANNELS += [10020031, 10020034, 10020035, 10020036, 10020037, 10020038, 10020039, 10020040, 10020041, 10020042]
CHANNELS += [10020043, 10020044, 10020045, 10020048, 10020049, 10020050, 10020051, 10020052, 10020054, 10020055]
CHANNELS += [10020059, 10020060, 10020065, 10020066, 10020067, 10020068, 10020069, 10020070, 10020083, 10020088]
CHANNELS += [10020089, 10020091, 10020095, 10020096, 10020097, 10020098, 10020112, 10020217, 10020218, 10020219]
CHANNELS += [10020289, 10021053, 10021054, 10021055, 10021081, 10021082, 10021200, 10025501, 10025502, 10025503]
CHANNELS += [10025504]
MINISHOP = [-2, 9401001, 9401002, 9401006, 9401020, 9401021, 9401023, 9401043, 100002, 100004]
TENCENT_ADS = [10000, 10001, 11000, 11002, 11004, 11005, 11008, 11012, 11013, 11014, 11016, 11017, 11018, 11019]
TENCENT_ADS += [11020, 11021, 31001, 31002, 31003]
OPEN_PLATFORM = [400, 401, 405, 429, 500]

DOCUMENTED = {
    Platform.WECHAT_STORE: WECHAT_COMMON + WECHAT_STORE,
    Platform.CHANNELS: WECHAT_COMMON + CHANNELS,
    Platform.MINISHOP: WECHAT_COMMON + MINISHOP,
    Platform.TENCENT_ADS: TENCENT_ADS,
    Platform.OPEN_PLATFORM: OPEN_PLATFORM,
}
CJK = re.compile(r"[\u4e00-\u9fff]")
FIELD_OBJECTS = {"", "product", "shop", "freight_template"}


@pytest.mark.parametrize("platform", list(DOCUMENTED))
def test_each_platform_explains_exactly_its_documented_codes(platform):
    assert sorted(catalogs()[platform]) == sorted(DOCUMENTED[platform])


@pytest.mark.parametrize(("platform", "errcode"), [(p, c) for p, codes in DOCUMENTED.items() for c in codes])
def test_every_documented_code_reads_in_chinese_and_names_what_is_at_fault(platform, errcode):
    with translation.override("zh-hans"):
        explained = explain(platform, errcode, "platform message")
        title, advice = str(explained.title), str(explained.advice)

    assert explained.known is True
    assert CJK.search(title), title
    assert CJK.search(advice), advice
    assert explained.object in FIELD_OBJECTS
    assert explained.errcode == errcode
    assert explained.errmsg == "platform message"


def test_the_channels_missing_attribute_names_the_attribute_from_the_message():
    with translation.override("zh-hans"):
        explained = explain(Platform.CHANNELS, 10020097, "attrs misses 袖长, required by category 6153")
        title = str(explained.title)

    assert title == "缺少类目必填属性：袖长"
    assert explained.subject == "袖长"
    assert explained.field == "product.properties"
    assert explained.object == "product"
    assert explained.retryable is False


def test_a_bad_attribute_value_names_the_attribute():
    explained = explain(Platform.CHANNELS, 10020098, "attrs[0].attr_value '棉布' of 材质 is not one of the options")

    assert explained.subject == "材质"


def test_a_shop_configuration_code_points_at_the_shop_and_is_not_retried():
    with translation.override("zh-hans"):
        explained = explain(Platform.CHANNELS, 40164, "invalid ip 1.2.3.4, not in whitelist")
        title = str(explained.title)

    assert title == "本服务器的 IP 不在店铺的 IP 白名单中"
    assert explained.field == "shop"
    assert explained.retryable is False


def test_a_quota_code_says_the_job_heals_it():
    explained = explain(Platform.CHANNELS, 10020066, "submit too frequently")

    assert explained.retryable is True
    assert explained.field == "shop"


def test_a_code_of_another_platform_is_not_borrowed():
    explained = explain(Platform.TENCENT_ADS, 10020097, "attrs misses 材质")

    assert explained.known is False


def test_an_unknown_code_gives_the_platforms_message_and_the_next_step():
    with translation.override("zh-hans"):
        explained = explain(Platform.CHANNELS, 10029999, "something new")
        title, advice = str(explained.title), str(explained.advice)

    assert explained.known is False
    assert title == "平台拒绝了请求（代码 10029999）"
    assert (
        advice == "平台原文：“something new”。请改正其中指出的内容后重新发送；如看不懂该信息，请就此代码咨询平台客服。"
    )
    assert explained.field == ""
    assert explained.retryable is False


def test_a_rejection_without_a_code_is_explained_as_unknown():
    with translation.override("zh-hans"):
        explained = explain(Platform.OPEN_PLATFORM, None, "")
        title, advice = str(explained.title), str(explained.advice)

    assert title == "平台拒绝了请求（代码 -）"
    assert "（无信息）" in advice


def _codes_of(*modules, prefix: str = "ERR_") -> set[int]:
    return {
        value
        for module in modules
        for name, value in vars(module).items()
        if name.startswith(prefix) and isinstance(value, int) and not isinstance(value, bool)
    }


def test_every_code_the_emulator_answers_is_explained_for_its_platform():
    from sandbox.channels import codes as channels_codes
    from sandbox.core import apps, base, tokens, validation
    from sandbox.minishop import rules as minishop_rules
    from sandbox.open_platform import rules as open_platform_rules
    from sandbox.tencent_ads import rules as tencent_ads_rules
    from sandbox.wechat_store import images as wechat_store_images

    shared = _codes_of(apps, base, tokens, validation)
    answered = {
        Platform.WECHAT_STORE: shared | _codes_of(wechat_store_images),
        Platform.CHANNELS: shared | _codes_of(channels_codes),
        Platform.MINISHOP: shared | _codes_of(minishop_rules),
        Platform.TENCENT_ADS: _codes_of(tencent_ads_rules),
        Platform.OPEN_PLATFORM: _codes_of(open_platform_rules, prefix="CODE_") - {200},
    }

    assert {platform: sorted(codes - set(catalogs()[platform])) for platform, codes in answered.items()} == {
        platform: [] for platform in answered
    }


@pytest.mark.parametrize(
    ("platform", "client_class"),
    [
        (Platform.WECHAT_STORE, WeChatStoreClient),
        (Platform.CHANNELS, ChannelsClient),
        (Platform.MINISHOP, MiniShopClient),
    ],
)
def test_the_advice_says_the_job_heals_a_code_exactly_when_the_client_retries_it(platform, client_class):
    client = client_class.__new__(client_class)  # error_for reads class attributes only

    disagreements = {
        errcode: explanation.retryable
        for errcode, explanation in catalogs()[platform].items()
        if client.error_for(errcode, "m", endpoint="/x", http_status=200).retryable != explanation.retryable
    }

    assert disagreements == {}
