"""The engine heals what a shop can lose: an image upload it no longer accepts is uploaded again once, and a bound
product it no longer has is shown as missing, with a one-click re-create on the product page.

Jobs run in this process (as a worker would run them) against the emulator over HTTP; "behind the engine's back"
means the emulator's state is changed directly, as a shop that loses something would.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from channels_sync.engine import fanout, outbox
from channels_sync.models import RemoteBinding, RemoteImage, RemoteSkuStock, Shop, SyncAttempt, SyncJob
from products.demo import demo_catalog_create
from products.models import Product
from tests import factories

pytestmark = pytest.mark.django_db

V117 = ("wechat_store", "wx_demo_store", "demo-store-secret")
CHANNELS = ("channels", "wx_demo_channels", "demo-channels-secret")
MINISHOP = ("minishop", "wx_demo_minishop", "demo-minishop-secret")
FOREIGN_IMAGE_ERRMSG = "invalid args: product_base.main_img is not an image uploaded with common/upload_img"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(outbox, "_queue_run", lambda job_id, countdown=0: None)


def make_shop(server, spec) -> Shop:
    platform, app_id, secret = spec
    return factories.shop(name=f"演示 {platform}", platform=platform, app_id=app_id, base_url=server.url, secret=secret)


def drain(sandbox) -> None:
    """Run every job that can run, as workers would; the emulator's clock moves on so that audits finish."""
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


def run(sandbox, shop, kind, product) -> SyncJob:
    job = outbox.sync_job_enqueue(shop=shop, kind=kind, target=product)
    drain(sandbox)
    job.refresh_from_db()
    return job


def binding(shop, product) -> RemoteBinding:
    return RemoteBinding.objects.get(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk
    )


def attempts(job, endpoint) -> list[int | None]:
    return list(
        job.attempt_log.filter(endpoint=endpoint).order_by("started_at", "pk").values_list("errcode", flat=True)
    )


def applied(sandbox, appid, endpoint, since) -> list[dict]:
    with sandbox.ctx.lock:
        return sandbox.ctx.applied.query(appid=appid, endpoint=endpoint, since=since)


def edit_title(product, title) -> None:
    Product.objects.filter(pk=product.pk).update(title=title)
    product.refresh_from_db()


@pytest.fixture
def tshirt() -> Product:
    demo_catalog_create()
    return Product.objects.get(out_product_id="DEMO-TSHIRT-001")


@pytest.fixture
def v117(server) -> Shop:
    return make_shop(server, V117)


@pytest.fixture
def channels(server) -> Shop:
    return make_shop(server, CHANNELS)


@pytest.fixture
def minishop(server, sandbox) -> Shop:
    shop = make_shop(server, MINISHOP)
    # The mini-shop binds its freight templates by import (the demo shop does it when it is created).
    outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.FREIGHT_IMPORT)
    drain(sandbox)
    return shop


# --- images the shop no longer accepts ------------------------------------------------------------------------------


def test_an_image_the_v117_shop_forgot_is_uploaded_again_once_and_the_update_resent(sandbox, v117, tshirt):
    assert run(sandbox, v117, SyncJob.Kind.PRODUCT_PUBLISH, tshirt).state == SyncJob.State.SUCCEEDED
    second_image = tshirt.images.order_by("position")[1].asset_id
    forgotten = RemoteImage.objects.get(shop=v117, asset_id=second_image).remote_url
    with sandbox.ctx.lock:
        del sandbox.wechat_store._states[V117[1]].images[forgotten]
    since = sandbox.ctx.applied.last_seq

    edit_title(tshirt, "纯棉圆领短袖T恤 女款 新版")
    job = run(sandbox, v117, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)

    uploads = applied(sandbox, V117[1], "/merchant/common/upload_img", since)
    renewed = RemoteImage.objects.get(shop=v117, asset_id=second_image).remote_url
    remote = sandbox.wechat_store._states[V117[1]].products[binding(v117, tshirt).remote_id]
    assert (job.state, job.last_errcode, job.last_errmsg) == (SyncJob.State.SUCCEEDED, None, "")
    assert len(uploads) == 1
    assert attempts(job, "/merchant/update") == [40097, 0]
    assert renewed != forgotten
    assert renewed in sandbox.wechat_store._states[V117[1]].images
    assert remote.product_base["name"] == "纯棉圆领短袖T恤 女款 新版"
    assert renewed in remote.product_base["img"]


def test_a_second_refusal_fails_the_job_with_the_platforms_errcode_and_errmsg(sandbox, v117, tshirt):
    run(sandbox, v117, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)
    pushed_hash = binding(v117, tshirt).last_pushed_hash
    image_count = RemoteImage.objects.filter(shop=v117).count()
    sandbox.faults.set(
        type(sandbox.faults.current()).from_json(
            {"errcode_next": 2, "errcode": 40097, "errmsg": FOREIGN_IMAGE_ERRMSG, "paths": ["/merchant/update"]}
        )
    )
    since = sandbox.ctx.applied.last_seq

    edit_title(tshirt, "纯棉圆领短袖T恤 女款 新版")
    job = run(sandbox, v117, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)

    after = binding(v117, tshirt)
    remote = sandbox.wechat_store._states[V117[1]].products[after.remote_id]
    assert (job.state, job.last_errcode, job.last_errmsg) == (SyncJob.State.FAILED, 40097, FOREIGN_IMAGE_ERRMSG)
    assert attempts(job, "/merchant/update") == [40097, 40097]
    # The refusal named no image: every image of the payload was uploaded again, once.
    assert len(applied(sandbox, V117[1], "/merchant/common/upload_img", since)) == image_count
    assert (after.last_errcode, after.last_pushed_hash) == (40097, pushed_hash)
    assert remote.product_base["name"] == "纯棉圆领短袖T恤 女款 宽松百搭"


def test_a_create_refused_for_an_image_the_channels_shop_forgot_is_sent_again_with_it_uploaded_again(
    sandbox, channels, tshirt
):
    run(sandbox, channels, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)
    assert run(sandbox, channels, SyncJob.Kind.PRODUCT_DELETE, tshirt).state == SyncJob.State.SUCCEEDED
    head_image = tshirt.images.order_by("position")[0].asset_id
    forgotten = RemoteImage.objects.get(shop=channels, asset_id=head_image).remote_url
    with sandbox.ctx.lock:
        del sandbox.channels._states[CHANNELS[1]].images[forgotten]
    since = sandbox.ctx.applied.last_seq

    job = run(sandbox, channels, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)

    assert (job.state, job.result["created"]) == (SyncJob.State.SUCCEEDED, True)
    assert attempts(job, "/channels/ec/product/add") == [10020035, 0]
    assert len(applied(sandbox, CHANNELS[1], "/shop/ec/basics/img/upload", since)) == 1
    assert RemoteImage.objects.get(shop=channels, asset_id=head_image).remote_url != forgotten
    assert binding(channels, tshirt).is_bound


# --- a bound product the shop no longer has -------------------------------------------------------------------------


def test_a_product_deleted_in_the_shop_behind_the_engines_back_shows_missing_and_is_recreated_in_step(
    sandbox, v117, tshirt, admin_client
):
    run(sandbox, v117, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)
    run(sandbox, v117, SyncJob.Kind.PRODUCT_LIST, tshirt)
    lost = binding(v117, tshirt).remote_id
    with sandbox.ctx.lock:
        del sandbox.wechat_store._states[V117[1]].products[lost]
    # The merchant edits the title and the stock meanwhile: both jobs find the product gone.
    sku = tshirt.skus.order_by("position").first()
    before = dict(tshirt.skus.values_list("pk", "stock"))
    sku.stock += 5
    sku.save()
    edit_title(tshirt, "纯棉圆领短袖T恤 女款 新版")
    fanout.catalog_object_saved(target=tshirt, stock_before=before)
    drain(sandbox)

    missing = binding(v117, tshirt)
    failed = list(SyncJob.objects.filter(state=SyncJob.State.FAILED).values_list("kind", "last_errcode"))
    page = admin_client.get(reverse("admin:products_product_change", args=[tshirt.pk])).content.decode()
    recreate_url = reverse("admin:products_product_recreate", args=[tshirt.pk, v117.pk])
    assert (missing.remote_status, missing.remote_id) == ("missing", lost)
    assert sorted(failed) == [(SyncJob.Kind.PRODUCT_PUBLISH, 40097), (SyncJob.Kind.STOCK_PUSH, 40097)]
    assert f"product_id {lost} does not exist" in missing.last_errmsg
    assert "已在店铺中不存在" in page
    assert f'formaction="{recreate_url}"' in page
    assert "在此店铺重新创建" in page

    since = sandbox.ctx.applied.last_seq
    response = admin_client.post(recreate_url)
    queued = list(SyncJob.objects.filter(state=SyncJob.State.PENDING).values_list("kind", flat=True))
    drain(sandbox)

    recreated = binding(v117, tshirt)
    store = sandbox.wechat_store._states[V117[1]]
    remote = store.products[recreated.remote_id]
    local_stock = {s.spec_key: s.stock for s in tshirt.skus.all()}
    assert response.status_code == 302
    assert queued == [SyncJob.Kind.PRODUCT_RECREATE]
    assert recreated.remote_id not in ("", lost)
    assert (recreated.remote_status, recreated.is_bound, recreated.listed_once) == ("draft", True, False)
    assert (recreated.last_errcode, recreated.last_errmsg) == (None, "")
    assert list(store.products) == [recreated.remote_id]
    assert remote.product_base["name"] == "纯棉圆领短袖T恤 女款 新版"
    # In step: the new remote product starts at the local stock, and so do the baselines (no delta follows).
    assert remote.stock() == local_stock
    assert {
        state.sku.spec_key: (state.synced_stock, state.remote_sku_key)
        for state in RemoteSkuStock.objects.filter(shop=v117).select_related("sku")
    } == {key: (stock, key) for key, stock in local_stock.items()}
    assert applied(sandbox, V117[1], "/merchant/stock/add", since) == []
    assert applied(sandbox, V117[1], "/merchant/stock/reduce", since) == []

    # And later stock edits go out as deltas from there.
    before = dict(tshirt.skus.values_list("pk", "stock"))
    sku.refresh_from_db()
    sku.stock -= 2
    sku.save()
    fanout.catalog_object_saved(target=tshirt, stock_before=before)
    drain(sandbox)
    assert store.products[recreated.remote_id].stock()[sku.spec_key] == sku.stock


def test_listing_a_product_the_channels_shop_no_longer_has_fails_as_missing(sandbox, channels, tshirt, admin_client):
    run(sandbox, channels, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)
    lost = binding(channels, tshirt).remote_id
    with sandbox.ctx.lock:
        del sandbox.channels._states[CHANNELS[1]].products[lost]

    job = run(sandbox, channels, SyncJob.Kind.PRODUCT_LIST, tshirt)

    missing = binding(channels, tshirt)
    assert (job.state, job.last_errcode) == (SyncJob.State.FAILED, 10020052)
    assert job.last_errmsg.startswith(f"The product no longer exists in this shop (remote id {lost})") or (
        job.last_errmsg.startswith(f"该商品已在店铺中不存在（远程 ID {lost}）")
    )
    assert (missing.remote_status, missing.remote_edit_status, missing.remote_id) == ("missing", "", lost)

    admin_client.post(reverse("admin:products_product_recreate", args=[tshirt.pk, channels.pk]))
    drain(sandbox)
    assert run(sandbox, channels, SyncJob.Kind.PRODUCT_LIST, tshirt).state == SyncJob.State.SUCCEEDED
    recreated = binding(channels, tshirt)
    assert recreated.remote_id != lost
    assert (recreated.remote_status, sandbox.channels._states[CHANNELS[1]].products[recreated.remote_id].status) == (
        "listed",
        5,
    )


def test_a_stock_push_for_a_product_the_minishop_lost_fails_with_its_errcode_as_missing(sandbox, minishop, tshirt):
    run(sandbox, minishop, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)
    run(sandbox, minishop, SyncJob.Kind.PRODUCT_LIST, tshirt)
    lost = binding(minishop, tshirt).remote_id
    with sandbox.ctx.lock:
        del sandbox.minishop._states[MINISHOP[1]].products[int(lost)]
    synced = dict(RemoteSkuStock.objects.filter(shop=minishop).values_list("sku_id", "synced_stock"))

    sku = tshirt.skus.order_by("position").first()
    before = dict(tshirt.skus.values_list("pk", "stock"))
    sku.stock += 3
    sku.save()
    fanout.catalog_object_saved(target=tshirt, stock_before=before)
    drain(sandbox)

    job = SyncJob.objects.get(kind=SyncJob.Kind.STOCK_PUSH)
    # The stock update itself answers (100002, "product_id does not exist"): no read goes before it any more.
    assert (job.state, job.last_errcode) == (SyncJob.State.FAILED, 100002)
    assert binding(minishop, tshirt).remote_status == "missing"
    # Nothing was counted as sent.
    assert dict(RemoteSkuStock.objects.filter(shop=minishop).values_list("sku_id", "synced_stock")) == synced


def test_deleting_a_product_the_shop_no_longer_has_succeeds(sandbox, v117, tshirt):
    run(sandbox, v117, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)
    with sandbox.ctx.lock:
        sandbox.wechat_store._states[V117[1]].products.clear()

    job = run(sandbox, v117, SyncJob.Kind.PRODUCT_DELETE, tshirt)

    deleted = binding(v117, tshirt)
    assert job.state == SyncJob.State.SUCCEEDED
    assert (deleted.is_deleted, deleted.remote_status) == (True, "deleted")
    assert not RemoteSkuStock.objects.filter(shop=v117).exists()


def test_a_missing_freight_template_is_a_rejection_and_does_not_make_the_product_missing(sandbox, v117, tshirt):
    run(sandbox, v117, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)
    with sandbox.ctx.lock:
        sandbox.wechat_store._states[V117[1]].templates.clear()

    edit_title(tshirt, "纯棉圆领短袖T恤 女款 新版")
    job = run(sandbox, v117, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)

    after = binding(v117, tshirt)
    assert (job.state, job.last_errcode) == (SyncJob.State.FAILED, 40097)
    assert job.last_errmsg.startswith("invalid args: delivery_info.template_id")
    assert (after.remote_status, after.is_bound) == ("draft", True)


def test_a_product_that_exists_again_is_brought_up_to_date_instead_of_doubled(sandbox, v117, tshirt, admin_client):
    run(sandbox, v117, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)
    remote_id = binding(v117, tshirt).remote_id
    with sandbox.ctx.lock:
        kept = sandbox.wechat_store._states[V117[1]].products.pop(remote_id)
    edit_title(tshirt, "纯棉圆领短袖T恤 女款 新版")
    run(sandbox, v117, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)
    assert binding(v117, tshirt).remote_status == "missing"
    with sandbox.ctx.lock:
        sandbox.wechat_store._states[V117[1]].products[remote_id] = kept

    admin_client.post(reverse("admin:products_product_recreate", args=[tshirt.pk, v117.pk]))
    drain(sandbox)

    after = binding(v117, tshirt)
    assert after.remote_id == remote_id
    assert (after.remote_status, after.last_errmsg) == ("draft", "")
    assert list(sandbox.wechat_store._states[V117[1]].products) == [remote_id]
    assert kept.product_base["name"] == "纯棉圆领短袖T恤 女款 新版"


# --- the re-create button -------------------------------------------------------------------------------------------


def test_recreate_needs_a_post_with_the_sync_permission_and_a_missing_product(
    sandbox, v117, tshirt, admin_client, client
):
    run(sandbox, v117, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)
    url = reverse("admin:products_product_recreate", args=[tshirt.pk, v117.pk])
    viewer = get_user_model().objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_product"))
    client.force_login(viewer)
    jobs_before = SyncJob.objects.count()

    not_allowed = admin_client.get(url)
    forbidden = client.post(url)
    not_missing = admin_client.post(url, follow=True)
    page = client.get(reverse("admin:products_product_change", args=[tshirt.pk])).content.decode()

    assert not_allowed.status_code == 405
    assert forbidden.status_code == 403
    assert not_missing.status_code == 200
    assert [str(m) for m in not_missing.context["messages"]] == [
        f"“{tshirt.title}”在 {v117.name} 中并未缺失，无需重新创建。"
    ]
    assert SyncJob.objects.count() == jobs_before
    assert SyncAttempt.objects.filter(job__kind=SyncJob.Kind.PRODUCT_RECREATE).count() == 0
    assert url not in page


def test_the_button_is_offered_only_to_staff_with_the_sync_permission(sandbox, v117, tshirt, client):
    run(sandbox, v117, SyncJob.Kind.PRODUCT_PUBLISH, tshirt)
    with sandbox.ctx.lock:
        sandbox.wechat_store._states[V117[1]].products.clear()
    run(sandbox, v117, SyncJob.Kind.PRODUCT_REFRESH, tshirt)
    url = reverse("admin:products_product_recreate", args=[tshirt.pk, v117.pk])
    viewer = get_user_model().objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_product"))
    client.force_login(viewer)

    without = client.get(reverse("admin:products_product_change", args=[tshirt.pk])).content.decode()
    viewer.user_permissions.add(Permission.objects.get(codename="sync_catalog"))
    viewer = get_user_model().objects.get(pk=viewer.pk)
    client.force_login(viewer)
    with_permission = client.get(reverse("admin:products_product_change", args=[tshirt.pk])).content.decode()
    posted = client.post(url)

    assert binding(v117, tshirt).remote_status == "missing"
    assert "已在店铺中不存在" in without
    assert url not in without
    assert f'formaction="{url}"' in with_permission
    assert posted.status_code == 302
    assert SyncJob.objects.filter(kind=SyncJob.Kind.PRODUCT_RECREATE, created_by=viewer).count() == 1


def test_a_shelf_banner_the_v117_shop_forgot_is_uploaded_again_once(sandbox, v117, tshirt):
    from products.models import Shelf

    shelf = Shelf.objects.get()
    assert run(sandbox, v117, SyncJob.Kind.SHELF_PUSH, shelf).state == SyncJob.State.SUCCEEDED
    forgotten = RemoteImage.objects.get(shop=v117, asset_id=shelf.banner_id).remote_url
    with sandbox.ctx.lock:
        del sandbox.wechat_store._states[V117[1]].images[forgotten]
    since = sandbox.ctx.applied.last_seq

    Shelf.objects.filter(pk=shelf.pk).update(name="首页货架（新）")
    job = run(sandbox, v117, SyncJob.Kind.SHELF_PUSH, shelf)

    remote = sandbox.wechat_store._states[V117[1]].shelves[int(job.result["remote_id"])]
    assert (job.state, job.result["updated"]) == (SyncJob.State.SUCCEEDED, True)
    assert attempts(job, "/merchant/shelf/mod") == [40097, 0]
    assert len(applied(sandbox, V117[1], "/merchant/common/upload_img", since)) == 1
    assert remote.shelf_banner == RemoteImage.objects.get(shop=v117, asset_id=shelf.banner_id).remote_url != forgotten
