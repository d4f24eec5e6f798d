"""A job's result and the binding list in words: sentences with the remote id and the status in Chinese, the raw
answer, parameters, codes and calls only under 技术详情; no lock keys, no bare status codes, no file hashes."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from channels_sync.admin.job_outcomes import job_outcome_lines
from channels_sync.models import RemoteBinding, RemoteImage, SyncAttempt, SyncJob
from products.models import Product
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    return factories.shop(name="视频号", platform="channels", app_id="wx_channels")


@pytest.mark.parametrize(
    ("result", "lines"),
    [
        ({"remote_id": "1000001", "created": True, "warnings": []}, ["已在店铺中新建。", "店铺中的平台 ID：1000001"]),
        ({"remote_id": "1000001", "unchanged": True}, ["自上次推送以来没有变化，未发送。", "店铺中的平台 ID：1000001"]),
        ({"remote_id": "9", "listed": False}, ["已在店铺中下架。", "店铺中的平台 ID：9"]),
        (
            {"remote_id": "9", "status": "listed", "edit_status": "rejected"},
            ["店铺中的平台 ID：9", "店铺中的状态：已上架", "店铺中的草稿：草稿：审核未通过"],
        ),
        ({"skipped": "not published"}, ["未执行：商品尚未发布到该店铺。"]),
        ({"orders": 3, "new": 1, "since": "x", "until": "y"}, ["读取订单 3 个，其中新订单 1 个"]),
        ({"unknown_key": 1}, []),
    ],
)
def test_a_result_reads_as_sentences(shop, result, lines):
    job = SyncJob(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, lock_key="k", result=result)

    assert job_outcome_lines(job) == lines


def test_the_job_page_shows_the_outcome_in_words_and_the_raw_only_under_technical_details(admin_client, shop):
    product = factories.product()
    job = SyncJob.objects.create(
        shop=shop,
        kind=SyncJob.Kind.PRODUCT_PUBLISH,
        lock_key=f"products.product:{product.pk}",
        target=product,
        state=SyncJob.State.SUCCEEDED,
        result={"remote_id": "1000001", "created": True, "warnings": []},
    )
    SyncAttempt.objects.create(job=job, endpoint="/channels/ec/product/add", started_at=timezone.now(), errcode=0)

    page = admin_client.get(reverse("admin:channels_sync_syncjob_change", args=[job.pk])).content.decode()

    words = page.replace("<details><summary>技术详情</summary>", "\x00").split("\x00")[0]
    assert "已在店铺中新建。<br>店铺中的平台 ID：1000001" in words
    assert "<p>平台已接受</p>" in page
    assert "/channels/ec/product/add" not in words
    assert "/channels/ec/product/add · 0" not in page  # the attempt's row has no heading of its own
    assert "&quot;created&quot;: true" in page
    assert "/channels/ec/product/add" in page
    assert f"products.product:{product.pk}" not in page


@pytest.mark.parametrize("rows", [1, 3])
def test_the_binding_list_reads_in_words(admin_client, shop, django_assert_num_queries, rows):
    product_type = ContentType.objects.get_for_model(Product)
    for index in range(rows):
        product = factories.product(title=f"纯棉圆领T恤 {index} 号")
        RemoteBinding.objects.create(
            shop=shop,
            content_type=product_type,
            object_id=product.pk,
            remote_id=f"100{index}",
            remote_status="listed",
            remote_edit_status="rejected",
            last_errcode=10020097,
            last_errmsg="attrs misses 材质",
        )
    url = reverse("admin:channels_sync_remotebinding_changelist")
    admin_client.get(url)

    # Session, user, the counts, the page's rows with shop and type, their products (the generic prefetch), the
    # filters' shops and types: 8 however many rows.
    with django_assert_num_queries(8):
        page = admin_client.get(url).content.decode()

    assert page.count("已上架 · 草稿：审核未通过") == rows
    assert "商品：纯棉圆领T恤 0 号" in page
    assert page.count("缺少类目必填属性：材质") == rows
    assert ">listed<" not in page
    assert "10020097" not in page


def test_an_uploaded_image_is_shown_as_a_thumbnail_not_its_file_name(admin_client, shop):
    asset = factories.image_asset()
    RemoteImage.objects.create(shop=shop, asset=asset, remote_url="https://mmecimage.cn/p/x")

    page = admin_client.get(reverse("admin:channels_sync_remoteimage_changelist")).content.decode()

    assert f'<img src="{asset.image.url}"' in page
    assert f">{asset.image.name}<" not in page
