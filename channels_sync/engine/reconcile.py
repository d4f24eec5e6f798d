"""Repairing a stock drift found by a reconcile (issue 13, "One stock for every shop"): per SKU and shop, either
the shop is brought back to the local figure, or the local stock takes the shop's figure and the other shops follow.

Both start from the quantity the last reconcile read (``RemoteSkuStock.remote_stock``); a row never read, or with
a delta in flight (the shop's quantity is not known until that delta is settled), is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from products.models import Sku

from ..models import RemoteBinding, RemoteSkuStock, StockMovement
from ..platforms.adapter import Capability
from ..platforms.registry import has_capability
from .fanout import stock_push_enqueue


class RepairRefused(Exception):
    """A row the repair cannot start from; the message says why, for the merchant."""


@dataclass(frozen=True)
class AcceptedFigure:
    """The outcome of accepting a shop's figure: the local stock moved by ``delta`` to ``stock_after``."""

    movement: StockMovement
    delta: int
    stock_after: int


def repair_refusal(state: RemoteSkuStock) -> str | None:
    if state.remote_stock is None:
        return _("%(shop)s · %(sku)s: the shop's quantity was never read; reconcile the stock first.") % {
            "shop": state.shop.name,
            "sku": state.sku,
        }
    if state.in_flight_delta is not None:
        return _(
            "%(shop)s · %(sku)s: a stock change is still being sent to the shop; wait for it to finish, then "
            "reconcile again."
        ) % {"shop": state.shop.name, "sku": state.sku}
    return None


def _locked_state(state_id: int) -> RemoteSkuStock:
    # Locked with its SKU so a sale or a push landing meanwhile waits for the repair instead of being overwritten.
    return RemoteSkuStock.objects.select_for_update().select_related("shop", "sku__product").get(pk=state_id)


def push_local_stock(*, state: RemoteSkuStock) -> None:
    """Bring the shop to the local stock: the baseline becomes the quantity the shop was read to hold, so the
    ordinary stock push sends the local stock minus that quantity as one delta (only to this shop). Where the
    product body carries the stock, the push is a publish: the last pushed hash is forgotten so that publish is
    sent even though the local body did not change."""
    with transaction.atomic():
        state = _locked_state(state.pk)
        refusal = repair_refusal(state)
        if refusal:
            raise RepairRefused(refusal)
        RemoteSkuStock.objects.filter(pk=state.pk).update(synced_stock=state.remote_stock)
        if has_capability(state.shop.platform, Capability.STOCK_IN_PAYLOAD):
            RemoteBinding.objects.filter(
                shop=state.shop,
                content_type=ContentType.objects.get_for_model(state.sku.product),
                object_id=state.sku.product_id,
            ).update(last_pushed_hash="")
        stock_push_enqueue(product=state.sku.product, only_shop=state.shop)


def accept_shop_stock(*, state: RemoteSkuStock, user, note: str) -> AcceptedFigure:
    """Set the local stock of the SKU to the shop's last read quantity, in one transaction, as a movement with who
    and why; the other shops get the change as ordinary deltas. The shop whose figure it is already holds it, so its
    baseline becomes that figure and nothing is sent back to it."""
    with transaction.atomic():
        state = _locked_state(state.pk)
        refusal = repair_refusal(state)
        if refusal:
            raise RepairRefused(refusal)
        if state.remote_stock < 0:
            raise RepairRefused(
                _("%(shop)s · %(sku)s: the shop's quantity %(quantity)d is below zero and cannot be the local stock.")
                % {"shop": state.shop.name, "sku": state.sku, "quantity": state.remote_stock}
            )
        sku = Sku.objects.select_for_update().get(pk=state.sku_id)
        delta = state.remote_stock - sku.stock
        # Through the queryset: it keeps Product.total_stock in the same transaction.
        Sku.objects.filter(pk=sku.pk).update(stock=state.remote_stock)
        movement = StockMovement.objects.create(
            sku=sku,
            delta=delta,
            stock_after=state.remote_stock,
            reason=StockMovement.Reason.RECONCILE,
            note=f"{state.shop.name}: {note}"[:200],
            created_by=user,
        )
        RemoteSkuStock.objects.filter(pk=state.pk).update(synced_stock=state.remote_stock)
        stock_push_enqueue(product=state.sku.product, exclude_shop=state.shop)
    return AcceptedFigure(movement=movement, delta=delta, stock_after=state.remote_stock)
