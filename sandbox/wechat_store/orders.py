"""Orders (reference §2.1 rows 6.2 to 6.5, fields §2.6), and the control route that makes them:
``POST /__sandbox__/orders/generate`` sells a listed product's SKU and sends the order-paid push (manual §6.1)."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.apps import AppConfig
from sandbox.core.base import Request, RouteTable
from sandbox.core.context import SandboxContext
from sandbox.core.control import CONTROL_PREFIX, sandbox_app
from sandbox.core.push import deliver
from sandbox.core.validation import invalid_args, read_int, read_str
from sandbox.wechat_store.rules import DELIVERY_COMPANIES, parse_sku_key
from sandbox.wechat_store.state import (
    ORDER_AWAITING_SHIPMENT,
    ORDER_CLOSED,
    ORDER_SHIPPED,
    STATUS_ON_SHELF,
    StoredProduct,
    StoreState,
    find_product,
    success,
)

DEFAULT_BUYER = {
    "buyer_nick": "测试买家",
    "receiver_name": "张三",
    "receiver_province": "广东省",
    "receiver_city": "广州市",
    "receiver_zone": "海珠区",
    "receiver_address": "新港中路397号 T.I.T创意园",
    "receiver_mobile": "13800138000",
    "receiver_phone": "",
}
# The order-paid push's nonce: digits, as WeChat's pushes carry.
PUSH_NONCE_LENGTH = 16


def cdata(value: str) -> str:
    # "]]>" cannot appear inside one CDATA section, so it is split across two.
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass(frozen=True)
class Push:
    """A server push to deliver to the app's callback URL, signed by the caller (``push.py``)."""

    body: bytes
    content_type: str


@dataclass(frozen=True)
class GeneratedOrder:
    order: dict[str, Any]
    push: Push


class Orders:
    def __init__(self, ctx: SandboxContext, stores: AppStates[StoreState]) -> None:
        self._ctx = ctx
        self._stores = stores

    def routes(self) -> RouteTable:
        return {
            ("POST", "/merchant/order/getbyid"): self.order_get,
            # [GOM] says GET with a JSON body, the SDKs POST: both are accepted (§2.1 row 6.3, Conflict).
            ("POST", "/merchant/order/getbyfilter"): self.order_filter,
            ("GET", "/merchant/order/getbyfilter"): self.order_filter,
            ("POST", "/merchant/order/setdelivery"): self.order_set_delivery,
            ("POST", "/merchant/order/close"): self.order_close,
        }

    def control_routes(self) -> RouteTable:
        return {("POST", CONTROL_PREFIX + "orders/generate"): self.orders_generate}

    @staticmethod
    def _order(state: StoreState, body: dict[str, Any]) -> dict[str, Any]:
        order_id = read_str(body, "order_id")
        order = state.orders.get(order_id)
        if order is None:
            raise invalid_args(f"order_id {order_id} does not exist")
        return order

    def order_get(self, request: Request) -> dict[str, Any]:
        """§2.1 row 6.2: ``order`` with the §2.6 fields."""
        return success(order=copy.deepcopy(self._order(self._stores.of_caller(request), request.json())))

    def order_filter(self, request: Request) -> dict[str, Any]:
        """§2.1 row 6.3: optional ``status`` and ``begintime``/``endtime`` (unix seconds, inclusive). A GET may
        carry them in the query string instead of a body."""
        state = self._stores.of_caller(request)
        if request.method == "GET" and not request.body.strip():
            filters: dict[str, Any] = {}
            for key in ("status", "begintime", "endtime"):
                if key in request.query:
                    if not request.query[key].isdigit():
                        raise invalid_args(f"{key} must be an integer")
                    filters[key] = int(request.query[key])
        else:
            filters = request.optional_json()
        # Unknown status values are tolerated (§2.6 Uncertain): they simply match no order or the closed ones.
        status = read_int(filters, "status") if filters.get("status") is not None else None
        begin = read_int(filters, "begintime", minimum=0) if filters.get("begintime") is not None else None
        end = read_int(filters, "endtime", minimum=0) if filters.get("endtime") is not None else None
        orders = sorted(state.orders.values(), key=lambda order: (order["order_create_time"], order["order_id"]))
        return success(
            order_list=[
                copy.deepcopy(order)
                for order in orders
                if (status is None or order["order_status"] == status)
                and (begin is None or order["order_create_time"] >= begin)
                and (end is None or order["order_create_time"] <= end)
            ]
        )

    def order_set_delivery(self, request: Request) -> dict[str, Any]:
        """§2.1 row 6.4, rules §2.6: only an order awaiting shipment (2) ships, and becomes shipped (3).
        ``need_delivery`` defaults to 1, which requires ``delivery_company`` and ``delivery_track_no``; the company
        must be a §2.6 id unless ``is_others`` is 1."""
        state = self._stores.of_caller(request)
        body = request.json()
        order = self._order(state, body)
        need_delivery = read_int(body, "need_delivery", default=1, choices=(0, 1))
        is_others = read_int(body, "is_others", default=0, choices=(0, 1))
        company = track_no = ""
        if need_delivery:
            company = read_str(body, "delivery_company")
            track_no = read_str(body, "delivery_track_no")
            if not is_others and company not in DELIVERY_COMPANIES:
                raise invalid_args(f"delivery_company {company} is not a known company id (set is_others to 1)")
        if order["order_status"] != ORDER_AWAITING_SHIPMENT:
            raise invalid_args(f"order {order['order_id']} has status {order['order_status']}; only 2 can ship")
        order.update(order_status=ORDER_SHIPPED, delivery_company=company, delivery_id=track_no)
        self._stores.record(
            request,
            order_id=order["order_id"],
            need_delivery=need_delivery,
            delivery_company=company,
            delivery_track_no=track_no,
            is_others=is_others,
        )
        return success()

    def order_close(self, request: Request) -> dict[str, Any]:
        """§2.1 row 6.5: an order awaiting shipment is closed (status 6, see ORDER_CLOSED). Stock is not given
        back: the manual says nothing about it, and the sync engine must not count on it."""
        state = self._stores.of_caller(request)
        order = self._order(state, request.json())
        if order["order_status"] != ORDER_AWAITING_SHIPMENT:
            raise invalid_args(f"order {order['order_id']} has status {order['order_status']}; only 2 can close")
        order["order_status"] = ORDER_CLOSED
        self._stores.record(request, order_id=order["order_id"])
        return success()

    # --- sandbox control: order generation ----------------------------------------------------------------------

    def orders_generate(self, request: Request) -> dict[str, Any]:
        """``POST /__sandbox__/orders/generate``: a paid order against a listed product (``appid``, ``product_id``,
        ``sku_info``, ``count``, optional buyer/receiver fields, ``create_time``, ``express_price``), then the
        order-paid push if an event URL is configured. Runs without the lock held (a control route): the push is
        delivered after the lock is released, so a receiver that calls back cannot deadlock with it."""
        body = request.json()
        app = sandbox_app(self._ctx.apps, body.get("appid"))
        read_str(body, "product_id")
        with self._ctx.lock:
            generated = self.generate_order(app, body)
            event_url = self._ctx.event_url
            timestamp = str(int(self._ctx.now()))
            nonce = self._ctx.ids.chars(PUSH_NONCE_LENGTH, "0123456789")
        push = None
        if event_url:
            push = deliver(
                event_url,
                generated.push.body,
                generated.push.content_type,
                token=app.push_token,
                timestamp=timestamp,
                nonce=nonce,
            ).as_json()
        return {"order": generated.order, "push": push}

    def generate_order(self, app: AppConfig, params: dict[str, Any]) -> GeneratedOrder:
        """A paid order (status 2) for ``count`` of one SKU of a listed product; takes the stock. Called by
        :meth:`orders_generate` with the lock held. Returns the order and its §2.6 push."""
        state = self._stores.of(app.appid)
        product = find_product(state, params)
        if product.status != STATUS_ON_SHELF:
            raise invalid_args(f"product {product.product_id} is not on the shelf")
        sku_info = read_str(params, "sku_info", required=False, allow_empty=True)
        sku = product.find_sku(parse_sku_key(sku_info, "sku_info"))
        if sku is None:
            raise invalid_args(f'sku_info "{sku_info}" is not a sku of product {product.product_id}')
        count = read_int(params, "count", default=1, minimum=1)
        if sku["quantity"] < count:
            raise invalid_args(f'count {count} exceeds the stock {sku["quantity"]} of sku "{sku["sku_id"]}"')
        express_price = read_int(params, "express_price", default=self._express_price(state, product, count), minimum=0)
        now = int(self._ctx.now())
        create_time = read_int(params, "create_time", default=now, minimum=0)
        buyer = {key: read_str(params, key, required=False) or default for key, default in DEFAULT_BUYER.items()}
        buyer_openid = read_str(params, "buyer_openid", required=False) or "oDF3iY" + self._ctx.ids.chars(22)
        line = {
            "product_id": product.product_id,
            "product_name": product.product_base["name"],
            "product_price": sku["price"],
            "product_sku": sku["sku_id"],
            "product_count": count,
            "product_img": sku.get("icon_url") or product.product_base["main_img"],
        }
        order_id = self._ctx.ids.digits(19)
        while order_id in state.orders:
            order_id = self._ctx.ids.digits(19)
        order = {
            "order_id": order_id,
            "order_status": ORDER_AWAITING_SHIPMENT,
            "order_total_price": sku["price"] * count + express_price,
            "order_create_time": create_time,
            "order_express_price": express_price,
            "buyer_openid": buyer_openid,
            "buyer_nick": buyer["buyer_nick"],
            **{key: buyer[key] for key in DEFAULT_BUYER if key.startswith("receiver_")},
            **line,
            "delivery_id": "",
            "delivery_company": "",
            "trans_id": "42000" + self._ctx.ids.digits(23),
            "products": [dict(line)],
        }
        sku["quantity"] -= count
        state.orders[order_id] = order
        self._ctx.applied.record(
            platform=self._stores.platform,
            endpoint="/__sandbox__/orders/generate",
            appid=app.appid,
            order_id=order_id,
            product_id=product.product_id,
            sku_info=sku["sku_id"],
            quantity=count,
            stock_after=sku["quantity"],
        )
        return GeneratedOrder(copy.deepcopy(order), self._order_paid_push(app, order, now))

    def _express_price(self, state: StoreState, product: StoredProduct, count: int) -> int:
        """The postage of an order: 0 when post-free, else the first express price or the template's first
        normal fee (start fee plus an add fee per started block of ``AddStandards`` items)."""
        if product.attrext.get("isPostFree") == 1 or product.delivery_info is None:
            return 0
        if product.delivery_info["delivery_type"] == 0:
            return product.delivery_info["express"][0]["price"]
        template = state.templates.get(product.delivery_info["template_id"])
        if template is None:  # deleted since the product was saved
            return 0
        normal = template["TopFee"][0]["Normal"]
        extra_items = max(0, count - normal["StartStandards"])
        blocks = math.ceil(extra_items / normal["AddStandards"]) if normal["AddStandards"] else 0
        return normal["StartFees"] + blocks * normal["AddFees"]

    @staticmethod
    def _order_paid_push(app: AppConfig, order: dict[str, Any], now: int) -> Push:
        """§2.6 order-paid push (manual §6.1), XML like every WeChat server push."""
        xml = (
            "<xml>"
            f"<ToUserName>{cdata(app.original_id)}</ToUserName>"
            f"<FromUserName>{cdata(order['buyer_openid'])}</FromUserName>"
            f"<CreateTime>{now}</CreateTime>"
            f"<MsgType>{cdata('event')}</MsgType>"
            f"<Event>{cdata('merchant_order')}</Event>"
            f"<OrderId>{cdata(order['order_id'])}</OrderId>"
            f"<OrderStatus>{order['order_status']}</OrderStatus>"
            f"<ProductId>{cdata(order['product_id'])}</ProductId>"
            f"<SkuInfo>{cdata(order['product_sku'])}</SkuInfo>"
            "</xml>"
        )
        return Push(body=xml.encode("utf-8"), content_type="text/xml; charset=utf-8")
