"""Shipping an order in parcels from the admin (Channels delivery/send, partial delivery): the merchant counts the
pieces of each line into a parcel, picks the company from the shop's own list and types the tracking number; more
pieces than a line has left is an error on that line's field; what is queued already counts as shipped for the
next parcel; the order page shows what is shipped and what is left."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import reverse

from channels_sync.deliveries import pieces_left
from channels_sync.models import Order, OrderItem, SyncJob
from tests import factories

pytestmark = pytest.mark.django_db

COMPANIES = [("SF", "顺丰速运"), ("YTO", "圆通速递")]


@pytest.fixture
def order():
    shop = factories.shop(name="视频号小店", platform="channels", app_id="wx_c")
    # The shop's company list as the platform gave it, cached: the form reads it from there.
    cache.set(f"delivery-companies:{shop.pk}", COMPANIES)
    order = Order.objects.create(
        shop=shop, remote_order_id="3705115058471208928", status=20, stage=Order.Stage.AWAITING_SHIPMENT
    )
    OrderItem.objects.create(
        order=order, remote_product_id="10000123", remote_sku_key="2334840282", product_name="杯子", count=3
    )
    OrderItem.objects.create(
        order=order, remote_product_id="10000124", remote_sku_key="2334840283", product_name="碟子", count=1
    )
    yield order
    cache.delete(f"delivery-companies:{shop.pk}")


def ship_url(order):
    return reverse("admin:channels_sync_order_ship", args=[order.pk])


def line(order, name):
    return f"line_{order.items.get(product_name=name).pk}"


def parcel_jobs(order):
    return SyncJob.objects.filter(
        kind=SyncJob.Kind.ORDER_SET_DELIVERY,
        target_type=ContentType.objects.get_for_model(Order),
        target_id=order.pk,
    )


def test_the_parcel_form_lists_each_line_with_what_is_left_and_the_shops_companies(admin_client, english, order):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    page = admin_client.get(ship_url(order)).content.decode()

    assert "3 of 3 left to ship" in page
    assert "1 of 1 left to ship" in page
    assert '<option value="SF">顺丰速运</option>' in page


def test_a_parcel_is_queued_with_its_lines_company_and_tracking_number(admin_client, order):
    response = admin_client.post(
        ship_url(order), {line(order, "杯子"): "2", line(order, "碟子"): "0", "company": "SF", "track_no": " SF100 "}
    )

    assert response.status_code == 302
    assert [job.params for job in parcel_jobs(order)] == [
        {
            "need_delivery": True,
            "company": "",
            "track_no": "",
            "is_others": False,
            "parcels": [
                {
                    "company": "SF",
                    "track_no": "SF100",
                    "items": [{"remote_product_id": "10000123", "remote_sku_key": "2334840282", "count": 2}],
                }
            ],
        }
    ]
    assert pieces_left(order) == {
        order.items.get(product_name="杯子").pk: 1,
        order.items.get(product_name="碟子").pk: 1,
    }


def test_more_pieces_than_are_left_is_an_error_on_the_line_and_queues_nothing(admin_client, english, order):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    admin_client.post(ship_url(order), {line(order, "杯子"): "2", "company": "SF", "track_no": "SF100"})

    # The first parcel is queued, not shipped yet: the next one may only take the one piece left.
    response = admin_client.post(ship_url(order), {line(order, "杯子"): "2", "company": "YTO", "track_no": "YT200"})

    assert response.status_code == 200
    assert response.context["form"].errors == {line(order, "杯子"): ["Only 1 pieces of this line are left to ship."]}
    assert parcel_jobs(order).count() == 1


def test_the_error_reads_in_chinese_for_the_merchant(admin_client, order):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    response = admin_client.post(ship_url(order), {line(order, "碟子"): "2", "company": "SF", "track_no": "SF100"})

    assert response.context["form"].errors == {line(order, "碟子"): ["这一行只剩 1 件未发货。"]}


def test_an_empty_parcel_or_a_missing_tracking_number_is_refused(admin_client, english, order):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    empty = admin_client.post(ship_url(order), {line(order, "杯子"): "0", "company": "SF", "track_no": "SF100"})
    untracked = admin_client.post(ship_url(order), {line(order, "杯子"): "1", "company": "SF", "track_no": "  "})

    assert empty.context["form"].non_field_errors() == ["Put at least one piece in the parcel."]
    assert untracked.context["form"].errors == {"track_no": ["This field is required."]}
    assert parcel_jobs(order).count() == 0


def test_the_order_page_shows_shipped_and_left_and_offers_the_next_parcel(admin_client, english, order):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    order.items.filter(product_name="杯子").update(delivered_count=2)
    Order.objects.filter(pk=order.pk).update(status=21, stage=Order.Stage.PARTLY_SHIPPED)

    page = admin_client.get(reverse("admin:channels_sync_order_change", args=[order.pk])).content.decode()

    assert "<li>杯子: 2 of 3 shipped, 1 left</li>" in page
    assert "<li>碟子: 0 of 1 shipped, 1 left</li>" in page
    assert f'href="{ship_url(order)}">Ship a parcel…</a>' in page
    # The platform's status by its name, not its number; the raw order only under the technical details.
    assert '<div class="readonly">Partly shipped</div>' in page
    assert '<div class="readonly">21</div>' not in page
    assert "<details><summary>Technical details</summary><pre>{}</pre></details>" in page


def test_a_shipped_order_offers_no_parcel(admin_client, order):
    Order.objects.filter(pk=order.pk).update(status=30, stage=Order.Stage.SHIPPED)

    response = admin_client.get(ship_url(order))

    assert response.status_code == 302
    assert parcel_jobs(order).count() == 0


@pytest.mark.parametrize("extra_lines", [0, 5])
def test_the_parcel_form_reads_the_same_queries_whatever_the_number_of_lines(
    admin_client, order, extra_lines, django_assert_num_queries, monkeypatch
):
    # The company list comes from the cache, whose backend may or may not be the database: not counted here.
    monkeypatch.setattr("channels_sync.admin.orders.delivery_company_choices", lambda shop: COMPANIES)
    for index in range(extra_lines):
        OrderItem.objects.create(order=order, remote_product_id=f"2000{index}", remote_sku_key="1", count=1)
    # Content types are cached for the process: warm, as they are after the first request.
    ContentType.objects.get_for_model(Order)

    with django_assert_num_queries(PARCEL_FORM_QUERIES):
        admin_client.get(ship_url(order))


@pytest.mark.parametrize("extra_lines", [0, 5])
def test_the_order_page_reads_the_same_queries_whatever_the_number_of_lines(
    admin_client, order, extra_lines, django_assert_num_queries
):
    for index in range(extra_lines):
        OrderItem.objects.create(order=order, remote_product_id=f"2000{index}", remote_sku_key="1", count=1)

    with django_assert_num_queries(ORDER_PAGE_QUERIES):
        admin_client.get(reverse("admin:channels_sync_order_change", args=[order.pk]))


# The parcel form: session, user, the order with its shop, its lines (the form), its lines again and the active
# parcel jobs (what is left). The order page: session, user, the order, its shop, its lines for the summary and for
# the inline, its after-sales. Neither grows with the number of lines.
PARCEL_FORM_QUERIES = 6
ORDER_PAGE_QUERIES = 7


def test_a_whole_order_delivery_queued_leaves_nothing_for_a_parcel(admin_client, english, order):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    from channels_sync.engine import outbox
    from channels_sync.engine.params import OrderSetDeliveryParams

    outbox.sync_job_enqueue(
        shop=order.shop,
        kind=SyncJob.Kind.ORDER_SET_DELIVERY,
        target=order,
        params=OrderSetDeliveryParams(need_delivery=True, company="SF", track_no="SF1"),
    )

    response = admin_client.post(ship_url(order), {line(order, "碟子"): "1", "company": "SF", "track_no": "SF100"})

    assert set(pieces_left(order).values()) == {0}
    assert response.context["form"].errors == {line(order, "碟子"): ["Only 0 pieces of this line are left to ship."]}
