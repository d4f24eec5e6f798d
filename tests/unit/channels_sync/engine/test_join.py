"""The join window of stock pushes (engine/join.py): an isolated edit runs at once, a burst waits for quiet (capped),
folds send no message, and a message that comes early is queued again for the rest of the wait."""

from datetime import timedelta

import pytest
from django.utils import timezone

from channels_sync.engine import outbox
from channels_sync.models import SyncJob
from tests import factories
from tests.unit.channels_sync.engine.jobs import bind_template, run_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def window(settings):
    settings.SYNC_JOIN_QUIET_MS = 400
    settings.SYNC_JOIN_MAX_MS = 10000
    settings.SYNC_JOIN_BURST_MS = 250
    return settings


def _stock_push(shop, product) -> SyncJob:
    return outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.STOCK_PUSH, target=product)


def _claimed(job: SyncJob) -> None:
    assert outbox.sync_job_claim(job_id=job.pk, owner="worker-1")


def _messages(callbacks) -> list[tuple]:
    return [callback.args for callback in callbacks if callback.func is outbox._queue_run]


def test_an_isolated_stock_edit_runs_at_once(shop, product, remote, window, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = _stock_push(shop, product)

    assert SyncJob.objects.get(pk=job.pk).next_attempt_at <= timezone.now()
    assert _messages(callbacks) == [(job.pk, 0.0)]


def test_an_edit_while_a_push_of_the_shop_runs_waits_for_quiet_and_later_edits_fold_without_a_message(
    shop, product, remote, window, django_capture_on_commit_callbacks
):
    first = _stock_push(shop, product)
    _claimed(first)
    with django_capture_on_commit_callbacks(execute=True) as created:
        follow_up = _stock_push(shop, product)
    with django_capture_on_commit_callbacks(execute=True) as folded:
        for _ in range(5):
            assert _stock_push(shop, product) == follow_up

    follow_up.refresh_from_db()
    assert follow_up.pk != first.pk
    assert SyncJob.objects.filter(kind=SyncJob.Kind.STOCK_PUSH, state=SyncJob.State.PENDING).count() == 1
    assert _messages(created) == [(follow_up.pk, 0.4)]
    assert _messages(folded) == []
    # The window moved on with the last edit: 0.4 s after it.
    assert follow_up.next_attempt_at - follow_up.updated_at == timedelta(milliseconds=400)


def test_an_edit_of_another_product_of_the_shop_moves_the_window_on(
    shop, product, remote, window, django_capture_on_commit_callbacks
):
    other = factories.product(title="另一件")
    _claimed(_stock_push(shop, product))
    follow_up = _stock_push(shop, product)
    SyncJob.objects.filter(pk=follow_up.pk).update(next_attempt_at=timezone.now() + timedelta(milliseconds=50))

    with django_capture_on_commit_callbacks(execute=True):
        other_job = _stock_push(shop, other)

    follow_up.refresh_from_db()
    other_job.refresh_from_db()
    assert other_job.next_attempt_at - other_job.updated_at == timedelta(milliseconds=400)
    assert follow_up.next_attempt_at == other_job.next_attempt_at


def test_the_window_of_a_burst_never_goes_past_its_cap(
    shop, product, remote, window, django_capture_on_commit_callbacks
):
    _claimed(_stock_push(shop, product))
    follow_up = _stock_push(shop, product)
    # Written 9.8 s ago, edits folded ever since, the last one 0.3 s ago.
    now = timezone.now()
    SyncJob.objects.filter(pk=follow_up.pk).update(
        created_at=now - timedelta(milliseconds=9800), next_attempt_at=now + timedelta(milliseconds=100)
    )
    follow_up.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        _stock_push(shop, product)

    capped = SyncJob.objects.get(pk=follow_up.pk)
    assert capped.next_attempt_at == follow_up.created_at + timedelta(milliseconds=10000)


def test_an_edit_after_a_quiet_spell_runs_at_once(shop, product, remote, window):
    first = _stock_push(shop, product)
    _claimed(first)
    SyncJob.objects.filter(pk=first.pk).update(updated_at=timezone.now() - timedelta(milliseconds=300))

    follow_up = _stock_push(shop, product)

    assert follow_up.next_attempt_at <= timezone.now()


def test_a_job_in_backoff_keeps_its_due_time_when_an_edit_folds_into_it(shop, product, remote, window):
    job = _stock_push(shop, product)
    later = timezone.now() + timedelta(seconds=40)
    SyncJob.objects.filter(pk=job.pk).update(attempts=1, last_errcode=-1, last_errmsg="busy", next_attempt_at=later)

    assert _stock_push(shop, product) == job

    assert SyncJob.objects.get(pk=job.pk).next_attempt_at == later


def test_a_message_that_comes_before_the_window_ends_is_queued_again_for_the_rest(
    shop, product, remote, window, monkeypatch
):
    queued = []
    monkeypatch.setattr(outbox, "_queue_run", lambda job_id, countdown=0: queued.append((job_id, countdown)))
    job = _stock_push(shop, product)
    SyncJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now() + timedelta(seconds=2))

    assert outbox.sync_job_execute(job_id=job.pk, owner="worker-1") is None

    assert SyncJob.objects.get(pk=job.pk).state == SyncJob.State.PENDING
    [(job_id, countdown)] = queued
    assert job_id == job.pk
    assert 1.9 < countdown <= 2.0


def test_the_window_off_makes_every_stock_push_due_at_once(shop, product, remote, settings):
    settings.SYNC_JOIN_QUIET_MS = 0
    bind_template(shop, product)
    first = _stock_push(shop, product)
    _claimed(first)

    follow_up = _stock_push(shop, product)

    assert follow_up.next_attempt_at <= timezone.now()
    assert run_job(follow_up) is None  # still behind the running one
