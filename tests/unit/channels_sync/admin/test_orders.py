"""The order list's status filter speaks the statuses' names, not the platform's numbers."""

import pytest
from django.urls import reverse

from channels_sync.models import Order
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_status_filter_names_each_status_and_filters_by_it(admin_client, english):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    shop = factories.shop()
    to_ship = Order.objects.create(shop=shop, remote_order_id="A1", status=Order.Status.AWAITING_SHIPMENT)
    Order.objects.create(shop=shop, remote_order_id="A2", status=Order.Status.SHIPPED)
    url = reverse("admin:channels_sync_order_changelist")

    page = admin_client.get(url).content.decode()
    filtered = admin_client.get(url, {"status": "2"})

    assert '<a href="?status=2">Awaiting shipment</a>' in page
    assert '<a href="?status=8">Rights protection</a>' in page
    assert [order.pk for order in filtered.context["cl"].result_list] == [to_ship.pk]


def test_a_status_that_is_not_a_number_lists_no_order(admin_client, english):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    Order.objects.create(shop=factories.shop(), remote_order_id="A1", status=Order.Status.AWAITING_SHIPMENT)

    response = admin_client.get(reverse("admin:channels_sync_order_changelist"), {"status": "x"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
