"""Bulk actions open a progress page per batch: rows object × shop with their state in Chinese, the pre-flight's
refusals among them, a fragment the page reads again while rows move, and the list of recent batches."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from channels_sync.batches import AUDIT, CANCELLED, DONE, FAILED, QUEUED, REFUSED, SENDING, batch_progress, batch_record
from channels_sync.engine import outbox
from channels_sync.models import RemoteBinding, SyncBatch, SyncBatchItem, SyncJob
from products.models import Product, ProductPlatformCategory
from tests import factories

pytestmark = pytest.mark.django_db

PUBLISH = "shops_product_publish"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(outbox, "_queue_run", lambda job_id, countdown=0: None)


@pytest.fixture
def shop(db):
    return factories.shop(name="演示店", app_id="wx_demo")


def publishable(title, out_product_id="A1"):
    product = factories.product(title=title, out_product_id=out_product_id)
    ProductPlatformCategory.objects.create(
        product=product, platform="wechat_store", category=factories.category(platform="wechat_store")
    )
    return product


def publish(admin_client, shop, products):
    return admin_client.post(
        reverse("admin:products_product_changelist") + "?q=T",
        {"action": PUBLISH, "_selected_action": [p.pk for p in products], "apply": "1", "shops": [shop.pk]},
    )


def test_publish_redirects_to_its_batch_with_a_row_per_product_and_shop_the_refused_one_with_its_reason(
    admin_client, shop, admin_user
):
    ready, refused = publishable("能发的T恤"), factories.product(title="没有类目的T恤", out_product_id="B2")

    response = publish(admin_client, shop, [ready, refused])

    batch = SyncBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:channels_sync_syncbatch_change", args=[batch.pk])
    assert (batch.kind, batch.title, batch.back_url, batch.created_by) == (
        SyncJob.Kind.PRODUCT_PUBLISH,
        "发布到店铺",
        reverse("admin:products_product_changelist") + "?q=T",
        admin_user,
    )
    job = SyncJob.objects.get()
    rows = list(SyncBatchItem.objects.order_by("pk").values_list("target_label", "shop_id", "job_id", "refused"))
    assert rows == [
        ("能发的T恤 [A1]", shop.pk, job.pk, []),
        (
            "没有类目的T恤 [B2]",
            shop.pk,
            None,
            [
                {
                    "message": "请选择微信小店（V1.17）类目。",
                    "url": reverse("admin:products_product_change", args=[refused.pk]) + "#id_wechat_store_category",
                }
            ],
        ),
    ]

    page = admin_client.get(response["Location"]).content.decode()
    assert "排队中" in page
    assert "预检未通过" in page
    assert "请选择微信小店（V1.17）类目。" in page
    assert 'data-finished="0"' in page
    assert "已结束 1 / 2" in page
    assert f'href="{reverse("admin:products_product_changelist")}?q=T"' in page


def test_a_request_folded_into_a_queued_job_shares_that_job_between_the_two_batches(admin_client, shop):
    product = publishable("T恤")

    publish(admin_client, shop, [product])
    publish(admin_client, shop, [product])

    job = SyncJob.objects.get()
    assert list(SyncBatchItem.objects.order_by("pk").values_list("batch_id", "job_id")) == [
        (first.pk, job.pk) for first in SyncBatch.objects.order_by("pk")
    ]


def test_other_bulk_actions_write_their_batch_too(admin_client, shop):
    product = factories.product(title="T恤")

    admin_client.post(
        reverse("admin:products_product_changelist"),
        {"action": "shops_product_delist", "_selected_action": [product.pk], "apply": "1", "shops": [shop.pk]},
    )

    batch = SyncBatch.objects.get()
    job = SyncJob.objects.get()
    assert (batch.kind, job.kind) == (SyncJob.Kind.PRODUCT_DELIST, SyncJob.Kind.PRODUCT_DELIST)
    assert list(batch.items.values_list("job_id", flat=True)) == [job.pk]


def _batch_with_every_state(shop, count=1):
    """``count`` rows in each state: queued, waiting, sending, done, in audit, audit rejected, failed, cancelled."""
    product_type = ContentType.objects.get_for_model(Product)
    queued = []
    for n in range(count):
        for state, edit_status in [
            (SyncJob.State.PENDING, ""),
            (SyncJob.State.WAITING, ""),
            (SyncJob.State.RUNNING, ""),
            (SyncJob.State.SUCCEEDED, "approved"),
            (SyncJob.State.SUCCEEDED, "auditing"),
            (SyncJob.State.SUCCEEDED, "rejected"),
            (SyncJob.State.FAILED, ""),
            (SyncJob.State.CANCELLED, ""),
        ]:
            product = factories.product(title=f"{state}-{edit_status}-{n}")
            fields = {"last_errcode": 10020097, "last_errmsg": "attr invalid"} if state == SyncJob.State.FAILED else {}
            job = factories.sync_job(
                shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, lock_key=f"p:{product.pk}", state=state, **fields
            )
            job.target_type, job.target_id = product_type, product.pk
            job.save()
            if edit_status:
                RemoteBinding.objects.create(
                    shop=shop,
                    content_type=product_type,
                    object_id=product.pk,
                    remote_id=f"r{product.pk}",
                    remote_edit_status=edit_status,
                    remote_reason="主图含水印" if edit_status == "rejected" else "",
                )
            queued.append((shop, product, job))
    return batch_record(kind=SyncJob.Kind.PRODUCT_PUBLISH, title="发布到店铺…", back_url="/admin/", queued=queued)


def test_each_job_state_reads_as_the_row_state_and_a_failure_is_explained(shop):
    progress = batch_progress(batch=_batch_with_every_state(shop))

    assert [row.state for row in progress.rows] == [QUEUED, QUEUED, SENDING, DONE, AUDIT, FAILED, FAILED, CANCELLED]
    assert [row.label for row in progress.rows] == [
        "排队中",
        "排队中",
        "发送中",
        "已完成",
        "审核中",
        "失败",
        "失败",
        "已取消",
    ]
    assert progress.rows[5].audit_reason == "主图含水印"
    failed = progress.rows[6]
    assert (failed.rejection.explained.errcode, failed.rejection.explained.errmsg) == (10020097, "attr invalid")
    assert progress.summary == [
        (QUEUED, "排队中", 2),
        (SENDING, "发送中", 1),
        (AUDIT, "审核中", 1),
        (DONE, "已完成", 1),
        (FAILED, "失败", 2),
        (CANCELLED, "已取消", 1),
    ]
    assert (progress.finished, progress.ended, progress.percent) == (False, 5, 62)
    assert REFUSED not in [row.state for row in progress.rows]


def test_a_batch_is_finished_once_no_row_is_queued_or_sending(shop):
    batch = _batch_with_every_state(shop)
    SyncJob.objects.filter(state__in=SyncJob.ACTIVE_STATES).update(state=SyncJob.State.SUCCEEDED)

    progress = batch_progress(batch=batch)

    assert (progress.finished, progress.in_audit, progress.ended, progress.percent) == (True, True, 8, 100)


# The page and its fragment read the same, whatever the number of rows: the session, the user, the batch, its
# rows with their jobs and shops, the bindings of the done rows, the failed rows' products (one per object type).
PAGE_QUERIES = 6
ROWS_QUERIES = 6


@pytest.mark.parametrize("count", [1, 4])
def test_the_page_and_its_fragment_have_a_fixed_query_budget(admin_client, shop, django_assert_num_queries, count):
    batch = _batch_with_every_state(shop, count)
    admin_client.get(reverse("admin:channels_sync_syncbatch_change", args=[batch.pk]))  # warm the caches

    with django_assert_num_queries(PAGE_QUERIES):
        page = admin_client.get(reverse("admin:channels_sync_syncbatch_change", args=[batch.pk]))
    with django_assert_num_queries(ROWS_QUERIES):
        rows = admin_client.get(reverse("admin:channels_sync_syncbatch_rows", args=[batch.pk]))

    assert page.content.decode().count('class="batch-row ') == 8 * count
    assert rows.content.decode().count('class="batch-row ') == 8 * count
    assert rows.content.decode().startswith('<div class="batch-state" data-finished="0" data-audit="1">')


def test_the_list_of_batches_shows_how_many_rows_ended(admin_client, shop):
    batch = _batch_with_every_state(shop)

    page = admin_client.get(reverse("admin:channels_sync_syncbatch_changelist")).content.decode()

    assert f'href="{reverse("admin:channels_sync_syncbatch_change", args=[batch.pk])}">#{batch.pk}</a>' in page
    assert "5 / 8" in page


# The session, the user, the counts (filtered and all), the rows with their annotations, the date hierarchy's.
LIST_QUERIES = 7


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_of_batches_has_a_fixed_query_budget(admin_client, shop, django_assert_num_queries, count):
    for _ in range(count):
        _batch_with_every_state(shop)
    admin_client.get(reverse("admin:channels_sync_syncbatch_changelist"))

    with django_assert_num_queries(LIST_QUERIES):
        page = admin_client.get(reverse("admin:channels_sync_syncbatch_changelist"))

    assert page.content.decode().count("5 / 8") == count


def test_a_clerk_who_may_publish_sees_the_batch_the_action_opens(client, shop, django_user_model):
    from django.contrib.auth.models import Permission

    product = publishable("T恤")
    staff = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_product", "change_product", "sync_catalog"])
    )
    client.force_login(staff)

    response = publish(client, shop, [product])
    page = client.get(response["Location"])
    outsider = django_user_model.objects.create_user("visitor", password="pw", is_staff=True)
    client.force_login(outsider)

    assert page.status_code == 200
    assert "排队中" in page.content.decode()
    assert client.get(response["Location"]).status_code == 403
