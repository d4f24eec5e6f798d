"""Reading a Channels shop's catalog (``channels_sync/platforms/channels/catalog.py``) from the emulator over HTTP:
``list/get`` pages with ``next_key`` and ``product/get`` per id give remote catalog products with every field the
adoption needs; never-listed drafts are not listed (reference §3.2)."""

import json

import pytest

from channels_sync.platforms.channels import ChannelsClient
from channels_sync.platforms.channels.catalog import parse_catalog_product, read_catalog_page
from channels_sync.platforms.channels.freight_payloads import freight_template_payload
from channels_sync.platforms.channels.payloads import product_payload
from channels_sync.platforms.remote_catalog import (
    RemoteCatalogSku,
    RemoteCatalogSpec,
    RemoteCatalogStatus,
    remote_product_from_json,
    remote_product_to_json,
)
from tests.unit.platforms.channels.builders import freight_template, tshirt
from tests.unit.platforms.conftest import TIMEOUTS
from tests.unit.platforms.stubs import EMULATOR_POLICY

AUDIT_DELAY = 5.0
ASSET_IDS = (11, 12, 13, 14, 15, 16, 21, 22, 23)


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
    return {
        asset_id: channels.image_upload_bytes(
            b"\x89PNG\r\n\x1a\n" + bytes([asset_id]), 640, 600, filename=f"{asset_id}.png"
        )
        for asset_id in ASSET_IDS
    }


@pytest.fixture
def template_id(channels) -> str:
    return channels.freight_add(freight_template_payload(freight_template())["freight_template"])


def listed_product(channels, control, snapshot, image_urls, template_id) -> str:
    body = product_payload(snapshot, image_urls=image_urls, freight_template_remote_id=template_id)
    product_id, _ = channels.product_add(body)
    control.control("POST", "clock", {"advance_seconds": AUDIT_DELAY + 1})
    channels.product_listing(product_id)
    return product_id


def test_a_listed_product_reads_with_its_skus_images_category_and_template(channels, control, image_urls, template_id):
    product_id = listed_product(channels, control, tshirt(), image_urls, template_id)

    page = read_catalog_page(channels)
    # The shop says nothing about a short page being the last: the listing ends with an empty page.
    end = read_catalog_page(channels, page.next_cursor)
    drafts = read_catalog_page(channels, end.next_cursor)

    assert (page.total, len(page.products)) == (1, 1)
    assert (end.products, end.next_cursor, end.total) == ((), "drafts:", 1)
    assert (drafts.products, drafts.next_cursor, drafts.total) == ((), None, 0)
    product = page.products[0]
    assert (product.platform, product.remote_id, product.status, product.platform_status) == (
        "channels",
        product_id,
        RemoteCatalogStatus.LISTED,
        5,
    )
    assert (product.title, product.out_product_id, product.product_code) == (
        "纯棉圆领短袖T恤 女款 宽松百搭",
        "DEMO-TSHIRT-001",
        "TS2024",
    )
    assert product.image_urls == tuple(image_urls[asset_id] for asset_id in (11, 12, 13, 14))
    assert product.detail_image_urls == (image_urls[15],)
    assert product.category_ids == ("1000", "1100", "1101")
    assert product.properties == (("材质", "纯棉"), ("袖长", "短袖"))
    assert (product.freight_template_id, product.brand_id) == (template_id, "2100000101")
    assert [
        (sku.out_sku_id, sku.product_code, sku.barcode, sku.price, sku.original_price, sku.stock)
        for sku in product.skus
    ] == [
        ("TS-WH-M", "TS-WH-M", "6901234500001", 5900, 9900, 40),
        ("1-12", "", "", 6900, 9900, 50),
        ("TS-BK-M", "TS-BK-M", "", 5900, 5900, 0),
    ]
    assert [sku.spec_signature for sku in product.skus] == [
        (("颜色", "白色"), ("尺码", "M")),
        (("颜色", "白色"), ("尺码", "L")),
        (("颜色", "黑色"), ("尺码", "M")),
    ]
    assert [sku.image_url for sku in product.skus] == [image_urls[16], image_urls[11], image_urls[11]]
    assert all(sku.remote_sku_id for sku in product.skus)
    assert product.sku_codes == frozenset({"TS-WH-M", "1-12", "TS-BK-M"})
    assert product.shop_copy["product_id"] == product_id
    assert product.shop_copy["edit_status"] == 4  # the draft, audit passed
    assert remote_product_from_json(json.loads(json.dumps(remote_product_to_json(product)))) == product


def test_pages_follow_next_key_through_the_listed_products_then_the_drafts_never_listed(
    channels, control, image_urls, template_id, calls
):
    first = listed_product(channels, control, tshirt(), image_urls, template_id)
    second = listed_product(channels, control, tshirt(id=3, out_product_id="DEMO-TSHIRT-002"), image_urls, template_id)
    never_listed = tshirt(id=4, out_product_id="DEMO-TSHIRT-003")
    draft, _ = channels.product_add(
        product_payload(never_listed, image_urls=image_urls, freight_template_remote_id=template_id)
    )

    pages = [read_catalog_page(channels, page_size=1)]
    while pages[-1].next_cursor is not None:
        pages.append(read_catalog_page(channels, pages[-1].next_cursor, page_size=1))

    assert [[p.remote_id for p in page.products] for page in pages] == [[first], [second], [], [draft], []]
    assert [page.total for page in pages] == [2, 2, 2, 1, 1]
    assert pages[3].products[0].status == RemoteCatalogStatus.DRAFT
    requests = [(r.request["next_key"], r.request.get("status")) for r in calls.to("/channels/ec/product/list/get")]
    assert requests == [
        ("", None),
        (pages[0].next_cursor, None),
        (pages[1].next_cursor, None),
        ("", 0),
        (pages[3].next_cursor.removeprefix("drafts:"), 0),
    ]
    assert pages[2].next_cursor == "drafts:"


def test_a_draft_only_answer_reads_as_a_draft_and_no_brand_reads_as_none():
    answer = {
        "edit_product": {
            "product_id": "10000001",
            "out_product_id": "GIFT-100",
            "title": "星礼卡 电子礼品卡 100元",
            "brand_id": "2100000000",
            "head_imgs": ["https://mmecimage.cn/p/a/1"],
            "cats": [{"cat_id": "4000"}, {"cat_id": "4100"}],
            "skus": [
                {
                    "sku_id": "20000001",
                    "out_sku_id": "2-21",
                    "sale_price": 9500,
                    "market_price": 10000,
                    "stock_num": 1000,
                    "sku_attrs": [],
                }
            ],
            "status": 0,
            "edit_status": 2,
        }
    }

    product = parse_catalog_product(answer)

    assert (product.status, product.platform_status, product.brand_id) == (RemoteCatalogStatus.DRAFT, 0, "")
    assert (product.category_ids, product.freight_template_id, product.product_code) == (("4000", "4100"), "", "")
    assert product.skus == (
        RemoteCatalogSku(
            remote_sku_id="20000001",
            out_sku_id="2-21",
            specs=(),
            product_code="",
            barcode="",
            price=9500,
            original_price=10000,
            stock=1000,
            image_url="",
        ),
    )
    assert product.skus[0].label == "(uniform)"
    assert RemoteCatalogSpec("颜色", "白色").key == ""
