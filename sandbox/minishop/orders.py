"""Orders and delivery of the mini-shop (README, "Mini-shop orders"; reference §4 lists none, the official
minishopopencomponent pages do): ``product/order/get_list`` (create or update time ranges as "YYYY-MM-DD HH:MM:SS"
in China time, ``page``/``page_size``), ``product/order/get``, ``product/delivery/get_company_list`` and
``product/delivery/send`` (the whole order, or parcels per SKU with ``is_all_product`` false).

The buyer is played by ``POST /__sandbox__/minishop/orders/generate``: a paid order for SKUs of a listed product,
which takes their stock. The mini-shop documents no order push, so none is sent: a shop finds its orders by polling.

Orders are kept in their own per-app book (:class:`OrderBook`), stored under a key of their own so that a state
file written before orders existed still loads.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.core.app_states import AppStates, caller
from sandbox.core.base import Request, RouteTable, ok
from sandbox.core.context import BEIJING, SandboxContext, beijing_time
from sandbox.core.control import CONTROL_PREFIX, sandbox_app
from sandbox.core.validation import invalid_args, read_int, read_list, read_str
from sandbox.minishop.rules import ERR_PARAM, fail, param, read_number_id
from sandbox.minishop.shop import find_product, find_sku
from sandbox.minishop.state import STATUS_LISTED, ShopState

# Order status of the mini-shop's order pages.
ORDER_AWAITING_SHIPMENT = 20
ORDER_PARTLY_SHIPPED = 21
ORDER_SHIPPED = 30
# delivery/send: "订单在售后中,不允许发货", "已经发货".
ERR_IN_AFTERSALE = 108009
ERR_ALREADY_SHIPPED = 109001
MAX_PAGE_SIZE = 100
FIRST_ORDER_ID = 3300000000000000001
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# product/delivery/get_company_list (its example lists these three, then "...").
DELIVERY_COMPANIES: dict[str, str] = {"SF": "顺丰速运", "YTO": "圆通快速", "ZTO": "中通快速", "YUNDA": "韵达快递"}
DEFAULT_ADDRESS = {
    "user_name": "陈先生",
    "postal_code": "510000",
    "province_name": "广东",
    "city_name": "广州",
    "county_name": "海珠区",
    "detail_info": "大塘",
    "national_code": "440105",
    "tel_number": "13800138000",
}


@dataclass
class MiniShopOrder:
    order_id: int
    openid: str
    create_time: float
    update_time: float
    status: int
    # product_infos[] as get shows them, plus the shipped count of each under "delivered_cnt".
    lines: list[dict[str, Any]]
    freight: int
    deliveries: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class OrderBook:
    orders: dict[int, MiniShopOrder] = field(default_factory=dict)
    next_order_id: int = FIRST_ORDER_ID


class Orders:
    def __init__(self, ctx: SandboxContext, shops: AppStates[ShopState], books: AppStates[OrderBook]) -> None:
        self._ctx = ctx
        self._shops = shops
        self._books = books

    def routes(self) -> RouteTable:
        return {
            ("POST", "/product/order/get_list"): self.order_list,
            ("POST", "/product/order/get"): self.order_get,
            ("POST", "/product/delivery/get_company_list"): self.company_list,
            ("POST", "/product/delivery/send"): self.delivery_send,
        }

    def control_routes(self) -> RouteTable:
        return {("POST", CONTROL_PREFIX + "minishop/orders/generate"): self.generate_route}

    def order_list(self, request: Request) -> dict[str, Any]:
        """Optional ``start_create_time``/``end_create_time`` and ``start_update_time``/``end_update_time``,
        ``status``, ``page`` (from 1) and ``page_size`` (1–100, default 10): the orders themselves and
        ``total_num``, oldest first."""
        book = self._books.of_caller(request)
        body = request.optional_json()
        bounds = {key: _read_time(body, key) for key in ("start_create_time", "end_create_time")}
        bounds.update({key: _read_time(body, key) for key in ("start_update_time", "end_update_time")})
        status = read_int(body, "status") if body.get("status") is not None else None
        page = read_int(body, "page", default=1, minimum=1)
        page_size = read_int(body, "page_size", default=10, minimum=1)
        if page_size > MAX_PAGE_SIZE:
            raise param(f"page_size must be at most {MAX_PAGE_SIZE}")

        def within(value: float, start: float | None, end: float | None) -> bool:
            return (start is None or value >= start) and (end is None or value <= end)

        matching = [
            order
            for order in sorted(book.orders.values(), key=lambda order: (order.create_time, order.order_id))
            if within(order.create_time, bounds["start_create_time"], bounds["end_create_time"])
            and within(order.update_time, bounds["start_update_time"], bounds["end_update_time"])
            and (status is None or order.status == status)
        ]
        chosen = matching[(page - 1) * page_size : page * page_size]
        return ok(orders=[render_order(order) for order in chosen], total_num=len(matching))

    def order_get(self, request: Request) -> dict[str, Any]:
        book = self._books.of_caller(request)
        return ok(order=render_order(self._order(book, request.json())))

    def company_list(self, request: Request) -> dict[str, Any]:
        """The list at the top level of the answer: the page's example wraps it in ``data``, and a community report
        (and the sibling shop API) answer it unwrapped; the emulator follows the answers."""
        return ok(
            company_list=[{"delivery_id": key, "delivery_name": name} for key, name in DELIVERY_COMPANIES.items()]
        )

    def delivery_send(self, request: Request) -> dict[str, Any]:
        """``order_id`` and ``delivery_list[]`` {delivery_id, waybill_id, is_all_product (default true),
        product_infos[] {product_id, sku_id, product_cnt} when false}. A shipped order answers 109001; a parcel
        naming more than is left to ship, or an unknown SKU, 9401020. The order becomes 21, or 30 once every
        piece is shipped."""
        appid = caller(request)
        book = self._books.of(appid)
        body = request.json()
        order = self._order(book, body)
        if order.status == ORDER_SHIPPED:
            raise fail(ERR_ALREADY_SHIPPED, f"order {order.order_id} is already shipped")
        if order.status not in (ORDER_AWAITING_SHIPMENT, ORDER_PARTLY_SHIPPED):
            raise param(f"order {order.order_id} has status {order.status}; only 20 and 21 can ship")
        shipping: dict[tuple[int, int], int] = {}
        stored = []
        for index, parcel in enumerate(read_list(body, "delivery_list")):
            prefix = f"delivery_list[{index}]"
            if not isinstance(parcel, dict):
                raise param(f"{prefix} must be an object")
            delivery_id = read_str(parcel, "delivery_id", prefix=prefix)
            waybill_id = read_str(parcel, "waybill_id", prefix=prefix)
            if delivery_id not in DELIVERY_COMPANIES:
                raise param(f"{prefix}.delivery_id {delivery_id} is not in the company list")
            whole = parcel.get("is_all_product", True)
            if not isinstance(whole, bool):
                raise param(f"{prefix}.is_all_product must be true or false")
            if whole:
                items = [
                    {"product_id": line["product_id"], "sku_id": line["sku_id"], "product_cnt": _left(line)}
                    for line in order.lines
                    if _left(line) - shipping.get((line["product_id"], line["sku_id"]), 0) > 0
                ]
            else:
                items = []
                for item_index, item in enumerate(read_list(parcel, "product_infos", prefix=prefix)):
                    item_prefix = f"{prefix}.product_infos[{item_index}]"
                    if not isinstance(item, dict):
                        raise param(f"{item_prefix} must be an object")
                    items.append(
                        {
                            "product_id": read_number_id(item, "product_id", prefix=item_prefix),
                            "sku_id": read_number_id(item, "sku_id", prefix=item_prefix),
                            "product_cnt": read_int(item, "product_cnt", prefix=item_prefix, minimum=1),
                        }
                    )
            for item in items:
                key = (item["product_id"], item["sku_id"])
                line = next((line for line in order.lines if (line["product_id"], line["sku_id"]) == key), None)
                if line is None:
                    raise param(f"sku {item['sku_id']} of product {item['product_id']} is not in the order")
                if line["on_aftersale_sku_cnt"]:
                    raise fail(ERR_IN_AFTERSALE, f"sku {item['sku_id']} is under an after-sale")
                shipping[key] = shipping.get(key, 0) + item["product_cnt"]
                if shipping[key] > _left(line):
                    raise param(f"only {_left(line)} of sku {item['sku_id']} are left to ship")
            stored.append(
                {
                    "delivery_id": delivery_id,
                    "waybill_id": waybill_id,
                    "delivery_time": str(int(self._ctx.now())),
                    "product_infos": items,
                }
            )
        if not shipping:
            raise fail(ERR_ALREADY_SHIPPED, f"order {order.order_id} has nothing left to ship")
        for line in order.lines:
            line["delivered_cnt"] += shipping.get((line["product_id"], line["sku_id"]), 0)
        order.deliveries.extend(stored)
        order.status = ORDER_SHIPPED if all(_left(line) == 0 for line in order.lines) else ORDER_PARTLY_SHIPPED
        order.update_time = self._ctx.now()
        self._books.record(request, order_id=order.order_id, status=order.status, parcels=copy.deepcopy(stored))
        return ok()

    # --- the buyer (control route) ---------------------------------------------------------------------------

    def generate_route(self, request: Request) -> dict[str, Any]:
        """``appid``, ``product_id`` (or ``out_product_id``) of a listed product, ``sku_id`` (or ``out_sku_id``),
        ``count`` (default 1), optional ``freight`` and ``openid``: a paid order (20) that takes the stock."""
        body = request.json()
        app = sandbox_app(self._ctx.apps, body.get("appid"))
        with self._ctx.lock:
            shop = self._shops.of(app.appid)
            product = find_product(shop, body)
            if product.status != STATUS_LISTED or product.online is None:
                raise invalid_args(f"product {product.product_id} is not listed")
            sku = find_sku(product, body)
            count = read_int(body, "count", default=1, minimum=1)
            before = product.stock.get(sku["sku_id"], 0)
            if count > before:
                raise invalid_args(f"count {count} exceeds the stock {before} of sku {sku['sku_id']}")
            book = self._books.of(app.appid)
            now = self._ctx.now()
            order = MiniShopOrder(
                order_id=book.next_order_id,
                openid=read_str(body, "openid", required=False) or "o" + self._ctx.ids.chars(27),
                create_time=now,
                update_time=now,
                status=ORDER_AWAITING_SHIPMENT,
                lines=[
                    {
                        "product_id": product.product_id,
                        "sku_id": sku["sku_id"],
                        "out_product_id": product.out_product_id,
                        "out_sku_id": sku.get("out_sku_id", ""),
                        "title": product.online.get("title", ""),
                        "thumb_img": sku.get("thumb_img", ""),
                        "sale_price": sku["sale_price"],
                        "sku_cnt": count,
                        "on_aftersale_sku_cnt": 0,
                        "finish_aftersale_sku_cnt": 0,
                        "delivered_cnt": 0,
                    }
                ],
                freight=read_int(body, "freight", default=0, minimum=0),
            )
            book.next_order_id += 1
            book.orders[order.order_id] = order
            product.stock[sku["sku_id"]] = before - count
            self._ctx.applied.record(
                platform=self._books.platform,
                endpoint=request.path,
                appid=app.appid,
                order_id=order.order_id,
                product_id=product.product_id,
                sku_id=sku["sku_id"],
                count=count,
                stock_after=product.stock[sku["sku_id"]],
            )
            return {"order": render_order(order)}

    @staticmethod
    def _order(book: OrderBook, body: dict[str, Any]) -> MiniShopOrder:
        order_id = read_number_id(body, "order_id")
        order = book.orders.get(order_id)
        if order is None:
            raise fail(ERR_PARAM, f"invalid param: order_id {order_id} does not exist")
        return order


def _left(line: dict[str, Any]) -> int:
    return line["sku_cnt"] - line["delivered_cnt"] - line["finish_aftersale_sku_cnt"]


def _read_time(body: dict[str, Any], key: str) -> float | None:
    value = read_str(body, key, required=False)
    if not value:
        return None
    try:
        return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=BEIJING).timestamp()
    except ValueError:
        raise param(f'{key} must be "YYYY-MM-DD HH:MM:SS"') from None


def render_order(order: MiniShopOrder) -> dict[str, Any]:
    """An order as ``product/order/get`` shows it (times in China time, as the page's example)."""
    product_price = sum(line["sale_price"] * line["sku_cnt"] for line in order.lines)
    return {
        "order_id": order.order_id,
        "status": order.status,
        "create_time": beijing_time(order.create_time),
        "update_time": beijing_time(order.update_time),
        "openid": order.openid,
        "order_detail": {
            "product_infos": [
                {key: value for key, value in line.items() if key != "delivered_cnt"} for line in order.lines
            ],
            "pay_info": {"pay_method": "微信支付", "pay_time": beijing_time(order.create_time)},
            "price_info": {
                "product_price": product_price,
                "order_price": product_price + order.freight,
                "freight": order.freight,
            },
            "delivery_info": {
                "address_info": dict(DEFAULT_ADDRESS),
                "delivery_method": "快递",
                "delivery_product_info": copy.deepcopy(order.deliveries),
            },
        },
    }
