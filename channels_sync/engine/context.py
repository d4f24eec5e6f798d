"""What a handler works with: the job's context, the exceptions that end or pause a job, and the shop's
configuration as the adapter sees it (plain values, secrets decrypted)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..models import Shop, SyncJob
from ..platforms.adapter import PlatformAdapter, ShopConfig
from ..platforms.registry import shop_settings


class JobFailed(Exception):
    """A terminal failure that is not a platform rejection (bad catalog data, missing configuration)."""


class WaitingForJob(Exception):
    """The job needs another job to end first (a product's publish before its listing, a freight template before
    the product using it). The job waits, without using up an attempt, and is never claimed before the other ends;
    if the other fails or is cancelled, this one fails with its reason."""

    def __init__(self, reason: str, *, job: SyncJob):
        super().__init__(reason)
        self.reason = reason
        self.job = job


@dataclass
class JobContext:
    """What a handler gets: the job, its shop, an adapter whose calls are recorded, and the worker id."""

    job: SyncJob
    shop: Shop
    adapter: PlatformAdapter
    owner: str
    # The outbox's enqueue, handed in by the outbox when it builds the context: the layers under the outbox
    # never import it.
    enqueue_job: Callable[..., SyncJob]
    # The job's parameters, read once from ``job.params`` into its kind's dataclass (a ``params.JobParams``;
    # typed loosely here because ``params`` builds on this module); ``None`` for a kind that takes none.
    params: Any = None

    def enqueue(self, **kwargs) -> SyncJob:
        kwargs.setdefault("shop", self.shop)
        return self.enqueue_job(**kwargs)

    def wait_for(self, reason: str, **kwargs) -> WaitingForJob:
        """Queue the job this one needs first, ahead of it (or find it queued), and return the exception that makes
        this one wait for it: ``raise ctx.wait_for(reason, kind=…, target=…)``."""
        return WaitingForJob(reason, job=self.enqueue(ahead_of=self.job, **kwargs))


HandlerFn = Callable[[JobContext], dict]


def shop_config(shop: Shop) -> ShopConfig:
    # The platform's own settings come through its settings schema (``platforms/<platform>/settings.py``).
    options, extra_secret = shop_settings(shop.platform, shop.platform_settings)
    return ShopConfig(
        platform=shop.platform,
        app_id=shop.app_id,
        app_secret=shop.get_app_secret(),
        base_url=shop.base_url,
        shop_id=shop.pk,
        options=options,
        extra_secret=extra_secret,
    )
