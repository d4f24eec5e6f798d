"""One timeline per product, newest first: who changed what in the admin (its history), the jobs that followed with
each attempt's outcome (a rejection explained in Chinese), and what the shops said of it (audit passed, rejected
with the reason, listed, delisted: ``BindingStatusChange``). Reads a fixed number of queries however long it is;
each source gives at most ``TIMELINE_LIMIT`` entries (the newest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from products.models import Product

from .models import BindingStatusChange, SyncAttempt, SyncJob
from .rejections import Rejection, rejection_of

TIMELINE_LIMIT = 100


@dataclass(frozen=True)
class AttemptOutcome:
    """One call of a job: ``rejection`` None when the platform took it."""

    at: datetime
    rejection: Rejection | None


@dataclass(frozen=True)
class TimelineEntry:
    """``kind``: "change" (the admin's history: ``who``, ``text``), "job" (``job`` with its ``attempts`` and
    ``rejection`` of its last error), "status" (``change``: the shop's status before and after, the reason)."""

    at: datetime
    kind: str
    who: str = ""
    shop: str = ""
    text: str = ""
    job: SyncJob | None = None
    attempts: tuple[AttemptOutcome, ...] = ()
    rejection: Rejection | None = None
    change: BindingStatusChange | None = None


def product_timeline(*, product: Product) -> list[TimelineEntry]:
    """The product's timeline, newest first (ties: the history before the jobs it caused, before the statuses)."""
    content_type = ContentType.objects.get_for_model(Product)
    entries = [*_history(product, content_type), *_jobs(product, content_type), *_statuses(product, content_type)]
    order = {"status": 0, "job": 1, "change": 2}
    return sorted(entries, key=lambda entry: (entry.at, order[entry.kind]), reverse=True)


def _history(product: Product, content_type: ContentType) -> list[TimelineEntry]:
    logs = (
        LogEntry.objects.filter(content_type=content_type, object_id=str(product.pk))
        .select_related("user")
        .order_by("-action_time")[:TIMELINE_LIMIT]
    )
    return [
        TimelineEntry(
            at=log.action_time,
            kind="change",
            who=log.user.get_username() if log.user_id else "",
            text=log.get_change_message() or str(log),
        )
        for log in logs
    ]


def _jobs(product: Product, content_type: ContentType) -> list[TimelineEntry]:
    jobs = (
        SyncJob.objects.filter(target_type=content_type, target_id=product.pk)
        .select_related("shop", "created_by")
        .prefetch_related(Prefetch("attempt_log", queryset=SyncAttempt.objects.order_by("started_at", "pk")))
        .order_by("-created_at", "-pk")[:TIMELINE_LIMIT]
    )
    entries = []
    for job in jobs:
        attempts = tuple(
            AttemptOutcome(
                at=attempt.started_at,
                rejection=rejection_of(shop=job.shop, errcode=attempt.errcode, errmsg=attempt.errmsg, target=product)
                if (attempt.errcode not in (None, 0) or attempt.error_class or attempt.errmsg)
                else None,
            )
            for attempt in job.attempt_log.all()
        )
        failed = job.last_errcode is not None or bool(job.last_errmsg)
        entries.append(
            TimelineEntry(
                at=job.created_at,
                kind="job",
                who=job.created_by.get_username() if job.created_by_id else "",
                shop=job.shop.name,
                job=job,
                attempts=attempts,
                rejection=rejection_of(shop=job.shop, errcode=job.last_errcode, errmsg=job.last_errmsg, target=product)
                if failed
                else None,
            )
        )
    return entries


def _statuses(product: Product, content_type: ContentType) -> list[TimelineEntry]:
    changes = (
        BindingStatusChange.objects.filter(binding__content_type=content_type, binding__object_id=product.pk)
        .select_related("binding__shop")
        .order_by("-at", "-pk")[:TIMELINE_LIMIT]
    )
    return [
        TimelineEntry(at=change.at, kind="status", shop=change.binding.shop.name, change=change) for change in changes
    ]
