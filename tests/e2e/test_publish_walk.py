"""A merchant's first walk, in a real browser against the real stack: log in, create a product with the SKU matrix,
publish it to a V1.17 shop and a Channels shop and see the jobs done, list it, edit its stock, delist it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from selenium.webdriver.common.by import By

from channels_sync.demo import demo_event_urls_configure
from channels_sync.engine.outbox import sync_job_enqueue
from channels_sync.models import RemoteBinding, Shop, SyncJob
from products.models import Category, CategoryAttribute, Platform, Product, ProductPlatformCategory, ProductProperty
from tests import factories
from tests.e2e.conftest import wait_until
from tests.integration.conftest import PUSH_TOKEN, wait_for_jobs

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

SHOPS = [
    ("演示微信小店 (V1.17)", Platform.WECHAT_STORE, "wx_demo_store", "demo-store-secret"),
    ("演示视频号小店 (Channels)", Platform.CHANNELS, "wx_demo_channels", "demo-channels-secret"),
]


@pytest.fixture
def shops(worker, sandbox, live_server) -> list[Shop]:
    """The two shops on the emulator, their categories imported from it, audits passing after a second."""
    created = []
    for name, platform, app_id, secret in SHOPS:
        shop = Shop(name=name, platform=platform, app_id=app_id, base_url=sandbox.url, push_token=PUSH_TOKEN)
        shop.set_app_secret(secret)
        shop.save()
        created.append(shop)
    audits = {"delay_seconds": 1, "outcome": "pass", "next": [], "products": {}}
    sandbox._call("POST", "config", json={"channels_audit": audits})
    demo_event_urls_configure(sandbox_url=sandbox.url, admin_url=live_server.url)
    for shop in created:
        sync_job_enqueue(shop=shop, kind=SyncJob.Kind.CATEGORIES_IMPORT)
    wait_for_jobs(worker=worker)
    assert list(SyncJob.objects.values_list("kind", "state")) == [("categories_import", "succeeded")] * 2
    return created


@pytest.fixture
def head_images(tmp_path) -> list[str]:
    paths = []
    for index, color in enumerate([(200, 60, 60), (60, 160, 60), (60, 60, 200)]):
        path = tmp_path / f"head-{index}.png"
        path.write_bytes(factories.png_bytes(color, size=(640, 600)))
        paths.append(str(path))
    return paths


def _states(kind: str) -> list[tuple[str, str]]:
    return sorted(SyncJob.objects.filter(kind=kind).values_list("shop__platform", "state"))


def test_create_publish_list_edit_stock_and_delist(browser, merchant, shops, sandbox, worker, head_images):
    # Log in.
    browser.open("/admin/login/")
    browser.type("#id_username", "merchant")
    browser.type("#id_password", "shopadmin-e2e")
    browser.shot("login")
    browser.click("input[type=submit]")
    browser.wait_for_text("站点管理")
    browser.shot("home")

    # Create a product: title, categories of both platforms, freight template, three head images, a detail, a spec.
    factories.freight_template(name="默认运费")
    browser.open("/admin/products/product/add/")
    browser.type("#id_title", "超细纤维抹布 加厚吸水 五条装")
    browser.type("#id_out_product_id", "E2E-CLOTH-001")
    browser.choose("id_wechat_store_category", "礼盒")
    browser.choose("id_channels_category", "抹布")
    browser.choose("id_freight_template", "默认运费")
    for path in head_images:
        row = browser.add_inline_row("images")
        browser.find(f"#id_images-{row}-asset_upload").send_keys(path)
    row = browser.add_inline_row("detail_blocks")
    browser.type(f"#id_detail_blocks-{row}-text", "加厚超细纤维，吸水不掉毛。")
    row = browser.add_inline_row("specs")
    browser.type(f"#id_specs-{row}-custom_name", "颜色")
    browser.type(f"#id_specs-{row}-custom_values", "灰色，蓝色")
    browser.shot("product-form")

    # The SKU matrix: one row per colour, then prices and stock.
    browser.submit("_generate_skus")
    browser.find("#id_skus-1-spec_combination")
    browser.shot("sku-matrix")
    assert [browser.find(f"#id_skus-{i}-spec_combination").get_attribute("value") for i in (0, 1)] == [
        "颜色：灰色",
        "颜色：蓝色",
    ]
    for index, stock in ((0, "30"), (1, "20")):
        browser.type(f"#id_skus-{index}-price", "19.90")
        browser.type(f"#id_skus-{index}-original_price", "29.90")
        browser.type(f"#id_skus-{index}-stock", stock)
    # A re-rendered form forgets chosen files: the head images are uploaded again.
    for index, path in enumerate(head_images):
        browser.find(f"#id_images-{index}-asset_upload").send_keys(path)
    browser.submit("_save")
    browser.wait_for_text("成功", ".messagelist")
    browser.shot("product-saved")
    product = Product.objects.get(out_product_id="E2E-CLOTH-001")
    # The product page's pre-flight: Channels needs the category's 材质, filled right there in the panel.
    browser.open(f"/admin/products/product/{product.pk}/change/")
    browser.shot("preflight-missing")
    assert "类目要求填写属性“材质”。" in browser.text(".preflight-panel")
    material = CategoryAttribute.objects.get(category__platform=Platform.CHANNELS, category__name="抹布", name="材质")
    fibre = material.values.get(name="超细纤维")
    browser.click(f"#id_preflight_fill_{material.pk} option[value='{fibre.pk}']")
    browser.shot("preflight-filled")
    browser.submit("_continue")
    browser.wait_for_text("成功", ".messagelist")
    browser.shot("preflight")
    assert browser.text(".preflight-panel").count("未发现平台会拒绝的内容。") == 2
    assert list(product.properties.values_list("attribute__name", "value__name")) == [("材质", "超细纤维")]
    assert sorted(product.skus.values_list("spec_key", "price", "original_price", "stock")) == [
        ("$颜色:$灰色", 1990, 2990, 30),
        ("$颜色:$蓝色", 1990, 2990, 20),
    ]
    assert product.images.count() == 3

    # Publish to both shops.
    _run_shop_action(browser, "shops_product_publish", product, "publish")
    # The action opened the batch's progress page: it reads its rows again until both have ended.
    assert "/admin/channels_sync/syncbatch/" in browser.driver.current_url
    browser.wait_for_text("已全部结束。", ".batch-state")
    browser.shot("publish-progress")
    states = [row.text for row in browser.driver.find_elements("css selector", ".batch-row-state")]
    assert sorted(states) in (["已完成", "已完成"], ["审核中", "已完成"], ["审核中", "审核中"])  # Channels may audit
    assert browser.text(".batch-percent") == "已结束 2 / 2"
    wait_for_jobs(worker=worker)
    assert _states("product_publish") == [("channels", "succeeded"), ("wechat_store", "succeeded")]
    browser.open("/admin/channels_sync/syncjob/")
    browser.shot("jobs-published")
    product_type = ContentType.objects.get_for_model(Product)
    bindings = RemoteBinding.objects.filter(content_type=product_type, object_id=product.pk)
    wait_until(
        lambda: bindings.filter(shop__platform="channels", remote_edit_status="approved").exists(),
        what="the Channels audit passed",
    )

    # List in both shops.
    _run_shop_action(browser, "shops_product_list", product, "list")
    wait_for_jobs(worker=worker)
    assert _states("product_list") == [("channels", "succeeded"), ("wechat_store", "succeeded")]
    # The comparison page of each shop, field by field: Channels' draft and online copy, read back after each
    # write, and V1.17's product as the store holds it, read when the merchant asks (the store has no draft), are
    # in step with what would be sent.
    for shop in shops:
        browser.open(f"/admin/products/product/{product.pk}/payload/{shop.pk}/")
        if shop.platform == Platform.WECHAT_STORE:
            assert "尚未读取店铺中的商品。" in browser.text("#content")
            browser.click("form.read-shop-copy input[type=submit]")
            browser.wait_for_text("几秒后刷新本页", ".messagelist")
            wait_for_jobs(worker=worker)
            browser.open(f"/admin/products/product/{product.pk}/payload/{shop.pk}/")
        browser.shot(f"comparison-{shop.platform}")
        assert "店铺中的状态： 已上架" in browser.text("#content"), shop.platform
        assert "技术详情" in browser.text("#content")
        assert "超细纤维抹布 加厚吸水 五条装" in browser.text("table.comparison")
        assert "各版本一致：没有不同的字段。" in browser.text(".comparison-summary"), shop.platform
        assert browser.driver.find_elements(By.CSS_SELECTOR, "table.comparison tr.differs") == []

    # Edit the stock of the grey SKU on the product page: a stock movement goes to both shops.
    browser.open(f"/admin/products/product/{product.pk}/change/")
    browser.type("#id_skus-0-stock", "25")
    browser.shot("stock-edit")
    browser.submit("_save")
    browser.wait_for_text("成功", ".messagelist")
    wait_for_jobs(worker=worker)
    assert _states("stock_push") == [("channels", "succeeded"), ("wechat_store", "succeeded")]

    # Delist from both shops.
    _run_shop_action(browser, "shops_product_delist", product, "delist")
    wait_for_jobs(worker=worker)
    assert _states("product_delist") == [("channels", "succeeded"), ("wechat_store", "succeeded")]
    browser.open(f"/admin/products/product/{product.pk}/change/")
    browser.shot("delisted")

    channels = sandbox.state("wx_demo_channels")["channels"]["products"]
    wechat_store = sandbox.state("wx_demo_store")["wechat_store"]["products"]
    assert [(p["status"], sorted(p["stock"].values())) for p in channels] == [(11, [20, 25])]
    assert [(p["status"], sorted(p["stock"].values())) for p in wechat_store] == [(2, [20, 25])]


def _run_shop_action(browser, action: str, product: Product, step: str) -> None:
    browser.open("/admin/products/product/")
    browser.run_action(action, [product.pk])
    # Wait for each shop's checkbox: right after "go" the change list may still be the page on screen.
    for shop_id in Shop.objects.order_by("pk").values_list("pk", flat=True):
        browser.click(f"input[name=shops][value='{shop_id}']")
    browser.shot(f"{step}-choose-shops")
    browser.click("input[type=submit].default")
    browser.wait_for_text("已", ".messagelist")
    browser.shot(f"{step}-queued")


def test_a_rejected_publish_reads_in_chinese_and_links_to_the_field(browser, merchant, shops, sandbox, worker):
    channels = next(shop for shop in shops if shop.platform == Platform.CHANNELS)
    product = factories.product(title="超细纤维抹布 加厚吸水 三条装", images=3)
    cloth = Category.objects.get(platform=Platform.CHANNELS, name="抹布")
    ProductPlatformCategory.objects.create(product=product, platform=Platform.CHANNELS, category=cloth)
    material = CategoryAttribute.objects.get(category=cloth, name="材质")
    ProductProperty.objects.create(product=product, attribute=material, value=material.values.get(name="纯棉"))
    # The platform refuses a property value the pre-flight cannot know about.
    sandbox.faults(
        errcode_next=1,
        errcode=10020098,
        errmsg="attrs[0].attr_value '十条' of 件数 is not an integer",
        paths=["/channels/ec/product/add"],
    )
    browser.open("/admin/login/")
    browser.type("#id_username", "merchant")
    browser.type("#id_password", "shopadmin-e2e")
    browser.click("input[type=submit]")
    browser.wait_for_text("站点管理")

    browser.open("/admin/products/product/")
    browser.run_action("shops_product_publish", [product.pk])
    browser.click(f"input[name=shops][value='{channels.pk}']")
    browser.click("input[type=submit].default")
    browser.wait_for_text("加入队列", ".messagelist")
    wait_for_jobs(worker=worker)
    assert _states("product_publish") == [("channels", "failed")]

    # The job list and the job's page say it in Chinese; the raw answer stays under the technical details.
    browser.open("/admin/channels_sync/syncjob/")
    browser.shot("jobs-rejected")
    assert "属性值不在类目的可选值中：件数" in browser.text("#result_list")
    job = SyncJob.objects.get(kind="product_publish")
    browser.open(f"/admin/channels_sync/syncjob/{job.pk}/change/")
    browser.shot("job-explained")
    assert "请从类目的可选值中选择属性值。" in browser.text(".rejection")

    # The link goes to the product's properties.
    browser.click(".rejection a")
    browser.find("#properties-group")
    browser.shot("field-at-fault")
    assert browser.driver.current_url.endswith(f"/admin/products/product/{product.pk}/change/#properties-group")
