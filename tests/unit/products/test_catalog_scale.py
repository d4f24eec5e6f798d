"""What keeps the catalog's admin pages cheap at 100,000 products: stored category paths, a stored total stock
kept by every SKU write, searches without joins, and counts that stop counting (bench/admin_scale.py)."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from products.models import Category, Product, Sku
from products.pagination import EstimatedCountPaginator
from tests import factories

pytestmark = pytest.mark.django_db


# --- Category paths ---------------------------------------------------------------------------------------


def test_a_category_stores_its_path_from_the_root_on_save():
    root = factories.category(name="服装", is_leaf=False)
    middle = factories.category(name="上衣", parent=root, level=2, is_leaf=False)
    leaf = factories.category(name="T恤", parent=middle, level=3)

    assert Category.objects.get(pk=leaf.pk).path == "服装 > 上衣 > T恤"


def test_a_category_label_reads_no_ancestor():
    root = factories.category(name="服装", is_leaf=False)
    leaf = factories.category(name="T恤", parent=root, level=2)
    loaded = Category.objects.get(pk=leaf.pk)

    with CaptureQueriesContext(connection) as queries, translation.override("en"):
        label = str(loaded)

    assert label == "服装 > T恤 (WeChat Channels store)"
    assert len(queries) == 0


def test_renaming_a_category_renames_the_paths_of_its_subtree():
    root = factories.category(name="服装", is_leaf=False)
    middle = factories.category(name="上衣", parent=root, level=2, is_leaf=False)
    factories.category(name="T恤", parent=middle, level=3)
    factories.category(name="鞋靴")

    root.name = "男装"
    root.save()

    assert list(Category.objects.order_by("pk").values_list("path", flat=True)) == [
        "男装",
        "男装 > 上衣",
        "男装 > 上衣 > T恤",
        "鞋靴",
    ]


# --- Total stock ------------------------------------------------------------------------------------------


def _two_sku_product() -> Product:
    item = factories.product(images=0)  # one uniform SKU, stock 10
    Sku.objects.create(
        product=item,
        position=1,
        specs=[{"id": "$颜色", "vid": "$黑色", "name": "颜色", "value": "黑色"}],
        price=9800,
        original_price=12900,
        stock=5,
    )
    return item


def _total(item: Product) -> int:
    return Product.objects.values_list("total_stock", flat=True).get(pk=item.pk)


def test_saving_and_deleting_a_sku_keeps_the_product_total_stock():
    item = _two_sku_product()
    assert _total(item) == 15

    sku = item.skus.get(position=1)
    sku.stock = 40
    sku.save()
    assert _total(item) == 50

    sku.delete()
    assert _total(item) == 10


def test_queryset_writes_of_skus_keep_the_product_total_stock():
    item = _two_sku_product()

    Sku.objects.filter(product=item).update(stock=F("stock") + 1)
    assert _total(item) == 17

    skus = list(item.skus.order_by("position"))
    skus[0].stock = 100
    Sku.objects.bulk_update(skus, ["stock"])
    assert _total(item) == 106

    Sku.objects.filter(product=item, position=1).delete()
    assert _total(item) == 100


def test_saving_a_stale_product_copy_does_not_put_back_an_old_total():
    item = _two_sku_product()
    stale = Product.objects.get(pk=item.pk)
    Sku.objects.filter(product=item).update(stock=0)

    stale.title = "纯棉圆领T恤 秋季款"
    stale.save()

    assert _total(item) == 0
    assert Product.objects.get(pk=item.pk).title == "纯棉圆领T恤 秋季款"


def test_the_product_changelist_sorts_by_the_stored_total_stock(admin_client):
    low = factories.product(images=0, out_product_id="LOW")
    high = factories.product(images=0, out_product_id="HIGH")
    Sku.objects.filter(product=high).update(stock=999)

    response = admin_client.get(reverse("admin:products_product_changelist") + "?o=-6")

    assert [p.pk for p in response.context["cl"].result_list] == [high.pk, low.pk]


# --- Searches ---------------------------------------------------------------------------------------------


def test_a_product_search_finds_a_product_by_one_sku_code_once(admin_client):
    wanted = _two_sku_product()
    Sku.objects.filter(product=wanted).update(product_code=None)
    Sku.objects.filter(product=wanted, position=0).update(product_code="ABC-001")
    Sku.objects.filter(product=wanted, position=1).update(product_code="ABC-002")
    factories.product(images=0, title="亚麻衬衫 夏季款")

    response = admin_client.get(reverse("admin:products_product_changelist") + "?q=abc-00")

    assert [p.pk for p in response.context["cl"].result_list] == [wanted.pk]
    assert response.context["cl"].result_count == 1


def test_a_product_search_needs_every_term_in_a_field_or_a_sku_code(admin_client):
    shirt = factories.product(images=0, title="亚麻衬衫 夏季款")
    Sku.objects.filter(product=shirt).update(barcode="6901234")
    factories.product(images=0, title="亚麻长裤 夏季款")

    response = admin_client.get(reverse("admin:products_product_changelist") + "?q=亚麻 6901234")

    assert [p.pk for p in response.context["cl"].result_list] == [shirt.pk]


def test_a_term_shorter_than_three_characters_matches_a_whole_sku_code_only(admin_client):
    exact = factories.product(images=0, title="亚麻衬衫 夏季款")
    Sku.objects.filter(product=exact).update(out_sku_id="A1")
    longer = factories.product(images=0, title="亚麻长裤 夏季款")
    Sku.objects.filter(product=longer).update(out_sku_id="A12")

    response = admin_client.get(reverse("admin:products_product_changelist") + "?q=A1")

    assert [p.pk for p in response.context["cl"].result_list] == [exact.pk]


def test_a_sku_search_matches_the_sku_codes_or_the_product_title(admin_client):
    shirt = factories.product(images=0, title="亚麻衬衫 夏季款")
    trousers = factories.product(images=0, title="纯棉长裤 夏季款")
    Sku.objects.filter(product=trousers).update(product_code="TR-0001")
    url = reverse("admin:products_sku_changelist")

    by_title = admin_client.get(url + "?q=亚麻")
    by_code = admin_client.get(url + "?q=tr-000")

    assert [s.product_id for s in by_title.context["cl"].result_list] == [shirt.pk]
    assert [s.product_id for s in by_code.context["cl"].result_list] == [trousers.pk]


# --- Counts -----------------------------------------------------------------------------------------------


def test_the_paginator_counts_exactly_up_to_its_limit():
    for number in range(3):
        factories.product(images=0, out_product_id=f"C{number}")
    paginator = EstimatedCountPaginator(Product.objects.order_by("pk"), 2)
    paginator.exact_limit = 5

    assert paginator.count == 3
    assert paginator.num_pages == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates are PostgreSQL's")
def test_beyond_its_limit_the_paginator_shows_the_planner_estimate_on_postgresql():
    for number in range(6):
        factories.product(images=0, out_product_id=f"E{number}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE products_product")
    filtered = EstimatedCountPaginator(Product.objects.filter(out_product_id__startswith="E").order_by("pk"), 2)
    filtered.exact_limit = 3
    whole = EstimatedCountPaginator(Product.objects.order_by("pk"), 2)
    whole.exact_limit = 3

    assert filtered.count >= 4
    assert whole.count == 6


@pytest.mark.parametrize("model", [Product, Sku], ids=["product", "sku"])
def test_the_big_changelists_never_count_facets(admin_client, model):
    factories.product(images=0)
    url = reverse(f"admin:products_{model._meta.model_name}_changelist")

    response = admin_client.get(url + "?_facets=True")

    assert response.context["cl"].add_facets is False
    assert 'href="?_facets=True"' not in admin_client.get(url).content.decode()  # no "show counts" link
