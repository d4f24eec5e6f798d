"""The local / draft / online page of a product in a shop: field by field, the differences marked, images as the
catalog's thumbnails, categories and freight templates by name, the raw bodies only under 技术详情."""

import dataclasses

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from channels_sync.comparison import Cell, Thumbnail, product_comparison
from channels_sync.models import RemoteBinding, RemoteImage
from channels_sync.platforms.registry import PLATFORMS
from products.models import FreightTemplate, ImageAsset, Product
from tests import factories

pytestmark = pytest.mark.django_db


def _bind(target, shop, **fields):
    return RemoteBinding.objects.create(
        shop=shop, content_type=ContentType.objects.get_for_model(type(target)), object_id=target.pk, **fields
    )


def _published(skus: int = 2):
    """A Channels product (``skus`` SKUs with images) whose images are uploaded to the shop, its template bound."""
    shop = factories.shop(name="视频号", platform="channels", app_id="wx_channels")
    product = factories.product_with_sku_images(skus)
    Product.objects.filter(pk=product.pk).update(brand=None)  # the factory's brand id is not one Channels takes
    _bind(product.freight_template, shop, remote_id="90001")
    for asset in ImageAsset.objects.all():
        RemoteImage.objects.create(shop=shop, asset=asset, remote_url=f"https://mmecimage.cn/p/{asset.pk}")
    return shop, product


def _copy(shop, product, **changes):
    """What the shop holds: the payload as sent, with ``changes``."""
    from channels_sync.previews import product_payload_preview

    preview = product_payload_preview(product=product, shop=shop)
    assert preview.problems == ()
    body = dict(preview.body)
    body.update(changes)
    return body


def test_rows_line_up_the_three_copies_and_mark_what_differs(english):
    shop, product = _published()
    local = _copy(shop, product)
    online = _copy(shop, product, title="旧标题 夏季款")

    comparison = product_comparison(shop=shop, local=local, draft=None, online=online)

    by_key = {row.key: row for row in comparison.rows}
    assert [key for key, row in by_key.items() if row.differs] == ["title"]
    assert (by_key["title"].local, by_key["title"].draft, by_key["title"].online) == (
        Cell(present=True, text="纯棉圆领T恤 夏季款"),
        Cell(present=False),
        Cell(present=True, text="旧标题 夏季款"),
    )
    assert by_key["category"].local == Cell(present=True, text="服装 › 上衣 › T恤")
    assert by_key["freight_template"].local == Cell(present=True, text=product.freight_template.name)
    assert by_key["head_images"].local.thumbnails == tuple(
        Thumbnail(src=image.asset.image.url, label="64×60") for image in product.images.order_by("position")
    )
    assert "purchase_limit" not in by_key  # no copy fills it
    assert (comparison.has_draft, comparison.has_online, comparison.differences) == (False, True, 1)


def test_a_field_missing_from_one_copy_differs_and_an_unknown_image_is_labelled(english):
    shop, product = _published()
    local = _copy(shop, product)
    draft = _copy(shop, product, head_imgs=["https://mmecimage.cn/p/elsewhere"], short_title="新")

    rows = {row.key: row for row in product_comparison(shop=shop, local=local, draft=draft, online=None).rows}

    assert rows["short_title"].differs is True
    assert rows["short_title"].draft == Cell(present=True, text="新")
    assert rows["head_images"].draft.thumbnails == (Thumbnail(src="", label="an image the catalog does not hold"),)
    assert rows["head_images"].differs is True


def test_a_platform_without_a_mapping_is_not_compared(monkeypatch):
    # Every platform has its mapping today; a new one may come without (its page then shows the raw copies).
    shop = factories.shop(platform="tencent_ads")
    # A package with no comparison module (the entry's package is where its adapter module lives).
    without = dataclasses.replace(PLATFORMS["tencent_ads"], adapter="channels_sync.engine.outbox:NoAdapter")
    monkeypatch.setitem(PLATFORMS, "tencent_ads", without)

    assert product_comparison(shop=shop, local={"a": 1}, draft=None, online=None).supported is False


def test_a_platform_without_a_draft_is_compared_by_what_would_be_sent():
    shop = factories.shop(platform="tencent_ads")

    comparison = product_comparison(shop=shop, local={"account_id": 7}, draft=None, online=None)

    assert (comparison.supported, comparison.remote_columns) == (True, False)
    assert [(row.key, row.local.text) for row in comparison.rows] == [("account_id", "7")]


@pytest.mark.parametrize("skus", [2, 8])
def test_the_page_compares_in_chinese_with_the_raw_bodies_under_technical_details(
    admin_client, django_assert_num_queries, skus
):
    shop, product = _published(skus=skus)
    online = _copy(shop, product, title="旧标题 夏季款")
    _bind(product, shop, remote_id="123456789", remote_status="listed", remote_online=online, remote_draft=online)
    url = reverse("admin:products_product_payload_preview", args=[product.pk, shop.pk])
    admin_client.get(url)  # the session and the content types, cached from here on

    with django_assert_num_queries(PAGE_QUERIES):
        page = admin_client.get(url).content.decode()

    head, technical = page.split("<summary>技术详情</summary>")
    assert "本地（将发送的内容）" in head
    assert "店铺草稿" in head
    assert "线上" in head
    assert '<tr class="comparison-row differs" data-field="title">' in head
    assert head.count("comparison-row differs") == 1
    assert "有 1 个字段不一致。" in head
    assert "¥99.00" in head
    assert "服装 › 上衣 › T恤" in head
    assert "123456789" not in head
    assert "&quot;title&quot;:" not in head
    assert "&quot;title&quot;: &quot;旧标题 夏季款&quot;" in technical
    assert "123456789" in technical


# Session, user, product, shop; the payload preview's reads (the product's snapshot, the uploaded images, the
# template's and the product's bindings); the page's binding; the comparison's resolutions (image assets, category
# names, the template's binding and name): the same for 2 and 8 SKUs.
PAGE_QUERIES = 13


def test_a_product_not_in_the_shop_yet_shows_the_local_copy_only(admin_client):
    shop, product = _published()

    page = admin_client.get(reverse("admin:products_product_payload_preview", args=[product.pk, shop.pk]))

    head = page.content.decode().split("<summary>技术详情</summary>")[0]
    rows = page.context["comparison"].rows
    assert head.count('<span class="absent">未上线</span>') == len(rows)
    assert head.count('<span class="absent">无草稿</span>') == len(rows)
    assert "comparison-row differs" not in head  # only the local copy: nothing to differ from
    assert (Product.objects.count(), FreightTemplate.objects.count()) == (1, 1)


def test_an_unpublished_product_is_compared_with_its_own_pictures_and_template(english):
    from channels_sync.previews import product_payload_preview

    shop = factories.shop(name="视频号", platform="channels", app_id="wx_channels")
    product = factories.product_with_sku_images(2)
    Product.objects.filter(pk=product.pk).update(brand=None)

    preview = product_payload_preview(product=product, shop=shop)
    rows = {
        row.key: row
        for row in product_comparison(
            shop=shop,
            local=preview.body,
            draft=None,
            online=None,
            local_images=preview.image_assets,
            local_freight_template="默认运费",
        ).rows
    }

    # Nothing is uploaded or pushed yet: the preview's stand-ins are never shown, the catalog's own pictures are.
    assert (preview.problems, preview.pending_images) == ((), 5)
    assert (
        preview.body["head_imgs"][0]
        == f"https://mmecimage.cn/p/preview-{product.images.order_by('position')[0].asset_id}"
    )
    assert [t.src for t in rows["head_images"].local.thumbnails] == [
        image.asset.image.url for image in product.images.order_by("position")
    ]
    assert rows["freight_template"].local == Cell(present=True, text="默认运费")


def _store_with_uploaded_images(product):
    store = factories.shop(name="小店", platform="wechat_store", app_id="wx_store")
    for asset in ImageAsset.objects.all():
        RemoteImage.objects.create(shop=store, asset=asset, remote_url=f"https://mmbiz.qpic.cn/{asset.pk}")
    return store


def test_a_store_without_a_draft_offers_one_column_for_its_copy_and_names_skus_by_their_specs(admin_client):
    product = factories.product_with_sku_images(2)
    store = _store_with_uploaded_images(product)

    response = admin_client.get(reverse("admin:products_product_payload_preview", args=[product.pk, store.pk]))

    comparison = response.context["comparison"]
    head = response.content.decode().split("<summary>技术详情</summary>")[0]
    assert (comparison.remote_columns, comparison.draft_label, comparison.online_label) == (
        True,
        "",
        "店铺中的商品（上次读取）",
    )
    assert [row.label for row in comparison.rows if row.key.startswith("sku:")] == [
        "SKU 颜色：白色 / 尺码：0号",
        "SKU 颜色：黑色 / 尺码：0号",
    ]
    assert "店铺草稿" not in head
    assert "<th>店铺中的商品（上次读取）</th>" in head
    # Not in the shop yet: there is nothing to read.
    assert response.context["read_url"] == ""
    assert "立即读取店铺中的商品" not in head


def test_a_platform_without_a_read_call_shows_only_what_would_be_sent(admin_client):
    shop = factories.shop(name="广告", platform="tencent_ads")
    product = factories.product_with_sku_images(2)
    _bind(product, shop, remote_id="9L07:P1", remote_status="listed")

    response = admin_client.get(reverse("admin:products_product_payload_preview", args=[product.pk, shop.pk]))

    head = response.content.decode().split("<summary>技术详情</summary>")[0]
    assert response.context["comparison"].remote_columns is False
    assert "该平台不提供店铺中的商品版本可供比较：此页显示将发送的内容。" in head
    assert response.context["read_url"] == ""


def _as_the_store_answers_get(body: dict, product_id: str) -> dict:
    """``product_info`` of V1.17's ``get`` (§2.1 row 1.4) for a ``create`` body: the detail as ``detail_html``."""
    from sandbox.wechat_store.state import render_detail_html

    base = {key: value for key, value in body["product_base"].items() if key != "detail"}
    base["detail_html"] = render_detail_html(body["product_base"]["detail"])
    return {**body, "product_id": product_id, "product_base": base}


def test_the_store_copy_read_back_from_get_is_in_step_with_what_was_sent_in_the_same_queries(
    admin_client, django_assert_num_queries
):
    from channels_sync.platforms.wechat_store.catalog import parse_catalog_product
    from channels_sync.previews import product_payload_preview

    product = factories.product_with_sku_images(2)
    store = _store_with_uploaded_images(product)
    _bind(product.freight_template, store, remote_id="7")
    sent = product_payload_preview(product=product, shop=store).body
    shop_copy = parse_catalog_product(_as_the_store_answers_get(sent, "pDF3iY_1")).shop_copy
    binding = _bind(product, store, remote_id="pDF3iY_1", remote_status="listed", remote_online=shop_copy)
    url = reverse("admin:products_product_payload_preview", args=[product.pk, store.pk])
    admin_client.get(url)  # the session and the content types, cached from here on

    with django_assert_num_queries(PAGE_QUERIES):
        response = admin_client.get(url)

    comparison = response.context["comparison"]
    assert [row.key for row in comparison.rows if row.differs] == []
    assert comparison.has_online is True
    assert [row.key for row in comparison.rows if not row.key.startswith("sku:")] == [
        "title",
        "category",
        "head_images",
        "detail_text",
        "freight_template",
    ]
    assert [row.label for row in comparison.rows if row.key.startswith("sku:")] == [
        "SKU 颜色：白色 / 尺码：0号",
        "SKU 颜色：黑色 / 尺码：0号",
    ]
    rows = {row.key: row for row in comparison.rows}
    assert rows["detail_text"].online == rows["detail_text"].local
    assert rows["head_images"].online.thumbnails == rows["head_images"].local.thumbnails
    assert rows["freight_template"].online == Cell(present=True, text=product.freight_template.name)
    assert "各版本一致：没有不同的字段。" in response.content.decode()
    assert response.context["read_url"] == reverse("admin:products_product_read_shop_copy", args=[product.pk, store.pk])

    # A field the store kept (a listed product's name is frozen in V1.17) shows as the one difference.
    RemoteBinding.objects.filter(pk=binding.pk).update(
        remote_online={**shop_copy, "product_base": {**shop_copy["product_base"], "name": "旧名称"}}
    )
    comparison = admin_client.get(url).context["comparison"]
    assert [(row.key, row.online.text) for row in comparison.rows if row.differs] == [("title", "旧名称")]


def test_the_read_button_queues_a_read_of_the_product_in_that_shop_and_comes_back(admin_client):
    from channels_sync.models import SyncJob

    product = factories.product_with_sku_images(1)
    store = _store_with_uploaded_images(product)
    _bind(product, store, remote_id="pDF3iY_1", remote_status="listed")
    page = reverse("admin:products_product_payload_preview", args=[product.pk, store.pk])
    read = reverse("admin:products_product_read_shop_copy", args=[product.pk, store.pk])

    assert "立即读取店铺中的商品" in admin_client.get(page).content.decode()
    assert admin_client.get(read).status_code == 405
    response = admin_client.post(read)

    assert (response.status_code, response["Location"]) == (302, page)
    assert list(SyncJob.objects.values_list("shop_id", "kind", "target_id", "state")) == [
        (store.pk, SyncJob.Kind.PRODUCT_REFRESH, product.pk, SyncJob.State.PENDING)
    ]
    assert "几秒后刷新本页即可看到店铺中的商品" in admin_client.get(page).content.decode()
