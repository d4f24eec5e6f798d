"""The open platform through the sync engine (jobs run in this process) against the emulator over HTTP, and its
admin: the shop's defaults and the product's overrides, their validation, the payload preview, the status shown.

The integration test (tests/integration/test_open_platform_round_trip.py) runs the same flow on a real worker."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from channels_sync.demo import _open_platform_demo_settings
from channels_sync.engine import fanout, outbox
from channels_sync.forms import OpenPlatformOptionsForm, shop_settings_form
from channels_sync.models import RemoteBinding, RemoteImage, Shop, SyncAttempt, SyncJob
from channels_sync.platforms.open_platform.adapter import development_media_base_url, media_base_url
from channels_sync.platforms.open_platform.models import OpenPlatformProductOptions
from channels_sync.platforms.open_platform.settings import SETTINGS
from channels_sync.platforms.settings_schema import FORM_PREFIX
from products.demo import demo_catalog_create
from products.models import Product
from sandbox.open_platform.platform import PUBLISH_PATH
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN = "demo-open-token"
MERCHANT = "open_demo_merchant"
MEDIA_BASE = "http://127.0.0.1:8000/media/"
CHANNEL = {
    "salesChannel": "DEFAULT",
    "displayTimeStart": "2025-01-01 00:00:00",
    "displayTimeEnd": "2035-12-31 23:59:59",
    "sevenDaysForReturn": 1,
    "salesRegionList": ["全国"],
}


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(outbox, "_queue_run", lambda job_id, countdown=0: None)


@pytest.fixture(autouse=True)
def public_media_base_url(settings):
    # pytest-django runs with DEBUG off, where the development default does not apply.
    settings.OPEN_PLATFORM_MEDIA_BASE_URL = MEDIA_BASE


@pytest.fixture
def english(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def shop(server) -> Shop:
    shop = Shop(name="演示开放平台", platform="open_platform", app_id=MERCHANT, base_url=server.url)
    shop.set_app_secret(TOKEN)
    shop.save()
    _open_platform_demo_settings(shop)
    return shop


@pytest.fixture
def product() -> Product:
    return factories.product(out_product_id="OPEN-001")


def drain() -> None:
    """Run every job that can run now, as workers would, until none is left."""
    for _round in range(20):
        due = list(SyncJob.objects.filter(state=SyncJob.State.PENDING).order_by("pk").values_list("pk", flat=True))
        if not due:
            return
        SyncJob.objects.filter(pk__in=due).update(next_attempt_at=timezone.now())
        for job_id in due:
            outbox.sync_job_execute(job_id=job_id)


def publish(shop, product, kind=SyncJob.Kind.PRODUCT_PUBLISH) -> SyncJob:
    job = outbox.sync_job_enqueue(shop=shop, kind=kind, target=product)
    drain()
    job.refresh_from_db()
    return job


def binding(shop, product) -> RemoteBinding:
    return RemoteBinding.objects.get(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk
    )


def remote_products(sandbox) -> list[dict]:
    return sandbox.open_platform.snapshot(MERCHANT)["products"]


# --- Publishing ---------------------------------------------------------------------------------------------------


def test_the_demo_defaults_publish_every_demo_product(shop, sandbox):
    demo_catalog_create()

    jobs = [publish(shop, product) for product in Product.objects.order_by("pk")]

    assert [(job.state, job.last_errmsg) for job in jobs] == [(SyncJob.State.SUCCEEDED, "")] * len(jobs)
    assert sorted(p["supplierSpu"] for p in remote_products(sandbox)) == sorted(
        Product.objects.values_list("out_product_id", flat=True)
    )


def test_a_publish_binds_the_product_by_supplier_spu_with_images_as_media_urls(shop, product, sandbox):
    job = publish(shop, product)

    assert job.state == SyncJob.State.SUCCEEDED
    bound = binding(shop, product)
    assert (bound.remote_id, bound.remote_status, bound.last_errmsg) == ("OPEN-001", "published", "")
    main = product.images.order_by("position").first().asset
    assert RemoteImage.objects.get(shop=shop, asset=main).remote_url == MEDIA_BASE + main.image.name
    (stored,) = remote_products(sandbox)
    assert stored["product"]["spuImage"] == MEDIA_BASE + main.image.name
    # One HTTP call: images are not uploaded anywhere.
    assert list(SyncAttempt.objects.values_list("endpoint", flat=True)) == [PUBLISH_PATH]


def test_the_token_never_reaches_the_attempt_log(shop, product):
    publish(shop, product)

    attempt = SyncAttempt.objects.get()
    assert attempt.request["token"] == "***"
    assert attempt.request["supplierSpu"] == "OPEN-001"
    assert TOKEN not in json.dumps([attempt.request, attempt.response, attempt.errmsg], ensure_ascii=False)


@override_settings(OPEN_PLATFORM_MEDIA_BASE_URL="https://admin.example.com/media")
def test_image_urls_use_the_public_media_base_url(shop, product, sandbox):
    publish(shop, product)

    main = product.images.order_by("position").first().asset
    assert remote_products(sandbox)[0]["product"]["spuImage"] == f"https://admin.example.com/media/{main.image.name}"


def test_development_falls_back_to_the_make_run_admin(settings, monkeypatch):
    settings.OPEN_PLATFORM_MEDIA_BASE_URL = ""
    settings.DEBUG = True
    monkeypatch.setenv("PORT", "8093")

    assert media_base_url() == development_media_base_url() == "http://127.0.0.1:8093/media/"


@override_settings(DEBUG=False, OPEN_PLATFORM_MEDIA_BASE_URL="")
def test_without_a_public_media_base_url_production_does_not_publish(shop, product, sandbox, english):
    job = publish(shop, product)

    assert job.state == SyncJob.State.FAILED
    assert "OPEN_PLATFORM_MEDIA_BASE_URL" in job.last_errmsg
    assert remote_products(sandbox) == []


def test_an_unchanged_product_is_not_sent_again_and_a_stock_change_is(shop, product, sandbox, control):
    publish(shop, product)
    publish(shop, product)
    sku = product.skus.get()
    before = {sku.pk: sku.stock}
    sku.stock += 5
    sku.save()

    fanout.catalog_object_saved(target=product, stock_before=before)
    drain()

    publishes = control.applied(appid=MERCHANT)
    assert [(p["fields"]["created"], p["fields"]["skus"][0]["quantity"]) for p in publishes] == [
        (True, 10),
        (False, 15),
    ]
    assert not SyncJob.objects.filter(state=SyncJob.State.FAILED).exists()


def test_product_overrides_reach_the_platform(shop, product, sandbox):
    OpenPlatformProductOptions.objects.create(product=product, category_id=2001, sale_unit="箱", keyword="棉 T恤")

    publish(shop, product)

    stored = remote_products(sandbox)[0]["product"]
    assert (stored["categoryId"], stored["keyword"], stored["skuList"][0]["saleUnit"]) == (2001, "棉 T恤", "箱")


def test_a_lost_answer_is_resent_and_lands_on_the_same_product(shop, product, sandbox, control):
    control.control("POST", "faults", {"drop_response_next": 1, "paths": [PUBLISH_PATH]})

    job = publish(shop, product)

    assert job.state == SyncJob.State.SUCCEEDED
    (stored,) = remote_products(sandbox)
    assert stored["publishes"] == 2
    assert binding(shop, product).remote_id == "OPEN-001"


# --- Rejections reach the product ---------------------------------------------------------------------------------


def test_a_platform_rejection_shows_on_the_product_with_its_code_and_message(shop, product, admin_client):
    OpenPlatformProductOptions.objects.create(product=product, category_id=99999)

    job = publish(shop, product)

    assert (job.state, job.last_errcode) == (SyncJob.State.FAILED, 400)
    assert job.last_errmsg == "参数错误: categoryId 99999 is not a known category"
    bound = binding(shop, product)
    assert (bound.last_errcode, bound.last_errmsg) == (400, job.last_errmsg)
    page = admin_client.get(reverse("admin:products_product_change", args=[product.pk])).content.decode()
    assert "400: 参数错误: categoryId 99999 is not a known category" in page


def test_a_refused_token_is_a_configuration_failure(shop, product):
    shop.set_app_secret("forged-open-token")
    shop.save()

    job = publish(shop, product)

    assert (job.state, job.last_errcode) == (SyncJob.State.FAILED, 401)
    assert job.attempts == 1


def test_too_frequent_waits_without_failing(shop, product, control):
    control.control("POST", "faults", {"errcode_next": 1, "errcode": 429, "errmsg": "请求过于频繁"})
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    outbox.sync_job_execute(job_id=job.pk)

    job.refresh_from_db()
    assert (job.state, job.last_errcode, job.attempts) == (SyncJob.State.PENDING, 429, 0)


def test_a_system_error_is_retried_as_an_unknown_outcome(shop, product, control, sandbox):
    control.control("POST", "faults", {"errcode_minus_one_next": 1})
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    outbox.sync_job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.last_errcode, job.outcome_unknown) == (SyncJob.State.PENDING, 500, True)
    drain()

    job.refresh_from_db()
    assert job.state == SyncJob.State.SUCCEEDED
    assert len(remote_products(sandbox)) == 1


def test_an_incomplete_payload_fails_at_once_naming_the_field_and_sends_nothing(shop, product, english):
    factories.platform_settings_set(shop, sale_unit="")

    job = publish(shop, product)

    assert job.state == SyncJob.State.FAILED
    assert job.last_errmsg == (
        "skuList[0].saleUnit: required: set it in the shop's open platform defaults or the product's options."
    )
    assert not SyncAttempt.objects.exists()
    assert binding(shop, product).last_errmsg == job.last_errmsg


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        (SyncJob.Kind.PRODUCT_LIST, "The open platform has no listing or delisting call"),
        (SyncJob.Kind.PRODUCT_DELIST, "The open platform has no listing or delisting call"),
        (SyncJob.Kind.PRODUCT_DELETE, "The open platform has no delete call"),
    ],
)
def test_list_delist_and_delete_fail_with_the_reason_on_the_product(shop, product, kind, reason, english, admin_client):
    publish(shop, product)

    job = publish(shop, product, kind=kind)

    assert job.state == SyncJob.State.FAILED
    assert job.last_errmsg.startswith(reason)
    assert SyncAttempt.objects.filter(job=job).count() == 0
    page = admin_client.get(reverse("admin:products_product_change", args=[product.pk])).content.decode()
    assert reason in page
    assert binding(shop, product).is_deleted is False


# --- Admin ----------------------------------------------------------------------------------------------------------


def test_the_payload_preview_shows_the_form_without_the_token(shop, product, admin_client):
    page = admin_client.get(
        reverse("admin:products_product_payload_preview", args=[product.pk, shop.pk])
    ).content.decode()

    assert "supplierSpu" in page
    assert "OPEN-001" in page
    assert TOKEN not in page


def test_the_payload_preview_names_what_is_missing(shop, product, admin_client, english):
    factories.platform_settings_set(shop, category_id=None)

    response = admin_client.get(reverse("admin:products_product_payload_preview", args=[product.pk, shop.pk]))

    assert response.status_code == 200
    assert "categoryId: required" in response.content.decode()


def _shop_post(shop: Shop, **defaults) -> dict:
    data = {
        "name": shop.name,
        "platform": shop.platform,
        "app_id": shop.app_id,
        "app_secret": "",
        "base_url": shop.base_url,
        "push_token": "",
        "is_enabled": "on",
        "settings__category_id": "1001",
        "settings__brand_name": "演示品牌",
        "settings__sales_way": "DIRECT_SELLING",
        "settings__settlement_way": "PROPORTIONAL",
        "settings__delivery_way": "FACTORY_DELIVERY",
        "settings__delivery_timeliness": "2",
        "settings__time_period_type": "DAY",
        "settings__sales_channels": json.dumps([CHANNEL], ensure_ascii=False),
        "settings__sale_unit": "件",
        "settings__agreement_price_percent": "90",
        "settings__reference_price_percent": "100",
        "settings__min_delivery_quantity": "1",
    }
    data.update({f"{FORM_PREFIX}{key}": value for key, value in defaults.items()})
    return data


@pytest.fixture
def bare_shop(server) -> Shop:
    shop = Shop(name="新开放平台", platform="open_platform", app_id="m1", base_url=server.url)
    shop.set_app_secret("another-open-token")
    shop.save()
    return shop


def test_the_shop_page_saves_complete_defaults(bare_shop, admin_client):
    url = reverse("admin:channels_sync_shop_change", args=[bare_shop.pk])
    assert 'name="settings__sales_way"' in admin_client.get(url).content.decode()

    response = admin_client.post(url, _shop_post(bare_shop))

    assert response.status_code == 302
    bare_shop.refresh_from_db()
    defaults = SETTINGS.load(bare_shop.platform_settings)
    assert (defaults["category_id"], defaults["sales_channels"], str(defaults["agreement_price_percent"])) == (
        1001,
        [CHANNEL],
        "90.00",
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"category_id": ""}, "category_id", "The shop's default is required"),
        ({"sale_unit": ""}, "sale_unit", "The shop's default is required"),
        ({"sales_channels": ""}, "sales_channels", "The shop's default is required"),
        ({"sales_channels": "not json"}, "sales_channels", "Enter a valid JSON"),
        ({"sales_channels": "{}"}, "sales_channels", "Enter a JSON list of sales channels."),
        (
            {"sales_channels": json.dumps([{**CHANNEL, "displayTimeEnd": "2024-01-01 00:00:00"}])},
            "sales_channels",
            "Channel 1: displayTimeEnd must not be before displayTimeStart.",
        ),
        (
            {"sales_channels": json.dumps([{**CHANNEL, "displayTimeStart": "2025-13-01 00:00:00"}])},
            "sales_channels",
            "Channel 1: displayTimeStart must be a time written yyyy-MM-dd HH:mm:ss.",
        ),
        (
            {"sales_channels": json.dumps([{**CHANNEL, "sevenDaysForReturn": True}])},
            "sales_channels",
            "Channel 1: sevenDaysForReturn must be 0 (no) or 1 (yes).",
        ),
        (
            {"sales_channels": json.dumps([{**CHANNEL, "salesRegionList": "全国"}])},
            "sales_channels",
            "Channel 1: salesRegionList must be a non-empty list of region names.",
        ),
        (
            {"sales_channels": json.dumps([{**CHANNEL, "salesChannel": ""}])},
            "sales_channels",
            "Channel 1: salesChannel (the channel code) is required.",
        ),
        ({"sales_channels": json.dumps(["x"])}, "sales_channels", "Channel 1: it must be an object"),
        ({"agreement_price_percent": "0"}, "agreement_price_percent", "above 0 and at most 100"),
        ({"reference_price_percent": "100.01"}, "reference_price_percent", "above 0 and at most 100"),
        ({"delivery_timeliness": "0"}, "delivery_timeliness", "at least 1"),
        ({"min_delivery_quantity": "0"}, "min_delivery_quantity", "at least 1"),
        ({"is_joint_operation": "on"}, "check_price_url", "Joint-operation merchants must send price check"),
        ({"sales_way": "RETAIL"}, "sales_way", "Select a valid choice"),
    ],
)
def test_the_shop_page_refuses_incomplete_or_invalid_defaults_and_writes_nothing(
    bare_shop, admin_client, english, changes, field, message
):
    url = reverse("admin:channels_sync_shop_change", args=[bare_shop.pk])

    response = admin_client.post(url, _shop_post(bare_shop, **changes))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[FORM_PREFIX + field])
    bare_shop.refresh_from_db()
    assert bare_shop.platform_settings == {}
    assert bare_shop.name == "新开放平台"


def test_a_joint_operation_merchant_saves_with_its_price_check_information(bare_shop):
    form = shop_settings_form(SETTINGS, bare_shop.platform_settings)(
        data=_shop_post(
            bare_shop,
            is_joint_operation="on",
            check_price_url="price.example.com/check",
            check_price_attachment="核价单.pdf",
        ),
        instance=bare_shop,
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data[FORM_PREFIX + "check_price_url"] == "https://price.example.com/check"
    form.save()
    bare_shop.refresh_from_db()
    assert SETTINGS.load(bare_shop.platform_settings)["check_price_url"] == "https://price.example.com/check"


def test_product_overrides_are_all_optional_but_checked(english):
    assert OpenPlatformOptionsForm(data={}).is_valid()

    form = OpenPlatformOptionsForm(data={"min_delivery_quantity": "0", "sales_channels": "[]"})

    assert not form.is_valid()
    assert list(form.errors) == ["min_delivery_quantity"]


def test_the_product_page_has_the_overrides_inline(product, admin_client):
    page = admin_client.get(reverse("admin:products_product_change", args=[product.pk])).content.decode()

    assert 'name="open_platform_options-0-sales_way"' in page or "open_platform_options-TOTAL_FORMS" in page


def test_the_demo_defaults_are_valid_in_the_admin_form(shop):
    defaults = SETTINGS.load(shop.platform_settings)
    data = {name: value for name, value in defaults.items() if value is not False}
    data["sales_channels"] = json.dumps(data["sales_channels"], ensure_ascii=False)
    post = {key: value for key, value in _shop_post(shop).items() if not key.startswith(FORM_PREFIX)}

    form = shop_settings_form(SETTINGS, shop.platform_settings)(
        data={**post, **{FORM_PREFIX + name: value for name, value in data.items()}}, instance=shop
    )

    assert form.is_valid(), form.errors
    assert SETTINGS.load(form.instance.platform_settings) == defaults
