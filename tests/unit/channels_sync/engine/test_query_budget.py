"""How many SQL statements one job costs (issue 11: 35 per publish job before): pinned, so that a change that
adds statements to every job shows here. The counts include the two SAVEPOINT statements the test transaction
adds around each atomic block, which production (autocommit) does not send."""

from datetime import timedelta

import pytest
from django.utils import timezone

from channels_sync.engine import outbox
from channels_sync.models import SyncJob
from tests import factories
from tests.unit.channels_sync.engine.jobs import bind_template, run_job

pytestmark = pytest.mark.django_db

# Claim 1, job 1, the product with every child row its snapshot reads 1 (products.inline_rows), the product's and
# its freight template's bindings 1, image URLs 1, binding update 1, stock baselines 1, current stock 1, finish 3
# (+2 savepoints). Issue 11: at most 15; the same for 1 SKU and for 8 (specs, SKU images, a 3-level category).
PUBLISH_UPDATE_STATEMENTS = 13
# Claim 1, job 1, product 1, binding 1, SKUs with their stock 1, stock states 1, deltas in flight 1, deltas applied 1,
# finish 3 (+2 savepoints): 11 in production, whatever the number of SKUs (issue 11).
STOCK_PUSH_STATEMENTS = 13


def _due(job: SyncJob) -> SyncJob:
    SyncJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    return job


@pytest.mark.parametrize("skus", [1, 8])
def test_a_publish_job_updating_a_bound_product_costs_a_fixed_number_of_statements(
    shop, remote, django_assert_num_queries, skus
):
    product = factories.product() if skus == 1 else factories.product_with_sku_images(skus)
    assert product.skus.count() == skus
    bind_template(shop, product)
    assert run_job(outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)) == "succeeded"
    product.title += "（新）"
    product.save()
    job = _due(outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product))

    with django_assert_num_queries(PUBLISH_UPDATE_STATEMENTS):
        assert outbox.sync_job_execute(job_id=job.pk, owner="worker-1") == SyncJob.State.SUCCEEDED

    assert remote.calls[-1] == "update"


def test_a_stock_push_of_one_sku_costs_a_fixed_number_of_statements(shop, product, remote, django_assert_num_queries):
    bind_template(shop, product)
    assert run_job(outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)) == "succeeded"
    sku = product.skus.get()
    sku.stock += 3
    sku.save()
    job = _due(outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.STOCK_PUSH, target=product))
    calls_before = len(remote.calls)

    with django_assert_num_queries(STOCK_PUSH_STATEMENTS):
        assert outbox.sync_job_execute(job_id=job.pk, owner="worker-1") == SyncJob.State.SUCCEEDED

    # The publish recorded the shop's stock: the push sends its delta without reading first (issue 11).
    assert remote.calls[calls_before:] == ["stock_change"]
