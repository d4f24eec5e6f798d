"""The sync engine: enqueue, claim, execute and re-drive jobs (design §4).

- A change that must reach a shop is a ``SyncJob`` row written in the caller's transaction; its id is queued to
  Celery on commit. Repeated edits coalesce into the one pending job of the same kind and target, except a list
  or delist asked after the opposite one (it then goes to a new job behind that one). A stock push written during a
  burst of edits waits in a join window first (``join.py``), so one call per SKU carries the whole burst.
- A worker claims a job with a conditional UPDATE (state, due time, and no running or earlier pending job of the
  same target): exactly one row changed means it is ours. No network call happens inside a transaction.
- Every HTTP call is recorded as a ``SyncAttempt``. Retryable failures set ``next_attempt_at`` (backoff in the
  row); business rejections fail the job and show errcode and errmsg on the object. A call whose outcome is
  unknown marks the job so the next run reads remote state before sending anything again.
- Beat re-drives due jobs and jobs whose lease expired (a dead worker, a lost broker message, a Redis restart).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import socket
import threading
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Shop, SyncAttempt, SyncJob
from ..platforms.adapter import DependencyPending
from ..platforms.errors import PayloadError, PlatformError, RateLimitedError
from ..platforms.http import CallRecord
from ..platforms.registry import get_adapter
from .bindings import record_job_failure_on_target
from .context import JobContext, JobFailed, WaitingForJob, shop_config
from .join import join_due_for_new_job, join_windows_move_on, joins
from .params import JobParams, job_params_read, job_params_to_json
from .registry import handler_for

logger = logging.getLogger("channels_sync.engine")

# The Celery task that runs one job, sent by name so the outbox never imports the tasks module (``tasks.py``).
RUN_JOB_TASK = "channels_sync.run_job"
MAX_ATTEMPTS = 10
BACKOFF_BASE_SECONDS = 5
BACKOFF_CAP_SECONDS = 600
# Celery countdowns stay short (Redis visibility timeout); longer waits are picked up by beat's re-drive.
MAX_COUNTDOWN_SECONDS = 60
ATTEMPT_BODY_LIMIT = 20_000


def target_lock_key(target: models.Model | None, kind: str) -> str:
    if target is None:
        return kind
    return f"{target._meta.label_lower}:{target.pk}"


# Kinds whose jobs give the same end result in either order (both read the catalog when they run): a new request of
# one of them folds into a queued job of its kind even when jobs of the others are queued behind that job. Listing,
# delisting and deleting never move past anything, nor anything past them.
COMMUTING_KINDS = frozenset({SyncJob.Kind.PRODUCT_PUBLISH, SyncJob.Kind.STOCK_PUSH, SyncJob.Kind.STOCK_RECONCILE})


def sync_job_enqueue(
    *,
    shop: Shop,
    kind: str,
    target: models.Model | None = None,
    params: JobParams | dict | None = None,
    created_by=None,
    lock_key: str | None = None,
    ahead_of: SyncJob | None = None,
) -> SyncJob:
    """Write a job, or fold the request into a queued job of the same kind and target, and queue it after commit.

    A request folds into the queued job of its kind only where that changes nothing in the order of the target's
    queue (see ``COMMUTING_KINDS``); otherwise a new job goes at the end. With ``ahead_of`` (a job that needs
    this one first, in the same queue) the job is placed just ahead of it instead.
    """
    lock_key = lock_key or target_lock_key(target, kind)
    if ahead_of is not None and (ahead_of.shop_id, ahead_of.lock_key) != (shop.pk, lock_key):
        ahead_of = None  # another queue: it runs on its own, and the wait alone keeps the order
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    fields = {
        "target_type": target_type,
        "target_id": target.pk if target is not None else None,
        "target_label": str(target)[:200] if target is not None else "",
        # Serialised once, here; read back once when the job runs (``engine/params.py``).
        "params": job_params_to_json(kind, params),
        "created_by": created_by,
    }
    with transaction.atomic():
        _lock_target_queue(shop.pk, lock_key)
        queue = _queued_jobs(shop.pk, lock_key)
        job = _job_to_fold_into(queue, kind, ahead_of)
        # A new job needs its message. A request folded into a queued job needs none (issue 11: 1,370 messages
        # for 74 jobs): a pending job has its message already (or, when the message came while the job was
        # blocked, the end of the job ahead queues it again; beat re-drives the rest), and a waiting job is
        # queued when what it waits for ends. Only a fold that changes when or where the job can run sends one.
        needs_message = job is None or ahead_of is not None
        now = timezone.now()
        countdown = 0.0
        if job is None:
            position = _queue_position(ahead_of.pk, ahead_of.queue_position) - 1 if ahead_of is not None else None
            # An edit of a burst waits in the join window (``engine/join.py``); an isolated one runs at once.
            due = join_due_for_new_job(shop_id=shop.pk, kind=kind, now=now)
            countdown = (due - now).total_seconds()
            job = SyncJob.objects.create(
                shop=shop, kind=kind, lock_key=lock_key, queue_position=position, next_attempt_at=due, **fields
            )
        else:
            if job.params != fields["params"]:
                # New params make a job in backoff due now: it must be told so.
                SyncJob.objects.filter(pk=job.pk).update(params=fields["params"], next_attempt_at=now)
                needs_message = needs_message or job.state == SyncJob.State.PENDING
            if ahead_of is not None:
                _move_ahead_of(job, ahead_of)
        if needs_message:
            transaction.on_commit(partial(_queue_run, job.pk, countdown))
        if joins(kind):
            # The burst goes on: the shop's join windows move on. No message: a job's comes early, is queued again.
            transaction.on_commit(partial(join_windows_move_on, shop.pk, kind, now))
    return job


def _lock_target_queue(shop_id: int, lock_key: str) -> None:
    """Serialise the writers of one target's queue until the transaction ends, so two requests never both see no
    job to fold into. SQLite needs nothing: its write transactions are serial already."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"{shop_id}:{lock_key}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


def _queued_jobs(shop_id: int, lock_key: str) -> list[SyncJob]:
    """The target's jobs that have not started, in queue order, each annotated with its ``position``."""
    return list(
        SyncJob.objects.filter(shop_id=shop_id, lock_key=lock_key, state__in=SyncJob.QUEUED_STATES)
        .annotate(position=queue_order())
        .order_by("position", "pk")
    )


def _job_to_fold_into(queue: list[SyncJob], kind: str, ahead_of: SyncJob | None) -> SyncJob | None:
    """The queued job a request of ``kind`` can fold into without changing the order of anything, or None."""
    if ahead_of is None:
        behind = reversed(queue)  # from the end of the queue back
    else:
        waiter = _queue_position(ahead_of.pk, ahead_of.queue_position)
        already_ahead = [job for job in queue if job.position < waiter and job.kind == kind]
        if already_ahead:
            return already_ahead[0]
        behind = (job for job in queue if job.position > waiter)  # what would have to move ahead of the waiter
    for job in behind:
        if job.kind == kind:
            return job
        if kind not in COMMUTING_KINDS or job.kind not in COMMUTING_KINDS:
            return None
    return None


def queue_order():
    """The position of a job among the jobs of its lock key: they run in the order of (this, id)."""
    return Coalesce(F("queue_position"), F("id") * SyncJob.POSITION_SCALE)


def _queue_position(job_id: int, queue_position: int | None) -> int:
    return queue_position if queue_position is not None else job_id * SyncJob.POSITION_SCALE


def _queue_run(job_id: int, countdown: float = 0) -> None:
    try:
        # A signature by name: where the task is registered (workers, eager mode) its own apply_async runs,
        # elsewhere the message is sent by name.
        current_app.signature(RUN_JOB_TASK, args=(job_id,)).apply_async(
            countdown=max(0, min(countdown, MAX_COUNTDOWN_SECONDS)),
            queue=settings.CELERY_TASK_DEFAULT_QUEUE,
        )
    except Exception:
        # The row is the source of truth: beat's re-drive will queue it again when the broker is back.
        logger.warning("sync.enqueue.broker_unavailable", extra={"job_id": job_id}, exc_info=True)


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def sync_job_claim(*, job_id: int, owner: str, now=None) -> bool:
    """Take a due job if nothing else runs for its target and no job ahead of it in the target's queue has yet to
    run. One UPDATE.

    A waiting job stays in the queue (later requests of the merchant do not overtake it), but the job it waits
    for was moved ahead of it when it started waiting, so a wait never blocks what it waits for.
    """
    now = now or timezone.now()
    own_position = Coalesce(OuterRef("queue_position"), OuterRef("id") * SyncJob.POSITION_SCALE)
    ahead = Q(position__lt=own_position) | Q(position=own_position, pk__lt=OuterRef("pk"))
    blocking = (
        SyncJob.objects.filter(shop_id=OuterRef("shop_id"), lock_key=OuterRef("lock_key"))
        .annotate(position=queue_order())
        .filter(Q(state=SyncJob.State.RUNNING, lease_until__gt=now) | (Q(state__in=SyncJob.QUEUED_STATES) & ahead))
    )
    claimed = (
        SyncJob.objects.filter(pk=job_id, state=SyncJob.State.PENDING, next_attempt_at__lte=now)
        .exclude(Exists(blocking))
        .update(
            state=SyncJob.State.RUNNING,
            lease_until=now + timedelta(seconds=settings.SYNC_LEASE_SECONDS),
            lease_owner=owner,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )
    return claimed == 1


def sync_job_execute(*, job_id: int, owner: str | None = None) -> str | None:
    """Run one job if it can be claimed. Returns its new state, or None when it was not ours to run."""
    owner = owner or worker_identity()
    now = timezone.now()
    if not sync_job_claim(job_id=job_id, owner=owner, now=now):
        _queue_again_if_early(job_id, now)
        return None
    job = SyncJob.objects.select_related("shop").get(pk=job_id)
    records: list[CallRecord] = []
    outcome: dict = {}
    error: BaseException | None = None
    try:
        if not job.shop.is_enabled:
            raise JobFailed(_("The shop is disabled."))
        adapter = get_adapter(shop_config(job.shop), on_call=records.append, cache=cache)
        handler = handler_for(job.kind)
        context = JobContext(
            job=job,
            shop=job.shop,
            adapter=adapter,
            owner=owner,
            enqueue_job=sync_job_enqueue,
            params=job_params_read(job.kind, job.params),
        )
        outcome = handler(context) or {}
    except (PlatformError, DependencyPending, WaitingForJob, JobFailed) as caught:
        error = caught
    except PayloadError as caught:
        # The catalog cannot make this payload: nothing was sent, and retrying cannot help until it changes.
        error = JobFailed(caught.message)
    except Exception as caught:  # a bug or a database hiccup: retried with backoff, then failed
        logger.exception("sync.job.crashed", extra={"job_id": job.pk, "kind": job.kind})
        error = caught
    return _finish(job, owner, records, outcome, error)


def _queue_again_if_early(job_id: int, now) -> None:
    """A message that came before its job was due at ``now`` (the claim's time: a join window moved on) is queued
    again for the rest of the wait."""
    due = (
        SyncJob.objects.filter(pk=job_id, state=SyncJob.State.PENDING, next_attempt_at__gt=now)
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if due is not None:
        _queue_run(job_id, countdown=max(0.0, (due - timezone.now()).total_seconds()))


def _finish(job: SyncJob, owner: str, records: list[CallRecord], outcome: dict, error: BaseException | None) -> str:
    now = timezone.now()
    update: dict = {"lease_until": None, "lease_owner": "", "updated_at": now}
    countdown = None
    if error is None:
        update.update(
            state=SyncJob.State.SUCCEEDED,
            finished_at=now,
            result=outcome,
            outcome_unknown=False,
            last_errcode=None,
            last_errmsg="",
        )
    elif isinstance(error, WaitingForJob):
        # Settled inside the transaction below, with the job waited for locked (it may end at the same moment).
        update.update(attempts=max(job.attempts - 1, 0))
    elif isinstance(error, DependencyPending):
        # Waiting for the remote side (an audit) is not a failure: give the attempt back.
        update.update(
            state=SyncJob.State.PENDING,
            attempts=max(job.attempts - 1, 0),
            next_attempt_at=now + timedelta(seconds=error.delay_seconds),
            last_errmsg=error.reason,
        )
        countdown = error.delay_seconds
    elif isinstance(error, RateLimitedError):
        # A quota heals by waiting: the job waits for its window and keeps its attempts (never failed, never lost).
        delay = max(int(error.retry_after or 0), _backoff_seconds(1))
        update.update(
            state=SyncJob.State.PENDING,
            attempts=max(job.attempts - 1, 0),
            next_attempt_at=now + timedelta(seconds=delay),
            outcome_unknown=job.outcome_unknown or error.outcome_unknown,
            last_errcode=error.errcode,
            last_errmsg=str(error),
        )
        countdown = delay
    elif isinstance(error, PlatformError) and error.retryable and job.attempts < MAX_ATTEMPTS:
        delay = _backoff_seconds(job.attempts)
        update.update(
            state=SyncJob.State.PENDING,
            next_attempt_at=now + timedelta(seconds=delay),
            outcome_unknown=job.outcome_unknown or error.outcome_unknown,
            last_errcode=error.errcode,
            last_errmsg=str(error),
        )
        countdown = delay
    elif isinstance(error, PlatformError | JobFailed) or job.attempts >= MAX_ATTEMPTS:
        update.update(
            state=SyncJob.State.FAILED,
            finished_at=now,
            # A terminal error after the call went out (a redirect answer) leaves its outcome unknown: a retry by a
            # person then reads the shop first, like any other retry.
            outcome_unknown=job.outcome_unknown or bool(getattr(error, "outcome_unknown", False)),
            last_errcode=getattr(error, "errcode", None),
            # The platform's own errmsg is what the merchant needs to see beside its errcode.
            last_errmsg=(getattr(error, "errmsg", "") or str(error) or error.__class__.__name__)[:2000],
        )
    else:
        delay = _backoff_seconds(job.attempts)
        update.update(
            state=SyncJob.State.PENDING,
            next_attempt_at=now + timedelta(seconds=delay),
            last_errcode=None,
            last_errmsg=f"internal error: {error.__class__.__name__}",
        )
        countdown = delay
    with transaction.atomic():
        _record_attempts(job, records)
        if isinstance(error, WaitingForJob):
            countdown = _wait_update(job, error, update, now)
        # Only the lease holder may finish the job: after a lease expiry another worker may own it now.
        finished = SyncJob.objects.filter(pk=job.pk, state=SyncJob.State.RUNNING, lease_owner=owner).update(**update)
        if finished and update["state"] == SyncJob.State.PENDING and countdown is not None:
            transaction.on_commit(partial(_queue_run, job.pk, countdown))
        if finished and update["state"] != SyncJob.State.PENDING:
            # Jobs of the same target that were behind this one (or what it now waits for) can go now.
            transaction.on_commit(partial(_queue_next_for_target, job.shop_id, job.lock_key))
        if finished and update["state"] == SyncJob.State.FAILED:
            record_job_failure_on_target(job, update.get("last_errcode"), update["last_errmsg"])
        if finished and update["state"] in SyncJob.END_STATES:
            _release_dependants(job, update["state"], update.get("last_errmsg", ""), update.get("last_errcode"))
    logger.info(
        "sync.job.finished",
        extra={"job_id": job.pk, "kind": job.kind, "state": update["state"], "calls": len(records)},
    )
    return update["state"] if finished else SyncJob.objects.values_list("state", flat=True).get(pk=job.pk)


def _wait_update(job: SyncJob, error: WaitingForJob, update: dict, now) -> int | None:
    """Fill ``update`` for a job that must wait for ``error.job``; returns the countdown to queue it again, if any.

    The job waited for is locked first: if it ends at this moment, either its end is seen here, or it sees this
    job waiting and releases it. A wait for a job that already ended is settled at once.
    """
    dependency = SyncJob.objects.select_for_update().filter(pk=error.job.pk).first()
    if dependency is None or dependency.pk == job.pk or dependency.state == SyncJob.State.SUCCEEDED:
        update.update(state=SyncJob.State.PENDING, next_attempt_at=now, last_errmsg="")
        return 0
    if dependency.state in SyncJob.END_STATES:
        update.update(
            state=SyncJob.State.FAILED,
            finished_at=now,
            last_errcode=dependency.last_errcode,
            last_errmsg=_dependency_failed_message(dependency, dependency.state, dependency.last_errmsg),
        )
        return None
    update.update(state=SyncJob.State.WAITING, waits_for_id=dependency.pk, last_errmsg=error.reason[:2000])
    return None


def _move_ahead_of(job: SyncJob, waiter: SyncJob) -> None:
    """Put a queued job (annotated with its ``position``) just ahead of the job waiting for it in the same queue,
    so the wait never blocks what it waits for (and, through a chain of waits, nothing ahead of it either)."""
    position = _queue_position(waiter.pk, waiter.queue_position) - 1
    if job.position > position:
        SyncJob.objects.filter(pk=job.pk).update(queue_position=position)


def _dependency_failed_message(dependency: SyncJob, state: str, reason: str) -> str:
    if state == SyncJob.State.CANCELLED:
        message = _("Not run: the job it waited for (%(job)s, #%(id)s) was cancelled.")
    else:
        message = _("Not run: the job it waited for (%(job)s, #%(id)s) failed: %(reason)s")
    return (message % {"job": dependency.get_kind_display(), "id": dependency.pk, "reason": reason})[:2000]


def _release_dependants(job: SyncJob, state: str, reason: str = "", errcode: int | None = None) -> None:
    """The job ended: the jobs waiting for it run now if it succeeded, else they fail with its reason and errcode
    (and so do the jobs waiting for them). Runs inside the transaction that ended the job."""
    now = timezone.now()
    ended = [(job, state, reason, errcode)]
    while ended:
        dependency, dependency_state, dependency_reason, dependency_errcode = ended.pop()
        waiting = SyncJob.objects.filter(waits_for_id=dependency.pk, state=SyncJob.State.WAITING)
        if dependency_state == SyncJob.State.SUCCEEDED:
            released = list(waiting.values_list("pk", flat=True))
            SyncJob.objects.filter(pk__in=released, state=SyncJob.State.WAITING).update(
                state=SyncJob.State.PENDING, next_attempt_at=now, last_errmsg="", updated_at=now
            )
            for job_id in released:
                transaction.on_commit(partial(_queue_run, job_id))
            continue
        message = _dependency_failed_message(dependency, dependency_state, dependency_reason)
        for dependant in waiting.select_related("shop"):
            changed = SyncJob.objects.filter(pk=dependant.pk, state=SyncJob.State.WAITING).update(
                state=SyncJob.State.FAILED,
                finished_at=now,
                updated_at=now,
                last_errcode=dependency_errcode,
                last_errmsg=message,
            )
            if changed:
                record_job_failure_on_target(dependant, dependency_errcode, message)
                transaction.on_commit(partial(_queue_next_for_target, dependant.shop_id, dependant.lock_key))
                ended.append((dependant, SyncJob.State.FAILED, message, dependency_errcode))


def _queue_next_for_target(shop_id: int, lock_key: str) -> None:
    waiting = (
        SyncJob.objects.filter(shop_id=shop_id, lock_key=lock_key, state=SyncJob.State.PENDING)
        .order_by(queue_order(), "pk")
        .values_list("pk", "next_attempt_at")
        .first()
    )
    if waiting is not None:
        job_id, due = waiting
        _queue_run(job_id, countdown=max(0.0, (due - timezone.now()).total_seconds()))


def _backoff_seconds(attempts: int) -> int:
    base = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return max(1, int(base * random.uniform(0.8, 1.2)))  # noqa: S311  (jitter, not cryptography)


def _record_attempts(job: SyncJob, records: list[CallRecord]) -> None:
    SyncAttempt.objects.bulk_create(
        [
            SyncAttempt(
                job=job,
                endpoint=record.endpoint[:200],
                method=record.method,
                started_at=record.started_at,
                duration_ms=record.duration_ms,
                http_status=record.http_status,
                errcode=record.errcode,
                errmsg=(record.errmsg or "")[:2000],
                error_class=record.error or "",
                request=_truncate(record.request),
                response=_truncate(record.response),
            )
            for record in records
        ]
    )


def _truncate(body):
    """Keep attempt rows small: a body larger than the limit is replaced by its beginning."""
    if body is None:
        return None
    text = json.dumps(body, ensure_ascii=False, default=str)
    if len(text) <= ATTEMPT_BODY_LIMIT:
        return body
    return {"truncated": text[:ATTEMPT_BODY_LIMIT]}


def sync_jobs_redrive(*, limit: int = 500) -> dict:
    """Queue due jobs again, free jobs whose worker stopped holding the lease, and settle waits that outlived
    the job they waited for.

    A job whose lease expired may have sent its call: it goes back to pending with ``outcome_unknown`` so the
    next run reads remote state first.
    """
    now = timezone.now()
    recovered = 0
    for job in SyncJob.objects.filter(state=SyncJob.State.RUNNING, lease_until__lt=now).order_by("pk")[:limit]:
        # Back to its place at the head of the target's queue; a later job of the same kind then finds the
        # work done (its payload unchanged) instead of repeating it.
        recovered += SyncJob.objects.filter(pk=job.pk, state=SyncJob.State.RUNNING, lease_until__lt=now).update(
            state=SyncJob.State.PENDING, outcome_unknown=True, lease_owner="", lease_until=None, updated_at=now
        )
    settled = _settle_orphaned_waits(limit=limit)
    due = list(
        SyncJob.objects.filter(state=SyncJob.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for job_id in due:
        _queue_run(job_id)
    return {"recovered": recovered, "queued": len(due), "waits_settled": settled}


def _settle_orphaned_waits(*, limit: int) -> int:
    """Waiting jobs whose job waited for has ended (or is gone) without releasing them: release or fail them now.

    The release normally happens in the transaction that ends the job waited for; this is the safety net.
    """
    orphaned = SyncJob.objects.filter(state=SyncJob.State.WAITING).filter(
        Q(waits_for__isnull=True) | Q(waits_for__state__in=SyncJob.END_STATES)
    )
    settled = 0
    for job in orphaned.select_related("waits_for").order_by("pk")[:limit]:
        with transaction.atomic():
            dependency = job.waits_for
            if dependency is None:
                changed = SyncJob.objects.filter(pk=job.pk, state=SyncJob.State.WAITING, waits_for__isnull=True).update(
                    state=SyncJob.State.PENDING, next_attempt_at=timezone.now(), last_errmsg=""
                )
                if changed:
                    transaction.on_commit(partial(_queue_run, job.pk))
            else:
                _release_dependants(dependency, dependency.state, dependency.last_errmsg, dependency.last_errcode)
                changed = 1
            settled += changed
    return settled


def sync_job_retry(*, job: SyncJob, user=None) -> bool:
    """Put a failed or cancelled job back in the queue (admin action), behind what is queued for its target: a retry
    is a new request. False when it is not in such a state, or when a queued job of the same kind and target will
    do the same work."""
    with transaction.atomic():
        _lock_target_queue(job.shop_id, job.lock_key)
        queue = _queued_jobs(job.shop_id, job.lock_key)
        if _job_to_fold_into(queue, job.kind, None) is not None:
            return False
        tail = max((queued.position for queued in queue), default=None)
        changed = SyncJob.objects.filter(pk=job.pk, state__in=[SyncJob.State.FAILED, SyncJob.State.CANCELLED]).update(
            state=SyncJob.State.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            finished_at=None,
            waits_for=None,
            cancelled_by=None,
            cancelled_at=None,
            queue_position=tail + 1 if tail is not None else None,
        )
        if changed:
            transaction.on_commit(partial(_queue_run, job.pk))
    return bool(changed)


def sync_job_cancel(*, job: SyncJob, user=None) -> bool:
    """Cancel a job that has not started (pending or waiting); the jobs waiting for it fail, saying so.

    Who cancelled it and when are kept on the row. False when the job is running or has ended already.
    """
    now = timezone.now()
    with transaction.atomic():
        changed = SyncJob.objects.filter(pk=job.pk, state__in=SyncJob.QUEUED_STATES).update(
            state=SyncJob.State.CANCELLED,
            cancelled_by=user,
            cancelled_at=now,
            finished_at=now,
            updated_at=now,
        )
        if changed:
            _release_dependants(job, SyncJob.State.CANCELLED)
            transaction.on_commit(partial(_queue_next_for_target, job.shop_id, job.lock_key))
    return bool(changed)
