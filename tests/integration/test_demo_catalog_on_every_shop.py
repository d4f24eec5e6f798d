"""The demo as ``make run`` sets it up: ``seed_demo`` makes the catalog and the demo shops, the emulator pushes to the
admin's webhooks, and every demo product publishes and lists on every demo shop (the open platform, which has no
listing, publishes), through the admin, a real Celery worker on Redis, PostgreSQL and the emulator over HTTP, with
the emulator's audits passing."""

import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from channels_sync.demo import demo_event_urls_configure
from channels_sync.engine import fanout
from channels_sync.models import RemoteBinding, Shop, SyncJob
from products.models import Product
from tests.integration.conftest import wait_for_jobs

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

# What a demo product is in each demo shop once published and listed.
REACHED = {
    "wechat_store": "listed",
    "channels": "listed",
    "minishop": "listed",
    "tencent_ads": "listed",
    "open_platform": "published",
}
NO_LISTING = {"open_platform"}


def _action(client, action, products, shops) -> None:
    data = {
        "action": action,
        "_selected_action": [p.pk for p in products],
        "apply": "1",
        "shops": [s.pk for s in shops],
    }
    assert client.post(reverse("admin:products_product_changelist"), data).status_code == 302


def _statuses() -> dict[tuple[str, str], tuple[str, str]]:
    content_type = ContentType.objects.get_for_model(Product)
    bindings = RemoteBinding.objects.filter(content_type=content_type).select_related("shop")
    products = dict(Product.objects.values_list("pk", "out_product_id"))
    return {(b.shop.platform, products[b.object_id]): (b.remote_status, b.last_errmsg) for b in bindings if b.remote_id}


def _wait_until(predicate, worker, *, timeout: float = 45) -> None:
    """Wait for the shops' audits, reading products under audit as beat's poll does (the mini-shop pushes nothing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        fanout.products_under_audit_refresh_enqueue()
        wait_for_jobs(worker=worker)
        time.sleep(0.3)
    raise AssertionError(_statuses())


def test_every_demo_product_publishes_and_lists_on_every_demo_shop(
    admin_client, sandbox, sandbox_server, worker, live_server, settings
):
    audits = {"delay_seconds": 1, "outcome": "pass", "next": [], "products": {}}
    sandbox._call("POST", "config", json={"channels_audit": audits, "minishop_audit": audits})
    # seed_demo, as the run command calls it (it refuses to run with DEBUG off).
    settings.DEBUG = True
    call_command("seed_demo", sandbox_url=sandbox.url, admin_url=live_server.url + "/admin/")
    settings.DEBUG = False
    demo_event_urls_configure(sandbox_url=sandbox.url, admin_url=live_server.url)
    wait_for_jobs(worker=worker)
    shops = list(Shop.objects.order_by("pk"))
    products = list(Product.objects.order_by("pk"))
    assert sorted(s.platform for s in shops) == sorted(REACHED)
    assert sorted(p.out_product_id for p in products) == ["DEMO-COOKIES-001", "DEMO-NUTS-001", "DEMO-TSHIRT-001"]

    _action(admin_client, "shops_product_publish", products, shops)
    wait_for_jobs(worker=worker)
    # A Channels draft is listed once its audit passed (the audit's push tells the admin).
    channels = next(s for s in shops if s.platform == "channels")
    _wait_until(
        lambda: RemoteBinding.objects.filter(shop=channels, remote_edit_status="approved").count() == len(products),
        worker,
    )
    _action(admin_client, "shops_product_list", products, [s for s in shops if s.platform not in NO_LISTING])
    wait_for_jobs(worker=worker)
    expected = {(s.platform, p.out_product_id): (REACHED[s.platform], "") for s in shops for p in products}
    _wait_until(lambda: _statuses() == expected, worker)

    assert _statuses() == expected
    assert list(SyncJob.objects.filter(state=SyncJob.State.FAILED).values_list("kind", "last_errmsg")) == []
    # And the emulator holds them so.
    state = {s.platform: sandbox.state(s.app_id) for s in shops if s.app_id.startswith("wx_")}
    assert [p["status"] for p in state["wechat_store"]["wechat_store"]["products"]] == [1, 1, 1]
    assert [(p["status"], p["edit_status"]) for p in state["channels"]["channels"]["products"]] == [(5, 4)] * 3
    assert [(p["status"], p["edit_status"]) for p in state["minishop"]["minishop"]["products"]] == [(5, 4)] * 3
    # Tencent Ads and the open platform have no control-API section for their own account ids: read in-process.
    emulator = sandbox_server.sandbox
    with emulator.ctx.lock:
        ads = emulator.tencent_ads.state("ads_demo_client")["sales_infos"]
        published = emulator.open_platform.snapshot("open_demo_merchant")["products"]
    assert {info["stock"]["sku_stock_status"] for info in ads} == {"ON_SALE"}
    assert len(ads) == sum(p.skus.count() for p in products)
    assert sorted(p["supplierSpu"] for p in published) == sorted(p.out_product_id for p in products)
