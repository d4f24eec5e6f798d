"""The outbox engine with a fake platform: coalescing, claiming, retries, unknown outcomes, re-drive.

A fake adapter stands in for the platform so these rules are checked without HTTP; the same flows run against
the emulator and a real worker in tests/integration.
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from channels_sync import services
from channels_sync.models import RemoteBinding, RemoteSkuStock, Shop, StockMovement, SyncAttempt, SyncJob
from channels_sync.platforms import adapter as adapter_module
from channels_sync.platforms.adapter import FreightTemplates, PlatformAdapter, ProductPayload, RemoteProductState
from channels_sync.platforms.errors import RejectedError, SystemBusyError, TransportError
from channels_sync.platforms.http import CallRecord
from products.models import Product
from tests import factories

pytestmark = pytest.mark.django_db


class FakePlatform:
    """The remote side: products by id with their stock, and a script of failures to play."""

    def __init__(self):
        self.products: dict[str, dict] = {}
        self.templates: dict[str, str] = {}
        # Call name -> errors to raise before applying (failures) or after applying (apply_then_fail).
        self.failures: dict[str, list[Exception]] = {}
        self.apply_then_fail: dict[str, list[Exception]] = {}
        self.calls: list[str] = []
        self.next_id = 1


class FakeAdapter(PlatformAdapter):
    platform = "fake"
    remote: FakePlatform

    def _call(self, name: str, apply=None):
        self.remote.calls.append(name)
        if self.on_call:
            self.on_call(
                CallRecord(
                    endpoint=f"/fake/{name}",
                    method="POST",
                    started_at=timezone.now(),
                    duration_ms=1,
                    http_status=200,
                    errcode=0,
                    errmsg="ok",
                    request={"access_token": "***"},
                    response={"errcode": 0},
                    error=None,
                    query={},
                )
            )
        if self.remote.failures.get(name):
            raise self.remote.failures[name].pop(0)
        result = apply() if apply else None
        if self.remote.apply_then_fail.get(name):
            raise self.remote.apply_then_fail[name].pop(0)
        return result

    def upload_image(self, *, filename, data, width, height):
        return self._call("upload", lambda: f"https://img.example/{filename}")

    def product_payload(
        self, *, snapshot, image_urls, freight_template_remote_id, binding, remote, product_options=None
    ):
        body = {"name": snapshot.title, "skus": {s.spec_key: s.stock for s in snapshot.skus}}
        return ProductPayload(body=body, hash_basis={"name": snapshot.title})

    def product_create(self, *, payload, snapshot):
        def apply():
            remote_id = f"p{self.remote.next_id}"
            self.remote.next_id += 1
            self.remote.products[remote_id] = {"name": payload.body["name"], "stock": dict(payload.body["skus"])}
            return remote_id

        return self._call("create", apply)

    def product_update(self, *, remote_id, payload):
        return self._call("update", lambda: self.remote.products[remote_id].update(name=payload.body["name"]))

    def product_find(self, *, payload, snapshot):
        self._call("find")
        for remote_id, product in self.remote.products.items():
            if product["name"] == payload.body["name"]:
                return remote_id
        return None

    def product_get(self, *, remote_id):
        self._call("get")
        product = self.remote.products.get(remote_id)
        if product is None:
            return RemoteProductState(remote_id=remote_id, exists=False)
        return RemoteProductState(remote_id=remote_id, exists=True, stock_by_sku_key=product["stock"])

    def product_set_listed(self, *, remote_id, listed):
        return self._call("list" if listed else "delist")

    def stock_read(self, *, remote_id, sku_key):
        self._call("stock_read")
        return self.remote.products[remote_id]["stock"][sku_key]

    def stock_change(self, *, remote_id, sku_key, delta):
        def apply():
            self.remote.products[remote_id]["stock"][sku_key] += delta

        return self._call("stock_change", apply)

    def freight_create(self, *, snapshot):
        def apply():
            self.remote.templates["t1"] = snapshot.name
            return "t1"

        return self._call("freight_create", apply)

    def freight_list(self):
        self._call("freight_list")
        return [{"remote_id": k, "name": v} for k, v in self.remote.templates.items()]


@pytest.fixture
def remote(monkeypatch):
    platform = FakePlatform()
    FakeAdapter.remote = platform
    monkeypatch.setitem(adapter_module.ADAPTERS, "fake", f"{__name__}:FakeAdapter")
    # Tasks are queued on commit; these tests run jobs by hand instead.
    monkeypatch.setattr(services, "_queue_run", lambda job_id, countdown=0: None)
    return platform


@pytest.fixture
def shop(db):
    shop = Shop(name="测试店", platform="fake", app_id="wx_test", base_url="http://127.0.0.1:1")
    shop.set_app_secret("s3cret-value")
    shop.save()
    return shop


@pytest.fixture
def product(db):
    return factories.product()


def _run(job: SyncJob, owner="worker-1") -> str | None:
    SyncJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    return services.sync_job_execute(job_id=job.pk, owner=owner)


def _bind_template(shop, product):
    return RemoteBinding.objects.create(
        shop=shop,
        content_type=ContentType.objects.get_for_model(product.freight_template),
        object_id=product.freight_template_id,
        remote_id="t1",
    )


def test_repeated_edits_coalesce_into_one_pending_job(shop, product, remote, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
        second = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert first.pk == second.pk
    assert SyncJob.objects.count() == 1
    assert len(callbacks) == 2  # queued after commit; a duplicate message is harmless (claiming is exclusive)


def _bind_product(shop, product, remote) -> RemoteBinding:
    remote.products["p1"] = {"name": product.title, "stock": {}}
    return RemoteBinding.objects.create(
        shop=shop, content_type=ContentType.objects.get_for_model(product), object_id=product.pk, remote_id="p1"
    )


def _run_pending_in_order() -> None:
    for job in SyncJob.objects.filter(state=SyncJob.State.PENDING).order_by("pk"):
        _run(job)


def test_an_action_asked_again_after_another_one_runs_after_it(shop, product, remote):
    # List, delist, list again while the first list still waits: the product must end up listed. Joining the
    # first list job would run the repeat before the delist.
    _bind_product(shop, product, remote)
    first = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)
    delist = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_DELIST, target=product)
    again = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)

    _run_pending_in_order()

    assert again.pk > delist.pk
    assert remote.calls == ["delist", "list"]
    states = dict(SyncJob.objects.values_list("pk", "state"))
    assert states == {
        first.pk: SyncJob.State.CANCELLED,
        delist.pk: SyncJob.State.SUCCEEDED,
        again.pk: SyncJob.State.SUCCEEDED,
    }
    assert SyncJob.objects.get(pk=first.pk).result == {"superseded_by": again.pk}


def test_a_job_moved_behind_a_later_one_keeps_its_unknown_outcome(shop, product, remote):
    first = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_DELIST, target=product)
    SyncJob.objects.filter(pk=first.pk).update(outcome_unknown=True)
    services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)

    again = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_DELIST, target=product)

    assert again.pk != first.pk
    assert SyncJob.objects.get(pk=again.pk).outcome_unknown is True
    assert SyncJob.objects.get(pk=first.pk).state == SyncJob.State.CANCELLED


def test_a_list_joins_the_pending_list_when_no_delist_was_asked_after_it(shop, product, remote):
    first = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)
    publish = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    again = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)

    assert again.pk == first.pk
    assert list(SyncJob.objects.order_by("pk").values_list("pk", "state")) == [
        (first.pk, SyncJob.State.PENDING),
        (publish.pk, SyncJob.State.PENDING),
    ]


def test_an_edit_joins_the_pending_publish_even_behind_a_stock_push(shop, product, remote):
    # Both bring the shop to the catalog as it is when they run: their order does not matter, so edits coalesce.
    first = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    stock = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.STOCK_PUSH, target=product)

    again = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert again.pk == first.pk
    assert list(SyncJob.objects.order_by("pk").values_list("pk", "state")) == [
        (first.pk, SyncJob.State.PENDING),
        (stock.pk, SyncJob.State.PENDING),
    ]


def test_publish_creates_once_then_skips_an_unchanged_payload(shop, product, remote):
    _bind_template(shop, product)
    job = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert _run(job) == SyncJob.State.SUCCEEDED
    again = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    assert _run(again) == SyncJob.State.SUCCEEDED

    binding = RemoteBinding.objects.get(object_id=product.pk, content_type__model="product")
    assert binding.remote_id == "p1"
    assert remote.calls == ["upload", "upload", "upload", "create"]
    assert SyncJob.objects.get(pk=again.pk).result == {"remote_id": "p1", "unchanged": True}
    assert SyncAttempt.objects.filter(job=job).count() == 4


def test_a_claimed_job_cannot_be_claimed_twice(shop, product, remote):
    job = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert services.sync_job_claim(job_id=job.pk, owner="a") is True
    assert services.sync_job_claim(job_id=job.pk, owner="b") is False
    assert SyncJob.objects.get(pk=job.pk).lease_owner == "a"


def test_a_claim_holds_the_job_for_the_configured_lease(shop, product, remote, settings):
    settings.SYNC_LEASE_SECONDS = 15
    job = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    before = timezone.now()
    assert services.sync_job_claim(job_id=job.pk, owner="a") is True

    lease = SyncJob.objects.get(pk=job.pk).lease_until - before
    assert timedelta(seconds=15) <= lease < timedelta(seconds=16)


def test_jobs_of_one_target_run_one_at_a_time_in_order(shop, product, remote):
    publish = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    listing = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)

    assert services.sync_job_claim(job_id=listing.pk, owner="b") is False  # the earlier publish goes first
    assert services.sync_job_claim(job_id=publish.pk, owner="a") is True
    assert services.sync_job_claim(job_id=listing.pk, owner="b") is False  # publish is in flight


def test_a_lost_create_answer_is_found_again_and_not_created_twice(shop, product, remote):
    _bind_template(shop, product)
    remote.apply_then_fail["create"] = [TransportError("read timed out", endpoint="/fake/create", outcome_unknown=True)]
    job = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert _run(job) == SyncJob.State.PENDING
    assert SyncJob.objects.get(pk=job.pk).outcome_unknown is True
    assert _run(job) == SyncJob.State.SUCCEEDED

    assert list(remote.products) == ["p1"]
    assert remote.calls[-3:] == ["find", "get", "update"]
    assert RemoteBinding.objects.get(content_type__model="product").remote_id == "p1"


def test_a_business_rejection_fails_the_job_and_shows_on_the_product(shop, product, remote):
    _bind_template(shop, product)
    remote.failures["create"] = [
        RejectedError(40097, "invalid args: price must be lower than ori_price", endpoint="/x")
    ]
    job = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert _run(job) == SyncJob.State.FAILED

    job.refresh_from_db()
    binding = RemoteBinding.objects.get(content_type__model="product", object_id=product.pk)
    assert (job.last_errcode, job.last_errmsg) == (40097, "invalid args: price must be lower than ori_price")
    assert (binding.last_errcode, binding.last_errmsg) == (40097, "invalid args: price must be lower than ori_price")
    assert binding.remote_id == ""


def test_system_busy_is_retried_with_backoff_stored_in_the_row(shop, product, remote):
    _bind_template(shop, product)
    remote.failures["upload"] = [SystemBusyError("system error", endpoint="/fake/upload")]
    job = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    before = timezone.now()

    assert _run(job) == SyncJob.State.PENDING

    job.refresh_from_db()
    assert job.attempts == 1
    assert job.last_errcode == -1
    assert 4 <= (job.next_attempt_at - before).total_seconds() <= 7
    assert _run(job) == SyncJob.State.SUCCEEDED


def test_a_product_waits_for_its_freight_template(shop, product, remote):
    job = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert _run(job) == SyncJob.State.PENDING
    template_job = SyncJob.objects.get(kind=SyncJob.Kind.FREIGHT_PUSH)
    assert SyncJob.objects.get(pk=job.pk).attempts == 0  # waiting is not a failed attempt
    assert _run(template_job) == SyncJob.State.SUCCEEDED
    assert _run(job) == SyncJob.State.SUCCEEDED
    assert remote.calls[-1] == "create"


def test_a_template_that_can_only_be_imported_fails_the_product_with_what_to_do(
    shop, product, remote, monkeypatch, english
):
    monkeypatch.setattr(FakeAdapter, "freight_templates", FreightTemplates.IMPORTED)
    job = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert _run(job) == SyncJob.State.FAILED
    job.refresh_from_db()
    assert job.last_errmsg == (
        "The freight template “默认运费” is not bound in this shop, which cannot create templates: run "
        "“Import freight templates” on the shop (it binds templates of the same name), then publish again."
    )
    assert not SyncJob.objects.filter(kind=SyncJob.Kind.FREIGHT_PUSH).exists()
    assert "create" not in remote.calls


def test_a_platform_without_freight_templates_publishes_without_one(shop, product, remote, monkeypatch):
    monkeypatch.setattr(FakeAdapter, "freight_templates", FreightTemplates.NONE)
    job = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert _run(job) == SyncJob.State.SUCCEEDED
    assert not SyncJob.objects.filter(kind=SyncJob.Kind.FREIGHT_PUSH).exists()
    assert remote.calls[-1] == "create"


def test_a_stuck_job_is_recovered_with_its_outcome_unknown(shop, product, remote):
    job = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    assert services.sync_job_claim(job_id=job.pk, owner="dead-worker")
    SyncJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))

    result = services.sync_jobs_redrive()

    job.refresh_from_db()
    assert result["recovered"] == 1
    assert (job.state, job.outcome_unknown, job.lease_owner) == (SyncJob.State.PENDING, True, "")


def test_a_late_worker_cannot_finish_a_job_it_lost(shop, product, remote):
    _bind_template(shop, product)
    job = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    assert services.sync_job_claim(job_id=job.pk, owner="slow")
    SyncJob.objects.filter(pk=job.pk).update(lease_owner="someone-else")

    state = services._finish(job, "slow", [], {"remote_id": "x"}, None)

    assert state == SyncJob.State.RUNNING
    assert SyncJob.objects.get(pk=job.pk).result == {}


def test_stock_edits_become_one_delta_and_a_lost_answer_is_not_sent_twice(shop, product, remote):
    _bind_template(shop, product)
    publish = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    assert _run(publish) == SyncJob.State.SUCCEEDED
    sku = product.skus.get()
    before = {sku.pk: sku.stock}
    sku.stock = 25  # was 10
    sku.save()
    services.catalog_object_saved(target=product, stock_before=before)
    update = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH, state=SyncJob.State.PENDING)
    assert _run(update) == SyncJob.State.SUCCEEDED  # jobs of one product run in order: the update first
    stock_job = SyncJob.objects.get(kind=SyncJob.Kind.STOCK_PUSH)
    remote.apply_then_fail["stock_change"] = [
        TransportError("connection reset", endpoint="/fake/stock", outcome_unknown=True)
    ]

    assert _run(stock_job) == SyncJob.State.PENDING
    assert _run(stock_job) == SyncJob.State.SUCCEEDED

    assert remote.products["p1"]["stock"][""] == 25
    state = RemoteSkuStock.objects.get(shop=shop, sku=sku)
    assert (state.synced_stock, state.in_flight_delta) == (25, None)
    assert list(StockMovement.objects.values_list("delta", "stock_after", "reason")) == [(15, 25, "admin_edit")]
    assert remote.calls.count("stock_change") == 1


def test_a_create_found_again_after_edits_takes_the_shops_stock_as_baseline_and_pushes_the_difference(
    shop, product, remote
):
    # The create is applied with a stock of 10, its answer lost; the stock is edited to 25 before the retry.
    _bind_template(shop, product)
    remote.apply_then_fail["create"] = [TransportError("read timed out", endpoint="/fake/create", outcome_unknown=True)]
    publish = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    assert _run(publish) == SyncJob.State.PENDING
    sku = product.skus.get()
    before = {sku.pk: sku.stock}
    sku.stock = 25
    sku.save()
    services.catalog_object_saved(target=product, stock_before=before)  # not bound yet: movement only

    assert _run(publish) == SyncJob.State.SUCCEEDED

    state = RemoteSkuStock.objects.get(shop=shop, sku=sku)
    assert (state.synced_stock, state.remote_stock) == (10, 10)
    stock_job = SyncJob.objects.get(kind=SyncJob.Kind.STOCK_PUSH, state=SyncJob.State.PENDING)
    assert _run(stock_job) == SyncJob.State.SUCCEEDED
    assert remote.products["p1"]["stock"][""] == 25
    assert len(remote.products) == 1
    assert RemoteSkuStock.objects.get(shop=shop, sku=sku).synced_stock == 25


def test_a_disabled_shop_fails_its_jobs_without_calls(shop, product, remote):
    Shop.objects.filter(pk=shop.pk).update(is_enabled=False)
    job = services.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    with translation.override("en"):
        assert _run(job) == SyncJob.State.FAILED
    assert SyncJob.objects.get(pk=job.pk).last_errmsg == "The shop is disabled."
    assert remote.calls == []


def test_app_secret_is_encrypted_at_rest(shop):
    stored = Shop.objects.values_list("app_secret_encrypted", flat=True).get(pk=shop.pk)

    assert "s3cret-value" not in stored
    assert Shop.objects.get(pk=shop.pk).get_app_secret() == "s3cret-value"


def test_saving_a_bound_product_queues_its_update(shop, product, remote):
    RemoteBinding.objects.create(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk, remote_id="p9"
    )

    written = services.catalog_object_saved(target=product)

    assert written == 1
    assert SyncJob.objects.filter(kind=SyncJob.Kind.PRODUCT_PUBLISH, target_id=product.pk).count() == 1
