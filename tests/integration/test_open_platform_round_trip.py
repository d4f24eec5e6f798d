"""The open platform's publishProduct end to end: the demo defaults publish a demo product from the admin through a
real Celery worker on Redis, PostgreSQL and the emulator over HTTP; the status, each documented rejection (with
the platform's code and message), a lost answer and the operations §6 lacks show in the admin."""

import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from channels_sync.demo import _open_platform_demo_settings
from channels_sync.engine import fanout, outbox
from channels_sync.models import RemoteBinding, Shop, SyncAttempt, SyncJob
from channels_sync.platforms.open_platform.models import OpenPlatformProductOptions
from products.demo import demo_catalog_create
from products.models import Product
from sandbox.open_platform.platform import PUBLISH_PATH
from tests.integration.conftest import wait_for_jobs

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

MERCHANT = "open_demo_merchant"
TOKEN = "demo-open-token"


@pytest.fixture
def open_shop(worker, sandbox) -> Shop:
    shop = Shop(name="演示开放平台 (publishProduct)", platform="open_platform", app_id=MERCHANT, base_url=sandbox.url)
    shop.set_app_secret(TOKEN)
    shop.save()
    _open_platform_demo_settings(shop)
    return shop


@pytest.fixture
def tshirt(open_shop) -> Product:
    demo_catalog_create()
    return Product.objects.get(out_product_id="DEMO-TSHIRT-001")


@pytest.fixture
def remote(sandbox_server):
    """The merchant's products in the emulator (served in this process)."""

    def products() -> list[dict]:
        with sandbox_server.sandbox.ctx.lock:
            return sandbox_server.sandbox.open_platform.snapshot(MERCHANT)["products"]

    return products


def _publish(client, products, shop, action="shops_product_publish"):
    data = {"action": action, "_selected_action": [p.pk for p in products], "apply": "1", "shops": [shop.pk]}
    assert client.post(reverse("admin:products_product_changelist"), data).status_code == 302


def _binding(product, shop) -> RemoteBinding:
    return RemoteBinding.objects.get(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk
    )


def _page(client, product) -> str:
    return client.get(reverse("admin:products_product_change", args=[product.pk])).content.decode()


def test_a_demo_product_publishes_from_the_admin_and_shows_its_status(
    admin_client, open_shop, sandbox, worker, tshirt, remote
):
    _publish(admin_client, [tshirt], open_shop)
    wait_for_jobs(worker=worker)

    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH, target_id=tshirt.pk)
    assert (job.state, job.last_errmsg) == (SyncJob.State.SUCCEEDED, "")
    binding = _binding(tshirt, open_shop)
    assert (binding.remote_id, binding.remote_status, binding.last_errmsg) == ("DEMO-TSHIRT-001", "published", "")
    (stored,) = remote()
    assert stored["supplierSpu"] == "DEMO-TSHIRT-001"
    assert stored["product"]["categoryId"] == 1001
    assert len(stored["skus"]) == tshirt.skus.count()
    page = _page(admin_client, tshirt)
    assert "演示开放平台 (publishProduct)" in page
    assert "DEMO-TSHIRT-001" in page
    # The token never reaches an attempt row or the admin.
    attempt = SyncAttempt.objects.get(job=job)
    assert attempt.endpoint == PUBLISH_PATH
    assert attempt.request["token"] == "***"
    assert TOKEN not in str(attempt.request) + str(attempt.response) + page

    # Unchanged: nothing is sent again. A stock edit republishes with the new quantity.
    _publish(admin_client, [tshirt], open_shop)
    wait_for_jobs(worker=worker)
    sku = tshirt.skus.order_by("position", "pk").first()
    before = {s.pk: s.stock for s in tshirt.skus.all()}
    sku.stock += 7
    sku.save()
    fanout.catalog_object_saved(target=tshirt, stock_before=before)
    wait_for_jobs(worker=worker)

    applied = sandbox.applied(PUBLISH_PATH, appid=MERCHANT)
    assert [a["fields"]["created"] for a in applied] == [True, False]
    assert applied[1]["fields"]["skus"][0]["quantity"] == before[sku.pk] + 7
    assert not SyncJob.objects.filter(state=SyncJob.State.FAILED).exists()


def test_a_parameter_error_reaches_the_product_with_the_platforms_code_and_message(
    admin_client, open_shop, sandbox, worker, tshirt, remote
):
    OpenPlatformProductOptions.objects.create(product=tshirt, category_id=99999)

    _publish(admin_client, [tshirt], open_shop)
    wait_for_jobs(worker=worker)

    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH, target_id=tshirt.pk)
    assert (job.state, job.last_errcode) == (SyncJob.State.FAILED, 400)
    assert job.last_errmsg == "参数错误: categoryId 99999 is not a known category"
    assert "400: 参数错误: categoryId 99999 is not a known category" in _page(admin_client, tshirt)
    assert remote() == []

    # Fixed, and retried from the job list: it goes through.
    OpenPlatformProductOptions.objects.filter(product=tshirt).update(category_id=None)
    outbox.sync_job_retry(job=job)
    wait_for_jobs(worker=worker)
    job.refresh_from_db()
    assert job.state == SyncJob.State.SUCCEEDED
    assert _binding(tshirt, open_shop).last_errmsg == ""


def test_a_refused_token_reaches_the_product_as_401(admin_client, open_shop, sandbox, worker, tshirt):
    open_shop.set_app_secret("not-a-known-open-token")
    open_shop.save()

    _publish(admin_client, [tshirt], open_shop)
    wait_for_jobs(worker=worker)

    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH, target_id=tshirt.pk)
    assert (job.state, job.last_errcode, job.attempts) == (SyncJob.State.FAILED, 401, 1)
    assert "401: token 无效 (token invalid)" in _page(admin_client, tshirt)
    assert "not-a-known-open-token" not in str(list(SyncAttempt.objects.values("request", "response", "errmsg")))


def test_too_frequent_waits_and_a_system_error_is_retried(admin_client, open_shop, sandbox, worker, tshirt, remote):
    sandbox.faults(errcode_next=1, errcode=429, errmsg="请求过于频繁", paths=[PUBLISH_PATH])

    _publish(admin_client, [tshirt], open_shop)
    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH, target_id=tshirt.pk)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and job.last_errcode != 429:
        time.sleep(0.2)
        job.refresh_from_db()
    assert (job.state, job.last_errcode, job.last_errmsg.endswith("请求过于频繁")) == (SyncJob.State.PENDING, 429, True)

    # The window passes, then a system error (500) on the next try: outcome unknown, retried, published once.
    sandbox.faults(errcode_minus_one_next=1, paths=[PUBLISH_PATH])
    SyncJob.objects.filter(pk=job.pk).update(next_attempt_at=job.updated_at)
    outbox.sync_jobs_redrive()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and job.last_errcode != 500:
        time.sleep(0.2)
        job.refresh_from_db()
    assert (job.last_errcode, job.outcome_unknown) == (500, True)
    SyncJob.objects.filter(pk=job.pk).update(next_attempt_at=job.updated_at)
    outbox.sync_jobs_redrive()
    wait_for_jobs(worker=worker)

    job.refresh_from_db()
    assert job.state == SyncJob.State.SUCCEEDED
    assert len(remote()) == 1


def test_a_lost_answer_gives_exactly_one_remote_product(admin_client, open_shop, sandbox, worker, tshirt, remote):
    sandbox.faults(drop_response_next=1, paths=[PUBLISH_PATH])

    _publish(admin_client, [tshirt], open_shop)
    wait_for_jobs(worker=worker)

    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH, target_id=tshirt.pk)
    (stored,) = remote()
    assert job.state == SyncJob.State.SUCCEEDED
    assert stored["publishes"] == 2
    assert _binding(tshirt, open_shop).remote_id == "DEMO-TSHIRT-001"
    applied = sandbox.applied(PUBLISH_PATH, appid=MERCHANT)
    assert [(a["fields"]["created"], a["response_dropped"]) for a in applied] == [(True, True), (False, False)]


def test_list_and_delete_fail_with_the_reason_on_the_product(admin_client, open_shop, sandbox, worker, tshirt):
    _publish(admin_client, [tshirt], open_shop)
    wait_for_jobs(worker=worker)

    _publish(admin_client, [tshirt], open_shop, action="shops_product_list")
    wait_for_jobs(worker=worker)
    listed = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_LIST, target_id=tshirt.pk)
    _publish(admin_client, [tshirt], open_shop, action="shops_product_delete")
    wait_for_jobs(worker=worker)
    deleted = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_DELETE, target_id=tshirt.pk)

    assert (listed.state, deleted.state) == (SyncJob.State.FAILED, SyncJob.State.FAILED)
    page = _page(admin_client, tshirt)
    assert deleted.last_errmsg in page
    assert _binding(tshirt, open_shop).is_deleted is False
    assert len(sandbox.applied(PUBLISH_PATH, appid=MERCHANT)) == 1
