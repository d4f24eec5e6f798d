"""preflight(product=, shop=) reads the imported category of the shop's platform and runs that platform's rules."""

import pytest
from django.utils import timezone, translation

from channels_sync.models import Shop, SyncJob
from channels_sync.preflight import preflight
from products.models import (
    CategoryAttribute,
    Platform,
    ProductPlatformCategory,
    ProductProperty,
)
from tests import factories


@pytest.fixture
def channels_shop(db):
    return Shop.objects.create(
        name="视频号", platform=Platform.CHANNELS, app_id="wx_ch", base_url="http://127.0.0.1:8765", push_token="t"
    )


@pytest.fixture
def tshirt_category(db):
    root = factories.category(name="服饰内衣", is_leaf=False, imported_at=timezone.now())
    leaf = factories.category(name="T恤", parent=root, level=2, imported_at=timezone.now())
    factories.property_attribute(leaf, "材质", ["纯棉", "莫代尔"])
    factories.property_attribute(leaf, "袖长", ["短袖", "长袖"])
    factories.property_attribute(leaf, "领型", ["圆领", "V领"])
    factories.property_attribute(leaf, "版型", ["宽松"], required=False)
    return leaf


def test_the_three_missing_attributes_of_10020097_are_found_at_once(channels_shop, tshirt_category):
    product = factories.product()
    ProductPlatformCategory.objects.create(product=product, platform="channels", category=tshirt_category)

    with translation.override("zh-hans"):
        problems = [(p.field, str(p.message), p.choices) for p in preflight(product=product, shop=channels_shop)]

    assert problems == [
        ("product.properties", "类目要求填写属性“材质”。", ("纯棉", "莫代尔")),
        ("product.properties", "类目要求填写属性“袖长”。", ("短袖", "长袖")),
        ("product.properties", "类目要求填写属性“领型”。", ("圆领", "V领")),
    ]


def test_a_filled_attribute_is_no_longer_a_problem(channels_shop, tshirt_category):
    product = factories.product()
    ProductPlatformCategory.objects.create(product=product, platform="channels", category=tshirt_category)
    for attribute in CategoryAttribute.objects.filter(category=tshirt_category, is_required=True):
        ProductProperty.objects.create(product=product, attribute=attribute, value=attribute.values.first())

    assert preflight(product=product, shop=channels_shop) == []


def test_a_category_entered_by_hand_is_not_claimed_complete(channels_shop):
    product = factories.product()
    ProductPlatformCategory.objects.create(
        product=product, platform="channels", category=factories.category(name="手工类目")
    )

    with translation.override("zh-hans"):
        problems = [(p.field, str(p.message)) for p in preflight(product=product, shop=channels_shop)]

    assert problems == [("product.channels_category", "从未导入该类目的详情：请先在店铺上导入类目。")]


def test_a_v117_shop_runs_the_v117_rules(db):
    shop = Shop.objects.create(
        name="V1.17", platform=Platform.WECHAT_STORE, app_id="wx_v", base_url="http://127.0.0.1:8765", push_token="t"
    )
    product = factories.product(images=0)

    with translation.override("zh-hans"):
        problems = [(p.field, str(p.message)) for p in preflight(product=product, shop=shop)]

    assert problems == [
        ("product.wechat_store_category", "请选择微信小店（V1.17）类目。"),
        ("product.images", "请至少添加一张主图（第一张为商品主图）。"),
    ]


def _publish(admin_client, product, shop):
    url = "/admin/products/product/"
    return admin_client.post(
        url,
        {"action": "shops_product_publish", "_selected_action": [product.pk], "apply": "1", "shops": [shop.pk]},
        follow=True,
    )


def test_publish_refuses_a_product_that_fails_its_preflight_and_says_why(admin_client, channels_shop, tshirt_category):
    product = factories.product(title="纯棉圆领T恤 夏季款")
    ProductPlatformCategory.objects.create(product=product, platform="channels", category=tshirt_category)

    with translation.override("zh-hans"):
        response = _publish(admin_client, product, channels_shop)

    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        ("warning", "已将 0 个任务加入队列。"),
        (
            "error",
            "“纯棉圆领T恤 夏季款”未发送到视频号：类目要求填写属性“材质”。；类目要求填写属性“袖长”。；类目要求填写属性“领型”。",
        ),
    ]
    assert not SyncJob.objects.exists()


def test_publish_sends_a_product_whose_category_was_never_imported(admin_client, channels_shop):
    product = factories.product()
    ProductPlatformCategory.objects.create(
        product=product, platform="channels", category=factories.category(name="手工类目")
    )

    with translation.override("zh-hans"):
        response = _publish(admin_client, product, channels_shop)

    assert [str(m) for m in response.context["messages"]] == ["已将 1 个任务加入队列。"]
    assert list(SyncJob.objects.values_list("kind", "shop__name")) == [("product_publish", "视频号")]


def test_the_product_page_lists_per_shop_what_it_will_refuse_with_the_choices(
    admin_client, channels_shop, tshirt_category
):
    product = factories.product(title="纯棉圆领T恤 夏季款")
    ProductPlatformCategory.objects.create(product=product, platform="channels", category=tshirt_category)

    response = admin_client.get(f"/admin/products/product/{product.pk}/change/")
    content = response.content.decode()

    assert response.status_code == 200
    assert "各店铺会拒绝的内容" in content
    assert "材质：类目要求填写属性“材质”。" not in content  # the subject of an attribute is in its message already
    assert "类目要求填写属性“材质”。" in content
    assert "可选： 纯棉、莫代尔" in content
    # The missing property links to its field in the panel (filled right there), not to the properties inline.
    material = CategoryAttribute.objects.get(category=tshirt_category, name="材质")
    assert f'href="#id_preflight_fill_{material.pk}"' in content


def test_a_rejected_job_reads_in_chinese_with_a_link_to_the_field_and_keeps_the_raw_answer(admin_client, channels_shop):
    product = factories.product()
    job = SyncJob.objects.create(
        shop=channels_shop,
        kind=SyncJob.Kind.PRODUCT_PUBLISH,
        target=product,
        target_label=str(product),
        lock_key=f"products.product:{product.pk}",
        state=SyncJob.State.FAILED,
        last_errcode=10020097,
        last_errmsg="attrs misses 材质, required by category 1101",
    )

    listing = admin_client.get("/admin/channels_sync/syncjob/").content.decode()
    detail = admin_client.get(f"/admin/channels_sync/syncjob/{job.pk}/change/").content.decode()

    assert "缺少类目必填属性：材质" in listing
    assert "缺少类目必填属性：材质" in detail
    assert "请填写平台原文中指出的属性（商品页列出了所有必填属性），然后重新发布。" in detail
    assert f'href="/admin/products/product/{product.pk}/change/#properties-group"' in detail
    assert "10020097: attrs misses 材质, required by category 1101" in detail
