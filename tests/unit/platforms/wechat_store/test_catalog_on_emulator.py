"""Reading a V1.17 store's catalog (``channels_sync/platforms/wechat_store/catalog.py``) from the emulator over HTTP:
``getbystatus`` answers every product at once (reference §2.1 row 1.5), so the catalog is one page; each product
reads with its spec ids, codes, prices, stock, images and delivery."""

from channels_sync.platforms.remote_catalog import RemoteCatalogSpec, RemoteCatalogStatus
from channels_sync.platforms.wechat_store import ProductListing
from channels_sync.platforms.wechat_store.catalog import parse_catalog_product, parse_sku_specs, read_catalog_page
from tests.unit.sandbox.wechat_store.builders import (
    APPAREL_BRAND,
    BLACK,
    COLOUR,
    COTTON,
    MATERIAL,
    SIZE,
    SIZE_L,
    SIZE_M,
    TSHIRT,
    UNIQLO,
    WHITE,
    tshirt_body,
    uniform_body,
)


def test_every_product_reads_in_one_page_with_its_listing_state(store_client, calls):
    images = [store_client.upload_image(f"image-{index}.jpg", b"\xff\xd8\xff" + bytes([index])) for index in range(3)]
    tshirt_id = store_client.product_create(tshirt_body(images))
    box_id = store_client.product_create(uniform_body(images, quantity=7))
    store_client.product_set_status(tshirt_id, ProductListing.LIST)

    page = read_catalog_page(store_client)

    assert (page.next_cursor, page.total) == (None, 2)
    assert [call.request for call in calls.to("/merchant/getbystatus")] == [{"status": 0}]
    tshirt, box = sorted(page.products, key=lambda product: product.remote_id != tshirt_id)
    assert (tshirt.platform, tshirt.remote_id, tshirt.status, tshirt.platform_status) == (
        "wechat_store",
        tshirt_id,
        RemoteCatalogStatus.LISTED,
        1,
    )
    assert (box.remote_id, box.status, box.platform_status) == (box_id, RemoteCatalogStatus.DELISTED, 2)
    assert (tshirt.title, tshirt.out_product_id, tshirt.product_code) == ("纯棉圆领T恤", "", "")
    assert tshirt.image_urls == (images[0], images[1])
    assert (tshirt.detail_image_urls, tshirt.detail_text) == ((images[2],), "夏季新款 <纯棉>")
    assert (tshirt.category_ids, tshirt.freight_template_id) == ((TSHIRT,), "")
    assert tshirt.properties == ((APPAREL_BRAND, UNIQLO), (MATERIAL, COTTON))
    assert [(sku.remote_sku_id, sku.product_code, sku.price, sku.original_price, sku.stock) for sku in tshirt.skus] == [
        (f"{COLOUR}:{WHITE};{SIZE}:{SIZE_M}", f"TEE-{WHITE}-{SIZE_M}", 9900, 12900, 10),
        (f"{COLOUR}:{WHITE};{SIZE}:{SIZE_L}", f"TEE-{WHITE}-{SIZE_L}", 9900, 12900, 10),
        (f"{COLOUR}:{BLACK};{SIZE}:{SIZE_M}", f"TEE-{BLACK}-{SIZE_M}", 9900, 12900, 10),
        (f"{COLOUR}:{BLACK};{SIZE}:{SIZE_L}", f"TEE-{BLACK}-{SIZE_L}", 9900, 12900, 10),
    ]
    assert tshirt.skus[0].specs == (
        RemoteCatalogSpec(name=COLOUR, value=WHITE, key=COLOUR, value_key=WHITE),
        RemoteCatalogSpec(name=SIZE, value=SIZE_M, key=SIZE, value_key=SIZE_M),
    )
    assert tshirt.skus[0].image_url == images[0]
    assert tshirt.shop_copy["product_base"]["detail"] == [{"text": "夏季新款 <纯棉>"}, {"img": images[2]}]
    assert sorted(tshirt.shop_copy) == ["attrext", "delivery_info", "product_base", "product_id", "sku_list"]
    assert "detail_html" not in tshirt.shop_copy["product_base"]
    assert [(sku.remote_sku_id, sku.specs, sku.stock, sku.label) for sku in box.skus] == [("", (), 7, "(uniform)")]


def test_custom_specs_read_by_their_text_and_a_template_delivery_names_its_template():
    info = {
        "product_id": "pDF3iY0ptstuff",
        "status": 1,
        "product_base": {
            "name": "富士 X-T30",
            "category_id": ["537074298"],
            "main_img": "https://mmbiz.qpic.cn/a.jpg",
            "img": ["https://mmbiz.qpic.cn/a.jpg", "https://mmbiz.qpic.cn/b.jpg"],
            "detail_html": '<p>轻巧机身</p><div><img class="item_pic" src="https://mmbiz.qpic.cn/c.jpg" ></div>',
        },
        "sku_list": [
            {
                "sku_id": "1075741873:1079742386;$套装:$标准版",
                "price": 459900,
                "ori_price": 529900,
                "quantity": 20,
                "product_code": "XT30-BK-STD",
                "icon_url": "",
            }
        ],
        "delivery_info": {"delivery_type": 1, "template_id": 103312920},
    }

    product = parse_catalog_product(info)

    assert product.image_urls == ("https://mmbiz.qpic.cn/a.jpg", "https://mmbiz.qpic.cn/b.jpg")
    assert (product.detail_image_urls, product.detail_text) == (("https://mmbiz.qpic.cn/c.jpg",), "轻巧机身")
    assert product.freight_template_id == "103312920"
    assert product.skus[0].spec_signature == (("1075741873", "1079742386"), ("套装", "标准版"))
    assert parse_sku_specs("$颜色:$白色") == (RemoteCatalogSpec("颜色", "白色", "$颜色", "$白色"),)
    assert product.sku_codes == frozenset({"XT30-BK-STD"})
