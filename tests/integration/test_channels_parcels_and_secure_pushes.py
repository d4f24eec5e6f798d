"""A Channels shop in the secure mode (安全模式) ships an order in two parcels (issue 13): the order generated in
the emulator arrives by its AES-encrypted event (decrypted and checked by the push endpoint), the merchant ships
two of its three pieces from the admin's parcel form, then the last one; the emulator shows it partly shipped,
then shipped; over-shipping is a field error and sends nothing; a forged encrypted push changes nothing. Real
worker, Redis, PostgreSQL, the emulator over HTTP."""

import pytest
from django.urls import reverse

from channels_sync.models import Order, PushEvent, RemoteSkuStock, SyncJob
from tests.integration.conftest import wait_for_jobs
from tests.integration.test_channels_orders import (
    _action,
    _binding,
    _channels_order,
    _wait_for,
    channels_shop,  # noqa: F401  (a fixture)
    tshirt,  # noqa: F401  (a fixture)
)
from tests.integration.test_channels_round_trip import CHANNELS_APP_ID, _wait_for_binding

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


@pytest.fixture
def secure_mode(channels_shop, sandbox):  # noqa: F811
    channels_shop.set_push_aes_key(AES_KEY)
    channels_shop.save()
    sandbox._call("POST", "config", json={"push_aes_keys": {CHANNELS_APP_ID: AES_KEY}})
    yield channels_shop
    # The app's settings outlive the emulator's reset: back to plain pushes for the next tests.
    sandbox._call("POST", "config", json={"push_aes_keys": {CHANNELS_APP_ID: ""}})


def test_an_encrypted_order_event_arrives_and_the_order_ships_in_two_parcels(
    admin_client,
    secure_mode,
    sandbox,
    worker,
    tshirt,  # noqa: F811
):
    shop = secure_mode
    products_url = reverse("admin:products_product_changelist")
    _action(admin_client, products_url, "shops_product_publish", [tshirt], shops=[shop.pk])
    wait_for_jobs(worker=worker)
    _wait_for_binding(tshirt, shop, remote_edit_status="approved")
    wait_for_jobs(worker=worker)
    _action(admin_client, products_url, "shops_product_list", [tshirt], shops=[shop.pk])
    wait_for_jobs(worker=worker)
    _wait_for_binding(tshirt, shop, remote_status="listed")
    sku = tshirt.skus.order_by("position").first()
    channels_sku = RemoteSkuStock.objects.get(shop=shop, sku=sku).remote_sku_key
    channels_product = _binding(tshirt, shop).remote_id

    generated = sandbox._call(
        "POST",
        "channels/orders/generate",
        json={"appid": CHANNELS_APP_ID, "product_id": channels_product, "sku_id": channels_sku, "count": 3},
    )
    order_id = generated["order"]["order_id"]
    _wait_for(lambda: Order.objects.filter(shop=shop, remote_order_id=order_id).exists())
    wait_for_jobs(worker=worker)
    # Every event came encrypted and was read: none was refused, each is stored as its plain text.
    channels_pushes = sandbox.state(CHANNELS_APP_ID)["channels"]["pushes"]
    assert {push["http_status"] for push in channels_pushes if push["delivered"]} == {200}
    assert PushEvent.objects.filter(shop=shop, event="channels_ec_order_pay", body__contains=order_id).count() == 1

    order = Order.objects.get(shop=shop, remote_order_id=order_id)
    line = order.items.get()
    ship_url = reverse("admin:channels_sync_order_ship", args=[order.pk])
    admin_client.post(ship_url, {f"line_{line.pk}": "2", "company": "SF", "track_no": "SF2000001"})
    # Queued, not shipped yet: a second parcel of two is over the one piece left, a field error.
    refused = admin_client.post(ship_url, {f"line_{line.pk}": "2", "company": "YTO", "track_no": "YT2000002"})
    assert list(refused.context["form"].errors) == [f"line_{line.pk}"]
    wait_for_jobs(worker=worker)

    partly = _channels_order(sandbox, order_id)
    order.refresh_from_db()
    line.refresh_from_db()
    assert partly["status"] == 21
    assert (order.stage, line.delivered_count) == ("partly_shipped", 2)

    admin_client.post(ship_url, {f"line_{line.pk}": "1", "company": "YTO", "track_no": "YT2000002"})
    wait_for_jobs(worker=worker)

    shipped = _channels_order(sandbox, order_id)
    parcels = shipped["order_detail"]["delivery_info"]["delivery_product_info"]
    assert shipped["status"] == 30
    assert [(p["delivery_id"], p["waybill_id"], p["product_infos"][0]["product_cnt"]) for p in parcels] == [
        ("SF", "SF2000001", 2),
        ("YTO", "YT2000002", 1),
    ]
    order.refresh_from_db()
    line.refresh_from_db()
    assert (order.stage, line.delivered_count) == ("shipped", 3)
    assert SyncJob.objects.filter(kind=SyncJob.Kind.ORDER_SET_DELIVERY, state="succeeded").count() == 2
