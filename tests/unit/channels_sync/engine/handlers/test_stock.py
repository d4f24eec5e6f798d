"""The stock handler with a fake platform: edits become one delta, a lost answer is not sent twice, and the
baseline of a create found again is the shop's stock."""

from datetime import timedelta

import pytest
from django.utils import timezone

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


def _published_with_skus(shop, remote, skus: int):
    from tests import factories

    item = factories.product_with_sku_images(skus=skus)
    bind_template(shop, item)
    assert run_job(outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=item)) == "succeeded"
    return item


def test_the_deltas_of_one_push_go_out_together_without_reads_and_cost_the_statements_of_one(
    shop, remote, settings, django_assert_num_queries
):
    settings.SYNC_STOCK_THREADS = 4
    item = _published_with_skus(shop, remote, 4)
    skus = list(item.skus.order_by("position"))
    before = [sku.stock for sku in skus]
    for sku, delta in zip(skus[:3], (5, -3, 2), strict=True):
        sku.stock += delta
        sku.save()
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.STOCK_PUSH, target=item)
    SyncJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    calls_before = len(remote.calls)

    with django_assert_num_queries(13):  # the same as for one SKU (test_query_budget)
        assert outbox.sync_job_execute(job_id=job.pk, owner="worker-1") == SyncJob.State.SUCCEEDED

    after = [before[0] + 5, before[1] - 3, before[2] + 2, before[3]]
    assert remote.calls[calls_before:] == ["stock_change"] * 3
    [remote_product] = remote.products.values()
    assert sorted(remote_product["stock"].values()) == sorted(after)
    states = RemoteSkuStock.objects.filter(shop=shop).order_by("sku__position")
    assert [(s.synced_stock, s.remote_stock, s.in_flight_delta) for s in states] == [(n, n, None) for n in after]


def test_a_lost_answer_among_concurrent_deltas_is_settled_by_one_read_and_never_sent_twice(shop, remote, settings):
    settings.SYNC_STOCK_THREADS = 4
    item = _published_with_skus(shop, remote, 4)
    skus = list(item.skus.order_by("position"))
    before = [sku.stock for sku in skus]
    for sku in skus[:2]:
        sku.stock += 2
        sku.save()
    remote.apply_then_fail["stock_change"] = [
        TransportError("read timed out", endpoint="/fake/stock", outcome_unknown=True)
    ]
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.STOCK_PUSH, target=item)

    assert run_job(job) == SyncJob.State.PENDING
    in_flight = RemoteSkuStock.objects.filter(shop=shop).values_list("in_flight_delta", flat=True)
    assert sorted(in_flight, key=str) == [2, None, None, None]
    calls_before = len(remote.calls)
    assert run_job(job) == SyncJob.State.SUCCEEDED

    # One read settles the lost answer (it was applied); nothing is sent again.
    assert remote.calls[calls_before:] == ["stock_read"]
    after = [before[0] + 2, before[1] + 2, before[2], before[3]]
    [remote_product] = remote.products.values()
    assert sorted(remote_product["stock"].values()) == sorted(after)
    synced = RemoteSkuStock.objects.filter(shop=shop).order_by("sku__position").values_list("synced_stock", flat=True)
    assert list(synced) == after
