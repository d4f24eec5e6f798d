"""Orders, delivery and after-sales of a Channels shop (sandbox README, "Channels orders", which lists the official
pages): the calls over a :class:`~channels_sync.platforms.channels.client.ChannelsClient`, and the parsers of their
answers into the neutral order types of ``channels_sync.platforms.adapter``.

* ``order/list/get`` takes a create or update time range of at most 7 days and pages with ``next_key`` (at most 100
  ids a page); :func:`time_windows` cuts any span into such ranges, and :meth:`ChannelsOrders.updated_order_ids`
  walks every window and page of one.
* ``aftersale/getaftersalelist`` takes pairs of at most 24 hours (10020004 beyond); :func:`time_windows` cuts those
  too.
* Order ``status``: 10 unpaid, 20 awaiting shipment, 21 partly shipped, 30 shipped, 100 completed, 250 cancelled
  (an unpaid order cancelled, or every piece refunded).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from channels_sync.platforms.channels.client import ChannelsClient
from channels_sync.platforms.errors import ProtocolError
from channels_sync.platforms.order_types import (
    AfterSaleKind,
    DeliveryCompany,
    OrderStage,
    RejectReason,
    RemoteAfterSale,
    RemoteOrder,
    RemoteOrderItem,
    RemoteParcel,
)
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

ORDER_WINDOW = timedelta(days=7)
AFTERSALE_WINDOW = timedelta(hours=24)
ORDER_PAGE_SIZE = 100
# deliver_type of delivery/send: 1 express with a waybill, 3 virtual goods shipped without logistics.
DELIVER_EXPRESS = 1
DELIVER_VIRTUAL = 3
# A company outside the list ships with this delivery_id.
OTHER_COMPANY = "OTHER"

ORDER_STAGES: Mapping[int, str] = {
    10: OrderStage.UNPAID,
    20: OrderStage.AWAITING_SHIPMENT,
    21: OrderStage.PARTLY_SHIPPED,
    30: OrderStage.SHIPPED,
    100: OrderStage.COMPLETED,
    250: OrderStage.CANCELLED,
}
# EcAftersaleInfoStatus: where the merchant must act, where the money went back, where it ended without a refund.
AFTERSALE_AWAITING_MERCHANT = frozenset({"MERCHANT_PROCESSING", "MERCHANT_WAIT_RECEIPT"})
AFTERSALE_REFUNDED = frozenset({"MERCHANT_REFUND_SUCCESS", "MERCHANT_RETURN_SUCCESS"})
AFTERSALE_CLOSED_UNREFUNDED = frozenset(
    {
        "USER_CANCELD",
        "MERCHANT_REJECT_REFUND",
        "MERCHANT_REJECT_RETURN",
        "RETURN_CLOSED",
        "MERCHANT_REFUND_RETRY_FAIL",
        "MERCHANT_FAIL",
    }
)
AFTERSALE_KINDS: Mapping[str, str] = {"REFUND": AfterSaleKind.REFUND, "RETURN": AfterSaleKind.RETURN}
# rejectreason/get reject_scene: 1 rejecting a refund, 4 a return and refund (5 and 6, exchanges, are not used).
REJECT_SCENES: Mapping[int, str] = {1: AfterSaleKind.REFUND, 4: AfterSaleKind.RETURN}


@dataclass(frozen=True)
class IdPage:
    ids: list[str]
    next_key: str
    has_more: bool


def time_windows(since: datetime, until: datetime, width: timedelta) -> list[tuple[int, int]]:
    """``[since, until]`` as consecutive ``(start, end)`` unix-second ranges no wider than ``width``; the end of
    one is the start of the next (both bounds are inclusive, so an item on a boundary is seen twice, never lost)."""
    start, end = int(since.timestamp()), int(until.timestamp())
    step = int(width.total_seconds())
    if end < start:
        raise ValueError("until is before since")
    windows = []
    while True:
        windows.append((start, min(start + step, end)))
        if start + step >= end:
            return windows
        start += step


class ChannelsOrders:
    """The order, delivery and after-sale calls of one Channels shop."""

    def __init__(self, client: ChannelsClient) -> None:
        self.client = client

    # --- orders -----------------------------------------------------------------------------------------------

    def order_ids(
        self,
        *,
        update_range: tuple[int, int] | None = None,
        create_range: tuple[int, int] | None = None,
        page_size: int = ORDER_PAGE_SIZE,
        next_key: str = "",
    ) -> IdPage:
        """POST /channels/ec/order/list/get: one page of order ids whose update (or create) time lies in the range
        (unix seconds, at most 7 days apart)."""
        if update_range is None and create_range is None:
            raise ValueError("an update or create time range is required")
        if not 1 <= page_size <= ORDER_PAGE_SIZE:
            raise ValueError(f"page_size must be 1 to {ORDER_PAGE_SIZE}")
        body: dict[str, Any] = {"page_size": page_size}
        for key, given in (("update_time_range", update_range), ("create_time_range", create_range)):
            if given is not None:
                _check_range(given, ORDER_WINDOW)
                body[key] = {"start_time": given[0], "end_time": given[1]}
        if next_key:
            body["next_key"] = next_key
        path = self.client.path("order/list/get")
        answer = self.client.post(path, body)
        ids = [_id(value, "order_id_list", path) for value in answer_list(answer, "order_id_list", path)]
        return IdPage(ids=ids, next_key=answer_text(answer, "next_key"), has_more=answer.get("has_more") is True)

    def updated_order_ids(self, since: datetime, until: datetime) -> Iterator[str]:
        """Every order updated within ``[since, until]``: each window of 7 days, each page of it. An id may come
        twice (an order on a window boundary); the caller dedupes."""
        for window in time_windows(since, until, ORDER_WINDOW):
            next_key = ""
            while True:
                page = self.order_ids(update_range=window, next_key=next_key)
                yield from page.ids
                if not page.has_more or not page.ids:
                    break
                next_key = page.next_key

    def order_get(self, order_id: str) -> dict[str, Any]:
        """POST /channels/ec/order/get: the ``order`` object."""
        path = self.client.path("order/get")
        return answer_object(self.client.post(path, {"order_id": order_id}), "order", path)

    def delivery_companies(self) -> list[DeliveryCompany]:
        """POST /channels/ec/order/deliverycompanylist/get (an empty body, as the docs ask)."""
        path = self.client.path("order/deliverycompanylist/get")
        companies = []
        for index, item in enumerate(answer_list(self.client.post(path, {}), "company_list", path)):
            if not isinstance(item, Mapping) or not answer_text(item, "delivery_id"):
                raise ProtocolError(f"company_list[{index}] has no delivery_id", endpoint=path, http_status=200)
            companies.append(DeliveryCompany(answer_text(item, "delivery_id"), answer_text(item, "delivery_name")))
        return companies

    def delivery_send(self, order_id: str, parcels: Sequence[RemoteParcel]) -> None:
        """POST /channels/ec/order/delivery/send: one or more parcels, each with its pieces (a partial delivery
        names only what it ships). A parcel without a company ships as virtual goods (deliver_type 3)."""
        if not parcels or any(not parcel.items for parcel in parcels):
            raise ValueError("every parcel needs at least one item")
        body = {"order_id": order_id, "delivery_list": [delivery_entry(parcel) for parcel in parcels]}
        self.client.post(self.client.path("order/delivery/send"), body)

    # --- after-sales -----------------------------------------------------------------------------------------

    def aftersale_ids(self, *, update_range: tuple[int, int], next_key: str = "") -> IdPage:
        """POST /channels/ec/aftersale/getaftersalelist by update time (at most 24 hours apart)."""
        _check_range(update_range, AFTERSALE_WINDOW)
        body: dict[str, Any] = {"begin_update_time": update_range[0], "end_update_time": update_range[1]}
        if next_key:
            body["next_key"] = next_key
        path = self.client.path("aftersale/getaftersalelist")
        answer = self.client.post(path, body)
        ids = [
            _id(value, "after_sale_order_id_list", path)
            for value in answer_list(answer, "after_sale_order_id_list", path)
        ]
        return IdPage(ids=ids, next_key=answer_text(answer, "next_key"), has_more=answer.get("has_more") is True)

    def updated_aftersale_ids(self, since: datetime, until: datetime) -> Iterator[str]:
        for window in time_windows(since, until, AFTERSALE_WINDOW):
            next_key = ""
            while True:
                page = self.aftersale_ids(update_range=window, next_key=next_key)
                yield from page.ids
                if not page.has_more or not page.ids:
                    break
                next_key = page.next_key

    def aftersale_get(self, after_sale_order_id: str) -> dict[str, Any]:
        path = self.client.path("aftersale/getaftersaleorder")
        body = {"after_sale_order_id": after_sale_order_id}
        return answer_object(self.client.post(path, body), "after_sale_order", path)

    def aftersale_accept(self, after_sale_order_id: str) -> None:
        """POST /channels/ec/aftersale/acceptapply: refunds a refund, or lets a return's parcel come back (and,
        once it arrived, refunds it)."""
        self.client.post(self.client.path("aftersale/acceptapply"), {"after_sale_order_id": after_sale_order_id})

    def aftersale_reject_reasons(self) -> list[RejectReason]:
        """POST /channels/ec/aftersale/rejectreason/get (an empty body): one entry per reason and scene, merged
        here into one reason per number with the kinds it applies to."""
        path = self.client.path("aftersale/rejectreason/get")
        merged: dict[int, RejectReason] = {}
        for index, entry in enumerate(answer_list(self.client.post(path, {}), "reason_list", path)):
            reason_type = read_count(read_mapping(entry).get("reject_reason_type"))
            if not reason_type:
                raise ProtocolError(f"reason_list[{index}] has no reject_reason_type", endpoint=path, http_status=200)
            kind = REJECT_SCENES.get(read_count(entry.get("reject_scene")))
            if kind is None:
                continue
            known = merged.get(reason_type)
            merged[reason_type] = RejectReason(
                reason_type=reason_type,
                label=answer_text(entry, "reject_reason_type_text"),
                default_text=answer_text(entry, "reject_reason"),
                kinds=(*known.kinds, kind) if known else (kind,),
            )
        return list(merged.values())

    def aftersale_reject(self, after_sale_order_id: str, *, reason_type: int, reason: str = "") -> None:
        """POST /channels/ec/aftersale/rejectapply; ``reason_type`` is the platform's reject-reason enum."""
        body: dict[str, Any] = {"after_sale_order_id": after_sale_order_id, "reject_reason_type": reason_type}
        if reason:
            body["reject_reason"] = reason
        self.client.post(self.client.path("aftersale/rejectapply"), body)


def delivery_entry(parcel: RemoteParcel) -> dict[str, Any]:
    """One ``delivery_list[]`` entry of delivery/send."""
    entry: dict[str, Any] = {
        "deliver_type": DELIVER_EXPRESS if parcel.company else DELIVER_VIRTUAL,
        "product_infos": [
            {"product_id": item.remote_product_id, "sku_id": item.remote_sku_key, "product_cnt": item.count}
            for item in parcel.items
        ],
    }
    if parcel.company:
        entry["delivery_id"] = parcel.company
        entry["waybill_id"] = parcel.track_no
    return entry


def parse_order(order: Mapping[str, Any]) -> RemoteOrder:
    """An ``order`` object of order/get as a :class:`RemoteOrder`. ``order_id`` and ``status`` are required;
    a missing block reads as empty (an unpaid order has no pay_info, an unshipped one no parcels)."""
    path = "order/get"
    order_id = _id(order.get("order_id"), "order_id", path)
    status = order.get("status")
    if isinstance(status, bool) or not isinstance(status, int):
        raise ProtocolError("order.status is not an integer", endpoint=path, http_status=200)
    detail = read_mapping(order.get("order_detail"))
    parcels = order_parcels(order, read_time=_time)
    shipped = shipped_counts(parcels)
    items = tuple(
        _order_item(line, index, path, shipped) for index, line in enumerate(read_sequence(detail.get("product_infos")))
    )
    aftersales = read_mapping(order.get("aftersale_detail"))
    aftersale_ids = tuple(
        answer_text(entry, "aftersale_order_id") for entry in read_sequence(aftersales.get("aftersale_order_list"))
    )
    return remote_order(
        order,
        order_id=order_id,
        status=status,
        items=items,
        parcels=parcels,
        stages=ORDER_STAGES,
        read_time=_time,
        remote_aftersale_ids=tuple(after_sale_id for after_sale_id in aftersale_ids if after_sale_id),
    )


def parse_aftersale(after_sale: Mapping[str, Any]) -> RemoteAfterSale:
    """An ``after_sale_order`` object of getaftersaleorder as a :class:`RemoteAfterSale`."""
    path = "aftersale/getaftersaleorder"
    status = answer_text(after_sale, "status")
    if not status:
        raise ProtocolError("after_sale_order.status is missing", endpoint=path, http_status=200)
    product = read_mapping(after_sale.get("product_info"))
    return RemoteAfterSale(
        remote_aftersale_id=_id(after_sale.get("after_sale_order_id"), "after_sale_order_id", path),
        remote_order_id=_id(after_sale.get("order_id"), "order_id", path),
        kind=AFTERSALE_KINDS.get(answer_text(after_sale, "type"), AfterSaleKind.REFUND),
        status=status,
        awaiting_merchant=status in AFTERSALE_AWAITING_MERCHANT,
        refunded=status in AFTERSALE_REFUNDED,
        closed=status in AFTERSALE_REFUNDED or status in AFTERSALE_CLOSED_UNREFUNDED,
        remote_product_id=answer_text(product, "product_id"),
        remote_sku_key=answer_text(product, "sku_id"),
        count=read_count(product.get("count")),
        amount=read_count(read_mapping(after_sale.get("refund_info")).get("amount")),
        created_at=_time(after_sale.get("create_time")),
        updated_at=_time(after_sale.get("update_time")),
        raw=after_sale,
    )


def _order_item(line: Any, index: int, path: str, shipped: Mapping[tuple[str, str], int]) -> RemoteOrderItem:
    """A line; its shipped count is the sum of its pieces in the parcels (order/get gives no count per line)."""
    if not isinstance(line, Mapping):
        raise ProtocolError(f"order.product_infos[{index}] is not an object", endpoint=path, http_status=200)
    product_id = _id(line.get("product_id"), f"product_infos[{index}].product_id", path)
    sku_id = _id(line.get("sku_id"), f"product_infos[{index}].sku_id", path)
    return order_item(line, product_id, sku_id, shipped)


def _check_range(given: tuple[int, int], width: timedelta) -> None:
    start, end = given
    if end < start or end - start > width.total_seconds():
        raise ValueError(f"a time range must run forwards and span at most {width}")


def _id(value: Any, key: str, endpoint: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value) in ("", "0"):
        raise ProtocolError(f"success answer without a valid {key}", endpoint=endpoint, http_status=200)
    return str(value)


def _time(value: Any) -> datetime | None:
    seconds = read_count(value)
    return datetime.fromtimestamp(seconds, tz=UTC) if seconds else None
