"""Orders and delivery of a mini-shop (sandbox README, "Mini-shop orders", which lists the official pages): the calls
over a :class:`~channels_sync.platforms.minishop.client.MiniShopClient`, and the parser of an order into the
neutral :class:`~channels_sync.platforms.adapter.RemoteOrder`.

``product/order/get_list`` answers whole orders, filtered by create or update time given as "YYYY-MM-DD HH:MM:SS"
in China time and paged by ``page``; ``product/delivery/send`` ships the whole order or parcels per SKU. Order
status: 10 unpaid, 20 awaiting shipment, 21 partly shipped, 30 shipped, 100 completed, 200 cancelled after every
piece was refunded, 250 cancelled by the buyer or unpaid in time. The mini-shop documents no order push: its orders
are found by polling.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from channels_sync.platforms.adapter import (
    DeliveryCompany,
    OrderStage,
    ParcelItem,
    RemoteOrder,
    RemoteOrderItem,
    RemoteParcel,
)
from channels_sync.platforms.errors import ProtocolError
from channels_sync.platforms.minishop.client import MiniShopClient
from channels_sync.platforms.wechat import answer_list, answer_object, answer_text

BEIJING = timezone(timedelta(hours=8))
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
ORDER_PAGE_SIZE = 100
ORDER_STAGES: Mapping[int, str] = {
    10: OrderStage.UNPAID,
    20: OrderStage.AWAITING_SHIPMENT,
    21: OrderStage.PARTLY_SHIPPED,
    30: OrderStage.SHIPPED,
    100: OrderStage.COMPLETED,
    200: OrderStage.CANCELLED,
    250: OrderStage.CANCELLED,
}


def china_time(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime(TIME_FORMAT)


class MiniShopOrders:
    """The order and delivery calls of one mini-shop."""

    def __init__(self, client: MiniShopClient) -> None:
        self.client = client

    def orders_page(
        self, *, since: datetime, until: datetime, page: int = 1, page_size: int = ORDER_PAGE_SIZE
    ) -> tuple[list[Any], int]:
        """POST /product/order/get_list by update time: ``(orders, total_num)`` of one page (``page`` from 1)."""
        if not 1 <= page_size <= ORDER_PAGE_SIZE:
            raise ValueError(f"page_size must be 1 to {ORDER_PAGE_SIZE}")
        path = "/product/order/get_list"
        body = {
            "start_update_time": china_time(since),
            "end_update_time": china_time(until),
            "page": page,
            "page_size": page_size,
        }
        answer = self.client.post(path, body)
        orders = answer_list(answer, "orders", path)
        total = answer.get("total_num", len(orders))
        if isinstance(total, bool) or not isinstance(total, int):
            raise ProtocolError("total_num is not an integer", endpoint=path, http_status=200)
        return orders, total

    def updated_orders(self, since: datetime, until: datetime) -> Iterator[dict[str, Any]]:
        """Every order updated within ``[since, until]``, page after page."""
        page = 1
        while True:
            orders, total = self.orders_page(since=since, until=until, page=page)
            yield from orders
            if not orders or page * ORDER_PAGE_SIZE >= total:
                return
            page += 1

    def order_get(self, order_id: str) -> dict[str, Any]:
        path = "/product/order/get"
        return answer_object(self.client.post(path, {"order_id": _number(order_id)}), "order", path)

    def delivery_companies(self) -> list[DeliveryCompany]:
        """POST /product/delivery/get_company_list. The page's example wraps the list in ``data``, the platform's
        answers (and the emulator) put it at the top: both are read."""
        path = "/product/delivery/get_company_list"
        answer = self.client.post(path, {})
        holder = answer.get("data") if isinstance(answer.get("data"), Mapping) else answer
        return [
            DeliveryCompany(answer_text(item, "delivery_id"), answer_text(item, "delivery_name"))
            for item in answer_list(holder, "company_list", path)
            if isinstance(item, Mapping) and answer_text(item, "delivery_id")
        ]

    def delivery_send(self, order_id: str, parcels: Sequence[RemoteParcel]) -> None:
        """POST /product/delivery/send: each parcel names its pieces (``is_all_product`` false); a parcel without
        items ships whatever is left of the order."""
        if not parcels:
            raise ValueError("at least one parcel is required")
        delivery_list = []
        for parcel in parcels:
            entry: dict[str, Any] = {"delivery_id": parcel.company, "waybill_id": parcel.track_no}
            if parcel.items:
                entry["is_all_product"] = False
                entry["product_infos"] = [
                    {
                        "product_id": _number(item.remote_product_id),
                        "sku_id": _number(item.remote_sku_key),
                        "product_cnt": item.count,
                    }
                    for item in parcel.items
                ]
            else:
                entry["is_all_product"] = True
            delivery_list.append(entry)
        self.client.post("/product/delivery/send", {"order_id": _number(order_id), "delivery_list": delivery_list})


def parse_order(order: Mapping[str, Any]) -> RemoteOrder:
    """An order of get_list or get as a :class:`RemoteOrder`; ``order_id`` and ``status`` are required."""
    path = "/product/order/get"
    order_id = answer_text(order, "order_id")
    status = order.get("status")
    if not order_id or isinstance(status, bool) or not isinstance(status, int):
        raise ProtocolError("an order without order_id or status", endpoint=path, http_status=200)
    detail = _mapping(order.get("order_detail"))
    prices = _mapping(detail.get("price_info"))
    pay = _mapping(detail.get("pay_info"))
    delivery = _mapping(detail.get("delivery_info"))
    address = _mapping(delivery.get("address_info"))
    parcels = tuple(_parcel(entry) for entry in _sequence(delivery.get("delivery_product_info")))
    shipped: dict[tuple[str, str], int] = {}
    for parcel in parcels:
        for piece in parcel.items:
            key = (piece.remote_product_id, piece.remote_sku_key)
            shipped[key] = shipped.get(key, 0) + piece.count
    items = tuple(
        RemoteOrderItem(
            remote_product_id=answer_text(line, "product_id"),
            remote_sku_key=answer_text(line, "sku_id"),
            product_name=answer_text(line, "title"),
            price=_int(line.get("sale_price")),
            count=_int(line.get("sku_cnt")),
            image_url=answer_text(line, "thumb_img"),
            delivered_count=shipped.get((answer_text(line, "product_id"), answer_text(line, "sku_id")), 0),
            refunded_count=_int(line.get("finish_aftersale_sku_cnt")),
            out_sku_id=answer_text(line, "out_sku_id"),
        )
        for line in (_mapping(line) for line in _sequence(detail.get("product_infos")))
    )
    return RemoteOrder(
        remote_order_id=order_id,
        status=status,
        total_price=_int(prices.get("order_price")),
        express_price=_int(prices.get("freight")),
        created_at=_time(order.get("create_time")),
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
        stage=ORDER_STAGES.get(status, OrderStage.UNKNOWN),
        updated_at=_time(order.get("update_time")),
        paid_at=_time(pay.get("pay_time")),
        parcels=parcels,
    )


def _parcel(entry: Any) -> RemoteParcel:
    entry = _mapping(entry)
    return RemoteParcel(
        company=answer_text(entry, "delivery_id"),
        track_no=answer_text(entry, "waybill_id"),
        items=tuple(
            ParcelItem(answer_text(item, "product_id"), answer_text(item, "sku_id"), _int(item.get("product_cnt")))
            for item in (_mapping(item) for item in _sequence(entry.get("product_infos")))
        ),
        shipped_at=_unix(entry.get("delivery_time")),
    )


def _number(value: str) -> int:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"{value!r} is not a numeric mini-shop id")
    return int(text)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _int(value: Any) -> int:
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _time(value: Any) -> datetime | None:
    """A "YYYY-MM-DD HH:MM:SS" China time; ``None`` when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=BEIJING)
    except ValueError:
        return None


def _unix(value: Any) -> datetime | None:
    seconds = _int(value)
    return datetime.fromtimestamp(seconds, tz=BEIJING) if seconds else None
