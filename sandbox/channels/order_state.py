"""What the Channels store keeps per app about its orders and after-sales (README, "Channels orders"): every order
with its lines, the parcels shipped for it and its after-sale orders.

Kept apart from :class:`~sandbox.channels.state.ShopState` so that a state file written before orders existed still
loads (its shops are unchanged; it simply has no orders). Everything here is stored in the state file: a field
renamed or added is a change of its format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Order ``status`` (getorderlist / getorder, "订单状态" enum).
ORDER_UNPAID = 10
ORDER_AWAITING_SHIPMENT = 20
ORDER_PARTLY_SHIPPED = 21
ORDER_SHIPPED = 30
ORDER_COMPLETED = 100
ORDER_CANCELLED = 250

# After-sale ``status`` (EcAftersaleInfoStatus); the subset the emulator moves through.
AFTERSALE_USER_CANCELLED = "USER_CANCELD"  # sic: the platform's spelling
AFTERSALE_MERCHANT_PROCESSING = "MERCHANT_PROCESSING"
AFTERSALE_MERCHANT_REJECT_REFUND = "MERCHANT_REJECT_REFUND"
AFTERSALE_MERCHANT_REJECT_RETURN = "MERCHANT_REJECT_RETURN"
AFTERSALE_USER_WAIT_RETURN = "USER_WAIT_RETURN"
AFTERSALE_MERCHANT_WAIT_RECEIPT = "MERCHANT_WAIT_RECEIPT"
AFTERSALE_MERCHANT_REFUND_SUCCESS = "MERCHANT_REFUND_SUCCESS"
AFTERSALE_MERCHANT_RETURN_SUCCESS = "MERCHANT_RETURN_SUCCESS"
# After-sale ``type``: a refund only, or a return and refund.
AFTERSALE_REFUND = "REFUND"
AFTERSALE_RETURN = "RETURN"
# States in which the merchant still has to act (accept or reject).
AFTERSALE_OPEN = frozenset({AFTERSALE_MERCHANT_PROCESSING, AFTERSALE_USER_WAIT_RETURN, AFTERSALE_MERCHANT_WAIT_RECEIPT})
AFTERSALE_REFUNDED = frozenset({AFTERSALE_MERCHANT_REFUND_SUCCESS, AFTERSALE_MERCHANT_RETURN_SUCCESS})


@dataclass
class OrderLine:
    """One product line of an order (``order_detail.product_infos[]``)."""

    product_id: str
    sku_id: str
    out_product_id: str
    out_sku_id: str
    title: str
    thumb_img: str
    sale_price: int
    sku_cnt: int
    # Pieces shipped so far, under an open after-sale, and refunded by a finished one.
    delivered_cnt: int = 0
    on_aftersale_sku_cnt: int = 0
    finish_aftersale_sku_cnt: int = 0

    def undelivered(self) -> int:
        return self.sku_cnt - self.delivered_cnt - self.finish_aftersale_sku_cnt


@dataclass
class ChannelsOrder:
    order_id: str
    openid: str
    create_time: int
    update_time: int
    status: int
    lines: list[OrderLine]
    freight: int
    address: dict[str, Any]
    pay_time: int | None = None
    transaction_id: str = ""
    # One entry per delivery/send parcel: waybill_id, delivery_id, delivery_time, deliver_type, product_infos.
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    aftersale_ids: list[str] = field(default_factory=list)

    def line(self, product_id: str, sku_id: str) -> OrderLine | None:
        return next((line for line in self.lines if (line.product_id, line.sku_id) == (product_id, sku_id)), None)


@dataclass
class AfterSale:
    after_sale_order_id: str
    order_id: str
    openid: str
    type: str
    status: str
    product_id: str
    sku_id: str
    count: int
    amount: int
    reason: str
    create_time: int
    update_time: int
    reject_reason: str = ""


@dataclass
class OrderBook:
    """One app's orders and after-sales."""

    orders: dict[str, ChannelsOrder] = field(default_factory=dict)
    aftersales: dict[str, AfterSale] = field(default_factory=dict)
