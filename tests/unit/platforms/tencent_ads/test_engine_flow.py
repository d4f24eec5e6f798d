"""The sync engine with a Tencent Ads shop on the in-process emulator (no worker): publish, the listing and
deleting rebuilt as bodies (the adapter's ``set_listing`` and ``delete``), stock edits as publishes, and the hash that skips no-ops."""

import pytest
from django.contrib.contenttypes.models import ContentType

from channels_sync.demo import _tencent_ads_demo_settings
from channels_sync.engine import fanout, outbox
from channels_sync.models import RemoteBinding, Shop, SyncJob, payload_hash
from channels_sync.platforms.tencent_ads.client import SALESINFOS_ADD_PATH
from channels_sync.platforms.tencent_ads.tokens import clear_ads_token_providers
from products.demo import demo_catalog_create
from products.models import Product
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(server) -> Shop:
    clear_ads_token_providers()
    shop = Shop(name="广告", platform="tencent_ads", app_id="ads_demo_client", base_url=server.url)
    shop.set_app_secret("demo-ads-secret")
    shop.save()
    _tencent_ads_demo_settings(shop)
    yield shop
    clear_ads_token_providers()


@pytest.fixture
def tshirt(shop) -> Product:
    demo_catalog_create()
    return Product.objects.get(out_product_id="DEMO-TSHIRT-001")


def run_jobs() -> list[SyncJob]:
    """Execute every pending job in order, as a worker would (the jobs they queue included)."""
    done = []
    while job := SyncJob.objects.filter(state=SyncJob.State.PENDING).order_by("pk").first():
        outbox.sync_job_execute(job_id=job.pk)
        done.append(SyncJob.objects.get(pk=job.pk))
    return done


def binding(product, shop) -> RemoteBinding:
    return RemoteBinding.objects.get(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk
    )


def statuses(sandbox) -> dict[str, tuple[str, str]]:
    infos = sandbox.tencent_ads.state("ads_demo_client")["sales_infos"]
    return {i["external_sku_id"]: (i["sku_status"], i["stock"]["sku_stock_status"]) for i in infos}


def sends(sandbox) -> int:
    return len(sandbox.ctx.applied.query(appid="ads_demo_client", endpoint=SALESINFOS_ADD_PATH))


def test_publish_list_stock_delist_delete(shop, tshirt, sandbox):
    codes = list(tshirt.skus.order_by("position", "pk").values_list("out_sku_id", flat=True))

    fanout.shops_action_enqueue(shops=[shop], kind=SyncJob.Kind.PRODUCT_PUBLISH, targets=[tshirt])
    assert [j.state for j in run_jobs()] == [SyncJob.State.SUCCEEDED]
    assert statuses(sandbox) == dict.fromkeys(codes, ("NEW", "OFF_SALE"))
    assert binding(tshirt, shop).remote_status == "draft"

    # Listing: the adapter rebuilds the body from the snapshot; it becomes the last pushed payload, so the
    # publish queued after listing sends nothing.
    fanout.shops_action_enqueue(shops=[shop], kind=SyncJob.Kind.PRODUCT_LIST, targets=[tshirt])
    jobs = run_jobs()
    assert [(j.kind, j.state) for j in jobs] == [
        (SyncJob.Kind.PRODUCT_LIST, SyncJob.State.SUCCEEDED),
        (SyncJob.Kind.PRODUCT_PUBLISH, SyncJob.State.SUCCEEDED),
    ]
    assert jobs[1].result["unchanged"] is True
    listed = binding(tshirt, shop)
    assert listed.remote_status == "listed"
    assert listed.last_pushed_hash == payload_hash(listed.last_pushed_payload)
    assert {stock for _, stock in statuses(sandbox).values()} == {"ON_SALE"}

    # A stock edit to zero is a publish that takes that SKU off sale; quantities alone never make a change.
    first, second = tshirt.skus.order_by("position", "pk")[:2]
    before = {s.pk: s.stock for s in tshirt.skus.all()}
    first.stock, second.stock = 0, second.stock + 5
    first.save()
    second.save()
    fanout.catalog_object_saved(target=tshirt, stock_before=before)
    count = sends(sandbox)
    run_jobs()
    assert sends(sandbox) == count + 1
    assert statuses(sandbox)[codes[0]] == ("NEW", "OFF_SALE")
    before = {s.pk: s.stock for s in tshirt.skus.all()}
    second.stock += 1
    second.save()
    fanout.catalog_object_saved(target=tshirt, stock_before=before)
    run_jobs()
    assert sends(sandbox) == count + 1

    fanout.shops_action_enqueue(shops=[shop], kind=SyncJob.Kind.PRODUCT_DELIST, targets=[tshirt])
    run_jobs()
    assert {stock for _, stock in statuses(sandbox).values()} == {"OFF_SALE"}

    fanout.shops_action_enqueue(shops=[shop], kind=SyncJob.Kind.PRODUCT_DELETE, targets=[tshirt])
    run_jobs()
    assert set(statuses(sandbox).values()) == {("STOP", "OFF_SALE")}
    assert binding(tshirt, shop).is_deleted is True
    assert not SyncJob.objects.filter(state=SyncJob.State.FAILED).exists()


def test_a_rejection_fails_the_job_with_the_platform_code_on_the_product(shop, tshirt):
    factories.platform_settings_set(shop, account_id=42)

    fanout.shops_action_enqueue(shops=[shop], kind=SyncJob.Kind.PRODUCT_PUBLISH, targets=[tshirt])
    (job,) = run_jobs()

    assert (job.state, job.last_errcode) == (SyncJob.State.FAILED, 31002)
    assert binding(tshirt, shop).last_errmsg == "account_id 42 is not authorised for this client"
