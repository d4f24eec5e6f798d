"""Freight templates, groups, shelves, product updates, stock reductions, order close and the order-paid push,
through a real worker, Redis, PostgreSQL and the emulator over HTTP."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from channels_sync.models import Order, RemoteBinding, SyncJob
from products.models import FreightTemplate, Product, ProductGroup, Shelf, ShelfModule, ShelfModuleGroup
from tests import factories
from tests.integration.conftest import wait_for_jobs

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


def _enqueue(admin_client, model_admin_url, action, objects, shop):
    data = {"action": action, "_selected_action": [o.pk for o in objects], "apply": "1", "shops": [shop.pk]}
    response = admin_client.post(model_admin_url, data)
    assert response.status_code == 302


def _remote_id(obj) -> str:
    binding = RemoteBinding.objects.get(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    return binding.remote_id


def _published_product(admin_client, shop, worker, title):
    product = factories.product(title=title)
    from products.models import Category

    category = Category.objects.filter(platform="wechat_store", remote_id="537020101").first()
    category = category or factories.category(platform="wechat_store", name="T恤", remote_id="537020101")
    Product.objects.filter(pk=product.pk).update(wechat_store_category=category)
    _enqueue(admin_client, reverse("admin:products_product_changelist"), "shops_product_publish", [product], shop)
    _enqueue(admin_client, reverse("admin:products_product_changelist"), "shops_product_list", [product], shop)
    wait_for_jobs(worker=worker)
    return product


def test_templates_groups_and_shelves_are_pushed_updated_imported_and_deleted(admin_client, demo_shop, sandbox, worker):
    first = _published_product(admin_client, demo_shop, worker, "纯棉圆领T恤 分组测试一")
    second = _published_product(admin_client, demo_shop, worker, "纯棉圆领T恤 分组测试二")
    group = ProductGroup.objects.create(name="夏季新品")
    group.products.add(first)
    shelf = Shelf.objects.create(name="首页")
    module = ShelfModule.objects.create(shelf=shelf, control=ShelfModule.Control.GROUP_PRODUCTS, product_count=4)
    ShelfModuleGroup.objects.create(module=module, group=group)

    # A shelf waits for its group, which is pushed first.
    _enqueue(admin_client, reverse("admin:products_shelf_changelist"), "shops_shelf_push", [shelf], demo_shop)
    wait_for_jobs(worker=worker)
    state = sandbox.state()["wechat_store"]
    assert [(g["group_name"], g["product_list"]) for g in state["groups"]] == [("夏季新品", [_remote_id(first)])]
    assert [s["shelf_name"] for s in state["shelves"]] == ["首页"]

    # Editing a bound group in the admin renames it and changes its products remotely (propertymod, productmod).
    change = {"name": "夏季热卖", "products": [first.pk, second.pk]}
    response = admin_client.post(reverse("admin:products_productgroup_change", args=[group.pk]), change)
    assert response.status_code == 302
    wait_for_jobs(worker=worker)
    remote_group = sandbox.state()["wechat_store"]["groups"][0]
    assert remote_group["group_name"] == "夏季热卖"
    assert sorted(remote_group["product_list"]) == sorted([_remote_id(first), _remote_id(second)])
    assert len(sandbox.applied("/merchant/group/propertymod")) == 1
    assert len(sandbox.applied("/merchant/group/productmod")) == 1

    # The shelf changes (shelf/mod) and the freight template changes (express/update).
    ShelfModule.objects.filter(pk=module.pk).update(product_count=8)
    template = FreightTemplate.objects.get()
    _enqueue(admin_client, reverse("admin:products_shelf_changelist"), "shops_shelf_push", [shelf], demo_shop)
    template.fee_rules.update(start_fees=1200)
    _enqueue(
        admin_client, reverse("admin:products_freighttemplate_changelist"), "shops_freight_push", [template], demo_shop
    )
    wait_for_jobs(worker=worker)
    remote_shelf = sandbox.state()["wechat_store"]["shelves"][0]
    assert remote_shelf["shelf_info"]["module_infos"][0]["group_info"]["filter"]["count"] == 8
    remote_template = sandbox.state()["wechat_store"]["templates"][0]
    assert remote_template["TopFee"][0]["Normal"]["StartFees"] == 1200

    # Import reads everything back (getall, getbyid) and binds by name: nothing new is created.
    for action in ("enqueue_freight_import", "enqueue_groups_import", "enqueue_shelves_import"):
        response = admin_client.post(
            reverse("admin:channels_sync_shop_changelist"), {"action": action, "_selected_action": [demo_shop.pk]}
        )
        assert response.status_code == 302
    wait_for_jobs(worker=worker)
    assert SyncJob.objects.filter(kind__endswith="_import", state=SyncJob.State.SUCCEEDED).count() == 3
    assert (FreightTemplate.objects.count(), ProductGroup.objects.count(), Shelf.objects.count()) == (1, 1, 1)

    # Delete remotely: the shelf first (a shown group cannot go), then the group and the template's products.
    _enqueue(admin_client, reverse("admin:products_shelf_changelist"), "shops_shelf_delete", [shelf], demo_shop)
    wait_for_jobs(worker=worker)
    _enqueue(admin_client, reverse("admin:products_productgroup_changelist"), "shops_group_delete", [group], demo_shop)
    wait_for_jobs(worker=worker)
    state = sandbox.state()["wechat_store"]
    assert (state["shelves"], state["groups"]) == ([], [])
    assert not SyncJob.objects.filter(state=SyncJob.State.FAILED).exists()


def test_product_update_stock_reduce_and_order_close(admin_client, demo_shop, sandbox, worker):
    product = _published_product(admin_client, demo_shop, worker, "纯棉圆领T恤 更新测试")
    remote_id = _remote_id(product)
    sku = product.skus.get()

    # A price change is an update (merchant/update) that keeps the shop's own quantity.
    sandbox.generate_order(remote_id, "", count=3)
    sku.price = 8800
    sku.save()
    _enqueue(admin_client, reverse("admin:products_product_changelist"), "shops_product_publish", [product], demo_shop)
    wait_for_jobs(worker=worker)
    remote = next(p for p in sandbox.state()["wechat_store"]["products"] if p["product_id"] == remote_id)
    assert remote["product_info"]["sku_list"][0]["price"] == 8800
    assert remote["stock"] == {"": 7}
    assert len(sandbox.applied("/merchant/update")) == 1

    # The sale is pulled (local 10 -> 7); lowering the stock to 5 sends one reduce of 2.
    response = admin_client.post(
        reverse("admin:channels_sync_shop_changelist"),
        {"action": "enqueue_orders_pull", "_selected_action": [demo_shop.pk]},
    )
    assert response.status_code == 302
    wait_for_jobs(worker=worker)
    sku.refresh_from_db()
    assert sku.stock == 7
    from channels_sync.engine import fanout

    before = {sku.pk: sku.stock}
    sku.stock = 5
    sku.save()
    fanout.catalog_object_saved(target=product, stock_before=before)
    wait_for_jobs(worker=worker)
    assert [a["fields"]["quantity"] for a in sandbox.applied("/merchant/stock/reduce")] == [2]
    assert next(p for p in sandbox.state()["wechat_store"]["products"] if p["product_id"] == remote_id)["stock"] == {
        "": 5
    }

    # Close the order.
    order = Order.objects.get()
    response = admin_client.post(
        reverse("admin:channels_sync_order_changelist"), {"action": "close_orders", "_selected_action": [order.pk]}
    )
    assert response.status_code == 302
    wait_for_jobs(worker=worker)
    order.refresh_from_db()
    assert order.status == 6
    assert len(sandbox.applied("/merchant/order/close")) == 1


def test_the_order_paid_push_reaches_the_webhook_and_pulls_the_order(
    admin_client, demo_shop, sandbox, worker, live_server
):
    product = _published_product(admin_client, demo_shop, worker, "纯棉圆领T恤 推送测试")
    push_url = live_server.url + reverse("channels_sync:push", args=[demo_shop.pk])
    sandbox._call("POST", "config", json={"event_url": push_url})

    paid = sandbox.generate_order(_remote_id(product), "", count=1)
    wait_for_jobs(worker=worker, kind=SyncJob.Kind.ORDER_PULL_ONE)

    assert paid["push"]["status"] == 200
    job = SyncJob.objects.get(kind=SyncJob.Kind.ORDER_PULL_ONE)
    assert job.state == SyncJob.State.SUCCEEDED
    assert Order.objects.get().remote_order_id == paid["order"]["order_id"]
