"""What the Channels store and the mini-shop answer alike about an order (the mini-shop's order API is the Channels
store's ancestor): the detail's price, pay, address and parcel blocks, read into the neutral ``RemoteOrder``. Each
platform's ``orders.py`` keeps what differs: how it spells and checks ids, its time format, its lines' checks and
its after-sales.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from .order_types import OrderStage, ParcelItem, RemoteOrder, RemoteOrderItem, RemoteParcel
from .wechat import answer_text

ReadTime = Callable[[Any], datetime | None]


def read_mapping(value: Any) -> Mapping[str, Any]:
    """An object of the answer; anything else (absent, null) reads as empty."""
    return value if isinstance(value, Mapping) else {}


def read_sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def read_count(value: Any) -> int:
    """A count or an amount in fen; absent reads as 0 (digit strings are accepted: some answers quote numbers)."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def read_parcel(entry: Any, *, read_time: ReadTime) -> RemoteParcel:
    """A ``delivery_product_info[]`` entry: company, waybill, the pieces it holds and when it went."""
    entry = read_mapping(entry)
    return RemoteParcel(
        company=answer_text(entry, "delivery_id"),
        track_no=answer_text(entry, "waybill_id"),
        items=tuple(
            ParcelItem(
                remote_product_id=answer_text(item, "product_id"),
                remote_sku_key=answer_text(item, "sku_id"),
                count=read_count(item.get("product_cnt")),
            )
            for item in (read_mapping(item) for item in read_sequence(entry.get("product_infos")))
        ),
        shipped_at=read_time(entry.get("delivery_time")),
    )


def order_parcels(order: Mapping[str, Any], *, read_time: ReadTime) -> tuple[RemoteParcel, ...]:
    delivery = read_mapping(read_mapping(order.get("order_detail")).get("delivery_info"))
    return tuple(
        read_parcel(entry, read_time=read_time) for entry in read_sequence(delivery.get("delivery_product_info"))
    )


def shipped_counts(parcels: tuple[RemoteParcel, ...]) -> dict[tuple[str, str], int]:
    """Pieces shipped per (product id, SKU id): the answers give no shipped count per line, only the parcels."""
    shipped: dict[tuple[str, str], int] = {}
    for parcel in parcels:
        for piece in parcel.items:
            key = (piece.remote_product_id, piece.remote_sku_key)
            shipped[key] = shipped.get(key, 0) + piece.count
    return shipped


def order_item(
    line: Mapping[str, Any], product_id: str, sku_id: str, shipped: Mapping[tuple[str, str], int]
) -> RemoteOrderItem:
    """A ``product_infos[]`` line whose ids the platform's reader has checked."""
    return RemoteOrderItem(
        remote_product_id=product_id,
        remote_sku_key=sku_id,
        product_name=answer_text(line, "title"),
        price=read_count(line.get("sale_price")),
        count=read_count(line.get("sku_cnt")),
        image_url=answer_text(line, "thumb_img"),
        delivered_count=shipped.get((product_id, sku_id), 0),
        refunded_count=read_count(line.get("finish_aftersale_sku_cnt")),
        out_sku_id=answer_text(line, "out_sku_id"),
    )


def remote_order(
    order: Mapping[str, Any],
    *,
    order_id: str,
    status: int,
    items: tuple[RemoteOrderItem, ...],
    parcels: tuple[RemoteParcel, ...],
    stages: Mapping[int, str],
    read_time: ReadTime,
    **extra: Any,
) -> RemoteOrder:
    """The ``RemoteOrder`` of an order object, from the blocks both platforms spell alike; ``extra`` is what only
    one platform answers (the Channels store's after-sale ids)."""
    detail = read_mapping(order.get("order_detail"))
    prices = read_mapping(detail.get("price_info"))
    pay = read_mapping(detail.get("pay_info"))
    address = read_mapping(read_mapping(detail.get("delivery_info")).get("address_info"))
    return RemoteOrder(
        remote_order_id=order_id,
        status=status,
        total_price=read_count(prices.get("order_price")),
        express_price=read_count(prices.get("freight")),
        created_at=read_time(order.get("create_time")),
        buyer_openid=answer_text(order, "openid"),
        buyer_nick="",
        receiver_name=answer_text(address, "user_name"),
        receiver_province=answer_text(address, "province_name"),
        receiver_city=answer_text(address, "city_name"),
        receiver_zone=answer_text(address, "county_name"),
        receiver_address=answer_text(address, "detail_info"),
        receiver_mobile=answer_text(address, "tel_number"),
        receiver_phone="",
        delivery_company=parcels[-1].company if parcels else "",
        delivery_track_no=parcels[-1].track_no if parcels else "",
        trans_id=answer_text(pay, "transaction_id"),
        items=items,
        raw=order,
        stage=stages.get(status, OrderStage.UNKNOWN),
        updated_at=read_time(order.get("update_time")),
        paid_at=read_time(pay.get("pay_time")),
        parcels=parcels,
        **extra,
    )
