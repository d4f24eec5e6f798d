"""The mini-shop (小商店) end to end: a product whose freight template is not imported yet fails with what to do;
the shop's templates are imported (bound by name); publish from the admin action, a draft, listing, the audit
passing, a stock delta (type 2), a documented rejection (9401020) shown on the product
page, and a lost add answer giving exactly one remote product — through the admin, a real Celery worker on Redis,
PostgreSQL and the emulator over HTTP."""

import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from channels_sync.engine import fanout
from channels_sync.models import RemoteBinding, Shop, SyncJob
from products.demo import demo_catalog_create
from products.models import Category, FreightTemplate, Platform, Product
from tests.integration.conftest import wait_for_jobs

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

MINISHOP_APP_ID = "wx_demo_minishop"
ADD = "/product/spu/add"
STOCK = "/product/stock/update"


@pytest.fixture
def minishop_shop(worker, sandbox) -> Shop:
    shop = Shop(name="演示小商店", platform="minishop", app_id=MINISHOP_APP_ID, base_url=sandbox.url)
    shop.set_app_secret("demo-minishop-secret")
    shop.save()
    # Audits pass a second after listing; nothing pushes their result: the engine polls.
    sandbox._call(
        "POST",
        "config",
        json={
            "minishop_audit": {"delay_seconds": 1, "outcome": "pass", "next": [], "products": {}},
            "minishop_quota": {"hour": 200, "day": 1000},
        },
    )
    return shop


@pytest.fixture
def tshirt(minishop_shop) -> Product:
    demo_catalog_create()
    return Product.objects.get(out_product_id="DEMO-TSHIRT-001")


def _import_freight_templates(client, shop):
    data = {"action": "enqueue_freight_import", "_selected_action": [shop.pk]}
    assert client.post(reverse("admin:channels_sync_shop_changelist"), data).status_code == 302


def _action(client, action, objects, shop):
    data = {"action": action, "_selected_action": [o.pk for o in objects], "apply": "1", "shops": [shop.pk]}
    assert client.post(reverse("admin:products_product_changelist"), data).status_code == 302


def _binding(target, shop) -> RemoteBinding:
    return RemoteBinding.objects.get(
        shop=shop, content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    )


def _poll_until(product, shop, worker, *, timeout=30, **expected) -> RemoteBinding:
    """Read the product's state (the beat task's audit poll) until the shop reaches ``expected``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fanout.products_under_audit_refresh_enqueue()
        wait_for_jobs(worker=worker)
        binding = _binding(product, shop)
        if all(getattr(binding, name) == value for name, value in expected.items()):
            return binding
        time.sleep(0.3)
    binding = _binding(product, shop)
    raise AssertionError({name: getattr(binding, name) for name in expected})


def _remote(sandbox, remote_id):
    products = sandbox.state(MINISHOP_APP_ID)["minishop"]["products"]
    return next(p for p in products if str(p["product_id"]) == remote_id)


def test_minishop_round_trip(admin_client, minishop_shop, sandbox, worker, tshirt):
    # The shop cannot create templates: before the import, publishing says what to do and sends nothing.
    _action(admin_client, "shops_product_publish", [tshirt], minishop_shop)
    wait_for_jobs(worker=worker)
    failed = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH, target_id=tshirt.pk)
    assert failed.state == SyncJob.State.FAILED
    # The engine's message (translated for the worker's language) names the template to import.
    assert (failed.last_errcode, "默认运费模板（演示）" in failed.last_errmsg) == (None, True)
    assert sandbox.applied(ADD, appid=MINISHOP_APP_ID) == []

    # Shops › Import freight templates binds the shop's template of the demo template's name.
    _import_freight_templates(admin_client, minishop_shop)
    wait_for_jobs(worker=worker)
    template = FreightTemplate.objects.get(name="默认运费模板（演示）")
    assert _binding(template, minishop_shop).remote_id == "5190"

    # Publish: the draft is added.
    _action(admin_client, "shops_product_publish", [tshirt], minishop_shop)
    wait_for_jobs(worker=worker)
    binding = _binding(tshirt, minishop_shop)
    assert binding.remote_id == "23423523452345235"
    assert (binding.remote_status, binding.remote_edit_status) == ("initial", "editing")
    draft = _remote(sandbox, binding.remote_id)["edit_spu"]
    assert draft["cats"] == [{"cat_id": 7231, "level": 1}, {"cat_id": 7245, "level": 2}, {"cat_id": 7262, "level": 3}]
    assert draft["express_info"] == {"template_id": 5190}
    assert len(draft["skus"]) == 6

    # List: the draft goes to audit; the audit passes and the poll reads the product listed.
    _action(admin_client, "shops_product_list", [tshirt], minishop_shop)
    wait_for_jobs(worker=worker)
    assert _binding(tshirt, minishop_shop).remote_edit_status in ("auditing", "approved")
    binding = _poll_until(tshirt, minishop_shop, worker, remote_status="listed", remote_edit_status="approved")
    assert binding.listed_once is True
    assert _remote(sandbox, binding.remote_id)["status"] == 5
    layers = admin_client.get(reverse("admin:products_product_payload_preview", args=[tshirt.pk, minishop_shop.pk]))
    assert layers.status_code == 200
    assert "23423523452345235" in layers.content.decode()

    # A stock edit goes out as one type-2 delta.
    sku = tshirt.skus.order_by("position").first()
    before = {s.pk: s.stock for s in tshirt.skus.all()}
    sku.stock += 7
    sku.save()
    fanout.catalog_object_saved(target=tshirt, stock_before=before)
    wait_for_jobs(worker=worker)
    stock_calls = sandbox.applied(STOCK, appid=MINISHOP_APP_ID)
    assert [(c["fields"]["type"], c["fields"]["stock_num"], c["fields"]["stock_after"]) for c in stock_calls] == [
        (2, 7, sku.stock)
    ]

    # Delist.
    _action(admin_client, "shops_product_delist", [tshirt], minishop_shop)
    wait_for_jobs(worker=worker)
    assert _binding(tshirt, minishop_shop).remote_status == "delisted"
    assert list(SyncJob.objects.filter(state=SyncJob.State.FAILED)) == [failed]
    assert len(sandbox.applied(ADD, appid=MINISHOP_APP_ID)) == 1


def test_a_rejection_shows_its_errcode_and_errmsg_on_the_product_page(admin_client, minishop_shop, sandbox, worker):
    demo_catalog_create()
    cookies = Product.objects.get(out_product_id="DEMO-COOKIES-001")
    # A category entered by hand that the shop's tree does not hold: the platform refuses it (9401020).
    root = Category.objects.create(platform=Platform.MINISHOP, remote_id="9000", name="手工类目", is_leaf=False)
    middle = Category.objects.create(
        platform=Platform.MINISHOP, remote_id="9100", name="手工二级", parent=root, level=2, is_leaf=False
    )
    leaf = Category.objects.create(
        platform=Platform.MINISHOP, remote_id="9101", name="手工三级", parent=middle, level=3
    )
    Product.objects.filter(pk=cookies.pk).update(minishop_category=leaf)
    _import_freight_templates(admin_client, minishop_shop)
    wait_for_jobs(worker=worker)

    _action(admin_client, "shops_product_publish", [cookies], minishop_shop)
    wait_for_jobs(worker=worker)

    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH, target_id=cookies.pk)
    errmsg = "invalid param: cats[0].cat_id 9000 is not a category (see category/get)"
    assert (job.state, job.last_errcode, job.last_errmsg) == (SyncJob.State.FAILED, 9401020, errmsg)
    binding = _binding(cookies, minishop_shop)
    assert (binding.last_errcode, binding.last_errmsg) == (9401020, errmsg)
    page = admin_client.get(reverse("admin:products_product_change", args=[cookies.pk])).content.decode()
    assert f"9401020: {errmsg}" in page
    assert sandbox.state(MINISHOP_APP_ID)["minishop"]["products"] == []


def test_a_lost_add_answer_gives_exactly_one_remote_product(admin_client, minishop_shop, sandbox, worker, tshirt):
    _import_freight_templates(admin_client, minishop_shop)
    wait_for_jobs(worker=worker)
    sandbox.faults(drop_response_next=1, paths=[ADD])

    _action(admin_client, "shops_product_publish", [tshirt], minishop_shop)
    wait_for_jobs(worker=worker)

    job = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH, target_id=tshirt.pk)
    products = sandbox.state(MINISHOP_APP_ID)["minishop"]["products"]
    (applied,) = sandbox.applied(ADD, appid=MINISHOP_APP_ID)
    assert job.state == SyncJob.State.SUCCEEDED, job.last_errmsg
    assert applied["response_dropped"] is True
    assert len(products) == 1
    assert _binding(tshirt, minishop_shop).remote_id == str(products[0]["product_id"])
