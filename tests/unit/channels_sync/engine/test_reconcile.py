"""Repairing a drift found by a reconcile: push the local stock to one shop, or accept one shop's figure as the
local stock and let the other shops follow by ordinary deltas (issue 13)."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from channels_sync.engine import outbox, reconcile
from channels_sync.models import RemoteSkuStock, StockMovement, SyncJob
from tests import factories
from tests.unit.channels_sync.engine.jobs import bind_template, run_job
from tests.unit.channels_sync.fake_platform import FakeAdapter, FakePlatform

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_shops(remote, product):
    """Shops A and B, each with a platform of its own, both holding the product (10 pieces) and in step."""
    shop_a = factories.shop(name="甲店", platform="fake", app_id="wx_a")
    shop_b = factories.shop(name="乙店", platform="fake", app_id="wx_b")
    remote_a, remote_b = FakePlatform(), FakePlatform()
    FakeAdapter.remotes[shop_a.pk] = remote_a
    FakeAdapter.remotes[shop_b.pk] = remote_b
    for shop in (shop_a, shop_b):
        bind_template(shop, product)
        publish = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
        assert run_job(publish) == SyncJob.State.SUCCEEDED
    return shop_a, shop_b, remote_a, remote_b


def read_shop_stock(shop, product):
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.STOCK_RECONCILE, target=product)
    assert run_job(job) == SyncJob.State.SUCCEEDED


def pending_stock_pushes():
    return sorted(
        SyncJob.objects.filter(kind=SyncJob.Kind.STOCK_PUSH, state=SyncJob.State.PENDING).values_list(
            "shop__name", flat=True
        )
    )


def test_pushing_the_local_stock_brings_only_that_shop_back_to_it(two_shops, product):
    shop_a, shop_b, remote_a, remote_b = two_shops
    sku = product.skus.get()
    remote_a.products["p1"]["stock"][""] = 7  # three pieces taken off in the shop's own back office
    read_shop_stock(shop_a, product)
    state = RemoteSkuStock.objects.get(shop=shop_a, sku=sku)
    assert (state.synced_stock, state.remote_stock) == (10, 7)

    reconcile.push_local_stock(state=state)

    assert pending_stock_pushes() == ["甲店"]
    assert run_job(SyncJob.objects.get(kind=SyncJob.Kind.STOCK_PUSH)) == SyncJob.State.SUCCEEDED
    assert remote_a.products["p1"]["stock"][""] == 10
    assert remote_b.products["p1"]["stock"][""] == 10
    assert remote_b.calls.count("stock_change") == 0
    state.refresh_from_db()
    assert (state.synced_stock, state.remote_stock) == (10, 10)
    sku.refresh_from_db()
    assert sku.stock == 10
    assert StockMovement.objects.count() == 0


def test_accepting_a_shops_figure_moves_the_local_stock_and_the_other_shops_follow(two_shops, product):
    shop_a, shop_b, remote_a, remote_b = two_shops
    user = get_user_model().objects.create_user("merchant", password="pw", is_staff=True)
    sku = product.skus.get()
    remote_a.products["p1"]["stock"][""] = 7
    read_shop_stock(shop_a, product)
    stock_changes_a = remote_a.calls.count("stock_change")

    outcome = reconcile.accept_shop_stock(
        state=RemoteSkuStock.objects.get(shop=shop_a, sku=sku), user=user, note="仓库盘点少了 3 件"
    )

    assert (outcome.delta, outcome.stock_after) == (-3, 7)
    sku.refresh_from_db()
    product.refresh_from_db()
    assert (sku.stock, product.total_stock) == (7, 7)
    assert list(
        StockMovement.objects.values_list("sku_id", "delta", "stock_after", "reason", "note", "created_by")
    ) == [(sku.pk, -3, 7, "reconcile", "甲店: 仓库盘点少了 3 件", user.pk)]
    assert RemoteSkuStock.objects.get(shop=shop_a, sku=sku).synced_stock == 7
    # Only the other shop is sent the change; the shop whose figure was accepted already holds it.
    assert pending_stock_pushes() == ["乙店"]
    assert run_job(SyncJob.objects.get(kind=SyncJob.Kind.STOCK_PUSH)) == SyncJob.State.SUCCEEDED
    assert remote_b.products["p1"]["stock"][""] == 7
    assert remote_b.calls.count("stock_change") == 1
    assert RemoteSkuStock.objects.get(shop=shop_b, sku=sku).synced_stock == 7
    assert remote_a.products["p1"]["stock"][""] == 7
    assert remote_a.calls.count("stock_change") == stock_changes_a


def test_a_row_never_read_from_the_shop_is_refused(remote, product):
    shop_a = factories.shop(name="甲店", platform="fake")
    sku = product.skus.get()
    state = RemoteSkuStock.objects.create(shop=shop_a, sku=sku, remote_sku_key="", synced_stock=10)

    with translation.override("zh-hans"), pytest.raises(reconcile.RepairRefused) as refused:
        reconcile.accept_shop_stock(state=state, user=None, note="x")
    with pytest.raises(reconcile.RepairRefused):
        reconcile.push_local_stock(state=state)

    assert str(refused.value) == f"甲店 · {sku}：尚未读取店铺库存，请先与店铺核对库存。"
    sku.refresh_from_db()
    assert sku.stock == 10
    assert StockMovement.objects.count() == 0
    assert pending_stock_pushes() == []
