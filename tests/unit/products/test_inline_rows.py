"""products.inline_rows: a product and its child rows in one statement on PostgreSQL, the same objects as the
prefetches of the portable fallback (SQLite)."""

import pytest
from django.db import connection

from products.inline_rows import inline_rows_fetch, inline_rows_prefetched
from products.models import Product, ProductProperty
from products.selectors import SNAPSHOT_INLINES, product_for_snapshot, snapshot_of
from tests import factories

pytestmark = pytest.mark.django_db

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the inline read is PostgreSQL's")


def _rich_product() -> Product:
    product = factories.product_with_sku_images(8)
    leaf = product.platform_categories.get(platform="channels").category
    colour = leaf.attributes.get(name="颜色")
    ProductProperty.objects.create(product=product, attribute=colour, value=colour.values.order_by("pk").first())
    material = factories.spec_attribute(leaf, "材质", ["棉"])
    ProductProperty.objects.create(product=product, attribute=material, custom_value="自定义")
    return product


def _queryset(product: Product):
    return Product.objects.select_related("brand", "freight_template").filter(pk=product.pk)


@needs_postgresql
def test_the_inline_read_gives_the_snapshot_of_the_prefetches(django_assert_num_queries):
    product = _rich_product()
    [prefetched] = inline_rows_prefetched(_queryset(product), SNAPSHOT_INLINES)
    expected = snapshot_of(prefetched)

    with django_assert_num_queries(1):
        [inline] = inline_rows_fetch(_queryset(product), SNAPSHOT_INLINES)
        snapshot = snapshot_of(inline)

    assert snapshot == expected
    assert len(snapshot.skus) == 8
    assert [s.spec_key for s in snapshot.skus] == [s.spec_key for s in product.skus.order_by("position", "pk")]
    assert snapshot.channels_category.path_remote_ids == expected.channels_category.path_remote_ids
    assert [p.value_name for p in snapshot.properties] == ["白色", "自定义"]
    assert [d.name for d in snapshot.spec_definitions] == ["颜色", "尺码"]
    assert [v.name for v in snapshot.spec_definitions[0].values] == ["白色", "黑色"]


@needs_postgresql
def test_child_rows_know_their_product_and_joined_rows_without_a_query(django_assert_num_queries):
    product = _rich_product()
    [inline] = inline_rows_fetch(_queryset(product), SNAPSHOT_INLINES)

    with django_assert_num_queries(0):
        sku = inline.skus.all()[0]
        assert sku.product is inline
        assert sku.specs[0]["name"] == "颜色"
        row = next(r for r in inline.platform_categories.all() if r.platform == "channels")
        assert (row.category.name, row.category.parent.name, row.category.parent.parent.name) == ("T恤", "上衣", "服装")
        assert row.category.parent.parent.parent is None
        assert [p.value_id is None for p in inline.properties.all()] == [False, True]
        assert [p.value for p in inline.properties.all()][1] is None
        assert [v.name for v in inline.specs.all()[0].values.all()] == ["白色", "黑色"]


def test_a_product_without_child_rows_has_empty_caches(django_assert_num_queries):
    product = Product.objects.create(title="空", out_product_id="EMPTY-1")

    loaded = product_for_snapshot(product_id=product.pk)

    with django_assert_num_queries(0):
        assert list(loaded.skus.all()) == []
        assert list(loaded.specs.all()) == []
    assert product_for_snapshot(product_id=product.pk + 1000) is None


def test_deeper_category_trees_are_read_up_to_the_root():
    product = factories.product()
    root = factories.category(name="一级", is_leaf=False)
    second = factories.category(name="二级", parent=root, level=2, is_leaf=False)
    third = factories.category(name="三级", parent=second, level=3, is_leaf=False)
    leaf = factories.category(name="四级", parent=third, level=4, remote_id="c4")
    factories.product_category_set(product, leaf)

    snapshot = snapshot_of(product_for_snapshot(product_id=product.pk))

    assert snapshot.channels_category.name == "四级"
    assert snapshot.channels_category.level == 4
    assert len(snapshot.channels_category.path_remote_ids) == 4
