"""The product's mini-shop category: offered by the product form, checked by ``ProductPlatformCategory.clean``, carried by the
snapshot with its path, and set on the demo catalog's products from the emulator's seeded tree."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from products.demo import demo_catalog_create
from products.models import Category, Platform, ProductPlatformCategory
from products.selectors import product_snapshot
from tests import factories

pytestmark = pytest.mark.django_db


def _tree():
    root = factories.category(Platform.MINISHOP, name="服饰内衣", remote_id="7231", is_leaf=False)
    middle = factories.category(Platform.MINISHOP, name="女装", remote_id="7245", parent=root, level=2, is_leaf=False)
    return factories.category(Platform.MINISHOP, name="T恤", remote_id="7262", parent=middle, level=3)


def test_the_snapshot_carries_the_minishop_category_path():
    product = factories.product()
    factories.product_category_set(product, _tree())

    category = product_snapshot(product_id=product.pk).minishop_category

    assert (category.remote_id, category.path_remote_ids, category.level) == ("7262", ("7231", "7245", "7262"), 3)


@pytest.mark.usefixtures("english")
def test_only_a_leaf_of_the_minishop_tree_is_accepted():
    leaf = _tree()
    product = factories.product()
    channels_leaf = factories.category(Platform.CHANNELS)

    with pytest.raises(ValidationError) as inner:
        ProductPlatformCategory(product=product, platform=Platform.MINISHOP, category=leaf.parent).clean()
    with pytest.raises(ValidationError) as foreign:
        ProductPlatformCategory(product=product, platform=Platform.MINISHOP, category=channels_leaf).clean()
    ProductPlatformCategory(product=product, platform=Platform.MINISHOP, category=leaf).clean()

    assert inner.value.message_dict == {"category": ["Choose a leaf category of this platform."]}
    assert foreign.value.message_dict == {"category": ["Choose a leaf category of this platform."]}


def test_the_product_form_offers_the_minishop_category(admin_client):
    product = factories.product()

    page = admin_client.get(reverse("admin:products_product_change", args=[product.pk])).content.decode()

    assert 'name="minishop_category"' in page


def test_the_demo_products_use_the_emulators_minishop_leaves():
    demo_catalog_create()

    categories = dict(
        ProductPlatformCategory.objects.filter(platform=Platform.MINISHOP).values_list(
            "product__out_product_id", "category__remote_id"
        )
    )
    assert categories == {"DEMO-TSHIRT-001": "7262", "DEMO-NUTS-001": "8131", "DEMO-COOKIES-001": "8132"}
    tshirt = Category.objects.get(platform=Platform.MINISHOP, remote_id="7262")
    assert [c.remote_id for c in tshirt.ancestors(include_self=True)] == ["7231", "7245", "7262"]
