"""End to end from the catalog: a product saved with the test factories, read by ``product_snapshot``, sent as a
WeChat Store V1.17 create body (API reference §2.2)."""

import pytest

from channels_sync.platforms.wechat_store.parsers import product_fingerprint
from channels_sync.platforms.wechat_store.payloads import product_payload
from products.models import (
    CategoryAttribute,
    CategoryAttributeValue,
    Platform,
    ProductDetailBlock,
    ProductProperty,
    ProductSpec,
    Sku,
)
from products.selectors import product_snapshot
from tests import factories


@pytest.mark.django_db
def test_product_payload_from_a_saved_product():
    # Given a product in a WeChat Store category, with a category spec, a custom spec and a property
    category = factories.category(platform=Platform.WECHAT_STORE, name="单反相机", remote_id="537074298")
    colour = factories.spec_attribute(category, "颜色", ["黑色", "白色"], remote_id="1075741873")
    black = colour.values.get(name="黑色")
    white = colour.values.get(name="白色")
    brand = CategoryAttribute.objects.create(
        category=category, kind=CategoryAttribute.Kind.PROPERTY, name="品牌", remote_id="1075741879"
    )
    fuji = CategoryAttributeValue.objects.create(attribute=brand, name="Fujifilm/富士", remote_id="1079760001")
    item = factories.product(title="富士 X-T30 微单相机 套机")
    factories.product_category_set(item, category)
    item.buy_limit = 2
    item.location_province = "广东省"
    item.location_city = "广州市"
    item.save()
    ProductProperty.objects.create(product=item, attribute=brand, value=fuji)
    colour_spec = ProductSpec.objects.create(product=item, attribute=colour, position=0)
    colour_spec.values.set([black, white])
    factories.custom_spec(item, "套装", "标准版, 豪华版", position=1)
    detail_image = factories.image_asset()
    ProductDetailBlock.objects.create(product=item, position=1, kind=ProductDetailBlock.Kind.IMAGE, asset=detail_image)
    sku_image = factories.image_asset()
    first = item.skus.get()
    first.specs = [
        {"id": "1075741873", "vid": black.remote_id, "name": "颜色", "value": "黑色"},
        {"id": "$套装", "vid": "$标准版", "name": "套装", "value": "标准版"},
    ]
    first.product_code = "XT30-BK-STD"
    first.image = sku_image
    first.save()
    Sku.objects.create(
        product=item,
        position=1,
        specs=[
            {"id": "1075741873", "vid": black.remote_id, "name": "颜色", "value": "黑色"},
            {"id": "$套装", "vid": "$豪华版", "name": "套装", "value": "豪华版"},
        ],
        price=529900,
        original_price=599900,
        stock=5,
    )
    head_images = [image.asset_id for image in item.images.order_by("position")]
    image_urls = {
        asset_id: f"http://mmbiz.qpic.cn/mmbiz/a{asset_id}/0"
        for asset_id in [*head_images, detail_image.pk, sku_image.pk]
    }

    # When the body is built from the snapshot
    snapshot = product_snapshot(product_id=item.pk)
    payload = product_payload(snapshot, image_urls=image_urls, freight_template_remote_id=103312920)

    # Then every field comes from the catalog
    urls = [image_urls[asset_id] for asset_id in head_images]
    assert payload == {
        "product_base": {
            "name": "富士 X-T30 微单相机 套机",
            "category_id": ["537074298"],
            "property": [{"id": "1075741879", "vid": "1079760001"}],
            "sku_info": [
                # 白色 is chosen for the spec, but no SKU uses it.
                {"id": "1075741873", "vid": [black.remote_id]},
                {"id": "$套装", "vid": ["$标准版", "$豪华版"]},
            ],
            "main_img": urls[0],
            "img": urls,
            "detail": [{"text": "100% 棉"}, {"img": image_urls[detail_image.pk]}],
            "buy_limit": 2,
        },
        "sku_list": [
            {
                "sku_id": f"1075741873:{black.remote_id};$套装:$标准版",
                "price": 9900,
                "ori_price": 12900,
                "quantity": 10,
                "icon_url": image_urls[sku_image.pk],
                "product_code": "XT30-BK-STD",
            },
            {
                "sku_id": f"1075741873:{black.remote_id};$套装:$豪华版",
                "price": 529900,
                "ori_price": 599900,
                "quantity": 5,
                "icon_url": "",
                "product_code": "",
            },
        ],
        "attrext": {
            "isPostFree": 0,
            "isHasReceipt": 0,
            "isUnderGuaranty": 0,
            "isSupportReplace": 0,
            "location": {"country": "中国", "province": "广东省", "city": "广州市", "address": ""},
        },
        "delivery_info": {"delivery_type": 1, "template_id": 103312920},
    }
    assert product_fingerprint(payload) == product_fingerprint(snapshot)
