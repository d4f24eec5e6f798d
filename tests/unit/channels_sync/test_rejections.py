"""A rejection links to the object and field at fault, in the merchant's words."""

import pytest
from django.utils import translation

from channels_sync.models import Shop
from channels_sync.rejections import fault_url, rejection_of
from products.models import Platform
from tests import factories


@pytest.fixture
def channels_shop(db):
    return Shop.objects.create(
        name="视频号", platform=Platform.CHANNELS, app_id="wx_ch", base_url="http://127.0.0.1:8765", push_token="t"
    )


def test_a_missing_attribute_links_to_the_products_properties(channels_shop):
    product = factories.product()

    with translation.override("zh-hans"):
        rejection = rejection_of(
            shop=channels_shop, errcode=10020097, errmsg="attrs misses 材质, required by category 1101", target=product
        )
        title = str(rejection.explained.title)

    assert title == "缺少类目必填属性：材质"
    assert rejection.url == f"/admin/products/product/{product.pk}/change/#properties-group"


def test_fields_of_the_product_the_template_and_the_shop_link_to_their_pages(channels_shop):
    product = factories.product()

    assert fault_url("product.title", shop=channels_shop, target=product) == (
        f"/admin/products/product/{product.pk}/change/#id_title"
    )
    assert fault_url("product.skus.price", shop=channels_shop, target=product) == (
        f"/admin/products/product/{product.pk}/change/#skus-group"
    )
    assert fault_url("freight_template.name", shop=channels_shop, target=product) == (
        f"/admin/products/freighttemplate/{product.freight_template_id}/change/#id_name"
    )
    assert fault_url("shop.app_secret", shop=channels_shop, target=product) == (
        f"/admin/channels_sync/shop/{channels_shop.pk}/change/#id_app_secret"
    )
    assert fault_url("", shop=channels_shop, target=product) == ""
