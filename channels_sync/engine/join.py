"""The join window of stock pushes (issue 11: one call per real change, not one per edit).

A stock push written while its target is quiet runs at once: a single edit in a quiet back office reaches the shop
in one round trip. A push written during a burst (an edit within ``SYNC_JOIN_BURST_MS`` of the target's last stock
job activity: written, folded into, claimed or finished) waits until the target has been quiet for
``SYNC_JOIN_QUIET_MS``, and never longer than ``SYNC_JOIN_MAX_MS`` after it was written; every edit of the burst
folds into it, so its one delta per SKU carries them all. The due time lives in the row (``next_attempt_at``): a
message that comes before it is queued again for the rest of the wait (``outbox.sync_job_execute``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from ..models import SyncJob

JOINING_KINDS = frozenset({SyncJob.Kind.STOCK_PUSH})


def _ms(value: int) -> timedelta:
    return timedelta(milliseconds=value)


def join_due_for_new_job(*, shop_id: int, lock_key: str, kind: str, now: datetime) -> datetime:
    """When a new job may run: now for an isolated edit, after the quiet period for an edit of a burst."""
    if kind not in JOINING_KINDS or settings.SYNC_JOIN_QUIET_MS <= 0:
        return now
    recent = SyncJob.objects.filter(
        shop_id=shop_id, lock_key=lock_key, kind=kind, updated_at__gte=now - _ms(settings.SYNC_JOIN_BURST_MS)
    )
    if not recent.exists():
        return now
    return now + _ms(min(settings.SYNC_JOIN_QUIET_MS, settings.SYNC_JOIN_MAX_MS))


def join_due_for_fold(*, job: SyncJob, now: datetime) -> datetime | None:
    """The later due time of a job waiting in its join window that an edit folds into, or None to leave it be.

    Only a job that waits for its window (never claimed, no error) moves: a retry keeps its backoff.
    """
    if (
        job.kind not in JOINING_KINDS
        or settings.SYNC_JOIN_QUIET_MS <= 0
        or job.state != SyncJob.State.PENDING
        or job.attempts
        or job.last_errcode is not None
        or job.last_errmsg
        or job.next_attempt_at <= now
    ):
        return None
    due = min(now + _ms(settings.SYNC_JOIN_QUIET_MS), job.created_at + _ms(settings.SYNC_JOIN_MAX_MS))
    return due if due > job.next_attempt_at else None
