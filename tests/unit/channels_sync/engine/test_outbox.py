"""The outbox with a fake platform: coalescing, claiming, retries, unknown outcomes, re-drive, waits, cancel.

A fake adapter (fake_platform.py) stands in for the platform so these rules are checked without HTTP; the same
flows run against the emulator and a real worker in tests/integration.
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from channels_sync.engine import outbox
from channels_sync.models import RemoteBinding, Shop, SyncJob
from channels_sync.platforms.errors import RejectedError, SystemBusyError
from tests import factories
from tests.unit.channels_sync.engine.jobs import bind_template, run_job
from tests.unit.channels_sync.fake_platform import install_fake_platform

pytestmark = pytest.mark.django_db


def test_repeated_edits_coalesce_into_one_pending_job(shop, product, remote, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
        second = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert first.pk == second.pk
    assert SyncJob.objects.count() == 1
    assert len(callbacks) == 1  # one message, after commit: the second request folds into the pending job


def test_an_edit_folding_into_a_job_already_pending_puts_no_message_on_the_broker(
    shop, product, remote, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as first_commit:
        job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    with django_capture_on_commit_callbacks(execute=True) as later_commits:
        for _ in range(5):
            assert outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product) == job

    assert (len(first_commit), len(later_commits)) == (1, 0)


def test_new_params_folded_into_a_pending_job_in_backoff_make_it_due_and_send_a_message(
    shop, product, remote, django_capture_on_commit_callbacks
):
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.ORDER_PULL_ONE, params={"remote_order_id": "1"})
    SyncJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))

    with django_capture_on_commit_callbacks() as callbacks:
        outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.ORDER_PULL_ONE, params={"remote_order_id": "2"})

    job.refresh_from_db()
    assert len(callbacks) == 1
    assert job.params == {"remote_order_id": "2"}
    assert job.next_attempt_at <= timezone.now()


def _bind_product(shop, product, remote) -> RemoteBinding:
    remote.products["p1"] = {"name": product.title, "stock": {}}
    return RemoteBinding.objects.create(
        shop=shop, content_type=ContentType.objects.get_for_model(product), object_id=product.pk, remote_id="p1"
    )


def _run_pending_in_order() -> None:
    for job in SyncJob.objects.filter(state=SyncJob.State.PENDING).order_by("pk"):
        run_job(job)


def test_an_action_asked_again_after_another_one_runs_after_it(shop, product, remote):
    # List, delist, list again while the first list still waits: the product must end up listed. Joining the
    # first list job would run the repeat before the delist.
    _bind_product(shop, product, remote)
    first = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)
    delist = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_DELIST, target=product)
    again = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)

    _run_pending_in_order()

    assert first.pk < delist.pk < again.pk
    assert remote.calls == ["list", "delist", "list"]
    assert set(SyncJob.objects.values_list("state", flat=True)) == {SyncJob.State.SUCCEEDED}
    assert remote.products["p1"]["listed"] is True


def test_a_job_asked_again_behind_an_opposite_one_leaves_the_first_as_it_was(shop, product, remote):
    first = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_DELIST, target=product)
    SyncJob.objects.filter(pk=first.pk).update(outcome_unknown=True)
    outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)

    again = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_DELIST, target=product)

    assert again.pk != first.pk
    assert SyncJob.objects.get(pk=again.pk).outcome_unknown is False
    first.refresh_from_db()
    assert (first.state, first.outcome_unknown) == (SyncJob.State.PENDING, True)  # still read first, in its turn


def test_a_list_asked_behind_a_publish_gets_a_job_of_its_own(shop, product, remote):
    first = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)
    publish = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    again = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)

    assert again.pk not in (first.pk, publish.pk)
    assert list(SyncJob.objects.order_by("pk").values_list("kind", flat=True)) == [
        SyncJob.Kind.PRODUCT_LIST,
        SyncJob.Kind.PRODUCT_PUBLISH,
        SyncJob.Kind.PRODUCT_LIST,
    ]


def test_an_edit_joins_the_pending_publish_even_behind_a_stock_push(shop, product, remote):
    # Both bring the shop to the catalog as it is when they run: their order does not matter, so edits coalesce.
    first = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    stock = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.STOCK_PUSH, target=product)

    again = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert again.pk == first.pk
    assert list(SyncJob.objects.order_by("pk").values_list("pk", "state")) == [
        (first.pk, SyncJob.State.PENDING),
        (stock.pk, SyncJob.State.PENDING),
    ]


def test_a_claimed_job_cannot_be_claimed_twice(shop, product, remote):
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert outbox.sync_job_claim(job_id=job.pk, owner="a") is True
    assert outbox.sync_job_claim(job_id=job.pk, owner="b") is False
    assert SyncJob.objects.get(pk=job.pk).lease_owner == "a"


def test_a_claim_holds_the_job_for_the_configured_lease(shop, product, remote, settings):
    settings.SYNC_LEASE_SECONDS = 15
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    before = timezone.now()
    assert outbox.sync_job_claim(job_id=job.pk, owner="a") is True

    lease = SyncJob.objects.get(pk=job.pk).lease_until - before
    assert timedelta(seconds=15) <= lease < timedelta(seconds=16)


def test_jobs_of_one_target_run_one_at_a_time_in_order(shop, product, remote):
    publish = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    listing = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)

    assert outbox.sync_job_claim(job_id=listing.pk, owner="b") is False  # the earlier publish goes first
    assert outbox.sync_job_claim(job_id=publish.pk, owner="a") is True
    assert outbox.sync_job_claim(job_id=listing.pk, owner="b") is False  # publish is in flight


def test_system_busy_is_retried_with_backoff_stored_in_the_row(shop, product, remote):
    bind_template(shop, product)
    remote.failures["upload"] = [SystemBusyError("system error", endpoint="/fake/upload")]
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    before = timezone.now()

    assert run_job(job) == SyncJob.State.PENDING

    job.refresh_from_db()
    assert job.attempts == 1
    assert job.last_errcode == -1
    assert 4 <= (job.next_attempt_at - before).total_seconds() <= 7
    assert run_job(job) == SyncJob.State.SUCCEEDED


def test_a_listing_waiting_for_a_publish_keeps_later_requests_behind_it(shop, product, remote):
    bind_template(shop, product)
    listing = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)
    assert run_job(listing) == SyncJob.State.WAITING
    delisting = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_DELIST, target=product)
    publish = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH)

    assert outbox.sync_job_claim(job_id=delisting.pk, owner="w") is False  # asked after the listing
    assert run_job(publish) == SyncJob.State.SUCCEEDED
    assert run_job(delisting) is None  # still behind the listing
    assert run_job(listing) == SyncJob.State.SUCCEEDED
    assert run_job(delisting) == SyncJob.State.SUCCEEDED

    assert remote.calls[-3:] == ["create", "list", "delist"]


def test_a_job_waiting_behind_a_chain_of_waits_is_not_overtaken(shop, product, remote):
    listing = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)
    assert run_job(listing) == SyncJob.State.WAITING  # for the publish
    publish = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH)
    assert run_job(publish) == SyncJob.State.WAITING  # for the freight template, in another queue
    delete = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_DELETE, target=product)

    assert run_job(delete) is None  # the merchant asked for the listing first
    assert run_job(SyncJob.objects.get(kind=SyncJob.Kind.FREIGHT_PUSH)) == SyncJob.State.SUCCEEDED
    assert run_job(publish) == SyncJob.State.SUCCEEDED
    assert run_job(listing) == SyncJob.State.SUCCEEDED
    assert run_job(delete) == SyncJob.State.SUCCEEDED

    assert [call for call in remote.calls if call != "upload"] == ["freight_create", "create", "list", "delete"]


def test_a_request_never_folds_into_a_job_queued_before_a_delete(shop, product, remote):
    bind_template(shop, product)
    first = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    delete = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_DELETE, target=product)
    again = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert len({first.pk, delete.pk, again.pk}) == 3  # publish, delete, publish: the last publish comes last
    for job in (first, delete, again):
        assert run_job(job) == SyncJob.State.SUCCEEDED
    assert [c for c in remote.calls if c != "upload"] == ["create", "delete", "create"]
    assert len(remote.products) == 1


def test_a_publish_and_a_stock_push_fold_past_each_other(shop, product, remote):
    publish = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    stock = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.STOCK_PUSH, target=product)

    assert outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product).pk == publish.pk
    assert outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.STOCK_PUSH, target=product).pk == stock.pk
    assert SyncJob.objects.count() == 2


def test_a_publish_needed_by_a_delisting_is_not_the_one_asked_after_a_delete(shop, product, remote):
    bind_template(shop, product)
    delisting = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_DELIST, target=product)
    delete = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_DELETE, target=product)
    publish = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert run_job(delisting) == SyncJob.State.WAITING
    needed = SyncJob.objects.get(pk=SyncJob.objects.get(pk=delisting.pk).waits_for_id)
    assert needed.pk not in (publish.pk, delete.pk)  # a publish of its own, just ahead of the delisting
    for job in (needed, delisting, delete, publish):
        assert run_job(job) == SyncJob.State.SUCCEEDED
    assert [c for c in remote.calls if c != "upload"] == ["create", "delist", "delete", "create"]


def test_a_listing_whose_publish_fails_fails_with_the_publish_reason(shop, product, remote, english):
    bind_template(shop, product)
    remote.failures["create"] = [RejectedError(40097, "invalid args", endpoint="/fake/create")]
    listing = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)
    assert run_job(listing) == SyncJob.State.WAITING
    publish = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH)

    assert run_job(publish) == SyncJob.State.FAILED

    listing.refresh_from_db()
    assert listing.state == SyncJob.State.FAILED
    assert listing.last_errcode == 40097
    assert (
        listing.last_errmsg == f"Not run: the job it waited for (Publish product, #{publish.pk}) failed: invalid args"
    )
    assert "list" not in remote.calls
    # A later publish of the product is not stuck behind anything.
    again = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    assert run_job(again) == SyncJob.State.SUCCEEDED


def test_a_failure_fails_a_chain_of_waiting_jobs(shop, product, remote):
    listing = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)
    assert run_job(listing) == SyncJob.State.WAITING
    publish = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH)
    assert run_job(publish) == SyncJob.State.WAITING  # for the freight template
    template_job = SyncJob.objects.get(kind=SyncJob.Kind.FREIGHT_PUSH)
    remote.failures["freight_create"] = [RejectedError(10021054, "bad province", endpoint="/fake/freight")]

    assert run_job(template_job) == SyncJob.State.FAILED

    states = dict(SyncJob.objects.values_list("kind", "state"))
    assert states == {
        SyncJob.Kind.FREIGHT_PUSH: SyncJob.State.FAILED,
        SyncJob.Kind.PRODUCT_PUBLISH: SyncJob.State.FAILED,
        SyncJob.Kind.PRODUCT_LIST: SyncJob.State.FAILED,
    }
    assert set(SyncJob.objects.values_list("last_errcode", flat=True)) == {10021054}


def test_cancelling_a_queued_job_keeps_who_and_when_and_fails_what_waits_for_it(shop, product, remote, english):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("staff", password="x")
    bind_template(shop, product)
    listing = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)
    assert run_job(listing) == SyncJob.State.WAITING
    publish = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH)

    assert outbox.sync_job_cancel(job=publish, user=user) is True

    publish.refresh_from_db()
    listing.refresh_from_db()
    assert (publish.state, publish.cancelled_by, publish.cancelled_at is not None) == ("cancelled", user, True)
    assert listing.state == SyncJob.State.FAILED
    assert listing.last_errmsg == f"Not run: the job it waited for (Publish product, #{publish.pk}) was cancelled."
    assert outbox.sync_job_cancel(job=publish, user=user) is False  # ended already
    assert remote.calls == []


def test_a_running_job_cannot_be_cancelled(shop, product, remote):
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    assert outbox.sync_job_claim(job_id=job.pk, owner="w")

    assert outbox.sync_job_cancel(job=job) is False
    assert SyncJob.objects.get(pk=job.pk).state == SyncJob.State.RUNNING


def test_redrive_releases_a_wait_whose_job_ended_without_releasing_it(shop, product, remote):
    bind_template(shop, product)
    listing = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_LIST, target=product)
    assert run_job(listing) == SyncJob.State.WAITING
    publish = SyncJob.objects.get(kind=SyncJob.Kind.PRODUCT_PUBLISH)
    SyncJob.objects.filter(pk=publish.pk).update(state=SyncJob.State.SUCCEEDED)  # ended behind the engine's back

    result = outbox.sync_jobs_redrive()

    assert result["waits_settled"] == 1
    assert SyncJob.objects.get(pk=listing.pk).state == SyncJob.State.PENDING


def test_retrying_a_failed_job_beside_a_queued_twin_leaves_the_twin_to_do_it(shop, product, remote):
    failed = SyncJob.objects.create(
        shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, lock_key=f"products.product:{product.pk}", state="failed"
    )
    twin = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    assert outbox.sync_job_retry(job=failed) is False
    assert SyncJob.objects.get(pk=failed.pk).state == SyncJob.State.FAILED
    assert SyncJob.objects.get(pk=twin.pk).state == SyncJob.State.PENDING


def test_a_stuck_job_is_recovered_with_its_outcome_unknown(shop, product, remote):
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    assert outbox.sync_job_claim(job_id=job.pk, owner="dead-worker")
    SyncJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))

    result = outbox.sync_jobs_redrive()

    job.refresh_from_db()
    assert result["recovered"] == 1
    assert (job.state, job.outcome_unknown, job.lease_owner) == (SyncJob.State.PENDING, True, "")


def test_a_late_worker_cannot_finish_a_job_it_lost(shop, product, remote):
    bind_template(shop, product)
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
    assert outbox.sync_job_claim(job_id=job.pk, owner="slow")
    SyncJob.objects.filter(pk=job.pk).update(lease_owner="someone-else")

    state = outbox._finish(job, "slow", [], {"remote_id": "x"}, None)

    assert state == SyncJob.State.RUNNING
    assert SyncJob.objects.get(pk=job.pk).result == {}


def test_a_disabled_shop_fails_its_jobs_without_calls(shop, product, remote):
    Shop.objects.filter(pk=shop.pk).update(is_enabled=False)
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)

    with translation.override("en"):
        assert run_job(job) == SyncJob.State.FAILED
    assert SyncJob.objects.get(pk=job.pk).last_errmsg == "The shop is disabled."
    assert remote.calls == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_one_target_fold_into_one_job(requires_postgres, monkeypatch):
    import threading

    from django.db import connection, transaction

    install_fake_platform(monkeypatch)
    shop = Shop.objects.create(name="并发店", platform="fake", app_id="wx_c", base_url="http://127.0.0.1:1")
    product = factories.product()
    barrier = threading.Barrier(4)

    def request():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert SyncJob.objects.filter(kind=SyncJob.Kind.PRODUCT_PUBLISH).count() == 1
