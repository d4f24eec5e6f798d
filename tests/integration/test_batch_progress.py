"""A bulk action's batch, end to end: the publish action redirects to its progress page, a real worker carries the
jobs to the emulator, and the page's fragment (what the page polls) reads every row ended, the summary with it."""

import time

import pytest
from django.urls import reverse

from channels_sync.batches import batch_progress
from channels_sync.models import SyncBatch, SyncJob
from tests import factories
from tests.integration.conftest import JOB_TIMEOUT_SECONDS
from tests.integration.test_wechat_store_round_trip import _action, _create_tshirt_in_admin, _import_categories

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


def test_a_publish_batch_reaches_its_end_on_its_progress_page(admin_client, demo_shop, sandbox, worker):
    _import_categories(admin_client, demo_shop, worker)
    product = _create_tshirt_in_admin(admin_client, factories.freight_template(name="集成测试运费"))
    refused = factories.product(title="没有类目的集成测试T恤", out_product_id="IT-NO-CAT")

    _action(
        admin_client,
        reverse("admin:products_product_changelist"),
        "shops_product_publish",
        [product, refused],
        shops=[demo_shop.pk],
    )

    batch = SyncBatch.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH)
    rows_url = reverse("admin:channels_sync_syncbatch_rows", args=[batch.pk])
    deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
    fragment = admin_client.get(rows_url).content.decode()
    while 'data-finished="1"' not in fragment:
        assert time.monotonic() < deadline, worker.output()
        time.sleep(0.5)
        fragment = admin_client.get(rows_url).content.decode()

    progress = batch_progress(batch=batch)
    assert [(row.item.target_id, row.state) for row in progress.rows] == [(product.pk, "done"), (refused.pk, "refused")]
    assert progress.rows[0].item.job.state == SyncJob.State.SUCCEEDED
    assert "已结束 2 / 2" in fragment
    assert "已全部结束。" in fragment
    assert '<li class="batch-count-done" style="list-style:none;">已完成：<strong>1</strong></li>' in fragment
    assert '<li class="batch-count-refused" style="list-style:none;">预检未通过：<strong>1</strong></li>' in fragment
