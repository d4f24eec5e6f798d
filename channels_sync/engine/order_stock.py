"""How many pieces of each order line the local stock must have given up, whatever the platform and however often
the order is seen (issue 13, "One stock for every shop").

An order is seen many times: by its event, by every poll whose window holds it, by a read after shipping. Instead
of acting on what happened ("paid", "refunded"), the sync compares what an order line *should* have taken off the
local stock now with what it already took, and moves the difference. Seen again unchanged, the difference is 0;
cancelled, or refunded, the target falls and the pieces come back once.

The target of a line: nothing while the order is unpaid (the sale is not made) or once it is cancelled, else the
pieces sold minus the pieces refunded. An order whose stage the adapter does not know
(the legacy V1.17 store, whose pulled orders are all paid) counts as sold.

Who follows a change: every other shop, by an ordinary stock delta. The shop where the sale happened took the
pieces off its own stock already, so its baseline moves with the local stock and nothing is sent back to it. A
give-back is different: the Channels store never puts stock back for a refund (API reference §3.4), so the shop
where the order was placed gets the pieces back by a delta like the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from channels_sync.platforms.order_types import OrderStage, RemoteOrder, RemoteOrderItem

# Stages in which no piece is sold: not paid yet, or cancelled (before payment, or after it with everything given
# back, "包括售后取消").
NOT_SOLD = frozenset({OrderStage.UNPAID, OrderStage.CANCELLED})


@dataclass(frozen=True)
class LineChange:
    """A change of one order line's hold on the local stock: ``delta`` pieces (negative: taken off the stock)."""

    remote_product_id: str
    remote_sku_key: str
    delta: int

    @property
    def origin_moved_already(self) -> bool:
        """Whether the shop of the order changed its own stock by the same amount (a sale: yes; a give-back: no)."""
        return self.delta < 0


def line_key(item: RemoteOrderItem) -> tuple[str, str]:
    return item.remote_product_id, item.remote_sku_key


def held_pieces(order: RemoteOrder, item: RemoteOrderItem) -> int:
    """What the line should have taken off the local stock now."""
    if order.stage in NOT_SOLD:
        return 0
    return max(item.count - item.refunded_count, 0)


def line_changes(order: RemoteOrder, held: Mapping[tuple[str, str], int]) -> list[LineChange]:
    """The changes that bring each line's hold from ``held`` (what it took so far; absent lines took nothing)
    to :func:`held_pieces`. Lines that need no change are left out."""
    totals: dict[tuple[str, str], int] = {}
    for item in order.items:
        totals[line_key(item)] = totals.get(line_key(item), 0) + held_pieces(order, item)
    changes = []
    for key, target in totals.items():
        delta = held.get(key, 0) - target
        if delta:
            changes.append(LineChange(remote_product_id=key[0], remote_sku_key=key[1], delta=delta))
    return changes
