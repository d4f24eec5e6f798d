"""The product handlers with a fake platform: create once, skip unchanged payloads, lost answers found again,
rejections shown on the product, and freight templates (pushed first, imported only, or none)."""

import pytest

from channels_sync.engine import outbox
from channels_sync.models import RemoteBinding, SyncAttempt, SyncJob
from channels_sync.platforms.adapter import Capability
from channels_sync.platforms.errors import RejectedError, TransportError
from tests.unit.channels_sync.engine.jobs import bind_template, run_job
from tests.unit.channels_sync.fake_platform import FakeAdapter

pytestmark = pytest.mark.django_db


def test_publish_creates_once_then_skips_an_unchanged_payload(shop, product, remote):
    bind_template(shop, product)
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert run_job(job) == SyncJob.State.SUCCEEDED
    again = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    assert run_job(again) == SyncJob.State.SUCCEEDED

    binding = RemoteBinding.objects.get(object_id=product.pk, content_type__model="product")
    assert binding.remote_id == "p1"
    assert remote.calls == ["upload", "upload", "upload", "create"]
    assert SyncJob.objects.get(pk=again.pk).result == {"remote_id": "p1", "unchanged": True}
    assert SyncAttempt.objects.filter(job=job).count() == 4


def test_a_lost_create_answer_is_found_again_and_not_created_twice(shop, product, remote):
    bind_template(shop, product)
    remote.apply_then_fail["create"] = [TransportError("read timed out", endpoint="/fake/create", outcome_unknown=True)]
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert run_job(job) == SyncJob.State.PENDING
    assert SyncJob.objects.get(pk=job.pk).outcome_unknown is True
    assert run_job(job) == SyncJob.State.SUCCEEDED

    assert list(remote.products) == ["p1"]
    assert remote.calls[-3:] == ["find", "get", "update"]
    assert RemoteBinding.objects.get(content_type__model="product").remote_id == "p1"


def test_a_business_rejection_fails_the_job_and_shows_on_the_product(shop, product, remote):
    bind_template(shop, product)
    remote.failures["create"] = [
        RejectedError(40097, "invalid args: price must be lower than ori_price", endpoint="/x")
    ]
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert run_job(job) == SyncJob.State.FAILED

    job.refresh_from_db()
    binding = RemoteBinding.objects.get(content_type__model="product", object_id=product.pk)
    assert (job.last_errcode, job.last_errmsg) == (40097, "invalid args: price must be lower than ori_price")
    assert (binding.last_errcode, binding.last_errmsg) == (40097, "invalid args: price must be lower than ori_price")
    assert binding.remote_id == ""


def test_a_product_waits_for_its_freight_template(shop, product, remote):
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert run_job(job) == SyncJob.State.WAITING
    template_job = SyncJob.objects.get(kind=SyncJob.Kind.FREIGHT_PUSH)
    job.refresh_from_db()
    assert (job.attempts, job.waits_for_id) == (0, template_job.pk)  # waiting is not a failed attempt
    assert outbox.sync_job_claim(job_id=job.pk, owner="w") is False  # never claimed while it waits
    assert run_job(template_job) == SyncJob.State.SUCCEEDED
    assert SyncJob.objects.get(pk=job.pk).state == SyncJob.State.PENDING  # released by the template's end
    assert run_job(job) == SyncJob.State.SUCCEEDED
    assert remote.calls[-1] == "create"


def test_listing_a_product_never_published_publishes_it_first_then_lists_it(shop, product, remote):
    bind_template(shop, product)
    listing = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)

    assert run_job(listing) == SyncJob.State.WAITING
    publish = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH)
    assert SyncJob.objects.get(pk=listing.pk).waits_for_id == publish.pk
    # The publish came after the listing but runs first: the wait does not block what it waits for.
    assert run_job(publish) == SyncJob.State.SUCCEEDED
    assert run_job(listing) == SyncJob.State.SUCCEEDED

    assert remote.calls[-2:] == ["create", "list"]
    assert RemoteBinding.objects.get(content_type__model="product").remote_status == "listed"


def test_a_read_whose_answer_tells_no_status_keeps_the_status_recorded(shop, product, remote):
    """V1.17's get answers the product without its shelf status: "Read status" keeps "listed" and stores the copy."""
    bind_template(shop, product)
    for kind in (SyncJob.Kind.PRODUCT_PUBLISH, SyncJob.Kind.PRODUCT_LIST, SyncJob.Kind.PRODUCT_REFRESH):
        assert run_job(outbox.sync_job_enqueue(shop=shop, kind=kind, target=product)) == SyncJob.State.SUCCEEDED

    binding = RemoteBinding.objects.get(content_type__model="product")
    assert remote.calls[-2:] == ["list", "get"]
    assert (binding.remote_status, binding.listed_once, binding.remote_read_at is not None) == ("listed", True, True)


def test_a_template_that_can_only_be_imported_fails_the_product_with_what_to_do(
    shop, product, remote, monkeypatch, english
):
    monkeypatch.setattr(
        FakeAdapter, "capabilities", frozenset({Capability.IMAGES, Capability.FREIGHT_TEMPLATES_IMPORTED})
    )
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert run_job(job) == SyncJob.State.FAILED
    job.refresh_from_db()
    assert job.last_errmsg == (
        "The freight template “默认运费” is not bound in this shop, which cannot create templates: run "
        "“Import freight templates” on the shop (it binds templates of the same name), then publish again."
    )
    assert not SyncJob.objects.filter(kind=SyncJob.Kind.FREIGHT_PUSH).exists()
    assert "create" not in remote.calls


def test_a_platform_without_freight_templates_publishes_without_one(shop, product, remote, monkeypatch):
    monkeypatch.setattr(FakeAdapter, "capabilities", frozenset({Capability.IMAGES}))
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert run_job(job) == SyncJob.State.SUCCEEDED
    assert not SyncJob.objects.filter(kind=SyncJob.Kind.FREIGHT_PUSH).exists()
    assert remote.calls[-1] == "create"
