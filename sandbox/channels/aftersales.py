"""After-sales (README, "Channels orders"): ``aftersale/getaftersalelist`` (create or update time pairs at most 24
hours apart, 10020004 beyond; ``next_key`` paging), ``getaftersaleorder``, ``acceptapply`` and ``rejectapply``,
each change announced by ``channels_ec_aftersale_update``.

A refund (type REFUND) accepted is refunded at once (MERCHANT_REFUND_SUCCESS); a return (RETURN) accepted waits for
the buyer's parcel (USER_WAIT_RETURN, then MERCHANT_WAIT_RECEIPT) and a second accept refunds it
(MERCHANT_RETURN_SUCCESS). The platform gives no stock back for a refund (reference §3.4): the merchant decides.
The buyer's side is played by ``/__sandbox__/channels/aftersales/apply`` and ``.../return``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.channels.codes import as_id, fail, read_product_id
from sandbox.channels.order_state import (
    AFTERSALE_MERCHANT_PROCESSING,
    AFTERSALE_MERCHANT_REFUND_SUCCESS,
    AFTERSALE_MERCHANT_REJECT_REFUND,
    AFTERSALE_MERCHANT_REJECT_RETURN,
    AFTERSALE_MERCHANT_RETURN_SUCCESS,
    AFTERSALE_MERCHANT_WAIT_RECEIPT,
    AFTERSALE_REFUND,
    AFTERSALE_RETURN,
    AFTERSALE_USER_WAIT_RETURN,
    ORDER_AWAITING_SHIPMENT,
    ORDER_CANCELLED,
    ORDER_PARTLY_SHIPPED,
    ORDER_SHIPPED,
    ORDER_UNPAID,
    AfterSale,
    ChannelsOrder,
    OrderBook,
)
from sandbox.channels.orders import OrderDesk, decode_cursor, encode_cursor
from sandbox.channels.shop import Endpoint, new_id
from sandbox.core.app_states import caller
from sandbox.core.apps import AppConfig
from sandbox.core.base import Request, RouteTable, ok
from sandbox.core.control import CONTROL_PREFIX, sandbox_app
from sandbox.core.validation import invalid_args, read_int, read_str

EVENT_AFTERSALE_UPDATE = ("channels_ec_aftersale_update", "finder_shop_aftersale_status_update")
# getaftersalelist, rejectapply: "售后单号不存在", "售后单状态不合法", "非法的时间区间,不得大于24小时".
ERR_AFTERSALE_MISSING = 10020000
ERR_AFTERSALE_STATE = 10020001
ERR_AFTERSALE_RANGE = 10020004
MAX_RANGE_SECONDS = 24 * 3600
PAGE_SIZE = 100
AFTERSALE_ID_LENGTH = 16
TYPES = (AFTERSALE_REFUND, AFTERSALE_RETURN)
# aftersale/rejectreason/get (README, "Channels orders"): the reasons a merchant may reject with, each with its
# default description and the scene it applies to (1 a refund, 4 a return and refund). Type 6 and its text are the
# documented example; the others are the emulator's own. rejectapply refuses a type not listed for the scene.
SCENE_REFUND, SCENE_RETURN = 1, 4
REJECT_REASONS = (
    (1, "商品已发货", "亲，商品已经发出，请收到后再申请售后。", (SCENE_REFUND,)),
    (2, "未收到退回的商品", "亲，我们还没有收到您退回的商品。", (SCENE_RETURN,)),
    (3, "退回的商品影响二次销售", "亲，退回的商品已影响二次销售，无法退款。", (SCENE_RETURN,)),
    (6, "买家误操作/已协商取消申请", "亲，真是抱歉给您带来麻烦了，已与您协商取消申请。", (SCENE_REFUND, SCENE_RETURN)),
)
SCENES = {AFTERSALE_REFUND: SCENE_REFUND, AFTERSALE_RETURN: SCENE_RETURN}


class AfterSales:
    def __init__(self, desk: OrderDesk) -> None:
        self._desk = desk

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("/aftersale/getaftersalelist", self.aftersale_list),
            Endpoint("/aftersale/getaftersaleorder", self.aftersale_get),
            Endpoint("/aftersale/acceptapply", self.accept),
            Endpoint("/aftersale/rejectapply", self.reject),
            Endpoint("/aftersale/rejectreason/get", self.reject_reasons),
        ]

    def control_routes(self) -> RouteTable:
        prefix = CONTROL_PREFIX + "channels/aftersales/"
        return {
            ("POST", prefix + "apply"): self._control(self.apply),
            ("POST", prefix + "return"): self._control(self.send_back),
        }

    def _control(
        self, action: Callable[[Request, AppConfig, dict[str, Any]], dict[str, Any]]
    ) -> Callable[[Request], dict[str, Any]]:
        def handler(request: Request) -> dict[str, Any]:
            body = request.json()
            app = sandbox_app(self._desk.ctx.apps, body.get("appid"))
            with self._desk.ctx.lock:
                return action(request, app, body)

        return handler

    @staticmethod
    def _find(book: OrderBook, body: dict[str, Any]) -> AfterSale:
        after_sale_id = read_product_id(body, "after_sale_order_id")
        after_sale = book.aftersales.get(after_sale_id)
        if after_sale is None:
            raise fail(ERR_AFTERSALE_MISSING, f"after_sale_order_id {after_sale_id} does not exist")
        return after_sale

    # --- API -------------------------------------------------------------------------------------------------------

    def aftersale_list(self, request: Request) -> dict[str, Any]:
        """``begin_create_time``/``end_create_time`` or ``begin_update_time``/``end_update_time`` (pairs, one
        required, at most 24 hours apart), ``next_key``. Answers ``after_sale_order_id_list``, ``has_more`` and
        ``next_key``, 100 to a page in creation order."""
        book = self._desk.books.of_caller(request)
        body = request.json()
        created = _pair(body, "create")
        updated = _pair(body, "update")
        if created is None and updated is None:
            raise invalid_args("begin_create_time/end_create_time or begin_update_time/end_update_time is required")
        next_key = read_str(body, "next_key", required=False, allow_empty=True)
        after = decode_cursor("aftersales", next_key) if next_key else None
        matching = sorted(
            (
                item
                for item in book.aftersales.values()
                if (created is None or created[0] <= item.create_time <= created[1])
                and (updated is None or updated[0] <= item.update_time <= updated[1])
                and (after is None or (item.create_time, item.after_sale_order_id) > after)
            ),
            key=lambda item: (item.create_time, item.after_sale_order_id),
        )
        page = matching[:PAGE_SIZE]
        key = encode_cursor("aftersales", page[-1].create_time, page[-1].after_sale_order_id) if page else next_key
        return ok(
            after_sale_order_id_list=[item.after_sale_order_id for item in page],
            has_more=len(matching) > PAGE_SIZE,
            next_key=key,
        )

    def aftersale_get(self, request: Request) -> dict[str, Any]:
        book = self._desk.books.of_caller(request)
        return ok(after_sale_order=render_aftersale(self._find(book, request.json())))

    def accept(self, request: Request) -> dict[str, Any]:
        """A refund under MERCHANT_PROCESSING is refunded; a return under MERCHANT_PROCESSING waits for the buyer's
        parcel, and once received (MERCHANT_WAIT_RECEIPT) is refunded. Any other state is 10020001."""
        appid = caller(request)
        book = self._desk.books.of(appid)
        after_sale = self._find(book, request.json())
        order = book.orders[after_sale.order_id]
        if after_sale.status == AFTERSALE_MERCHANT_PROCESSING and after_sale.type == AFTERSALE_RETURN:
            self._move(appid, request, order, after_sale, AFTERSALE_USER_WAIT_RETURN)
        elif after_sale.status == AFTERSALE_MERCHANT_PROCESSING:
            self._refund(appid, request, order, after_sale, AFTERSALE_MERCHANT_REFUND_SUCCESS)
        elif after_sale.status == AFTERSALE_MERCHANT_WAIT_RECEIPT:
            self._refund(appid, request, order, after_sale, AFTERSALE_MERCHANT_RETURN_SUCCESS)
        else:
            raise fail(ERR_AFTERSALE_STATE, f"after-sale {after_sale.after_sale_order_id} is {after_sale.status}")
        return ok()

    def reject(self, request: Request) -> dict[str, Any]:
        """``reject_reason_type`` (required) and ``reject_reason``; only while the merchant has to decide
        (MERCHANT_PROCESSING, or MERCHANT_WAIT_RECEIPT for a return), else 10020001."""
        appid = caller(request)
        book = self._desk.books.of(appid)
        body = request.json()
        after_sale = self._find(book, body)
        reason_type = read_int(body, "reject_reason_type", minimum=1)
        scene = SCENES[after_sale.type]
        listed = next((row for row in REJECT_REASONS if row[0] == reason_type and scene in row[3]), None)
        if listed is None:
            raise invalid_args(f"reject_reason_type {reason_type} is not a reason of scene {scene}")
        if after_sale.status not in (AFTERSALE_MERCHANT_PROCESSING, AFTERSALE_MERCHANT_WAIT_RECEIPT):
            raise fail(ERR_AFTERSALE_STATE, f"after-sale {after_sale.after_sale_order_id} is {after_sale.status}")
        # Without a text of the merchant's the buyer sees the reason's default description.
        after_sale.reject_reason = read_str(body, "reject_reason", required=False) or listed[2]
        order = book.orders[after_sale.order_id]
        line = order.line(after_sale.product_id, after_sale.sku_id)
        assert line is not None  # an after-sale names a line of its order
        line.on_aftersale_sku_cnt -= after_sale.count
        rejected = AFTERSALE_MERCHANT_REJECT_REFUND if after_sale.type == AFTERSALE_REFUND else None
        self._move(appid, request, order, after_sale, rejected or AFTERSALE_MERCHANT_REJECT_RETURN)
        return ok()

    def reject_reasons(self, request: Request) -> dict[str, Any]:
        """An empty body; one entry per reason and scene, as the platform lists them."""
        caller(request)
        return ok(
            reason_list=[
                {
                    "reject_reason_type": reason_type,
                    "reject_reason_type_text": text,
                    "reject_reason": default,
                    "reject_scene": scene,
                }
                for reason_type, text, default, scenes in REJECT_REASONS
                for scene in scenes
            ]
        )

    def _refund(self, appid: str, request: Request, order: ChannelsOrder, after_sale: AfterSale, status: str) -> None:
        """The pieces are refunded: they leave the order (nothing left to ship of them). An order left with
        nothing is cancelled (250, "包括售后取消"); one whose other pieces are all shipped is shipped (30)."""
        line = order.line(after_sale.product_id, after_sale.sku_id)
        assert line is not None
        line.on_aftersale_sku_cnt -= after_sale.count
        line.finish_aftersale_sku_cnt += after_sale.count
        # A refund of pieces already shipped takes them back from the shipped count.
        line.delivered_cnt = min(line.delivered_cnt, line.sku_cnt - line.finish_aftersale_sku_cnt)
        if all(item.finish_aftersale_sku_cnt == item.sku_cnt for item in order.lines):
            order.status = ORDER_CANCELLED
        elif order.status in (ORDER_AWAITING_SHIPMENT, ORDER_PARTLY_SHIPPED) and all(
            item.undelivered() == 0 for item in order.lines
        ):
            order.status = ORDER_SHIPPED
        self._move(appid, request, order, after_sale, status)

    def _move(self, appid: str, request: Request, order: ChannelsOrder, after_sale: AfterSale, status: str) -> None:
        desk = self._desk
        after_sale.status = status
        after_sale.update_time = desk.now()
        desk.changed(order)
        desk.record(
            appid,
            request.path,
            after_sale_order_id=after_sale.after_sale_order_id,
            order_id=order.order_id,
            status=status,
            order_status=order.status,
        )
        desk.emit(
            appid,
            EVENT_AFTERSALE_UPDATE,
            {"status": status, "after_sale_order_id": after_sale.after_sale_order_id, "order_id": order.order_id},
        )

    # --- the buyer (control routes) -------------------------------------------------------------------------------

    def apply(self, request: Request, app: AppConfig, body: dict[str, Any]) -> dict[str, Any]:
        """The buyer asks for an after-sale on a paid order: ``order_id``, ``product_id``, ``sku_id``, ``count``
        (default every piece not yet under one), ``type`` REFUND (default) or RETURN, optional ``reason``."""
        desk = self._desk
        book = desk.books.of(app.appid)
        order = desk.order(book, body)
        if order.status in (ORDER_UNPAID, ORDER_CANCELLED):
            raise invalid_args(f"order {order.order_id} has status {order.status}; it has nothing to refund")
        product_id = as_id(body.get("product_id"), "product_id")
        sku_id = as_id(body.get("sku_id"), "sku_id")
        line = order.line(product_id, sku_id)
        if line is None:
            raise invalid_args(f"sku {sku_id} of product {product_id} is not in order {order.order_id}")
        available = line.sku_cnt - line.finish_aftersale_sku_cnt - line.on_aftersale_sku_cnt
        count = read_int(body, "count", default=available, minimum=1)
        if count > available:
            raise invalid_args(f"count {count} exceeds the {available} pieces of sku {sku_id} open to an after-sale")
        kind = read_str(body, "type", required=False) or AFTERSALE_REFUND
        if kind not in TYPES:
            raise invalid_args("type must be REFUND or RETURN")
        now = desk.now()
        after_sale = AfterSale(
            after_sale_order_id=new_id(desk.ctx.ids, book.aftersales, AFTERSALE_ID_LENGTH, prefix="19"),
            order_id=order.order_id,
            openid=order.openid,
            type=kind,
            status=AFTERSALE_MERCHANT_PROCESSING,
            product_id=product_id,
            sku_id=sku_id,
            count=count,
            amount=line.sale_price * count,
            reason=read_str(body, "reason", required=False),
            create_time=now,
            update_time=now,
        )
        book.aftersales[after_sale.after_sale_order_id] = after_sale
        order.aftersale_ids.append(after_sale.after_sale_order_id)
        line.on_aftersale_sku_cnt += count
        self._move(app.appid, request, order, after_sale, AFTERSALE_MERCHANT_PROCESSING)
        return {"after_sale_order": render_aftersale(after_sale)}

    def send_back(self, request: Request, app: AppConfig, body: dict[str, Any]) -> dict[str, Any]:
        """The buyer ships back the goods of an accepted return (USER_WAIT_RETURN → MERCHANT_WAIT_RECEIPT)."""
        book = self._desk.books.of(app.appid)
        after_sale = self._find(book, body)
        if after_sale.status != AFTERSALE_USER_WAIT_RETURN:
            raise invalid_args(f"after-sale {after_sale.after_sale_order_id} is not awaiting a return")
        order = book.orders[after_sale.order_id]
        self._move(app.appid, request, order, after_sale, AFTERSALE_MERCHANT_WAIT_RECEIPT)
        return {"after_sale_order": render_aftersale(after_sale)}


def _pair(body: dict[str, Any], kind: str) -> tuple[int, int] | None:
    begin_key, end_key = f"begin_{kind}_time", f"end_{kind}_time"
    if body.get(begin_key) is None and body.get(end_key) is None:
        return None
    begin = read_int(body, begin_key, minimum=0)
    end = read_int(body, end_key, minimum=0)
    if end < begin or end - begin > MAX_RANGE_SECONDS:
        raise fail(ERR_AFTERSALE_RANGE, f"{begin_key}..{end_key} must be an interval of at most 24 hours")
    return begin, end


def render_aftersale(after_sale: AfterSale) -> dict[str, Any]:
    """An after-sale as ``getaftersaleorder`` shows it."""
    return {
        "after_sale_order_id": after_sale.after_sale_order_id,
        "order_id": after_sale.order_id,
        "status": after_sale.status,
        "type": after_sale.type,
        "openid": after_sale.openid,
        "product_info": {"product_id": after_sale.product_id, "sku_id": after_sale.sku_id, "count": after_sale.count},
        "refund_info": {"amount": after_sale.amount},
        "details": {"desc": after_sale.reason, "reject_reason": after_sale.reject_reason},
        "create_time": after_sale.create_time,
        "update_time": after_sale.update_time,
    }
