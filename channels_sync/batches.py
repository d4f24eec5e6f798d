"""A bulk action's progress: the batch written when the merchant submits it, and its rows as the progress page
shows them (object × shop, in Chinese: queued, sending, in audit, done, failed, refused by the pre-flight).

``batch_record`` writes the batch and its rows in the action's transaction; ``batch_progress`` reads a batch in a
fixed number of queries whatever its size (the batch, its rows with their jobs and shops, the bindings of the rows
whose job is done, and the failed rows' objects, one query per object type).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .engine.fanout import UNSETTLED_EDIT_STATUSES
from .models import RemoteBinding, Shop, SyncBatch, SyncBatchItem, SyncJob
from .preflight import Refusal
from .rejections import Rejection, fault_url, rejection_of

QUEUED, SENDING, AUDIT, DONE, FAILED, REFUSED, CANCELLED = (
    "queued",
    "sending",
    "audit",
    "done",
    "failed",
    "refused",
    "cancelled",
)
STATE_LABELS = {
    QUEUED: _("Queued"),
    SENDING: _("Sending"),
    AUDIT: _("In audit"),
    DONE: _("Done"),
    FAILED: _("Failed"),
    REFUSED: _("Refused by the pre-flight"),
    CANCELLED: _("Cancelled"),
}
# Rows still moving on our side. A row in audit is over for the batch (the job ended; the platform's audit may take
# days) and the page keeps reading it, more slowly, until the audit settles.
MOVING_STATES = (QUEUED, SENDING)
JOB_STATES = {
    SyncJob.State.PENDING: QUEUED,
    SyncJob.State.WAITING: QUEUED,
    SyncJob.State.RUNNING: SENDING,
    SyncJob.State.FAILED: FAILED,
    SyncJob.State.CANCELLED: CANCELLED,
}


def batch_record(
    *,
    kind: str,
    title: str,
    back_url: str,
    user=None,
    queued: Iterable[tuple[Shop, models.Model, SyncJob]] = (),
    refused: Iterable[Refusal] = (),
) -> SyncBatch:
    """The batch of one bulk action: a row per object and shop, with its job or the pre-flight's refusal."""
    # The action's name without the "…" it has in the actions menu (where it asks for shops first).
    title = str(title).removesuffix("…")[:200]
    batch = SyncBatch.objects.create(kind=kind, title=title, back_url=back_url[:500], created_by=user)
    items = [
        SyncBatchItem(
            batch=batch,
            shop=shop,
            target_type=ContentType.objects.get_for_model(target),
            target_id=target.pk,
            target_label=str(target)[:200],
            job=job,
        )
        for shop, target, job in queued
    ]
    items += [
        SyncBatchItem(
            batch=batch,
            shop=refusal.shop,
            target_type=ContentType.objects.get_for_model(refusal.product),
            target_id=refusal.product.pk,
            target_label=str(refusal.product)[:200],
            refused=[
                {
                    "message": f"{problem.subject}：{problem.message}" if problem.subject else str(problem.message),
                    "url": fault_url(problem.field, shop=refusal.shop, target=refusal.product),
                }
                for problem in refusal.problems
            ],
        )
        for refusal in refused
    ]
    SyncBatchItem.objects.bulk_create(items)
    return batch


@dataclass(frozen=True)
class BatchRow:
    item: SyncBatchItem
    state: str
    rejection: Rejection | None = None
    audit_reason: str = ""

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def object_url(self) -> str:
        try:
            return reverse(
                f"admin:{self.item.target_type.app_label}_{self.item.target_type.model}_change",
                args=[self.item.target_id],
            )
        except NoReverseMatch:
            return ""


@dataclass(frozen=True)
class BatchProgress:
    batch: SyncBatch
    rows: tuple[BatchRow, ...]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATE_LABELS, 0)
        for row in self.rows:
            counts[row.state] += 1
        return counts

    @property
    def summary(self) -> list[tuple[str, str, int]]:
        """(state, label, count) of the states some row is in, in the order of ``STATE_LABELS``."""
        return [(state, str(STATE_LABELS[state]), n) for state, n in self.counts.items() if n]

    @property
    def finished(self) -> bool:
        return not any(row.state in MOVING_STATES for row in self.rows)

    @property
    def in_audit(self) -> bool:
        return any(row.state == AUDIT for row in self.rows)

    @property
    def ended(self) -> int:
        return sum(1 for row in self.rows if row.state not in MOVING_STATES)

    @property
    def percent(self) -> int:
        return 100 if not self.rows else self.ended * 100 // len(self.rows)


def batch_progress(*, batch: SyncBatch) -> BatchProgress:
    items = list(SyncBatchItem.objects.filter(batch=batch).select_related("shop", "job", "target_type").order_by("pk"))
    done = [item for item in items if item.job is not None and item.job.state == SyncJob.State.SUCCEEDED]
    bindings = {}
    if done:
        for binding in RemoteBinding.objects.filter(
            shop_id__in={item.shop_id for item in done},
            content_type_id__in={item.target_type_id for item in done},
            object_id__in={item.target_id for item in done},
        ).only("shop_id", "content_type_id", "object_id", "remote_edit_status", "remote_reason"):
            bindings[(binding.shop_id, binding.content_type_id, binding.object_id)] = binding
    failed = [item for item in items if item.job is not None and item.job.state == SyncJob.State.FAILED]
    targets = _targets(failed)
    rows = []
    for item in items:
        if item.refused:
            rows.append(BatchRow(item=item, state=REFUSED))
        elif item.job is None:
            rows.append(BatchRow(item=item, state=FAILED))
        elif item.job.state == SyncJob.State.SUCCEEDED:
            binding = bindings.get((item.shop_id, item.target_type_id, item.target_id))
            edit_status = binding.remote_edit_status if binding is not None else ""
            if edit_status in UNSETTLED_EDIT_STATUSES:
                rows.append(BatchRow(item=item, state=AUDIT))
            elif edit_status == "rejected":
                rows.append(BatchRow(item=item, state=FAILED, audit_reason=binding.remote_reason or "-"))
            else:
                rows.append(BatchRow(item=item, state=DONE))
        elif item.job.state == SyncJob.State.FAILED:
            rejection = rejection_of(
                shop=item.shop,
                errcode=item.job.last_errcode,
                errmsg=item.job.last_errmsg,
                target=targets.get((item.target_type_id, item.target_id)),
            )
            rows.append(BatchRow(item=item, state=FAILED, rejection=rejection))
        else:
            rows.append(BatchRow(item=item, state=JOB_STATES[item.job.state]))
    return BatchProgress(batch=batch, rows=tuple(rows))


def _targets(items: list[SyncBatchItem]) -> dict[tuple[int, int], models.Model]:
    """The objects of the failed rows (a rejection links to their field): one query per object type."""
    by_type: dict[int, set[int]] = {}
    for item in items:
        by_type.setdefault(item.target_type_id, set()).add(item.target_id)
    found = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        for obj in model._default_manager.filter(pk__in=ids):
            found[(type_id, obj.pk)] = obj
    return found
