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

from channels_sync.platforms.errors import ProtocolError
from channels_sync.platforms.minishop.client import MiniShopClient
from channels_sync.platforms.order_types import DeliveryCompany, OrderStage, RemoteOrder, RemoteParcel
from channels_sync.platforms.wechat import answer_list, answer_object, answer_text
from channels_sync.platforms.wechat_orders import (
    order_item,
    order_parcels,
    read_count,
    read_mapping,
    read_sequence,
    remote_order,
    shipped_counts,
)

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
    detail = read_mapping(order.get("order_detail"))
    # Order times are China-time text; a parcel's delivery_time is a unix timestamp.
    parcels = order_parcels(order, read_time=_unix)
    shipped = shipped_counts(parcels)
    items = tuple(
        order_item(line, answer_text(line, "product_id"), answer_text(line, "sku_id"), shipped)
        for line in (read_mapping(line) for line in read_sequence(detail.get("product_infos")))
    )
    return remote_order(
        order, order_id=order_id, status=status, items=items, parcels=parcels, stages=ORDER_STAGES, read_time=_time
    )


def _number(value: str) -> int:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"{value!r} is not a numeric mini-shop id")
    return int(text)


def _time(value: Any) -> datetime | None:
    """A "YYYY-MM-DD HH:MM:SS" China time; ``None`` when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=BEIJING)
    except ValueError:
        return None


def _unix(value: Any) -> datetime | None:
    seconds = read_count(value)
    return datetime.fromtimestamp(seconds, tz=BEIJING) if seconds else None
