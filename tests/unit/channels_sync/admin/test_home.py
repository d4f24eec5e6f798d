"""The admin home page opens on what needs a look today, each a link to the list that shows it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from channels_sync.admin.selectors import DayItem, merchant_day_items
from channels_sync.models import Order, RemoteBinding, RemoteSkuStock, SyncJob
from products.models import Product
from tests import factories

pytestmark = pytest.mark.django_db

# The index page: the session and the user (three), and the five counts of the day.
HOME_QUERIES = 8


def _day(english_shop):
    shop = english_shop
    product = factories.product()
    product_type = ContentType.objects.get_for_model(Product)
    factories.sync_job(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, lock_key="a", state=SyncJob.State.FAILED)
    factories.sync_job(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, lock_key="b", state=SyncJob.State.SUCCEEDED)
    RemoteBinding.objects.create(
        shop=shop, content_type=product_type, object_id=product.pk, remote_id="R1", remote_edit_status="rejected"
    )
    sku = product.skus.get()
    RemoteSkuStock.objects.create(shop=shop, sku=sku, remote_stock=sku.stock - 3)
    Order.objects.create(shop=shop, remote_order_id="O1", status=Order.Status.AWAITING_SHIPMENT)
    Order.objects.create(shop=shop, remote_order_id="O2", status=Order.Status.AWAITING_SHIPMENT)
    Order.objects.create(shop=shop, remote_order_id="O3", status=Order.Status.COMPLETED)
    return product_type


def test_the_day_counts_what_needs_a_look_and_links_each_to_its_list(english):
    product_type = _day(factories.shop())

    items = merchant_day_items()

    bindings = reverse("admin:channels_sync_remotebinding_changelist")
    assert items == [
        DayItem("Failed sync jobs", 1, reverse("admin:channels_sync_syncjob_changelist") + "?state__exact=failed"),
        DayItem(
            "Products under audit",
            0,
            f"{bindings}?content_type__id__exact={product_type.pk}&remote_edit_status=auditing",
        ),
        DayItem(
            "Products rejected by the audit",
            1,
            f"{bindings}?content_type__id__exact={product_type.pk}&remote_edit_status=rejected",
        ),
        DayItem(
            "SKUs whose stock differs from a shop's",
            1,
            reverse("admin:channels_sync_remoteskustock_changelist") + "?drift=yes",
        ),
        DayItem("Orders to ship", 2, reverse("admin:channels_sync_order_changelist") + "?status=2"),
    ]


def test_each_link_of_the_day_lists_exactly_what_it_counted(admin_client, english):
    _day(factories.shop())

    for item in merchant_day_items():
        response = admin_client.get(item.url)

        assert response.status_code == 200, item
        assert response.context["cl"].result_count == item.count, item


def test_the_home_page_shows_the_day_first(admin_client, django_assert_num_queries):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    _day(factories.shop())
    admin_client.get(reverse("admin:index"))

    with django_assert_num_queries(HOME_QUERIES):
        page = admin_client.get(reverse("admin:index")).content.decode()

    assert page.index("To look at today") < page.index('class="app-channels_sync')
    assert '<a href="/admin/channels_sync/order/?status=2">Orders to ship</a>' in page


def test_the_home_page_speaks_chinese_by_default(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()

    assert "<h2>今日待办</h2>" in page
    assert ">待发货订单</a>" in page
