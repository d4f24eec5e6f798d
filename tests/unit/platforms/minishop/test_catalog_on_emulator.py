"""Reading a mini-shop's catalog (``channels_sync/platforms/minishop/catalog.py``) from the emulator over HTTP:
``spu/get_list`` pages by number up to ``total_num`` (reference §4), drafts included, and each SPU reads with
every field the adoption needs."""

from channels_sync.platforms.minishop.catalog import read_catalog_page
from channels_sync.platforms.minishop.payloads import product_payload
from channels_sync.platforms.remote_catalog import RemoteCatalogStatus
from tests.unit.platforms.minishop.builders import TEMPLATE_REMOTE_ID, tshirt

ASSET_IDS = (11, 12, 13, 14, 15, 16)


def test_pages_by_number_until_total_num_with_drafts_and_listed_products(minishop, control, audit_delay, calls):
    image_urls = {
        asset_id: minishop.image_upload_bytes(b"\x89PNG" + bytes([asset_id]), 640, 600, filename=f"{asset_id}.png")
        for asset_id in ASSET_IDS
    }
    ids = [
        minishop.spu_add(
            product_payload(
                tshirt(id=number, out_product_id=f"DEMO-TSHIRT-00{number}"),
                image_urls=image_urls,
                freight_template_remote_id=TEMPLATE_REMOTE_ID,
            )
        )[0]
        for number in (1, 2, 3)
    ]
    minishop.spu_listing(ids[0])
    control.control("POST", "clock", {"advance_seconds": audit_delay + 1})

    first = read_catalog_page(minishop, page_size=2)
    second = read_catalog_page(minishop, first.next_cursor, page_size=2)

    assert (first.next_cursor, first.total, second.next_cursor, second.total) == ("2", 3, None, 3)
    assert [
        (call.request["page"], call.request["page_size"], call.request["need_edit_spu"])
        for call in calls.to("/product/spu/get_list")
    ] == [(1, 2, 1), (2, 2, 1)]
    products = first.products + second.products
    assert [product.remote_id for product in products] == ids
    assert [(product.out_product_id, product.status, product.platform_status) for product in products] == [
        ("DEMO-TSHIRT-001", RemoteCatalogStatus.LISTED, 5),
        ("DEMO-TSHIRT-002", RemoteCatalogStatus.DRAFT, 0),
        ("DEMO-TSHIRT-003", RemoteCatalogStatus.DRAFT, 0),
    ]
    product = products[0]
    assert (product.platform, product.title, product.product_code, product.brand_id) == (
        "minishop",
        "纯棉圆领短袖T恤 女款 宽松百搭",
        "TS2024",
        "",
    )
    assert product.image_urls == tuple(image_urls[asset_id] for asset_id in (11, 12, 13, 14))
    assert product.detail_image_urls == (image_urls[15],)
    assert (product.category_ids, product.freight_template_id) == (("7231", "7245", "7262"), TEMPLATE_REMOTE_ID)
    assert product.properties == (("材质", "纯棉"), ("袖长", "短袖"))
    assert [
        (sku.out_sku_id, sku.product_code, sku.barcode, sku.price, sku.original_price, sku.stock, sku.spec_signature)
        for sku in product.skus
    ] == [
        ("TS-WH-M", "TS-WH-M", "6901234500001", 5900, 9900, 40, (("颜色", "白色"), ("尺码", "M"))),
        ("1-12", "", "", 6900, 9900, 50, (("颜色", "白色"), ("尺码", "L"))),
        ("TS-BK-M", "TS-BK-M", "", 5900, 5900, 0, (("颜色", "黑色"), ("尺码", "M"))),
    ]
    assert all(sku.remote_sku_id for sku in product.skus)
