"""The Channels store end to end: drafts, audit, listing, stock, quota, a lost add and the declaration, through
the admin, a real Celery worker on Redis, PostgreSQL, the emulator over HTTP and its signed event pushes."""

import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from channels_sync.engine import fanout, outbox
from channels_sync.models import RemoteBinding, Shop, SyncJob
from channels_sync.platforms.channels.models import ThirdPartySourceDeclaration
from products.demo import demo_catalog_create
from products.models import Product
from tests.integration.conftest import PUSH_TOKEN, wait_for_jobs

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

CHANNELS_APP_ID = "wx_demo_channels"


@pytest.fixture
def channels_shop(worker, sandbox, live_server) -> Shop:
    shop = Shop(
        name="演示视频号小店",
        platform="channels",
        app_id=CHANNELS_APP_ID,
        base_url=sandbox.url,
        push_token=PUSH_TOKEN,
    )
    shop.set_app_secret("demo-channels-secret")
    shop.save()
    # Audits pass after a second and announce themselves to the shop's webhook.
    sandbox._call(
        "POST",
        "config",
        json={
            "channels_event_url": live_server.url + reverse("channels_sync:push", args=[shop.pk]),
            "channels_audit": {"delay_seconds": 1, "outcome": "pass", "next": [], "products": {}},
            "channels_quota": {"hour": 200, "day": 1000},
        },
    )
    return shop


@pytest.fixture
def tshirt(channels_shop) -> Product:
    demo_catalog_create()
    return Product.objects.get(out_product_id="DEMO-TSHIRT-001")


def _action(client, url, action, objects, shop):
    data = {"action": action, "_selected_action": [o.pk for o in objects], "apply": "1", "shops": [shop.pk]}
    assert client.post(url, data).status_code == 302


def _binding(product, shop) -> RemoteBinding:
    return RemoteBinding.objects.get(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk
    )


def _wait_for_binding(product, shop, *, timeout=30, **expected) -> RemoteBinding:
    """Wait for the engine to learn a state the shop reaches by itself (an audit ends, its push arrives)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        binding = _binding(product, shop)
        if all(getattr(binding, name) == value for name, value in expected.items()):
            return binding
        time.sleep(0.2)
    binding = _binding(product, shop)
    raise AssertionError({name: getattr(binding, name) for name in expected})


def _remote(sandbox, remote_id):
    products = sandbox.state(CHANNELS_APP_ID)["channels"]["products"]
    return next(p for p in products if p["product_id"] == remote_id)


def test_channels_round_trip(admin_client, channels_shop, sandbox, worker, tshirt):
    products_url = reverse("admin:products_product_changelist")

    # Add: the draft goes to audit; the audit passes and its push updates the status without a poll.
    _action(admin_client, products_url, "shops_product_publish", [tshirt], channels_shop)
    wait_for_jobs(worker=worker)
    binding = _binding(tshirt, channels_shop)
    assert binding.remote_id
    assert _remote(sandbox, binding.remote_id)["out_product_id"] == "DEMO-TSHIRT-001"
    _wait_for_binding(tshirt, channels_shop, remote_edit_status="approved")
    wait_for_jobs(worker=worker)

    # Listing puts the audited draft online.
    _action(admin_client, products_url, "shops_product_list", [tshirt], channels_shop)
    wait_for_jobs(worker=worker)
    binding = _wait_for_binding(tshirt, channels_shop, remote_status="listed")
    assert binding.listed_once is True
    assert _remote(sandbox, binding.remote_id)["status"] == 5

    # A stock edit goes out as one delta (diff_type 1), never as "set".
    sku = tshirt.skus.order_by("position").first()
    before = {s.pk: s.stock for s in tshirt.skus.all()}
    sku.stock += 7
    sku.save()
    fanout.catalog_object_saved(target=tshirt, stock_before=before)
    wait_for_jobs(worker=worker)
    stock_calls = sandbox.applied("/channels/ec/product/stock/update", appid=CHANNELS_APP_ID)
    assert [(c["fields"]["diff_type"], c["fields"]["num"]) for c in stock_calls] == [(1, 7)]

    # Delist.
    _action(admin_client, products_url, "shops_product_delist", [tshirt], channels_shop)
    wait_for_jobs(worker=worker)
    _wait_for_binding(tshirt, channels_shop, remote_status="delisted")

    # An update is audited again; this time the audit rejects it, and the reason shows in the admin.
    sandbox._call(
        "POST", "config", json={"channels_audit": {"next": [{"outcome": "reject", "reject_reason": "主图不清晰"}]}}
    )
    Product.objects.filter(pk=tshirt.pk).update(title="纯棉圆领短袖T恤 女款 宽松百搭 新版")
    tshirt.refresh_from_db()
    fanout.catalog_object_saved(target=tshirt)
    wait_for_jobs(worker=worker)
    binding = _wait_for_binding(tshirt, channels_shop, remote_edit_status="rejected")
    assert binding.remote_reason == "主图不清晰"
    page = admin_client.get(reverse("admin:products_product_change", args=[tshirt.pk])).content.decode()
    assert "主图不清晰" in page
    layers = admin_client.get(
        reverse("admin:products_product_payload_preview", args=[tshirt.pk, channels_shop.pk])
    ).content.decode()
    assert "主图不清晰" in layers

    # Another update goes to audit; the merchant cancels the audit.
    sandbox._call("POST", "config", json={"channels_audit": {"delay_seconds": 600}})
    Product.objects.filter(pk=tshirt.pk).update(title="纯棉圆领短袖T恤 女款 宽松百搭 第三版")
    tshirt.refresh_from_db()
    fanout.catalog_object_saved(target=tshirt)
    wait_for_jobs(worker=worker)
    _wait_for_binding(tshirt, channels_shop, remote_edit_status="auditing")
    _action(admin_client, products_url, "shops_product_audit_cancel", [tshirt], channels_shop)
    wait_for_jobs(worker=worker)
    assert _binding(tshirt, channels_shop).remote_edit_status == "editing"

    # Delete.
    _action(admin_client, products_url, "shops_product_delete", [tshirt], channels_shop)
    wait_for_jobs(worker=worker)
    assert _binding(tshirt, channels_shop).is_deleted is True
    assert _remote(sandbox, binding.remote_id)["status"] in (6, 9)
    assert not SyncJob.objects.filter(state=SyncJob.State.FAILED).exists()
    assert len(sandbox.applied("/channels/ec/product/add", appid=CHANNELS_APP_ID)) == 1


def test_quota_exhaustion_defers_work_without_failing_it(admin_client, channels_shop, sandbox, worker, tshirt):
    sandbox._call("POST", "config", json={"channels_quota": {"hour": 1, "day": 1000}})
    _action(
        admin_client, reverse("admin:products_product_changelist"), "shops_product_publish", [tshirt], channels_shop
    )
    wait_for_jobs(worker=worker)
    _wait_for_binding(tshirt, channels_shop, remote_edit_status="approved")
    wait_for_jobs(worker=worker)

    # The add used the hour's only call: the update waits for the window instead of failing.
    Product.objects.filter(pk=tshirt.pk).update(title="纯棉圆领短袖T恤 女款 限额测试")
    tshirt.refresh_from_db()
    fanout.catalog_object_saved(target=tshirt)
    deadline = time.monotonic() + 30
    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH, state=SyncJob.State.PENDING)
    while time.monotonic() < deadline and job.last_errcode != 10020066:
        time.sleep(0.2)
        job.refresh_from_db()

    assert (job.state, job.last_errcode, job.attempts) == (SyncJob.State.PENDING, 10020066, 0)
    assert (job.next_attempt_at - job.updated_at).total_seconds() > 3000

    # The window passes: the same job goes through.
    sandbox._call("POST", "clock", json={"advance_seconds": 3601})
    SyncJob.objects.filter(pk=job.pk).update(next_attempt_at=job.updated_at)
    outbox.sync_jobs_redrive()
    wait_for_jobs(worker=worker)
    job.refresh_from_db()
    assert job.state == SyncJob.State.SUCCEEDED
    assert len(sandbox.applied("/channels/ec/product/update", appid=CHANNELS_APP_ID)) == 1


def test_a_lost_add_answer_gives_exactly_one_remote_product(admin_client, channels_shop, sandbox, worker, tshirt):
    sandbox.faults(drop_response_next=1, paths=["/channels/ec/product/add"])

    _action(
        admin_client, reverse("admin:products_product_changelist"), "shops_product_publish", [tshirt], channels_shop
    )
    wait_for_jobs(worker=worker)

    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH, target_id=tshirt.pk)
    products = sandbox.state(CHANNELS_APP_ID)["channels"]["products"]
    assert job.state == SyncJob.State.SUCCEEDED
    assert len(products) == 1
    assert _binding(tshirt, channels_shop).remote_id == products[0]["product_id"]


def test_the_declaration_built_from_the_demo_catalog_is_accepted(admin_client, channels_shop, sandbox, worker, tshirt):
    declaration = ThirdPartySourceDeclaration.objects.create(
        product=tshirt,
        scene_value=ThirdPartySourceDeclaration.Scene.DISTRIBUTION,
        supplier_name="广州某某贸易有限公司",
        source_platform_type=ThirdPartySourceDeclaration.SourcePlatform.ALIBABA_1688,
        source_platform_name="1688",
        accept_rate_24h=95,
        visit_url="https://detail.1688.com/offer/123456789.html",
        source_product_id="123456789",
        freight_info="满99包邮",
        service_guarantee="7天无理由退换",
        delivery_time="24小时内发货",
    )

    _action(
        admin_client, reverse("admin:products_product_changelist"), "shops_third_party_declare", [tshirt], channels_shop
    )
    wait_for_jobs(worker=worker)

    job = SyncJob.objects.get(kind=SyncJob.Kind.THIRD_PARTY_DECLARE)
    assert job.state == SyncJob.State.SUCCEEDED, job.last_errmsg
    sources = sandbox.state(CHANNELS_APP_ID)["channels"]["third_party_sources"]
    assert len(sources) == 1
    binding = RemoteBinding.objects.get(
        content_type=ContentType.objects.get_for_model(ThirdPartySourceDeclaration), object_id=declaration.pk
    )
    assert binding.remote_id == str(job.result["third_party_source_id"])
