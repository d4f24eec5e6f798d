"""Orders and delivery (README, "Channels orders"): ``order/list/get`` (create or update time ranges of at most 7
days, ``page_size`` at most 100, ``next_key`` paging), ``order/get``, the delivery company lists and
``order/delivery/send`` (parcels per product and SKU, with a tracking number). The order events
(``channels_ec_order_new``, ``_pay``, ``_cancel``, ``_deliver``, ``_confirm``, ``_settle``) go out through the
store's event queue, signed like its product events.

The buyer's side is played by control routes under ``/__sandbox__/channels/orders/``: ``generate`` sells SKUs of a
listed product (and takes their stock), ``pay``, ``cancel`` (an unpaid order; its stock comes back, the only case the
platform gives stock back, reference §3.4), ``confirm`` (receipt) and ``settle``.
"""

from __future__ import annotations

import base64
import binascii
import copy
from collections.abc import Callable
from typing import Any

from sandbox.channels.codes import as_id, read_product_id
from sandbox.channels.events import Events
from sandbox.channels.order_state import (
    AFTERSALE_OPEN,
    ORDER_AWAITING_SHIPMENT,
    ORDER_CANCELLED,
    ORDER_COMPLETED,
    ORDER_PARTLY_SHIPPED,
    ORDER_SHIPPED,
    ORDER_UNPAID,
    ChannelsOrder,
    OrderBook,
    OrderLine,
)
from sandbox.channels.shop import Endpoint, new_id, record_flow
from sandbox.channels.state import STATUS_LISTED, ShopState
from sandbox.core.app_states import AppStates, caller
from sandbox.core.apps import AppConfig
from sandbox.core.base import Request, RouteTable, ok
from sandbox.core.context import SandboxContext
from sandbox.core.control import CONTROL_PREFIX, sandbox_app
from sandbox.core.validation import invalid_args, read_dict, read_int, read_list, read_page_size, read_str

ORDER_EVENT_KEY = "order_info"
EVENT_ORDER_NEW = ("channels_ec_order_new", ORDER_EVENT_KEY)
EVENT_ORDER_PAY = ("channels_ec_order_pay", ORDER_EVENT_KEY)
EVENT_ORDER_CANCEL = ("channels_ec_order_cancel", ORDER_EVENT_KEY)
EVENT_ORDER_DELIVER = ("channels_ec_order_deliver", ORDER_EVENT_KEY)
EVENT_ORDER_CONFIRM = ("channels_ec_order_confirm", ORDER_EVENT_KEY)
EVENT_ORDER_SETTLE = ("channels_ec_order_settle", ORDER_EVENT_KEY)
# order/list/get: "距离end_time不可超过7天", "每页数量(不超过100)".
MAX_RANGE_SECONDS = 7 * 24 * 3600
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10
ORDER_ID_LENGTH = 19
# delivery/send deliver_type: 1 own express with a waybill, 3 virtual goods without logistics.
DELIVER_EXPRESS, DELIVER_VIRTUAL = 1, 3
# Companies outside the list ship with delivery_id OTHER ("非主流快递公司可以填OTHER").
OTHER_COMPANY = "OTHER"
# The start of the documented delivery_id table (deliverycompanylist/get, "delivery_id快递公司id").
DELIVERY_COMPANIES: dict[str, str] = {
    "ZTO": "中通",
    "YTO": "圆通",
    "YUNDA": "韵达",
    "JTSD": "极兔",
    "STO": "申通",
    "SF": "顺丰",
    "JD": "京东",
    "EMS": "中国邮政",
    "CNSD": "菜鸟速递(丹鸟)",
    "DBKD": "德邦快递",
}
DEFAULT_ADDRESS = {
    "user_name": "张三",
    "postal_code": "510000",
    "province_name": "广东省",
    "city_name": "广州市",
    "county_name": "海珠区",
    "detail_info": "新港中路397号",
    "national_code": "440105",
    "tel_number": "13800138000",
}


class OrderDesk:
    """What the order and after-sale sections share: the books, the order a call names, the time and the record
    of every change (the applied-effects log), and the events."""

    def __init__(
        self, ctx: SandboxContext, shops: AppStates[ShopState], books: AppStates[OrderBook], events: Events
    ) -> None:
        self.ctx = ctx
        self.shops = shops
        self.books = books
        self.events = events

    def now(self) -> int:
        return int(self.ctx.now())

    def order(self, book: OrderBook, body: dict[str, Any]) -> ChannelsOrder:
        order_id = read_product_id(body, "order_id")
        order = book.orders.get(order_id)
        if order is None:
            raise invalid_args(f"order_id {order_id} does not exist")
        return order

    def changed(self, order: ChannelsOrder) -> None:
        order.update_time = self.now()

    def record(self, appid: str, endpoint: str, **fields: Any) -> None:
        self.ctx.applied.record(platform=self.shops.platform, endpoint=endpoint, appid=appid, **fields)

    def emit(self, appid: str, kind: tuple[str, str], body: dict[str, Any]) -> None:
        self.events.emit(appid, kind, body)


def render_order(order: ChannelsOrder) -> dict[str, Any]:
    """An order as ``order/get`` shows it."""
    product_price = sum(line.sale_price * line.sku_cnt for line in order.lines)
    detail: dict[str, Any] = {
        "product_infos": [
            {
                "product_id": line.product_id,
                "sku_id": line.sku_id,
                "out_product_id": line.out_product_id,
                "out_sku_id": line.out_sku_id,
                "title": line.title,
                "thumb_img": line.thumb_img,
                "sale_price": line.sale_price,
                "sku_cnt": line.sku_cnt,
                "on_aftersale_sku_cnt": line.on_aftersale_sku_cnt,
                "finish_aftersale_sku_cnt": line.finish_aftersale_sku_cnt,
            }
            for line in order.lines
        ],
        "price_info": {
            "product_price": product_price,
            "order_price": product_price + order.freight,
            "freight": order.freight,
        },
        "pay_info": (
            {"pay_time": order.pay_time, "transaction_id": order.transaction_id} if order.pay_time is not None else {}
        ),
        "delivery_info": {
            "address_info": copy.deepcopy(order.address),
            "delivery_product_info": copy.deepcopy(order.deliveries),
            "deliver_method": 0,
        },
    }
    return {
        "order_id": order.order_id,
        "status": order.status,
        "create_time": order.create_time,
        "update_time": order.update_time,
        "openid": order.openid,
        "order_detail": detail,
        "aftersale_detail": {
            "aftersale_order_list": [{"aftersale_order_id": after_sale_id} for after_sale_id in order.aftersale_ids],
        },
    }


def encode_cursor(kind: str, time: int, item_id: str) -> str:
    """An opaque ``next_key``: the (time, id) of the last item a page held."""
    return base64.urlsafe_b64encode(f"{kind}:{time}:{item_id}".encode()).decode("ascii").rstrip("=")


def decode_cursor(kind: str, key: str) -> tuple[int, str]:
    try:
        decoded = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    prefix, _, rest = decoded.partition(":")
    time, _, item_id = rest.partition(":")
    if prefix != kind or not time.isdigit() or not item_id:
        raise invalid_args(f"next_key {key!r} is not a key this call returned")
    return int(time), item_id


def read_time_range(body: dict[str, Any], key: str, max_seconds: int) -> tuple[int, int] | None:
    """``{start_time, end_time}`` (seconds; numbers or digit strings, as the docs' examples send both), at most
    ``max_seconds`` apart; ``None`` when absent."""
    given = read_dict(body, key, required=False)
    if not given:
        return None
    bounds = []
    for name in ("start_time", "end_time"):
        value = given.get(name)
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise invalid_args(f"{key}.{name} must be a unix time in seconds")
        bounds.append(value)
    start, end = bounds
    if end < start:
        raise invalid_args(f"{key}.end_time is before its start_time")
    if end - start > max_seconds:
        raise invalid_args(f"{key} spans {end - start} seconds, more than {max_seconds}")
    return start, end


class Orders:
    def __init__(self, desk: OrderDesk) -> None:
        self._desk = desk

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("/order/list/get", self.order_list),
            Endpoint("/order/get", self.order_get),
            Endpoint("/order/deliverycompanylist/get", self.company_list),
            Endpoint("/order/deliverycompanylist/new/get", self.company_list),
            Endpoint("/order/delivery/send", self.delivery_send),
        ]

    def control_routes(self) -> RouteTable:
        prefix = CONTROL_PREFIX + "channels/orders/"
        return {
            ("POST", prefix + "generate"): self._control(self.generate),
            ("POST", prefix + "pay"): self._control(self.pay),
            ("POST", prefix + "cancel"): self._control(self.cancel),
            ("POST", prefix + "confirm"): self._control(self.confirm),
            ("POST", prefix + "settle"): self._control(self.settle),
        }

    def _control(
        self, action: Callable[[Request, AppConfig, dict[str, Any]], dict[str, Any]]
    ) -> Callable[[Request], dict[str, Any]]:
        """A control route: the app named in the body, the change made under the lock (events are queued, never
        delivered while it is held)."""

        def handler(request: Request) -> dict[str, Any]:
            body = request.json()
            app = sandbox_app(self._desk.ctx.apps, body.get("appid"))
            with self._desk.ctx.lock:
                return action(request, app, body)

        return handler

    # --- API -------------------------------------------------------------------------------------------------------

    def order_list(self, request: Request) -> dict[str, Any]:
        """``create_time_range`` and/or ``update_time_range`` (at least one, each at most 7 days), optional
        ``status`` and ``openid``, ``page_size`` (1–100, default 10) and ``next_key``. Answers ``order_id_list``,
        ``next_key`` and ``has_more``; pages run in creation order, so an order updated while a caller pages
        neither repeats nor goes missing."""
        book = self._desk.books.of_caller(request)
        body = request.json()
        created = read_time_range(body, "create_time_range", MAX_RANGE_SECONDS)
        updated = read_time_range(body, "update_time_range", MAX_RANGE_SECONDS)
        if created is None and updated is None:
            raise invalid_args("create_time_range or update_time_range is required")
        status = read_int(body, "status") if body.get("status") is not None else None
        openid = read_str(body, "openid", required=False)
        page_size = read_page_size(body, "page_size", default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
        next_key = read_str(body, "next_key", required=False, allow_empty=True)
        after = decode_cursor("orders", next_key) if next_key else None
        matching = sorted(
            (
                order
                for order in book.orders.values()
                if (created is None or created[0] <= order.create_time <= created[1])
                and (updated is None or updated[0] <= order.update_time <= updated[1])
                and (status is None or order.status == status)
                and (not openid or order.openid == openid)
                and (after is None or (order.create_time, order.order_id) > after)
            ),
            key=lambda order: (order.create_time, order.order_id),
        )
        page = matching[:page_size]
        key = encode_cursor("orders", page[-1].create_time, page[-1].order_id) if page else next_key
        return ok(order_id_list=[order.order_id for order in page], next_key=key, has_more=len(matching) > page_size)

    def order_get(self, request: Request) -> dict[str, Any]:
        book = self._desk.books.of_caller(request)
        return ok(order=render_order(self._desk.order(book, request.json())))

    def company_list(self, request: Request) -> dict[str, Any]:
        """Both the old list (no body) and the new one (``ewaybill_only``): every emulated company supports
        electronic waybills, so the flag changes nothing."""
        return ok(
            company_list=[{"delivery_id": key, "delivery_name": name} for key, name in DELIVERY_COMPANIES.items()]
        )

    def delivery_send(self, request: Request) -> dict[str, Any]:
        """``order_id`` and ``delivery_list[]`` parcels, each with ``deliver_type`` (1 express: ``delivery_id``
        from the company list or OTHER, and ``waybill_id`` required; 3 virtual) and ``product_infos[]``
        {product_id, sku_id, product_cnt}. Only an order awaiting shipment (20) or partly shipped (21) ships; a
        parcel may not hold more of a SKU than is left to ship, nor a SKU under an open after-sale. The order
        becomes 21, or 30 once every piece is shipped, and ``channels_ec_order_deliver`` is sent."""
        appid = caller(request)
        book = self._desk.books.of(appid)
        body = request.json()
        order = self._desk.order(book, body)
        if order.status not in (ORDER_AWAITING_SHIPMENT, ORDER_PARTLY_SHIPPED):
            raise invalid_args(f"order {order.order_id} has status {order.status}; only 20 and 21 can ship")
        parcels = read_list(body, "delivery_list")
        shipping: dict[tuple[str, str], int] = {}
        stored = []
        for index, parcel in enumerate(parcels):
            prefix = f"delivery_list[{index}]"
            if not isinstance(parcel, dict):
                raise invalid_args(f"{prefix} must be an object")
            deliver_type = read_int(parcel, "deliver_type", prefix=prefix, choices=(DELIVER_EXPRESS, DELIVER_VIRTUAL))
            delivery_id = waybill_id = ""
            if deliver_type == DELIVER_EXPRESS:
                delivery_id = read_str(parcel, "delivery_id", prefix=prefix)
                waybill_id = read_str(parcel, "waybill_id", prefix=prefix)
                if delivery_id not in DELIVERY_COMPANIES and delivery_id != OTHER_COMPANY:
                    raise invalid_args(f"{prefix}.delivery_id {delivery_id} is not in the company list (or OTHER)")
            infos = []
            for item_index, item in enumerate(read_list(parcel, "product_infos", prefix=prefix)):
                item_prefix = f"{prefix}.product_infos[{item_index}]"
                if not isinstance(item, dict):
                    raise invalid_args(f"{item_prefix} must be an object")
                product_id = as_id(item.get("product_id"), f"{item_prefix}.product_id")
                sku_id = as_id(item.get("sku_id"), f"{item_prefix}.sku_id")
                count = read_int(item, "product_cnt", prefix=item_prefix, minimum=1)
                line = order.line(product_id, sku_id)
                if line is None:
                    raise invalid_args(f"{item_prefix}: sku {sku_id} of product {product_id} is not in the order")
                if line.on_aftersale_sku_cnt:
                    raise invalid_args(f"{item_prefix}: sku {sku_id} is under an open after-sale")
                shipping[(product_id, sku_id)] = shipping.get((product_id, sku_id), 0) + count
                if shipping[(product_id, sku_id)] > line.undelivered():
                    raise invalid_args(f"{item_prefix}: only {line.undelivered()} of sku {sku_id} are left to ship")
                infos.append({"product_id": product_id, "sku_id": sku_id, "product_cnt": count})
            stored.append(
                {
                    "waybill_id": waybill_id,
                    "delivery_id": delivery_id,
                    "delivery_name": DELIVERY_COMPANIES.get(delivery_id, ""),
                    "deliver_type": deliver_type,
                    "delivery_time": self._desk.now(),
                    "product_infos": infos,
                }
            )
        for (product_id, sku_id), count in shipping.items():
            line = order.line(product_id, sku_id)
            assert line is not None  # checked above
            line.delivered_cnt += count
        order.deliveries.extend(stored)
        finished = all(line.undelivered() == 0 for line in order.lines)
        order.status = ORDER_SHIPPED if finished else ORDER_PARTLY_SHIPPED
        self._desk.changed(order)
        self._desk.record(appid, request.path, order_id=order.order_id, status=order.status, parcels=stored)
        self._desk.emit(appid, EVENT_ORDER_DELIVER, {"order_id": order.order_id, "finish_delivery": int(finished)})
        return ok()

    # --- the buyer (control routes) -------------------------------------------------------------------------------

    def generate(self, request: Request, app: AppConfig, body: dict[str, Any]) -> dict[str, Any]:
        """``product_id`` of a listed product and ``sku_id`` (or ``out_sku_id``), ``count`` (default 1), optional
        ``paid`` (default true), ``openid``, ``freight`` and ``create_time``. Takes the stock at once (the platform
        reserves it when the order is placed) and sends ``channels_ec_order_new``, then ``channels_ec_order_pay``
        when paid."""
        desk = self._desk
        shop = desk.shops.of(app.appid)
        product = shop.products.get(read_product_id(body))
        if product is None or product.status != STATUS_LISTED or product.online is None:
            raise invalid_args(f"product {body.get('product_id')} is not listed")
        if body.get("sku_id") is not None:
            sku_id = read_product_id(body, "sku_id")
        else:
            sku_id = product.sku_by_out_id(read_str(body, "out_sku_id")) or ""
        sku = next((sku for sku in product.online["skus"] if sku["sku_id"] == sku_id), None)
        if sku is None:
            raise invalid_args(f"sku {sku_id or body.get('out_sku_id')} is not a sku of product {product.product_id}")
        count = read_int(body, "count", default=1, minimum=1)
        before = product.stock.get(sku_id, 0)
        if count > before:
            raise invalid_args(f"count {count} exceeds the stock {before} of sku {sku_id}")
        paid = body.get("paid", True)
        if not isinstance(paid, bool):
            raise invalid_args("paid must be true or false")
        now = desk.now()
        create_time = read_int(body, "create_time", default=now, minimum=0)
        book = desk.books.of(app.appid)
        order = ChannelsOrder(
            order_id=new_id(desk.ctx.ids, book.orders, ORDER_ID_LENGTH, prefix="37"),
            openid=read_str(body, "openid", required=False) or "o" + desk.ctx.ids.chars(27),
            create_time=create_time,
            update_time=max(create_time, now),
            status=ORDER_UNPAID,
            lines=[
                OrderLine(
                    product_id=product.product_id,
                    sku_id=sku_id,
                    out_product_id=product.out_product_id,
                    out_sku_id=sku.get("out_sku_id", ""),
                    title=product.online.get("title", ""),
                    thumb_img=sku.get("thumb_img") or (product.online.get("head_imgs") or [""])[0],
                    sale_price=sku["sale_price"],
                    sku_cnt=count,
                )
            ],
            freight=read_int(body, "freight", default=0, minimum=0),
            address=dict(DEFAULT_ADDRESS),
        )
        book.orders[order.order_id] = order
        product.stock[sku_id] = before - count
        record_flow(desk.ctx, request, shop, product, sku_id, 2, count, before)
        desk.record(
            app.appid,
            request.path,
            order_id=order.order_id,
            product_id=product.product_id,
            sku_id=sku_id,
            count=count,
            stock_after=product.stock[sku_id],
        )
        desk.emit(app.appid, EVENT_ORDER_NEW, {"order_id": order.order_id})
        if paid:
            self._pay(app.appid, request, order)
        return {"order": render_order(order)}

    def pay(self, request: Request, app: AppConfig, body: dict[str, Any]) -> dict[str, Any]:
        order = self._desk.order(self._desk.books.of(app.appid), body)
        if order.status != ORDER_UNPAID:
            raise invalid_args(f"order {order.order_id} has status {order.status}; only 10 can be paid")
        self._pay(app.appid, request, order)
        return {"order": render_order(order)}

    def _pay(self, appid: str, request: Request, order: ChannelsOrder) -> None:
        desk = self._desk
        order.status = ORDER_AWAITING_SHIPMENT
        order.pay_time = desk.now()
        order.transaction_id = "42000" + desk.ctx.ids.digits(23)
        desk.changed(order)
        desk.record(appid, request.path, order_id=order.order_id, status=order.status)
        desk.emit(appid, EVENT_ORDER_PAY, {"order_id": order.order_id, "pay_time": order.pay_time})

    def cancel(self, request: Request, app: AppConfig, body: dict[str, Any]) -> dict[str, Any]:
        """The buyer cancels an unpaid order: it becomes 250 and its stock comes back."""
        desk = self._desk
        order = desk.order(desk.books.of(app.appid), body)
        if order.status != ORDER_UNPAID:
            raise invalid_args(f"order {order.order_id} has status {order.status}; only 10 can be cancelled")
        shop = desk.shops.of(app.appid)
        for line in order.lines:
            product = shop.products.get(line.product_id)
            if product is not None and line.sku_id in product.stock:
                before = product.stock[line.sku_id]
                product.stock[line.sku_id] = before + line.sku_cnt
                record_flow(desk.ctx, request, shop, product, line.sku_id, 1, line.sku_cnt, before)
        order.status = ORDER_CANCELLED
        desk.changed(order)
        desk.record(app.appid, request.path, order_id=order.order_id, status=order.status)
        desk.emit(app.appid, EVENT_ORDER_CANCEL, {"order_id": order.order_id, "cancel_type": 1})
        return {"order": render_order(order)}

    def confirm(self, request: Request, app: AppConfig, body: dict[str, Any]) -> dict[str, Any]:
        """The buyer confirms receipt of a shipped order (30): it becomes 100."""
        desk = self._desk
        book = desk.books.of(app.appid)
        order = desk.order(book, body)
        if order.status != ORDER_SHIPPED:
            raise invalid_args(f"order {order.order_id} has status {order.status}; only 30 can be confirmed")
        if any(book.aftersales[after_sale_id].status in AFTERSALE_OPEN for after_sale_id in order.aftersale_ids):
            raise invalid_args(f"order {order.order_id} has an open after-sale")
        order.status = ORDER_COMPLETED
        desk.changed(order)
        desk.record(app.appid, request.path, order_id=order.order_id, status=order.status)
        desk.emit(app.appid, EVENT_ORDER_CONFIRM, {"order_id": order.order_id, "confirm_type": 1})
        return {"order": render_order(order)}

    def settle(self, request: Request, app: AppConfig, body: dict[str, Any]) -> dict[str, Any]:
        """The platform settles a completed order (100) with the merchant; its status stays 100."""
        desk = self._desk
        order = desk.order(desk.books.of(app.appid), body)
        if order.status != ORDER_COMPLETED:
            raise invalid_args(f"order {order.order_id} has status {order.status}; only 100 is settled")
        desk.changed(order)
        desk.record(app.appid, request.path, order_id=order.order_id, status=order.status)
        desk.emit(app.appid, EVENT_ORDER_SETTLE, {"order_id": order.order_id, "settle_time": desk.now()})
        return {"order": render_order(order)}
