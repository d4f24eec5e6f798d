"""Two admin pages the browser walk (tests/e2e) found failing under the test settings, where warnings are errors."""

import pytest
from django.contrib.contenttypes.models import ContentType

from channels_sync.models import RemoteBinding, Shop
from products.models import Product
from tests import factories


@pytest.mark.django_db
def test_the_product_list_renders_the_shops_column_of_a_product_in_two_shops(admin_client):
    product = factories.product(title="纯棉圆领T恤 夏季款")
    for name, platform in (("V1.17", "wechat_store"), ("视频号", "channels")):
        shop = Shop.objects.create(
            name=name, platform=platform, app_id=f"wx_{platform}", base_url="http://127.0.0.1:8765", push_token="t"
        )
        RemoteBinding.objects.create(
            shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk, remote_id="1"
        )

    response = admin_client.get("/admin/products/product/")

    assert response.status_code == 200
    assert response.content.decode().count("<br>") >= 1


@pytest.mark.django_db
def test_the_freight_template_autocomplete_pages_an_ordered_list(admin_client):
    for name in ("运费乙", "运费甲"):
        factories.freight_template(name=name)

    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "products", "model_name": "product", "field_name": "freight_template", "term": "运费"},
    )

    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["运费乙", "运费甲"]
