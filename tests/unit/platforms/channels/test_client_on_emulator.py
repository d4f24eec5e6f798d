"""ChannelsClient and the payload builders against the emulator over HTTP (``channels_sync/sandbox/channels.py``):
the bodies the builders make are accepted, the draft/online layers and the audit move as reference §3.1 says, and
the store's codes reach the caller as the error family says (10020049, 10020066).

Audits finish when the sandbox clock passes their delay (``POST /__sandbox__/clock``), so no test sleeps."""

import pytest

from channels_sync.platforms.channels import CHANNELS_PREFIX, ChannelsClient, ProductDataType
from channels_sync.platforms.channels.constants import EditStatus, ProductStatus
from channels_sync.platforms.channels.freight_payloads import freight_template_payload
from channels_sync.platforms.channels.parsers import (
    parse_brands,
    parse_category_children,
    parse_category_detail,
    parse_freight_template,
    parse_product,
)
from channels_sync.platforms.channels.payloads import product_payload, product_update_payload, stock_update_payload
from channels_sync.platforms.channels.source_payloads import third_party_source_payload
from channels_sync.platforms.errors import RateLimitedError, RejectedError
from tests.unit.platforms.channels.builders import freight_template, tshirt
from tests.unit.platforms.channels.seed_examples import SEED_000_REQUEST
from tests.unit.platforms.conftest import TIMEOUTS
from tests.unit.platforms.stubs import EMULATOR_POLICY

AUDIT_DELAY = 5.0
# The asset ids of the tshirt builder: head images 11-14, the detail image 15, a SKU image 16.
ASSET_IDS = (11, 12, 13, 14, 15, 16)


@pytest.fixture
def channels(server, provider, http_session, calls) -> ChannelsClient:
    return ChannelsClient(
        server.url,
        tokens=provider,
        timeouts=TIMEOUTS,
        on_call=calls.append,
        session=http_session,
        host_policy=EMULATOR_POLICY,
    )


@pytest.fixture
def image_urls(channels) -> dict[int, str]:
    """The builder's images uploaded to the shop as bytes (multipart ``media``)."""
    return {
        asset_id: channels.image_upload_bytes(
            b"\x89PNG\r\n\x1a\n" + bytes([asset_id]), 640, 600, filename=f"{asset_id}.png"
        )
        for asset_id in ASSET_IDS
    }


@pytest.fixture
def template_id(channels) -> str:
    return channels.freight_add(freight_template_payload(freight_template())["freight_template"])


@pytest.fixture
def product_id(channels, image_urls, template_id) -> str:
    body = product_payload(tshirt(), image_urls=image_urls, freight_template_remote_id=template_id)
    product_id, _ = channels.product_add(body)
    return product_id


def advance(control, seconds: float = AUDIT_DELAY + 1) -> None:
    control.control("POST", "clock", {"advance_seconds": seconds})


def configure(control, **config) -> None:
    control.control("POST", "config", config)


def remote(channels, product_id: str):
    return parse_product(channels.product_get(product_id, ProductDataType.BOTH))


def test_images_upload_as_mmecimage_links(image_urls, calls):
    assert all(url.startswith("https://mmecimage.cn/p/wx_demo_store/") for url in image_urls.values())
    assert len(set(image_urls.values())) == len(ASSET_IDS)
    assert calls.to("/shop/ec/basics/img/upload")[0].query["upload_type"] == "0"


def test_add_audit_list_stock_and_delist(channels, control, product_id):
    submitted = remote(channels, product_id)
    advance(control)
    approved = remote(channels, product_id)
    channels.product_listing(product_id)
    listed = remote(channels, product_id)
    white_m = listed.sku_ids_by_out_sku_id()["TS-WH-M"]
    channels.stock_update(**stock_update_payload(product_id, white_m, 5))
    channels.stock_update(**stock_update_payload(product_id, white_m, -2))
    stock = channels.stock_get(product_id, white_m)
    channels.product_delisting(product_id)
    delisted = remote(channels, product_id)

    assert (submitted.edit_status, submitted.status, submitted.online_title) == (EditStatus.UNDER_AUDIT, 0, None)
    assert submitted.out_product_id == "DEMO-TSHIRT-001"
    assert submitted.draft_title == "纯棉圆领短袖T恤 女款 宽松百搭"
    assert [sku.out_sku_id for sku in submitted.draft_skus] == ["TS-WH-M", "1-12", "TS-BK-M"]
    assert (approved.edit_status, approved.status) == (EditStatus.AUDIT_PASSED, 0)
    assert (listed.status, listed.online_title) == (ProductStatus.LISTED, "纯棉圆领短袖T恤 女款 宽松百搭")
    assert stock["normal_stock_num"] == 43
    assert delisted.status == ProductStatus.DELISTED_BY_MERCHANT
    stock_effects = [
        (effect["fields"]["diff_type"], effect["fields"]["num"], effect["fields"]["stock_after"])
        for effect in control.applied()
        if effect["endpoint"] == "/channels/ec/product/stock/update"
    ]
    assert stock_effects == [(1, 5, 45), (2, 2, 43)]


def test_an_update_under_audit_is_refused_until_the_audit_is_cancelled_and_a_rejection_shows_its_reason(
    channels, control, product_id, image_urls, template_id
):
    configure(control, channels_audit={"next": [{"outcome": "reject", "reject_reason": "主图含有违规文字"}]})
    current = remote(channels, product_id)
    update = product_update_payload(
        product_id,
        tshirt(title="纯棉圆领短袖T恤 女款 2024新款"),
        image_urls=image_urls,
        freight_template_remote_id=template_id,
        remote_sku_ids=current.sku_ids_by_out_sku_id(),
    )

    with pytest.raises(RejectedError) as caught:
        channels.product_update(update)
    channels.product_audit_cancel(product_id)
    cancelled = remote(channels, product_id)
    channels.product_update(update)
    advance(control)
    rejected = remote(channels, product_id)

    assert (caught.value.errcode, caught.value.retryable) == (10020049, False)
    assert cancelled.edit_status == EditStatus.EDITING
    assert (rejected.edit_status, rejected.reject_reason) == (EditStatus.AUDIT_FAILED, "主图含有违规文字")
    assert rejected.draft_title == "纯棉圆领短袖T恤 女款 2024新款"
    # The update kept every SKU the remote had (same sku_ids), none was added.
    assert rejected.sku_ids_by_out_sku_id() == current.sku_ids_by_out_sku_id()


def test_the_add_update_quota_is_a_rate_limit_of_an_hour(channels, control, product_id, image_urls, template_id):
    configure(control, channels_quota={"hour": 1})
    body = product_payload(
        tshirt(out_product_id="DEMO-TSHIRT-002"), image_urls=image_urls, freight_template_remote_id=template_id
    )

    with pytest.raises(RateLimitedError) as caught:
        channels.product_add(body)

    assert (caught.value.errcode, caught.value.retry_after) == (10020066, 3600.0)


def test_a_listed_product_is_found_again_by_its_out_product_id(channels, control, product_id):
    advance(control)
    channels.product_listing(product_id)

    ids, _, total = channels.product_list(page_size=30)

    assert (ids, total) == ([product_id], 1)
    assert remote(channels, ids[0]).out_product_id == "DEMO-TSHIRT-001"


def test_freight_template_round_trip(channels, template_id):
    snapshot = freight_template()
    changed = freight_template(name="偏远地区另计", send_time="SendTime_SEVENTYTWO_HOUR")

    created = parse_freight_template(channels.freight_get_detail(template_id))
    channels.freight_update(template_id, freight_template_payload(changed)["freight_template"])
    updated = parse_freight_template(channels.freight_get_detail(template_id))

    assert channels.freight_list() == [template_id]
    assert (created.template_id, created.name, created.send_time) == (template_id, snapshot.name, snapshot.send_time)
    assert created.ship_from == snapshot.ship_from
    assert created.not_served_areas == snapshot.not_served_areas
    assert [rule.dest_province for rule in created.fee_rules] == [
        "",
        "新疆维吾尔自治区",
        "新疆维吾尔自治区",
        "西藏自治区",
    ]
    assert (updated.name, updated.send_time) == ("偏远地区另计", "SendTime_SEVENTYTWO_HOUR")


def test_a_conditional_free_template_is_accepted(channels):
    snapshot = freight_template(
        name="满99包邮", shipping_method="CONDITION_FREE", free_conditions=(("", "", None, None, 9900),)
    )

    template_id = channels.freight_add(freight_template_payload(snapshot)["freight_template"])

    assert parse_freight_template(channels.freight_get_detail(template_id)).free_conditions == (
        ("", "", None, None, 9900),
    )


def test_categories_attributes_and_brands(channels, server, provider, http_session):
    roots = parse_category_children(channels.category_children())
    leaves = parse_category_children(channels.category_children("1100"))
    detail = parse_category_detail(channels.category_detail("1101"))
    brands = parse_brands(channels.brand_list(page_size=5))
    older_paths = ChannelsClient(
        server.url,
        tokens=provider,
        timeouts=TIMEOUTS,
        session=http_session,
        prefixes={"category/detail": CHANNELS_PREFIX},
        host_policy=EMULATOR_POLICY,
    )

    assert roots[0].cat_id == "1000"
    assert all(category.leaf is False for category in roots)
    assert [(category.cat_id, category.leaf) for category in leaves][:2] == [("1101", True), ("1102", True)]
    material = next(attribute for attribute in detail.attributes if attribute.name == "材质")
    assert (material.is_required, material.values[:2]) == (True, ("纯棉", "莫代尔"))
    assert (len(brands.brands), brands.has_more, brands.brands[0].brand_id) == (5, True, "2100000101")
    assert parse_category_detail(older_paths.category_detail("1101")) == detail
    assert channels.category_all()["cats"][0]["cat_and_qua"][0]["cat"]["cat_id"] == "1000"


def test_the_seed_example_and_a_declaration_built_from_the_catalog_are_accepted(channels, image_urls):
    declaration = {
        "scene_value": 3,
        "publish_method": 2,
        "supplier": {"supplier_name": "山海织造服饰有限公司", "source_platform_name": "自有商城"},
        "visit_url": "https://shop.example.com/p/DEMO-TSHIRT-001",
        "product_id": "DEMO-TSHIRT-001",
    }

    seed_id = channels.add_third_party_source(SEED_000_REQUEST)
    built_id = channels.add_third_party_source(third_party_source_payload(tshirt(), declaration, image_urls))

    assert (seed_id, built_id) == ("100001", "100002")
