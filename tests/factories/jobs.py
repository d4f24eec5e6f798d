"""Builders of sync jobs in a given state, for tests that need one without going through the engine."""

from channels_sync.models import Shop, SyncJob


def sync_job(*, shop: Shop, kind: str, lock_key: str, state: str = SyncJob.State.PENDING, **fields) -> SyncJob:
    """A saved job of ``kind`` on ``shop``, as a worker would find it in ``state``."""
    return SyncJob.objects.create(shop=shop, kind=kind, lock_key=lock_key, state=state, **fields)
