"""The Channels store, today's 微信小店 (reference §3): every endpoint of the §3.2 table at ``/channels/ec/...``, and
also at ``/shop/ec/...`` where the reference says the prefix differs.

Each product has a draft (``edit_product``, ``edit_status``) and an online copy (``product``, ``status``) (§3.1).
add and update write the draft and submit it for audit; the audit finishes after a configurable delay on the
sandbox clock, with a configurable outcome; listing puts the approved draft online. Audits fall due lazily at the
start of every Channels call and on the server's timer (``Emulator.tick``), so they progress in real time and, for
tests, with ``POST /__sandbox__/clock`` alone. Events (``product_spu_audit``, ``product_spu_listing``,
``product_spu_update``) are POSTed as signed JSON to ``channels_event_url`` by the push queue.

One section per part of the API: ``products`` (add, update, auditfree, get, list, delete), ``listing`` (listing,
delisting, audit/cancel), ``stock``, ``freight`` (templates), ``categories`` (and brands), ``uploads`` (images and
qualification files), ``third_party`` (source declarations), ``orders`` (orders and delivery) and ``aftersales``;
``audits`` and ``events`` are the machinery they share, ``shop`` their common reads, ``state`` and ``order_state``
what is kept, ``codes``, ``product_rules``, ``freight_rules`` and
``source_rules`` the rules and errcodes, ``seed`` the categories, attributes, brands, provinces and send times.

Each app id has its own isolated shop. Handlers run under the sandbox lock and record every state change they apply
in the applied-effects log with platform ``channels``.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

from sandbox.channels.aftersales import AfterSales, render_aftersale
from sandbox.channels.audits import Audits
from sandbox.channels.categories import CategoriesAndBrands
from sandbox.channels.events import Events
from sandbox.channels.freight import FreightTemplates
from sandbox.channels.listing import Listing
from sandbox.channels.order_state import OrderBook
from sandbox.channels.orders import OrderDesk, Orders, render_order
from sandbox.channels.products import Products
from sandbox.channels.seed import BRANDS, CategoryTree, build_category_tree
from sandbox.channels.shop import Endpoint, SubmissionQuota, render
from sandbox.channels.state import ShopState
from sandbox.channels.stock import Stock
from sandbox.channels.third_party import ThirdPartySources
from sandbox.channels.uploads import Uploads
from sandbox.core.app_states import AppStates
from sandbox.core.base import ApiError, Handler, Platform, Request, RouteTable, merge_routes
from sandbox.core.services import Services
from sandbox.core.tokens import WeChatTokenAuth
from sandbox.core.validation import ERR_INVALID_ARGS, invalid_args, read_int

PREFIX = "/channels/ec"
SHOP_PREFIX = "/shop/ec"


class ChannelsStore(Platform):
    """``/channels/ec/...`` (and ``/shop/ec/...``) endpoints of reference §3.2, authenticated with WeChat access
    tokens of the store's own AppID (§1.4)."""

    name = "channels"
    config_keys = frozenset({"channels_event_url", "channels_audit", "channels_quota", "channels_stock_rate"})

    def __init__(self, services: Services, *, event_url: str | None = None, tree: CategoryTree | None = None) -> None:
        ctx = services.ctx
        self._auth = WeChatTokenAuth(services.tokens)
        self.tree = tree or build_category_tree()
        self.brands = {brand.brand_id: brand for brand in BRANDS}
        self._states = AppStates(ctx, self.name, ShopState, ShopState)
        self._events = Events(ctx, self._states, services.pushes, url=event_url)
        self._audits = Audits(ctx, self._states, self._events)
        self._quota = SubmissionQuota(ctx)
        self._stock = Stock(ctx, self._states)
        self._books = AppStates(ctx, self.name, OrderBook, OrderBook)
        desk = OrderDesk(ctx, self._states, self._books, self._events)
        self._orders = Orders(desk)
        self._aftersales = AfterSales(desk)
        self._sections = [
            Products(ctx, self._states, self.tree, self.brands, self._quota, self._audits, self._events),
            Listing(self._states, self._quota, self._audits, self._events),
            self._stock,
            ThirdPartySources(self._states),
            FreightTemplates(ctx, self._states),
            CategoriesAndBrands(self.tree, self.brands),
            Uploads(ctx, self._states),
            self._orders,
            self._aftersales,
        ]

    # --- Platform interface -----------------------------------------------------------------------------------------

    def routes(self) -> RouteTable:
        return merge_routes(
            *(self._routes_of(endpoint) for section in self._sections for endpoint in section.endpoints())
        )

    def _routes_of(self, endpoint: Endpoint) -> RouteTable:
        wrapped = self._wrap(endpoint.handler, endpoint.param)
        routes: RouteTable = {}
        for prefix in (PREFIX, SHOP_PREFIX) if endpoint.shop else (PREFIX,):
            routes[("POST", prefix + endpoint.path)] = wrapped
            if endpoint.get:
                routes[("GET", prefix + endpoint.path)] = wrapped
        return routes

    def control_routes(self) -> RouteTable:
        return merge_routes(self._orders.control_routes(), self._aftersales.control_routes())

    def authenticate(self, request: Request) -> str:
        return self._auth(request)

    def reset(self, appid: str | None) -> None:
        self._states.forget(appid)
        self._books.forget(appid)

    def export_state(self) -> dict[str, Any]:
        return {"states": self._states.export(), "tickets": self._audits.tickets, "orders": self._books.export()}

    def import_state(self, state: Any) -> None:
        """The shops, and the pending upload and audit stages rebuilt from their products (the heap is an index)."""
        tickets = state["tickets"]
        if not isinstance(tickets, int):
            raise ValueError("the stored ticket counter is not a number")
        self._states.load(state["states"])
        # A file written before the store had orders has none.
        self._books.load(state.get("orders", {}))
        self._audits.restore(tickets)

    def tick(self) -> None:
        self._audits.advance()

    def snapshot(self, appid: str) -> dict[str, Any]:
        self._audits.advance()
        state = self._states.get(appid) or ShopState()
        book = self._books.get(appid) or OrderBook()
        hour_used, day_used = self._quota.used(state.submissions)
        return {
            "products": [
                {
                    "product_id": product.product_id,
                    "out_product_id": product.out_product_id,
                    "status": product.status,
                    "edit_status": product.edit_status,
                    "ever_listed": product.ever_listed,
                    "list_on_pass": product.list_on_pass,
                    "pending": {"stage": product.stage, "due_at": product.due_at} if product.stage else None,
                    "audit_info": product.audit_info(),
                    "stock": dict(product.stock),
                    "edit_product": render(product, product.draft, draft=True),
                    "product": render(product, product.online) if product.online is not None else None,
                }
                for product in state.products.values()
            ],
            "stock_flow": copy.deepcopy(state.stock_flow),
            "templates": copy.deepcopy(list(state.templates.values())),
            "images": list(state.images),
            "media_ids": list(state.media),
            "qualification_files": list(state.qualification_files),
            "third_party_sources": copy.deepcopy(state.third_party_sources),
            "quota": {"hour_used": hour_used, "day_used": day_used, **self._quota.limits},
            "pushes": [record.as_json() for record in state.pushes],
            "orders": [render_order(order) for order in book.orders.values()],
            "aftersales": [render_aftersale(item) for item in book.aftersales.values()],
        }

    def config(self) -> dict[str, Any]:
        return {
            "channels_event_url": self._events.url,
            "channels_audit": self._audits.settings.as_json(),
            "channels_quota": dict(self._quota.limits),
            "channels_stock_rate": {"per_sku_per_second": self._stock.rate},
        }

    def prepare_config(self, body: dict[str, Any]) -> Callable[[], None]:
        event_url = body.get("channels_event_url", self._events.url)
        if event_url is not None and (
            not isinstance(event_url, str) or not event_url.startswith(("http://", "https://"))
        ):
            raise invalid_args("channels_event_url must be an http(s) URL or null")
        audit = self._audits.settings
        if "channels_audit" in body:
            audit = audit.merged(body["channels_audit"])
        quota = self._quota.merged(body["channels_quota"]) if "channels_quota" in body else self._quota.limits
        stock_rate = self._stock.rate
        if "channels_stock_rate" in body:
            given = body["channels_stock_rate"]
            if not isinstance(given, dict) or set(given) != {"per_sku_per_second"}:
                raise invalid_args("channels_stock_rate must be {per_sku_per_second: integer >= 1}")
            stock_rate = read_int(given, "per_sku_per_second", prefix="channels_stock_rate", minimum=1)

        def apply() -> None:
            self._events.url, self._audits.settings, self._quota.limits = event_url, audit, quota
            self._stock.rate = stock_rate

        return apply

    def _wrap(self, handler: Handler, param_errcode: int) -> Handler:
        """Let due audits finish first, and answer the platform's "bad parameter" code instead of 40097."""

        @functools.wraps(handler)
        def wrapped(request: Request) -> dict[str, Any] | Any:
            self._audits.advance()
            try:
                return handler(request)
            except ApiError as error:
                if error.errcode == ERR_INVALID_ARGS:
                    raise ApiError(param_errcode, error.errmsg) from error
                raise

        return wrapped
