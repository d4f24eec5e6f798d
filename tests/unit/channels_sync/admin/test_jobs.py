"""A job's page shows what the job is about, not the engine's bookkeeping."""

import pytest
from django.urls import reverse

from channels_sync.models import SyncJob
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_job_page_shows_no_lock_key_lease_or_queue_position(admin_client, english):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    job = factories.sync_job(
        shop=factories.shop(),
        kind=SyncJob.Kind.PRODUCT_PUBLISH,
        lock_key="products.product:4242",
        lease_owner="worker-7@host",
        target_label="纯棉圆领T恤",
    )

    page = admin_client.get(reverse("admin:channels_sync_syncjob_change", args=[job.pk])).content.decode()

    assert "纯棉圆领T恤" in page
    assert "products.product:4242" not in page
    assert "worker-7@host" not in page
    assert "lock key" not in page.lower()
