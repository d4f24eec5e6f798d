"""One timeline per product, newest first: the admin's history, the jobs with each attempt's outcome explained, and
the shops' status changes (recorded where the engine records a binding)."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from channels_sync.engine.bindings import binding_record_success
from channels_sync.models import BindingStatusChange, RemoteBinding, SyncAttempt, SyncJob
from channels_sync.timeline import product_timeline
from products.models import Product
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    return factories.shop(name="视频号", platform="channels", app_id="wx_channels")


def _binding(product, shop, **fields):
    return RemoteBinding.objects.create(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk, **fields
    )


def test_the_engine_records_each_status_change_once(shop):
    product = factories.product()
    binding = _binding(product, shop, remote_id="1", remote_status="draft", remote_edit_status="auditing")

    binding_record_success(binding, remote_status="draft", remote_edit_status="rejected", remote_reason="主图不清晰")
    binding_record_success(binding, remote_status="draft", remote_edit_status="rejected", remote_reason="主图不清晰")
    binding_record_success(binding, remote_status="listed", remote_edit_status="approved", remote_reason="")
    binding_record_success(binding, last_pushed_hash="abc")  # no status in it: nothing to record

    assert list(
        BindingStatusChange.objects.order_by("pk").values_list(
            "status_before", "status", "edit_status_before", "edit_status", "reason"
        )
    ) == [
        ("draft", "draft", "auditing", "rejected", "主图不清晰"),
        ("draft", "listed", "rejected", "approved", ""),
    ]


def test_the_timeline_is_newest_first_with_history_jobs_attempts_and_statuses(shop, admin_user):
    product = factories.product()
    now = timezone.now()
    log = LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(Product),
        object_id=str(product.pk),
        object_repr=str(product),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Title"]}}]',
    )
    LogEntry.objects.filter(pk=log.pk).update(action_time=now - timedelta(minutes=3))
    job = SyncJob.objects.create(
        shop=shop,
        kind=SyncJob.Kind.PRODUCT_PUBLISH,
        lock_key="k",
        target=product,
        created_by=admin_user,
        state=SyncJob.State.FAILED,
        last_errcode=10020097,
        last_errmsg="attrs misses 材质",
    )
    SyncJob.objects.filter(pk=job.pk).update(created_at=now - timedelta(minutes=2))
    SyncAttempt.objects.create(
        job=job,
        endpoint="product/add",
        started_at=now - timedelta(minutes=2),
        errcode=10020097,
        errmsg="attrs misses 材质",
    )
    binding = _binding(product, shop, remote_id="1", remote_status="draft")
    BindingStatusChange.objects.create(
        binding=binding, status_before="draft", status="listed", at=now - timedelta(minutes=1)
    )

    entries = product_timeline(product=product)

    assert [(e.kind, e.shop, e.who) for e in entries] == [
        ("status", "视频号", ""),
        ("job", "视频号", "admin"),
        ("change", "", "admin"),
    ]
    assert [str(a.rejection.explained.title) for a in entries[1].attempts] == ["缺少类目必填属性：材质"]
    assert entries[2].text == "已修改标题。"


@pytest.mark.parametrize("jobs", [1, 5])
def test_the_page_reads_in_chinese_in_a_fixed_number_of_queries(admin_client, shop, django_assert_num_queries, jobs):
    product = factories.product()
    binding = _binding(product, shop, remote_id="1", remote_status="draft", remote_edit_status="auditing")
    for index in range(jobs):
        job = SyncJob.objects.create(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, lock_key=f"k{index}", target=product)
        SyncAttempt.objects.create(job=job, endpoint="product/add", started_at=timezone.now(), errcode=0)
        binding_record_success(
            binding,
            remote_status="draft",
            remote_edit_status="rejected" if index % 2 == 0 else "auditing",
            remote_reason="主图不清晰" if index % 2 == 0 else "",
        )
    url = reverse("admin:products_product_timeline", args=[product.pk])
    admin_client.get(url)

    # Session, user, product; the history, the jobs (shop, creator), their attempts, the status changes.
    with django_assert_num_queries(7):
        page = admin_client.get(url).content.decode()

    assert page.count('class="timeline-job"') == jobs
    assert page.count('class="timeline-status"') == jobs
    assert "草稿：审核中 → 草稿：审核未通过" in page
    assert "店铺反馈的原因： 主图不清晰" in page
    assert page.count("平台已接受") == jobs
    assert "auditing" not in page
    assert "lock" not in page


def test_the_product_page_links_to_its_timeline(admin_client, shop):
    product = factories.product()
    _binding(product, shop, remote_id="1")

    page = admin_client.get(reverse("admin:products_product_change", args=[product.pk])).content.decode()

    assert f'<a href="{reverse("admin:products_product_timeline", args=[product.pk])}">查看商品时间线</a>' in page
