"""Sync admin pages, write-only secrets, shop actions and the signed event push."""

import time

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from channels_sync.admin import orders as orders_admin
from channels_sync.engine import outbox
from channels_sync.models import (
    AfterSale,
    Order,
    OrderItem,
    PushEvent,
    RemoteBinding,
    RemoteSkuStock,
    Shop,
    SyncAttempt,
    SyncJob,
)
from channels_sync.views import push_signature
from products.models import Product, ProductPlatformCategory
from tests import factories
from tests.unit.products.test_product_admin import _bound_data

pytestmark = pytest.mark.django_db

SECRET = "very-secret-app-secret-42"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(outbox, "_queue_run", lambda job_id, countdown=0: None)


@pytest.fixture
def english(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def shop(db):
    return factories.shop(
        name="演示店", app_id="wx_demo", base_url="http://127.0.0.1:8765", secret=SECRET, push_token="tok"
    )


@pytest.fixture
def sync_records(shop):
    product = factories.product()
    RemoteBinding.objects.create(
        shop=shop,
        content_type=ContentType.objects.get_for_model(Product),
        object_id=product.pk,
        remote_id="pDF3iY-demo",
        remote_status="listed",
        last_errcode=40097,
        last_errmsg="invalid args",
    )
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    SyncAttempt.objects.create(
        job=job, endpoint="/merchant/create", started_at=job.created_at, request={"access_token": "***"}
    )
    order = Order.objects.create(shop=shop, remote_order_id="7197417460812584720", status=2, total_price=9900)
    OrderItem.objects.create(order=order, remote_product_id="pDF3iY-demo", product_name="T恤", price=9900, count=1)
    return {"product": product, "job": job, "order": order}


def _sync_models():
    return [m for m in admin.site._registry if m._meta.app_label == "channels_sync"]


@pytest.mark.parametrize("model", _sync_models(), ids=lambda m: m._meta.model_name)
def test_every_sync_admin_page_renders_for_a_superuser(admin_client, sync_records, model):
    opts = model._meta
    changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    obj = model.objects.first()
    statuses = [changelist.status_code]
    if obj is not None:
        statuses.append(
            admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])).status_code
        )

    assert set(statuses) == {200}


def test_app_secret_is_write_only(admin_client, shop):
    page = admin_client.get(reverse("admin:channels_sync_shop_change", args=[shop.pk]))
    listing = admin_client.get(reverse("admin:channels_sync_shop_changelist"))

    assert SECRET not in page.content.decode()
    assert SECRET not in listing.content.decode()
    assert shop.app_secret_encrypted not in page.content.decode()


def test_changing_a_shop_without_a_secret_keeps_the_old_one(admin_client, shop):
    data = {
        "name": "演示店",
        "platform": "wechat_store",
        "app_id": "wx_demo",
        "app_secret": "",
        "base_url": "http://127.0.0.1:8765",
        "push_token": "tok",
        "is_enabled": "on",
    }

    response = admin_client.post(reverse("admin:channels_sync_shop_change", args=[shop.pk]), data)

    assert response.status_code == 302
    assert Shop.objects.get(pk=shop.pk).get_app_secret() == SECRET


def test_a_new_shop_needs_a_secret(admin_client, english):
    data = {"name": "新店", "platform": "wechat_store", "app_id": "wx_new", "base_url": "https://api.weixin.qq.com"}

    response = admin_client.post(reverse("admin:channels_sync_shop_add"), data)

    assert response.context["adminform"].form.errors == {"app_secret": ["Enter the app secret of this shop."]}
    assert not Shop.objects.filter(name="新店").exists()


def test_product_page_shows_the_remote_error_with_its_errcode(admin_client, sync_records):
    response = admin_client.get(reverse("admin:products_product_change", args=[sync_records["product"].pk]))

    content = response.content.decode()
    assert "pDF3iY-demo" in content
    assert "40097: invalid args" in content


def test_publish_action_asks_for_shops_then_queues_one_job_per_shop(admin_client, shop, english):
    product = factories.product()
    # A product the shop's pre-flight passes: V1.17 needs a category.
    ProductPlatformCategory.objects.create(
        product=product, platform="wechat_store", category=factories.category(platform="wechat_store")
    )
    url = reverse("admin:products_product_changelist")
    action = "shops_product_publish"

    confirm = admin_client.post(url, {"action": action, "_selected_action": [product.pk]})
    queued = admin_client.post(
        url, {"action": action, "_selected_action": [product.pk], "apply": "1", "shops": [shop.pk]}, follow=True
    )

    assert confirm.status_code == 200
    assert "演示店" in confirm.content.decode()
    assert [str(m) for m in queued.context["messages"]] == ["1 job queued."]
    assert SyncJob.objects.filter(kind=SyncJob.Kind.PRODUCT_PUBLISH, target_id=product.pk, shop=shop).count() == 1


def test_sync_actions_need_their_permission(client, shop, django_user_model):
    from django.contrib.auth.models import Permission

    product = factories.product()
    staff = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_product", "change_product"]))
    client.force_login(staff)

    def actions():
        page = client.get(reverse("admin:products_product_changelist"))
        form = page.context["action_form"]
        return [] if form is None else [choice[0] for choice in form.fields["action"].choices]

    assert "shops_product_publish" not in actions()
    staff.user_permissions.add(Permission.objects.get(codename="sync_catalog"))
    assert "shops_product_publish" in actions()
    assert "shops_stock_push" not in actions()
    assert product.pk


def test_set_delivery_form_enforces_the_manual_rules(admin_client, sync_records, english):
    url = reverse("admin:channels_sync_order_changelist")
    order = sync_records["order"]
    base = {"action": "set_delivery", "_selected_action": [order.pk], "apply": "1", "need_delivery": "on"}

    missing = admin_client.post(url, base)
    others = admin_client.post(url, {**base, "is_others": "on", "track_no": "123"})
    ok = admin_client.post(url, {**base, "company": "003shunfeng", "track_no": "SF1234567"})

    assert missing.context["form"].errors == {
        "company": ["Choose the delivery company."],
        "track_no": ["Enter the tracking number."],
    }
    assert others.context["form"].errors == {"other_company": ["Enter the name of the delivery company."]}
    assert ok.status_code == 302
    job = SyncJob.objects.get(kind=SyncJob.Kind.ORDER_SET_DELIVERY)
    assert job.params == {"need_delivery": True, "company": "003shunfeng", "track_no": "SF1234567", "is_others": False}


def _push(client, shop, *, token="tok", timestamp=None, nonce="n1", body=None):
    timestamp = str(timestamp or int(time.time()))
    signature = push_signature(token, timestamp, nonce)
    body = body or (
        "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oBuyer]]></FromUserName>"
        "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[merchant_order]]></Event><OrderId><![CDATA[7197417460812584720]]></OrderId>"
        "<OrderStatus>2</OrderStatus><ProductId><![CDATA[pDF3iY-demo]]></ProductId>"
        "<SkuInfo><![CDATA[10001:1000012]]></SkuInfo></xml>"
    )
    url = reverse("channels_sync:push", args=[shop.pk]) + f"?signature={signature}&timestamp={timestamp}&nonce={nonce}"
    return client.post(url, body, content_type="text/xml")


def test_a_signed_order_push_queues_a_pull_of_that_order(client, shop):
    response = _push(client, shop)

    assert (response.status_code, response.content) == (200, b"success")
    job = SyncJob.objects.get(kind=SyncJob.Kind.ORDER_PULL_ONE)
    assert job.params == {"remote_order_id": "7197417460812584720"}
    assert PushEvent.objects.get().event == "merchant_order"


def test_a_forged_push_is_refused(client, shop):
    response = _push(client, shop, token="guessed")

    assert response.status_code == 403
    assert not SyncJob.objects.exists()
    assert not PushEvent.objects.exists()


def test_a_replayed_push_is_refused(client, shop):
    timestamp = int(time.time())
    first = _push(client, shop, timestamp=timestamp, nonce="same")
    replay = _push(client, shop, timestamp=timestamp, nonce="same")

    assert (first.status_code, replay.status_code) == (200, 403)
    assert SyncJob.objects.filter(kind=SyncJob.Kind.ORDER_PULL_ONE).count() == 1


def test_a_stale_push_is_refused(client, shop):
    response = _push(client, shop, timestamp=int(time.time()) - 3600)

    assert response.status_code == 403
    assert not PushEvent.objects.exists()


def test_the_url_check_echoes_echostr(client, shop):
    timestamp = str(int(time.time()))
    signature = push_signature("tok", timestamp, "n")
    url = reverse("channels_sync:push", args=[shop.pk])

    response = client.get(url, {"signature": signature, "timestamp": timestamp, "nonce": "n", "echostr": "hello"})

    assert response.content == b"hello"


def _json_push(client, shop, body, *, token="tok", nonce="c1"):
    import json

    timestamp = str(int(time.time()))
    signature = push_signature(token, timestamp, nonce)
    url = reverse("channels_sync:push", args=[shop.pk]) + f"?signature={signature}&timestamp={timestamp}&nonce={nonce}"
    return client.post(url, json.dumps(body, ensure_ascii=False), content_type="application/json")


def test_a_signed_channels_audit_event_queues_a_status_read(client, shop, sync_records):
    body = {
        "ToUserName": "gh_1",
        "MsgType": "event",
        "Event": "product_spu_audit",
        "ProductSpuAudit": {"product_id": "pDF3iY-demo", "status": 2, "reason": "主图不清晰"},
    }

    response = _json_push(client, shop, body)

    assert (response.status_code, response.content) == (200, b"success")
    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_REFRESH)
    assert (job.target_id, job.shop_id) == (sync_records["product"].pk, shop.pk)


def test_a_forged_channels_event_is_refused(client, shop, sync_records):
    body = {"Event": "product_spu_listing", "ProductSpuListing": {"product_id": "pDF3iY-demo", "status": 5}}

    response = _json_push(client, shop, body, token="not-the-token")

    assert response.status_code == 403
    assert not SyncJob.objects.filter(kind=SyncJob.Kind.PRODUCT_REFRESH).exists()


def test_an_event_for_an_unknown_product_is_accepted_and_ignored(client, shop):
    body = {"Event": "product_spu_update", "ProductSpuUpdate": {"product_id": "999", "status": 0}}

    response = _json_push(client, shop, body)

    assert response.status_code == 200
    assert not SyncJob.objects.exists()


def test_cancelling_jobs_needs_its_own_permission_and_keeps_who_and_when(client, shop, django_user_model, english):
    from django.contrib.auth.models import Permission

    product = factories.product()
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    staff = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_syncjob", "sync_catalog"]))
    client.force_login(staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("admin:channels_sync_syncjob_changelist")

    def actions():
        return [choice[0] for choice in client.get(url).context["action_form"].fields["action"].choices]

    assert "cancel_jobs" not in actions()
    client.post(url, {"action": "cancel_jobs", "_selected_action": [job.pk]})
    assert SyncJob.objects.get(pk=job.pk).state == SyncJob.State.PENDING

    staff.user_permissions.add(Permission.objects.get(codename="cancel_syncjob"))
    assert "cancel_jobs" in actions()
    done = client.post(url, {"action": "cancel_jobs", "_selected_action": [job.pk]}, follow=True)

    job.refresh_from_db()
    assert (job.state, job.cancelled_by, job.cancelled_at is not None) == (SyncJob.State.CANCELLED, staff, True)
    assert [str(m) for m in done.context["messages"]] == ["1 job cancelled."]
    again = client.post(url, {"action": "cancel_jobs", "_selected_action": [job.pk]}, follow=True)
    assert [str(m) for m in again.context["messages"]] == [
        "0 jobs cancelled.",
        "1 job was not cancelled: it is running or has ended.",
    ]


def test_a_waiting_job_links_to_the_job_it_waits_for(admin_client, shop, english):
    product = factories.product()
    publish = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    listing = factories.sync_job(
        shop=shop,
        kind=SyncJob.Kind.PRODUCT_LIST,
        lock_key=publish.lock_key,
        state=SyncJob.State.WAITING,
        waits_for=publish,
        last_errmsg="Waiting for the product to be published first.",
    )

    page = admin_client.get(reverse("admin:channels_sync_syncjob_changelist"), {"state": "waiting"})
    detail = admin_client.get(reverse("admin:channels_sync_syncjob_change", args=[listing.pk]))

    link = f'<a href="/admin/channels_sync/syncjob/{publish.pk}/change/">#{publish.pk} Publish product · Pending</a>'
    assert link in page.content.decode()
    assert link in detail.content.decode()


def _bound_product(shop):
    product = factories.product()
    RemoteBinding.objects.create(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk, remote_id="p-1"
    )
    sku = product.skus.get()
    RemoteSkuStock.objects.create(shop=shop, sku=sku, remote_sku_key=sku.spec_key, synced_stock=sku.stock)
    return product


def test_a_stock_only_edit_in_the_change_form_queues_only_the_stock_push(admin_client, shop):
    product = _bound_product(shop)
    url = reverse("admin:products_product_change", args=[product.pk])
    data = _bound_data(admin_client.get(url))
    data["skus-0-stock"] = "17"  # was 10

    assert admin_client.post(url, data).status_code == 302

    assert list(SyncJob.objects.values_list("kind", flat=True)) == [SyncJob.Kind.STOCK_PUSH]


def test_an_edit_of_more_than_stock_queues_the_publish_and_the_stock_push(admin_client, shop):
    product = _bound_product(shop)
    url = reverse("admin:products_product_change", args=[product.pk])
    data = _bound_data(admin_client.get(url))
    data["skus-0-stock"] = "17"
    data["title"] = "纯棉圆领T恤 秋季款"

    assert admin_client.post(url, data).status_code == 302

    assert sorted(SyncJob.objects.values_list("kind", flat=True)) == [
        SyncJob.Kind.PRODUCT_PUBLISH,
        SyncJob.Kind.STOCK_PUSH,
    ]


@pytest.fixture
def channels_order(db, monkeypatch):
    """A paid Channels order (stage awaiting shipment) with a refund awaiting the merchant; the shop's company
    list is the platform's (read through the adapter, here replaced)."""
    shop = Shop(name="视频号小店", platform="channels", app_id="wx_c", base_url="http://127.0.0.1:8765")
    shop.set_app_secret(SECRET)
    shop.save()
    order = Order.objects.create(
        shop=shop, remote_order_id="3705115058471208928", status=20, stage=Order.Stage.AWAITING_SHIPMENT
    )
    waiting = AfterSale.objects.create(
        order=order, remote_aftersale_id="19001", kind="refund", status="MERCHANT_PROCESSING", awaiting_merchant=True
    )
    AfterSale.objects.create(
        order=order, remote_aftersale_id="19002", kind="refund", status="MERCHANT_REFUND_SUCCESS", refunded=True
    )
    monkeypatch.setattr(orders_admin, "delivery_company_choices", lambda shop: [("SF", "顺丰"), ("ZTO", "中通")])
    return order, waiting


def test_a_channels_order_ships_with_the_platforms_companies(admin_client, channels_order, english):
    order, _ = channels_order
    url = reverse("admin:channels_sync_order_changelist")
    base = {"action": "set_delivery", "_selected_action": [order.pk], "apply": "1", "need_delivery": "on"}

    legacy_company = admin_client.post(url, {**base, "company": "003shunfeng", "track_no": "SF1"})
    ok = admin_client.post(url, {**base, "company": "SF", "track_no": "SF1234567"})

    assert list(legacy_company.context["form"].fields["company"].choices) == [
        ("", "---------"),
        ("SF", "顺丰"),
        ("ZTO", "中通"),
    ]
    assert "company" in legacy_company.context["form"].errors
    assert ok.status_code == 302
    job = SyncJob.objects.get(kind=SyncJob.Kind.ORDER_SET_DELIVERY)
    assert (job.target_id, job.params["company"], job.params["track_no"]) == (order.pk, "SF", "SF1234567")


def test_after_sales_show_on_the_order_and_only_those_awaiting_the_merchant_are_accepted(
    admin_client, channels_order, english
):
    order, waiting = channels_order

    page = admin_client.get(reverse("admin:channels_sync_order_change", args=[order.pk]))
    response = admin_client.post(
        reverse("admin:channels_sync_aftersale_changelist"),
        {"action": "accept", "_selected_action": list(AfterSale.objects.values_list("pk", flat=True))},
        follow=True,
    )

    assert page.status_code == 200
    assert "19001" in page.content.decode()
    assert "MERCHANT_REFUND_SUCCESS" in page.content.decode()
    job = SyncJob.objects.get(kind=SyncJob.Kind.AFTERSALE_ACCEPT)
    assert job.target_id == waiting.pk
    messages_shown = [str(message) for message in response.context["messages"]]
    assert messages_shown == ["Queued for 1 after-sales.", "1 after-sales were not awaiting the merchant."]
