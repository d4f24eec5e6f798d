"""The orders and after-sales every platform's reader fills, whatever its own fields and status numbers: what the
engine stores (``engine/handlers/orders.py``) and the admin shows. Plain frozen values, no ORM."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


class OrderStage:
    """Where an order stands, whatever the platform's own status numbers: what the stock sync acts on (a paid
    order's pieces are sold; a cancelled one gives back what it took)."""

    UNPAID = "unpaid"
    AWAITING_SHIPMENT = "awaiting_shipment"
    PARTLY_SHIPPED = "partly_shipped"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    # A status the adapter does not know (the V1.17 manual leaves some undefined).
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class RemoteOrderItem:
    remote_product_id: str
    remote_sku_key: str
    product_name: str
    price: int
    count: int
    image_url: str
    # Pieces shipped so far, and refunded by a finished after-sale (platforms that report them per line).
    delivered_count: int = 0
    refunded_count: int = 0
    out_sku_id: str = ""


@dataclass(frozen=True)
class ParcelItem:
    """Pieces of one order line in a parcel."""

    remote_product_id: str
    remote_sku_key: str
    count: int


@dataclass(frozen=True)
class RemoteParcel:
    """One shipment of an order: the company id, the tracking number and what it holds (partial delivery)."""

    company: str
    track_no: str
    items: tuple[ParcelItem, ...]
    shipped_at: datetime | None = None


@dataclass(frozen=True)
class DeliveryCompany:
    company_id: str
    name: str


class AfterSaleKind:
    REFUND = "refund"
    RETURN = "return"


@dataclass(frozen=True)
class RejectReason:
    """A reason the platform lets the merchant reject an after-sale with: its number (``reject_reason_type``), its
    name, the description the buyer sees when the merchant writes none, and the after-sale kinds it applies to."""

    reason_type: int
    label: str
    default_text: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class RemoteAfterSale:
    """An after-sale (refund, or return and refund) of one order line. ``status`` is the platform's own;
    ``awaiting_merchant`` says the merchant has to accept or reject it now, ``refunded`` that the pieces were
    refunded (the moment the local stock may take them back)."""

    remote_aftersale_id: str
    remote_order_id: str
    kind: str
    status: str
    awaiting_merchant: bool
    refunded: bool
    closed: bool
    remote_product_id: str
    remote_sku_key: str
    count: int
    amount: int
    created_at: datetime | None
    updated_at: datetime | None
    raw: Mapping


@dataclass(frozen=True)
class RemoteOrder:
    remote_order_id: str
    status: int
    total_price: int
    express_price: int
    created_at: datetime | None
    buyer_openid: str
    buyer_nick: str
    receiver_name: str
    receiver_province: str
    receiver_city: str
    receiver_zone: str
    receiver_address: str
    receiver_mobile: str
    receiver_phone: str
    delivery_company: str
    delivery_track_no: str
    trans_id: str
    items: tuple[RemoteOrderItem, ...]
    raw: Mapping
    stage: str = OrderStage.UNKNOWN
    updated_at: datetime | None = None
    paid_at: datetime | None = None
    parcels: tuple[RemoteParcel, ...] = ()
    remote_aftersale_ids: tuple[str, ...] = ()
