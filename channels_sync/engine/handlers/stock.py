"""Stock: deltas per SKU from the last synced stock, settled by reading when an answer was lost; reconcile reads."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from products.models import Sku

from ...models import (
    RemoteSkuStock,
    SyncJob,
)
from ...platforms.adapter import Capability
from ..bindings import (
    binding_record_success,
    detects_missing_product,
    product_missing_in_shop,
    remote_status_word,
)
from ..context import JobContext, JobFailed
from ..registry import handles
from .products import handle_product_publish, job_product, require_bound_product

logger = logging.getLogger("channels_sync.jobs")


@handles(SyncJob.Kind.STOCK_PUSH)
@detects_missing_product
def handle_stock_push(ctx: JobContext) -> dict:
    """Bring each SKU's remote quantity in line with the local stock, one delta per SKU (design §4 "Stock").

    The delta is the local stock minus the stock last synced, so every movement since the last push is sent as one
    call. The remote quantity before the delta is the one the shop last confirmed (``remote_stock``); it is read
    only when unknown: never recorded, a delta whose answer was lost, or a job whose last outcome is unknown.
    Every delta is recorded as in flight before the calls, which go out together in a few threads
    (``SYNC_STOCK_THREADS``), outside any transaction; a lost answer is then settled by reading, never by
    sending twice.
    """
    product = job_product(ctx)
    if product is None:
        return {"skipped": "product deleted"}
    binding = require_bound_product(ctx, product)
    if Capability.STOCK_IN_PAYLOAD in ctx.adapter.capabilities:
        # The product body carries the stock there (see Capability.STOCK_IN_PAYLOAD).
        return handle_product_publish(ctx)
    if Capability.DRAFT in ctx.adapter.capabilities and not binding.listed_once:
        # A drafted platform takes stock updates only once the product has been listed; listing queues this again.
        return {"remote_id": binding.remote_id, "skipped": "never listed"}
    skus = list(product.skus.order_by("position", "pk"))
    states = _stock_states(ctx, skus)
    quantities = _RemoteQuantities(ctx, binding.remote_id)
    deltas: list[_Delta] = []
    for sku in skus:
        state = states[sku.pk]
        key = state.remote_sku_key or sku.spec_key
        if state.in_flight_delta is not None:
            _settle_in_flight_delta(ctx, state, quantities.get(key))
        delta = sku.stock - state.synced_stock
        if delta == 0:
            continue
        known = state.remote_stock is not None and not ctx.job.outcome_unknown
        remote_before = state.remote_stock if known else quantities.get(key)
        if delta < 0 and remote_before + delta < 0:
            raise JobFailed(
                gettext(
                    "The shop holds %(remote)d of %(sku)s, fewer than the %(count)d to take off: reconcile the "
                    "stock first."
                )
                % {"remote": remote_before, "sku": sku.spec_label or key or gettext("the SKU"), "count": -delta}
            )
        state.in_flight_delta, state.in_flight_remote_before, state.remote_stock = delta, remote_before, remote_before
        deltas.append(_Delta(state=state, key=key, delta=delta, remote_before=remote_before))
    if not deltas:
        return {"remote_id": binding.remote_id, "deltas": {}}
    RemoteSkuStock.objects.bulk_update(
        [d.state for d in deltas], ["in_flight_delta", "in_flight_remote_before", "remote_stock"]
    )
    errors = _send_deltas(ctx, binding.remote_id, deltas)
    applied = [d for d, error in zip(deltas, errors, strict=True) if error is None]
    now = timezone.now()
    for d in applied:
        d.state.synced_stock = F("synced_stock") + d.delta
        d.state.remote_stock, d.state.remote_stock_read_at = d.remote_before + d.delta, now
        d.state.in_flight_delta = d.state.in_flight_remote_before = None
    if applied:
        RemoteSkuStock.objects.bulk_update(
            [d.state for d in applied],
            ["synced_stock", "remote_stock", "remote_stock_read_at", "in_flight_delta", "in_flight_remote_before"],
        )
    # A delta that failed stays in flight: the next attempt reads the shop to know whether it was applied.
    for error in errors:
        if error is not None:
            raise error
    return {"remote_id": binding.remote_id, "deltas": {d.key or "-": d.delta for d in deltas}}


@dataclass
class _Delta:
    state: RemoteSkuStock
    key: str
    delta: int
    remote_before: int


def _stock_states(ctx: JobContext, skus: list[Sku]) -> dict[int, RemoteSkuStock]:
    """Each SKU's stock state in the shop, in one read; a SKU without one starts from its stock."""
    states = {state.sku_id: state for state in RemoteSkuStock.objects.filter(shop=ctx.shop, sku__in=skus)}
    missing = [sku for sku in skus if sku.pk not in states]
    if missing:
        RemoteSkuStock.objects.bulk_create(
            [
                RemoteSkuStock(shop=ctx.shop, sku=sku, remote_sku_key=sku.spec_key, synced_stock=sku.stock)
                for sku in missing
            ],
            ignore_conflicts=True,
        )
        states.update((state.sku_id, state) for state in RemoteSkuStock.objects.filter(shop=ctx.shop, sku__in=missing))
    return states


def _send_deltas(ctx: JobContext, remote_id: str, deltas: list[_Delta]) -> list[BaseException | None]:
    """Send every delta, a few at a time; returns each one's error (None when applied), in order."""

    def send(item: _Delta) -> BaseException | None:
        try:
            ctx.adapter.stock_change(remote_id=remote_id, sku_key=item.key, delta=item.delta)
        except Exception as error:  # noqa: BLE001  (handed back, raised by the job once every answer is in)
            return error
        return None

    threads = min(max(1, settings.SYNC_STOCK_THREADS), len(deltas))
    if threads == 1:
        return [send(item) for item in deltas]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="stock-delta") as pool:
        return list(pool.map(send, deltas))


class _RemoteQuantities:
    """Each SKU's remote quantity, read once per job: in one call where the platform reads a whole product."""

    def __init__(self, ctx: JobContext, remote_id: str):
        self.ctx = ctx
        self.remote_id = remote_id
        self._all = None
        self._read_all = False

    def get(self, key: str) -> int:
        if not self._read_all:
            self._all = self.ctx.adapter.stock_read_all(remote_id=self.remote_id)
            self._read_all = True
        if self._all is not None and key in self._all:
            return self._all[key]
        return self.ctx.adapter.stock_read(remote_id=self.remote_id, sku_key=key)


def _settle_in_flight_delta(ctx: JobContext, state: RemoteSkuStock, remote_now: int) -> None:
    """A delta was sent but its answer never came: the remote quantity tells whether it was applied."""
    applied = remote_now - state.in_flight_remote_before == state.in_flight_delta
    fields = {
        "in_flight_delta": None,
        "in_flight_remote_before": None,
        "remote_stock": remote_now,
        "remote_stock_read_at": timezone.now(),
    }
    if applied:
        fields["synced_stock"] = F("synced_stock") + state.in_flight_delta
    RemoteSkuStock.objects.filter(pk=state.pk).update(**fields)
    logger.info(
        "sync.stock.in_flight_settled",
        extra={"shop_id": ctx.shop.pk, "sku_id": state.sku_id, "applied": applied, "delta": state.in_flight_delta},
    )
    state.refresh_from_db()


@handles(SyncJob.Kind.STOCK_RECONCILE)
@detects_missing_product
def handle_stock_reconcile(ctx: JobContext) -> dict:
    """Read the remote quantity of every SKU of a product and record the drift (nothing is changed)."""
    product = job_product(ctx)
    if product is None:
        return {"skipped": "product deleted"}
    binding = require_bound_product(ctx, product)
    remote = ctx.adapter.product_get(remote_id=binding.remote_id)
    if not remote.exists:
        raise product_missing_in_shop(binding, remote.missing_errcode, remote.missing_errmsg)
    drift = {}
    for sku in product.skus.all():
        state, _ = RemoteSkuStock.objects.get_or_create(
            shop=ctx.shop, sku=sku, defaults={"remote_sku_key": sku.spec_key, "synced_stock": sku.stock}
        )
        quantity = remote.stock_by_sku_key.get(state.remote_sku_key or sku.spec_key)
        RemoteSkuStock.objects.filter(pk=state.pk).update(remote_stock=quantity, remote_stock_read_at=timezone.now())
        drift[sku.spec_key or "-"] = None if quantity is None else sku.stock - quantity
    binding_record_success(binding, remote_status=remote_status_word(remote))
    return {"drift": drift}
