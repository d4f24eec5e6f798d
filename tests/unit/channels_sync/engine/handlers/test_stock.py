"""The stock handler with a fake platform: edits become one delta, a lost answer is not sent twice, and the
baseline of a create found again is the shop's stock."""

import pytest

from channels_sync.engine import fanout, outbox
from channels_sync.models import RemoteSkuStock, StockMovement, SyncJob
from channels_sync.platforms.errors import TransportError
from tests.unit.channels_sync.engine.jobs import bind_template, run_job

pytestmark = pytest.mark.django_db


def test_stock_edits_become_one_delta_and_a_lost_answer_is_not_sent_twice(shop, product, remote):
    bind_template(shop, product)
    publish = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    assert run_job(publish) == SyncJob.State.SUCCEEDED
    sku = product.skus.get()
    before = {sku.pk: sku.stock}
    sku.stock = 25  # was 10
    sku.save()
    fanout.catalog_object_saved(target=product, stock_before=before)
    update = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH, state=SyncJob.State.PENDING)
    assert run_job(update) == SyncJob.State.SUCCEEDED  # jobs of one product run in order: the update first
    stock_job = SyncJob.objects.get(kind=SyncJob.Kind.STOCK_PUSH)
    remote.apply_then_fail["stock_change"] = [
        TransportError("connection reset", endpoint="/fake/stock", outcome_unknown=True)
    ]

    assert run_job(stock_job) == SyncJob.State.PENDING
    assert run_job(stock_job) == SyncJob.State.SUCCEEDED

    assert remote.products["p1"]["stock"][""] == 25
    state = RemoteSkuStock.objects.get(shop=shop, sku=sku)
    assert (state.synced_stock, state.in_flight_delta) == (25, None)
    assert list(StockMovement.objects.values_list("delta", "stock_after", "reason")) == [(15, 25, "admin_edit")]
    assert remote.calls.count("stock_change") == 1


def test_a_create_found_again_after_edits_takes_the_shops_stock_as_baseline_and_pushes_the_difference(
    shop, product, remote
):
    # The create is applied with a stock of 10, its answer lost; the stock is edited to 25 before the retry.
    bind_template(shop, product)
    remote.apply_then_fail["create"] = [TransportError("read timed out", endpoint="/fake/create", outcome_unknown=True)]
    publish = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    assert run_job(publish) == SyncJob.State.PENDING
    sku = product.skus.get()
    before = {sku.pk: sku.stock}
    sku.stock = 25
    sku.save()
    fanout.catalog_object_saved(target=product, stock_before=before)  # not bound yet: movement only

    assert run_job(publish) == SyncJob.State.SUCCEEDED

    state = RemoteSkuStock.objects.get(shop=shop, sku=sku)
    assert (state.synced_stock, state.remote_stock) == (10, 10)
    stock_job = SyncJob.objects.get(kind=SyncJob.Kind.STOCK_PUSH, state=SyncJob.State.PENDING)
    assert run_job(stock_job) == SyncJob.State.SUCCEEDED
    assert remote.products["p1"]["stock"][""] == 25
    assert len(remote.products) == 1
    assert RemoteSkuStock.objects.get(shop=shop, sku=sku).synced_stock == 25
