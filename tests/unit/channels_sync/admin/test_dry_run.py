"""*Dry run (send nothing)*: per product and shop the pre-flight's findings and the payload a publish would send,
with no job written and no HTTP call made."""

import json

import pytest
import requests
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from channels_sync.dry_run import dry_run, payload_fields
from channels_sync.models import RemoteBinding, SyncBatch, SyncJob
from channels_sync.previews import product_payload_preview
from products.models import FreightTemplate, ProductPlatformCategory
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    made = []

    def refuse(session, request, **kwargs):
        made.append(request.url)
        raise AssertionError(f"a dry run called {request.url}")

    monkeypatch.setattr(requests.Session, "send", refuse)
    return made


@pytest.fixture
def shops(db):
    return [factories.shop(name="演示店", app_id="wx_demo"), factories.shop(name="视频号店", platform="channels")]


def product_ready_for_the_wechat_store(shops):
    """Its V1.17 category set and its freight template bound in both shops (the payload names its remote id)."""
    product = factories.product(title="纯棉T恤", out_product_id="A1")
    ProductPlatformCategory.objects.create(
        product=product, platform="wechat_store", category=factories.category(platform="wechat_store")
    )
    for shop in shops:
        RemoteBinding.objects.create(
            shop=shop,
            content_type=ContentType.objects.get_for_model(FreightTemplate),
            object_id=product.freight_template_id,
            remote_id="7001",
        )
    return product


def test_the_action_shows_the_preflight_and_the_payload_per_product_and_shop_and_sends_nothing(
    admin_client, shops, calls
):
    product = product_ready_for_the_wechat_store(shops)
    url = reverse("admin:products_product_changelist")

    asked = admin_client.post(url, {"action": "shops_dry_run", "_selected_action": [product.pk]})
    response = admin_client.post(
        url,
        {"action": "shops_dry_run", "_selected_action": [product.pk], "apply": "1", "shops": [s.pk for s in shops]},
    )

    assert asked.status_code == 200
    assert 'value="试运行"' in asked.content.decode()
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="module dry-run-row"') == 2
    assert "纯棉T恤 → 演示店" in page
    assert "纯棉T恤 → 视频号店" in page
    assert page.count("预检未发现店铺会拒绝的问题。") == 1  # the wechat_store shop; Channels needs its category
    assert "请选择视频号小店类目。" in page
    assert page.count("发布时会拒绝将该商品发往此店铺：不会发送任何内容。") == 1
    expected = product_payload_preview(product=product, shop=shops[0]).body
    assert json.dumps(expected, ensure_ascii=False, indent=2).replace('"', "&quot;") in page
    assert "<summary>技术详情</summary>" in page
    # Channels has no category: no payload, said in Chinese, the builder's own words only under the details.
    assert page.count("暂时无法生成将发送的内容：发布时会失败，或先推送它依赖的对象。") == 1
    assert "<code>cats_v2: no Channels category</code>" in page
    assert SyncJob.objects.count() == 0
    assert SyncBatch.objects.count() == 0
    assert calls == []


def test_a_row_carries_the_preview_payload_and_the_blocking_problems(shops, calls):
    product = product_ready_for_the_wechat_store(shops)

    rows = dry_run(products=[product], shops=shops)

    assert [(row.shop.name, row.blocking) for row in rows] == [("演示店", False), ("视频号店", True)]
    assert rows[0].preview.body == product_payload_preview(product=product, shop=shops[0]).body
    assert rows[0].fields[0] == ("product_base.name", "纯棉T恤")
    assert ("delivery_info.template_id", "7001") in rows[0].fields
    # The readable view is the comparison page's local column: the platform's fields with their labels.
    assert rows[0].readable.supported
    readable = {row.key: (row.label, row.local.text) for row in rows[0].readable.rows}
    assert readable["title"] == ("标题", "纯棉T恤")
    assert not rows[1].readable.supported  # nothing could be built for Channels
    assert rows[1].preview.body is None
    assert rows[1].preview.problems == ("cats_v2: no Channels category",)
    assert [str(check.problem.message) for check in rows[1].problems] == [
        "标题长度须为 5 到 60 个字符（当前 4 个）。",
        "请选择视频号小店类目。",
    ]
    assert SyncJob.objects.count() == 0
    assert calls == []


def test_payload_fields_read_as_paths_and_values():
    body = {"title": "T恤", "skus": [{"sale_price": 1000, "on": True}, {}], "extra": None, "tags": []}

    assert payload_fields(body) == [
        ("title", "T恤"),
        ("skus[0].sale_price", "1000"),
        ("skus[0].on", "true"),
        ("skus[1]", "{}"),
        ("extra", "null"),
        ("tags", "[]"),
    ]


# Pinned at one product and two shops: the change list's own reads (the action runs on its queryset), the
# pre-flight's one read of the product for every shop, then per shop the payload preview's read of the product
# (``previews.product_payload_preview`` builds its own snapshot), its images, bindings and options, and where a
# payload was built, the readable view's reads of what its ids name (images, categories, freight templates).
DRY_RUN_QUERIES = 33


def test_the_dry_run_page_has_a_pinned_query_budget(admin_client, shops, calls, django_assert_num_queries):
    product = product_ready_for_the_wechat_store(shops)
    data = {"action": "shops_dry_run", "_selected_action": [product.pk], "apply": "1", "shops": [s.pk for s in shops]}
    admin_client.post(reverse("admin:products_product_changelist"), data)

    with django_assert_num_queries(DRY_RUN_QUERIES):
        admin_client.post(reverse("admin:products_product_changelist"), data)
