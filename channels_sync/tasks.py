"""Thin Celery tasks: each takes an id (or nothing), calls one service and returns."""

from celery import shared_task

from .engine import fanout, outbox


@shared_task(name="channels_sync.run_job", ignore_result=True)
def sync_job_run_task(job_id: int) -> str | None:
    """Run one outbox job. A duplicate delivery is harmless: only one worker can claim the row."""
    return outbox.sync_job_execute(job_id=job_id)


@shared_task(name="channels_sync.redrive_jobs", ignore_result=True)
def sync_jobs_redrive_task() -> dict:
    """Beat: queue due jobs again and recover jobs whose worker lost its lease."""
    return outbox.sync_jobs_redrive()


@shared_task(name="channels_sync.pull_orders", ignore_result=True)
def orders_pull_all_task() -> int:
    """Beat: an incremental order pull for every enabled shop whose platform has orders."""
    return fanout.orders_pull_enqueue_all()


@shared_task(name="channels_sync.poll_audits", ignore_result=True)
def products_under_audit_poll_task() -> int:
    """Beat: read the products whose draft is under audit, in case a push event never came."""
    return fanout.products_under_audit_refresh_enqueue()
