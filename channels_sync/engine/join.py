"""The join window of stock pushes (issue 11: one call per real change, not one per edit).

A stock push written while the shop's stock pushes are quiet runs at once: a single edit in a quiet back office
reaches the shop in one round trip. A push written during a burst (an active stock push of the same shop touched
within ``SYNC_JOIN_BURST_MS``: written, claimed, or its window moved on) waits until the shop has seen no stock edit
for ``SYNC_JOIN_QUIET_MS``, and never longer than ``SYNC_JOIN_MAX_MS`` after it was written; every edit of the
product meanwhile folds into it, so its one delta per SKU carries them all. The quiet is the shop's, not the
product's: in a burst over many products each product is edited seldom, yet the burst is one.

The due time lives in the row (``next_attempt_at``): a message that comes before it is queued again for the rest of
the wait (``outbox.sync_job_execute``). The window is timing only: a job run earlier or later sends the same deltas.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, models
from django.db.models import ExpressionWrapper, F, Value
from django.db.models.functions import Least

from ..models import SyncJob

logger = logging.getLogger("channels_sync.engine")

JOINING_KINDS = frozenset({SyncJob.Kind.STOCK_PUSH})


def _ms(value: int) -> timedelta:
    return timedelta(milliseconds=value)


def joins(kind: str) -> bool:
    return kind in JOINING_KINDS and settings.SYNC_JOIN_QUIET_MS > 0


def join_due_for_new_job(*, shop_id: int, kind: str, now: datetime) -> datetime:
    """When a new job may run: now for an isolated edit, after the quiet period for an edit of a burst."""
    if not joins(kind):
        return now
    recent = SyncJob.objects.filter(
        shop_id=shop_id,
        kind=kind,
        state__in=(SyncJob.State.PENDING, SyncJob.State.RUNNING),
        updated_at__gte=now - _ms(settings.SYNC_JOIN_BURST_MS),
    )
    if not recent.exists():
        return now
    return now + _ms(min(settings.SYNC_JOIN_QUIET_MS, settings.SYNC_JOIN_MAX_MS))


def join_windows_move_on(shop_id: int, kind: str, now: datetime) -> int:
    """An edit came: the shop's jobs waiting in their window wait for quiet again from ``now``, up to their cap.

    Run after the edit's commit, in one statement of its own (it never holds row locks inside the edit's
    transaction). Only jobs waiting for their window move (never claimed, no error): a retry keeps its backoff.
    Best effort: a failure only lets a job run sooner.
    """
    cap = ExpressionWrapper(
        F("created_at") + Value(_ms(settings.SYNC_JOIN_MAX_MS)), output_field=models.DateTimeField()
    )
    try:
        return SyncJob.objects.filter(
            shop_id=shop_id,
            kind=kind,
            state=SyncJob.State.PENDING,
            attempts=0,
            last_errcode__isnull=True,
            last_errmsg="",
            next_attempt_at__gt=now,
        ).update(
            next_attempt_at=Least(
                Value(now + _ms(settings.SYNC_JOIN_QUIET_MS), output_field=models.DateTimeField()), cap
            ),
            updated_at=now,
        )
    except DatabaseError:
        logger.warning("sync.join.window_not_moved", extra={"shop_id": shop_id}, exc_info=True)
        return 0
