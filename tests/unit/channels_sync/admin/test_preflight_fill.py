"""Filling a missing required property right in the pre-flight panel: the product form offers one field per missing
property of its imported categories (the platform's values, or a free text), saved with the product; the pre-flight
then passes. A category imported from its platform no longer makes the form refuse a missing property."""

import pytest
from django.urls import reverse
from django.utils import timezone

from channels_sync.models import Shop
from channels_sync.preflight import preflight
from products.models import (
    Platform,
    ProductPlatformCategory,
    ProductProperty,
)
from tests import factories
from tests.unit.products.test_autocomplete import _post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    return Shop.objects.create(name="视频号", platform=Platform.CHANNELS, app_id="wx_ch", base_url="http://127.0.0.1:9")


@pytest.fixture
def product(db):
    leaf = factories.category(name="抹布", imported_at=timezone.now())
    item = factories.product(title="超细纤维抹布 10 条装")
    ProductPlatformCategory.objects.create(product=item, platform=Platform.CHANNELS, category=leaf)
    return item


def _url(product):
    return reverse("admin:products_product_change", args=[product.pk])


def test_the_panel_offers_the_platforms_values_and_a_free_text(admin_client, product):
    category = product.platform_categories.get().category
    material = factories.property_attribute(category, "材质", ["棉", "超细纤维"])
    origin = factories.property_attribute(category, "产地", [])
    factories.property_attribute(category, "颜色", ["白"], required=False)

    form = admin_client.get(_url(product)).context["adminform"].form

    choice, text = form.fields[f"preflight_fill_{material.pk}"], form.fields[f"preflight_fill_{origin.pk}"]
    assert (str(choice.label), list(choice.choices)) == (
        "材质（视频号小店 · 抹布）",
        [("", "— 请选择 —"), *((str(v.pk), v.name) for v in material.values.order_by("pk"))],
    )
    assert (str(text.label), text.max_length, text.required) == ("产地（视频号小店 · 抹布）", 100, False)
    assert sorted(name for name in form.fields if name.startswith("preflight_fill_")) == sorted(
        [f"preflight_fill_{material.pk}", f"preflight_fill_{origin.pk}"]
    )


def test_filling_and_saving_writes_the_property_rows_and_the_preflight_passes(admin_client, product, shop):
    category = product.platform_categories.get().category
    material = factories.property_attribute(category, "材质", ["棉", "超细纤维"])
    origin = factories.property_attribute(category, "产地", [])
    fibre = material.values.get(name="超细纤维")
    data = _post_data(admin_client.get(_url(product)).context)
    data[f"preflight_fill_{material.pk}"] = str(fibre.pk)
    data[f"preflight_fill_{origin.pk}"] = "  浙江  "

    response = admin_client.post(_url(product), data)

    assert response.status_code == 302
    assert sorted(
        ProductProperty.objects.filter(product=product).values_list("attribute__name", "value__name", "custom_value")
    ) == [("产地", None, "浙江"), ("材质", "超细纤维", "")]
    assert preflight(product=product, shop=shop) == []
    page = admin_client.get(_url(product))
    assert not [name for name in page.context["adminform"].form.fields if name.startswith("preflight_fill_")]
    assert "✓ 未发现平台会拒绝的内容。" in page.content.decode()


def test_a_blank_fill_saves_the_product_and_the_preflight_still_lists_it(admin_client, product, shop):
    material = factories.property_attribute(product.platform_categories.get().category, "材质", ["棉"])
    data = _post_data(admin_client.get(_url(product)).context)
    data["title"] = "超细纤维抹布 20 条装"

    response = admin_client.post(_url(product), data)

    # The category is imported: the form does not refuse the missing property, the pre-flight lists it.
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.title == "超细纤维抹布 20 条装"
    assert [(p.field, p.subject) for p in preflight(product=product, shop=shop)] == [("product.properties", "材质")]
    assert not ProductProperty.objects.filter(product=product, attribute=material).exists()


def test_a_value_not_among_the_platforms_is_refused_on_its_field_in_chinese(admin_client, product):
    category = product.platform_categories.get().category
    material = factories.property_attribute(category, "材质", ["棉"])
    origin = factories.property_attribute(category, "产地", [])
    data = _post_data(admin_client.get(_url(product)).context)
    data[f"preflight_fill_{material.pk}"] = "999999"
    data[f"preflight_fill_{origin.pk}"] = "浙" * 101

    response = admin_client.post(_url(product), data)

    errors = response.context["adminform"].form.errors
    assert errors[f"preflight_fill_{material.pk}"] == ["选择一个有效的选项。 999999 不在可用的选项中。"]
    assert errors[f"preflight_fill_{origin.pk}"] == ["确保该变量包含不超过 100 字符 (目前字符数 101)。"]
    assert not ProductProperty.objects.filter(product=product).exists()


@pytest.mark.parametrize("missing", [1, 4])
def test_the_fill_fields_cost_the_same_queries_however_many(
    admin_client, product, shop, django_assert_num_queries, missing
):
    category = product.platform_categories.get().category
    for index in range(missing):
        factories.property_attribute(category, f"属性{index}", ["甲", "乙"])
    admin_client.get(_url(product))  # the session and the content types, cached from here on

    # The product page with one Channels shop and an imported category: the pre-flight reads the category's rules
    # (properties, values), the panel's fields the missing properties and their values; the same however many.
    with django_assert_num_queries(PRODUCT_PAGE_WITH_FILL_QUERIES):
        admin_client.get(_url(product))


PRODUCT_PAGE_WITH_FILL_QUERIES = 19
