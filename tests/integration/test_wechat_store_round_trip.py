"""WeChat Store V1.17 end to end: the admin, the outbox, a real Celery worker on Redis, PostgreSQL and the
emulator over HTTP. No task runs eagerly here; every remote change is checked in the emulator's own state and
in its applied-effects log (nothing lost, nothing doubled)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from channels_sync.models import Order, RemoteBinding, StockMovement, SyncAttempt, SyncJob
from products.models import CategoryAttribute, Product, Sku
from tests import factories
from tests.integration.conftest import wait_for_jobs
from tests.unit.products.test_product_admin import _bound_data, _errors, product_post_data

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

TSHIRT_CATEGORY = "537020101"  # the emulator's 服饰 > 女装 > T恤, with colour and size specs


def _action(client, url, action, objects, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objects], "apply": "1", **extra}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def _product_binding(product) -> RemoteBinding:
    return RemoteBinding.objects.get(content_type=ContentType.objects.get_for_model(Product), object_id=product.pk)


def _remote_product(sandbox, remote_id):
    products = [p for p in sandbox.state()["wechat_store"]["products"] if p["product_id"] == remote_id]
    return products[0] if products else None


def _import_categories(admin_client, shop, worker):
    _action(admin_client, reverse("admin:channels_sync_shop_changelist"), "enqueue_categories_import", [shop])
    wait_for_jobs(worker=worker)
    assert SyncJob.objects.get(kind=SyncJob.Kind.CATEGORIES_IMPORT).state == SyncJob.State.SUCCEEDED


def _create_tshirt_in_admin(admin_client, template) -> Product:
    from products.models import Category

    leaf = Category.objects.get(platform="wechat_store", remote_id=TSHIRT_CATEGORY)
    colour = CategoryAttribute.objects.get(category=leaf, kind="spec", name="颜色")
    size = CategoryAttribute.objects.get(category=leaf, kind="spec", name="尺码")
    data = product_post_data(
        template,
        title="纯棉圆领T恤 集成测试款",
        out_product_id="IT-TEE-001",
        specs=[],
        skus=[("颜色:白色;尺码:S", "59.00", "99.00", "10"), ("颜色:黑色;尺码:S", "59.00", "99.00", "20")],
    )
    data["wechat_store_category"] = str(leaf.pk)
    data.update({"specs-TOTAL_FORMS": "2", "specs-INITIAL_FORMS": "0", "specs-MIN_NUM_FORMS": "0"})
    data.update({"specs-MAX_NUM_FORMS": "1000"})
    for index, (attribute, names) in enumerate(((colour, ["白色", "黑色"]), (size, ["S"]))):
        data[f"specs-{index}-position"] = str(index)
        data[f"specs-{index}-attribute"] = str(attribute.pk)
        data[f"specs-{index}-values"] = [str(v.pk) for v in attribute.values.filter(name__in=names)]
    response = admin_client.post(reverse("admin:products_product_add"), data)
    assert response.status_code == 302, _errors(response)
    return Product.objects.get(out_product_id="IT-TEE-001")


def test_full_round_trip_from_the_admin_through_a_worker_to_the_shop_and_back(admin_client, demo_shop, sandbox, worker):
    products_url = reverse("admin:products_product_changelist")
    template = factories.freight_template(name="集成测试运费")
    _import_categories(admin_client, demo_shop, worker)
    product = _create_tshirt_in_admin(admin_client, template)

    # Publish: the freight template goes first, the images once each, then exactly one create.
    _action(admin_client, products_url, "shops_product_publish", [product], shops=[demo_shop.pk])
    wait_for_jobs(worker=worker)
    binding = _product_binding(product)
    remote = _remote_product(sandbox, binding.remote_id)
    assert remote["name"] == "纯棉圆领T恤 集成测试款"
    assert remote["stock"] == {"10000983:10000995;10001007:10001008": 10, "10000983:10000996;10001007:10001008": 20}
    assert len(sandbox.applied("/merchant/create")) == 1
    assert len(sandbox.applied("/merchant/express/add")) == 1
    assert len(sandbox.applied("/merchant/common/upload_img")) == 3

    # List.
    _action(admin_client, products_url, "shops_product_list", [product], shops=[demo_shop.pk])
    wait_for_jobs(worker=worker)
    assert _remote_product(sandbox, binding.remote_id)["status"] == 1
    assert _product_binding(product).remote_status == "listed"

    # Change stock in the admin's own form: one movement, one delta.
    change_url = reverse("admin:products_product_change", args=[product.pk])
    data = _bound_data(admin_client.get(change_url))
    white = product.skus.get(spec_key="10000983:10000995;10001007:10001008")
    index = next(i for i in range(2) if data[f"skus-{i}-id"] == str(white.pk))
    data[f"skus-{index}-stock"] = "15"
    response = admin_client.post(change_url, data)
    assert response.status_code == 302, _errors(response)
    wait_for_jobs(worker=worker)
    assert _remote_product(sandbox, binding.remote_id)["stock"]["10000983:10000995;10001007:10001008"] == 15
    assert [a["fields"]["quantity"] for a in sandbox.applied("/merchant/stock/add")] == [5]
    assert list(StockMovement.objects.values_list("delta", "reason")) == [(5, "admin_edit")]

    # A buyer pays in the shop; the order is pulled, the local stock follows without being pushed back.
    paid = sandbox.generate_order(binding.remote_id, white.spec_key, count=2)
    _action(admin_client, reverse("admin:channels_sync_shop_changelist"), "enqueue_orders_pull", [demo_shop])
    wait_for_jobs(worker=worker)
    order = Order.objects.get(remote_order_id=paid["order"]["order_id"])
    assert (order.status, order.items.get().sku_id, order.items.get().count) == (2, white.pk, 2)
    white.refresh_from_db()
    assert white.stock == 13
    assert _remote_product(sandbox, binding.remote_id)["stock"]["10000983:10000995;10001007:10001008"] == 13
    assert sandbox.applied("/merchant/stock/reduce") == []

    # Ship it.
    orders_url = reverse("admin:channels_sync_order_changelist")
    _action(
        admin_client,
        orders_url,
        "set_delivery",
        [order],
        need_delivery="on",
        company="003shunfeng",
        track_no="SF1234567890",
    )
    wait_for_jobs(worker=worker)
    order.refresh_from_db()
    assert (order.status, order.delivery_company, order.delivery_track_no) == (3, "003shunfeng", "SF1234567890")

    # Delist, then delete remotely.
    _action(admin_client, products_url, "shops_product_delist", [product], shops=[demo_shop.pk])
    wait_for_jobs(worker=worker)
    assert _remote_product(sandbox, binding.remote_id)["status"] == 2
    _action(admin_client, products_url, "shops_product_delete", [product], shops=[demo_shop.pk])
    wait_for_jobs(worker=worker)
    assert _remote_product(sandbox, binding.remote_id) is None
    assert _product_binding(product).is_deleted is True
    assert not SyncJob.objects.filter(state=SyncJob.State.FAILED).exists()


def _published(admin_client, demo_shop, worker, *, title="纯棉圆领T恤 故障测试款") -> Product:
    product = factories.product(title=title, images=3)
    category = factories.category(platform="wechat_store", name="T恤", remote_id="537020101")
    factories.product_category_set(product, category)
    _action(
        admin_client,
        reverse("admin:products_product_changelist"),
        "shops_product_publish",
        [product],
        shops=[demo_shop.pk],
    )
    return product


def test_a_dropped_create_response_gives_exactly_one_remote_product(admin_client, demo_shop, sandbox, worker):
    sandbox.faults(drop_response_next=1, paths=["/merchant/create"])

    product = _published(admin_client, demo_shop, worker)
    wait_for_jobs(worker=worker)

    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH)
    assert job.state == SyncJob.State.SUCCEEDED
    assert job.attempts == 2
    assert len(sandbox.state()["wechat_store"]["products"]) == 1
    assert len(sandbox.applied("/merchant/create")) == 1
    assert _product_binding(product).remote_id == sandbox.state()["wechat_store"]["products"][0]["product_id"]


def test_listing_a_product_never_published_publishes_then_lists_it(admin_client, demo_shop, sandbox, worker):
    products_url = reverse("admin:products_product_changelist")
    template = factories.freight_template(name="集成测试运费")
    _import_categories(admin_client, demo_shop, worker)
    product = _create_tshirt_in_admin(admin_client, template)

    # "List in shops…" first: the listing waits for the publish it needs instead of blocking it.
    _action(admin_client, products_url, "shops_product_list", [product], shops=[demo_shop.pk])
    wait_for_jobs(worker=worker)

    jobs = dict(SyncJob.objects.filter(lock_key=f"products.product:{product.pk}").values_list("kind", "state"))
    assert jobs == {SyncJob.Kind.PRODUCT_LIST: SyncJob.State.SUCCEEDED, SyncJob.Kind.PRODUCT_PUBLISH: "succeeded"}
    binding = _product_binding(product)
    assert _remote_product(sandbox, binding.remote_id)["status"] == 1
    assert len(sandbox.applied("/merchant/create")) == 1
    # A later publish of the product is not stuck behind anything.
    Product.objects.filter(pk=product.pk).update(title="纯棉圆领T恤 集成测试款 二代")
    _action(admin_client, products_url, "shops_product_publish", [product], shops=[demo_shop.pk])
    wait_for_jobs(worker=worker)
    assert SyncJob.objects.filter(kind=SyncJob.Kind.PRODUCT_PUBLISH, state="succeeded").count() == 2


def test_errcode_minus_one_then_success(admin_client, demo_shop, sandbox, worker):
    sandbox.faults(errcode_minus_one_next=1, paths=["/merchant/create"])

    _published(admin_client, demo_shop, worker)
    wait_for_jobs(worker=worker)

    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH)
    assert (job.state, job.attempts) == (SyncJob.State.SUCCEEDED, 2)
    errcodes = list(SyncAttempt.objects.filter(job=job, endpoint="/merchant/create").values_list("errcode", flat=True))
    assert sorted(errcodes, key=lambda c: c or 0) == [-1, 0]
    assert len(sandbox.state()["wechat_store"]["products"]) == 1


def test_a_token_invalidated_mid_run_is_refreshed_once(admin_client, demo_shop, sandbox, worker):
    product = _published(admin_client, demo_shop, worker)
    wait_for_jobs(worker=worker)
    sandbox.faults(invalidate_tokens=True)

    _action(
        admin_client,
        reverse("admin:products_product_changelist"),
        "shops_product_list",
        [product],
        shops=[demo_shop.pk],
    )
    wait_for_jobs(worker=worker)

    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_LIST)
    assert job.state == SyncJob.State.SUCCEEDED
    calls = list(SyncAttempt.objects.filter(job=job).order_by("started_at", "pk").values_list("endpoint", "errcode"))
    assert calls == [("/merchant/modproductstatus", 40001), ("/merchant/modproductstatus", 0)]
    assert _remote_product(sandbox, _product_binding(product).remote_id)["status"] == 1


def test_a_business_rejection_is_shown_on_the_product_with_its_errcode(admin_client, demo_shop, sandbox, worker):
    product = factories.product(title="没有分类的商品 测试")
    category = factories.category(platform="wechat_store", name="不存在的分类", remote_id="999999")
    factories.product_category_set(product, category)

    _action(
        admin_client,
        reverse("admin:products_product_changelist"),
        "shops_product_publish",
        [product],
        shops=[demo_shop.pk],
    )
    wait_for_jobs(worker=worker)

    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH)
    binding = _product_binding(product)
    assert job.state == SyncJob.State.FAILED
    assert (binding.last_errcode, binding.remote_id) == (job.last_errcode, "")
    assert binding.last_errcode not in (None, 0, -1)
    page = admin_client.get(reverse("admin:products_product_change", args=[product.pk])).content.decode()
    assert f"{binding.last_errcode}: {binding.last_errmsg}" in page
    assert sandbox.state()["wechat_store"]["products"] == []
    assert Sku.objects.filter(product=product).count() == 1
