"""The emulator restarted with its state file, as ``make run`` restarts it: the demo shops keep working without a
single image uploaded again or a product made twice. Jobs run in this process against the emulator over HTTP."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from channels_sync.demo import demo_shops_ensure
from channels_sync.engine import fanout, outbox
from channels_sync.models import RemoteBinding, SyncAttempt, SyncJob
from products.demo import demo_catalog_create
from products.models import Product, Shelf
from sandbox import Sandbox, SandboxServer
from sandbox.core.apps import AppRegistry

pytestmark = pytest.mark.django_db

UPLOADS = ("/merchant/common/upload_img", "/shop/ec/basics/img/upload", "/product/img/upload")


@pytest.fixture(autouse=True)
def no_broker(monkeypatch, settings):
    monkeypatch.setattr(outbox, "_queue_run", lambda job_id, countdown=0: None)
    settings.OPEN_PLATFORM_MEDIA_BASE_URL = "http://127.0.0.1:8000/media/"


def drain(sandbox: Sandbox) -> None:
    for _round in range(30):
        due = list(SyncJob.objects.filter(state=SyncJob.State.PENDING).order_by("pk").values_list("pk", flat=True))
        if not due:
            return
        with sandbox.ctx.lock:
            sandbox.ctx.clock.advance(30)
        sandbox.tick()
        SyncJob.objects.filter(pk__in=due).update(next_attempt_at=timezone.now())
        for job_id in due:
            outbox.sync_job_execute(job_id=job_id)
    raise AssertionError("jobs still pending after 30 rounds")


def publish_everything(shops, sandbox) -> None:
    for shop in shops:
        for product in Product.objects.order_by("pk"):
            outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    drain(sandbox)


def bindings() -> dict:
    content_type = ContentType.objects.get_for_model(Product)
    return {
        (b.shop.platform, b.object_id): b.remote_id
        for b in RemoteBinding.objects.filter(content_type=content_type).select_related("shop")
    }


def test_after_a_restart_with_the_state_file_every_demo_shop_takes_updates_that_reuse_its_images(tmp_path):
    state_path = tmp_path / "sandbox-state.json"
    first = Sandbox(apps=AppRegistry.default(environ={}), state_file=state_path)
    with SandboxServer(first, port=0, poll_interval=0.01) as server:
        port = server.address[1]
        shops = demo_shops_ensure(sandbox_base_url=server.url)
        demo_catalog_create()
        drain(first)
        publish_everything(shops, first)
        # Everything the demo shops can hold: listed products (audited drafts and online copies), groups and a
        # shelf, stock flows.
        for shop in shops:
            if shop.platform != "open_platform":
                for product in Product.objects.order_by("pk"):
                    outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)
        v117 = next(shop for shop in shops if shop.platform == "wechat_store")
        outbox.sync_job_enqueue(shop=v117, kind=SyncJob.Kind.SHELF_PUSH, target=Shelf.objects.get())
        drain(first)
        fanout.products_under_audit_refresh_enqueue()
        drain(first)
    with first.ctx.lock:
        saved = first.export_state()
    published = bindings()
    listed = sorted(set(RemoteBinding.objects.values_list("remote_status", flat=True)))
    last_attempt = SyncAttempt.objects.order_by("-pk").values_list("pk", flat=True).first()
    last_job = SyncJob.objects.order_by("-pk").values_list("pk", flat=True).first()

    second = Sandbox(apps=AppRegistry.default(environ={}), state_file=state_path)
    with second.ctx.lock:
        loaded = second.export_state()
    with SandboxServer(second, port=port, poll_interval=0.01):
        Product.objects.update(title="演示商品 重启之后修改的标题")
        publish_everything(shops, second)
    calls = SyncAttempt.objects.filter(pk__gt=last_attempt)

    jobs = SyncJob.objects.filter(pk__gt=last_job)
    assert second.state_report.problem == ""
    assert {k: v for k, v in loaded.items() if k != "saved_at"} == {k: v for k, v in saved.items() if k != "saved_at"}
    assert listed == ["", "listed", "published"]
    assert len(published) == 15
    assert all(published.values())
    assert sorted({(job.kind, job.state, job.last_errmsg) for job in jobs}) == [
        (SyncJob.Kind.PRODUCT_PUBLISH, SyncJob.State.SUCCEEDED, "")
    ]
    assert jobs.count() == 15
    # Tencent Ads sales info carries no title: unchanged there, so nothing was sent; every other shop updated.
    assert sorted(job.shop.platform for job in jobs if job.result.get("updated")) == sorted(
        ["wechat_store", "channels", "minishop", "open_platform"] * 3
    )
    assert bindings() == published
    assert calls.filter(endpoint__in=UPLOADS).count() == 0
    # No call was refused (the open platform's success code is 200).
    assert list(calls.exclude(error_class="").values_list("endpoint", "errcode")) == []
    # The shops' cached access tokens were still valid: no token call after the restart.
    assert calls.filter(endpoint__contains="token").count() == 0
