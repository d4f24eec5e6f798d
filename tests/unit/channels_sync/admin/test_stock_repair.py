"""The Remote stocks list repairs a drift: "push local stock" and "accept the shop's figure" (with a required
reason typed on an intermediate page), each behind the sync_stock permission; a row never read is refused."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from channels_sync.models import RemoteBinding, RemoteSkuStock, StockMovement, SyncJob
from products.models import Product
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("admin:channels_sync_remoteskustock_changelist")


@pytest.fixture
def drift():
    """A product of 10 pieces in two shops: 甲店 was read to hold 7, 乙店 in step; a third row never read."""
    product = factories.product()
    sku = product.skus.get()
    shop_a = factories.shop(name="甲店", app_id="wx_a")
    shop_b = factories.shop(name="乙店", app_id="wx_b")
    shop_c = factories.shop(name="丙店", app_id="wx_c")
    for shop in (shop_a, shop_b, shop_c):
        RemoteBinding.objects.create(
            shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk, remote_id="p1"
        )
    return {
        "sku": sku,
        "a": RemoteSkuStock.objects.create(shop=shop_a, sku=sku, synced_stock=10, remote_stock=7),
        "b": RemoteSkuStock.objects.create(shop=shop_b, sku=sku, synced_stock=10, remote_stock=10),
        "unread": RemoteSkuStock.objects.create(shop=shop_c, sku=sku, synced_stock=10),
    }


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_push_local_stock_queues_the_push_to_that_shop_only(admin_client, drift):
    response = admin_client.post(URL, {"action": "push_local_stock", "_selected_action": [drift["a"].pk]}, follow=True)

    assert messages_of(response) == ["已安排 1 个店铺恢复为本地库存。"]
    assert list(SyncJob.objects.values_list("kind", "shop__name")) == [(SyncJob.Kind.STOCK_PUSH, "甲店")]
    drift["a"].refresh_from_db()
    assert drift["a"].synced_stock == 7  # the push sends 10 - 7 = +3
    assert StockMovement.objects.count() == 0


def test_accepting_the_shops_figure_asks_a_reason_then_records_who_and_why(admin_client, admin_user, drift):
    selected = {"action": "accept_shop_stock", "_selected_action": [drift["a"].pk]}

    page = admin_client.post(URL, selected)
    blank = admin_client.post(URL, {**selected, "apply": "1", "reason": "  "})
    done = admin_client.post(URL, {**selected, "apply": "1", "reason": "盘点后以店铺为准"}, follow=True)

    assert page.status_code == 200
    assert "以店铺库存为准" in page.content.decode()
    assert blank.status_code == 200
    assert blank.context["form"].errors == {"reason": ["请说明为何以店铺库存为准：原因会记在库存变动里。"]}
    assert messages_of(done) == ["已将 1 个 SKU 的本地库存改为店铺库存，其他店铺将随之更新。"]
    drift["sku"].refresh_from_db()
    assert drift["sku"].stock == 7
    assert Product.objects.get(pk=drift["sku"].product_id).total_stock == 7
    assert list(StockMovement.objects.values_list("delta", "stock_after", "reason", "note", "created_by")) == [
        (-3, 7, "reconcile", "甲店: 盘点后以店铺为准", admin_user.pk)
    ]
    assert sorted(SyncJob.objects.values_list("kind", "shop__name")) == [
        (SyncJob.Kind.STOCK_PUSH, "丙店"),
        (SyncJob.Kind.STOCK_PUSH, "乙店"),
    ]


def test_a_row_never_read_is_refused_with_a_message(admin_client, drift):
    for action in ("push_local_stock", "accept_shop_stock"):
        response = admin_client.post(URL, {"action": action, "_selected_action": [drift["unread"].pk]}, follow=True)

        assert response.status_code == 200
        assert messages_of(response) == [f"丙店 · {drift['sku']}：尚未读取店铺库存，请先与店铺核对库存。"]
    assert SyncJob.objects.count() == 0
    assert StockMovement.objects.count() == 0


def test_the_repairs_need_the_sync_stock_permission(client, drift, django_user_model):
    staff = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_remoteskustock"))
    client.force_login(staff)

    def actions():
        form = client.get(URL).context["action_form"]
        return [] if form is None else [choice[0] for choice in form.fields["action"].choices]

    assert "accept_shop_stock" not in actions()
    staff.user_permissions.add(Permission.objects.get(codename="sync_stock"))
    assert {"push_local_stock", "accept_shop_stock"} <= set(actions())


def test_push_local_stock_where_the_body_carries_the_stock_republishes_the_product(admin_client, drift):
    shop = factories.shop(name="开放平台店", platform="open_platform", app_id="wx_open")
    binding = RemoteBinding.objects.create(
        shop=shop,
        content_type=ContentType.objects.get_for_model(Product),
        object_id=drift["sku"].product_id,
        remote_id="op1",
        last_pushed_hash="a" * 64,
    )
    state = RemoteSkuStock.objects.create(shop=shop, sku=drift["sku"], synced_stock=10, remote_stock=4)

    admin_client.post(URL, {"action": "push_local_stock", "_selected_action": [state.pk]})

    # An unchanged body is not sent again: the hash is forgotten so the publish carries the local stock there.
    binding.refresh_from_db()
    assert binding.last_pushed_hash == ""
    assert list(SyncJob.objects.values_list("kind", "shop__name")) == [(SyncJob.Kind.PRODUCT_PUBLISH, "开放平台店")]
