"""The mini-shop (小商店) spu API of reference §4 and seed 001: every endpoint of the §4 table at ``/product/...``.

Each product has a draft and an online copy. add, update and the SKU calls change the draft only (edit_status 1);
listing submits the draft for audit (2), which finishes after a configurable delay on the sandbox clock with a
configurable outcome (``minishop_audit``): an approved draft (4) becomes the online copy and the product is listed
(status 5); a rejected one (3) keeps its reason. Nothing changes a draft under audit (9401023). Audits fall due at
the start of every mini-shop call and on the server's timer (``Emulator.tick``). Stock is one number per SKU,
shared by both copies. The shop cannot create freight templates: each app starts with the seeded ones.

One section per part of the API: ``spu`` (the SPU calls), ``listing`` (listing, delisting and the audits), ``sku``,
``stock``, ``catalog`` (categories and freight templates), ``images`` and ``orders`` (orders and delivery);
``shop`` holds what they share, ``state`` what is kept, ``rules`` the field rules and errcodes, ``seed`` the
categories and templates.

Each app id has its own isolated shop. Handlers run under the sandbox lock and record every state change they
apply in the applied-effects log with platform ``minishop``. Remote ids (product_id, sku_id) are JSON numbers
above 2^53, as the platform answers them.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.base import ApiError, Handler, Platform, Request, RouteTable, merge_routes
from sandbox.core.services import Services
from sandbox.core.tokens import WeChatTokenAuth
from sandbox.core.validation import ERR_INVALID_ARGS, invalid_args
from sandbox.minishop.catalog import Catalog
from sandbox.minishop.images import Images
from sandbox.minishop.listing import Audits, Listing
from sandbox.minishop.orders import OrderBook, Orders, render_order
from sandbox.minishop.rules import ERR_NO_PERMISSION, ERR_PARAM, ERR_TOKEN_TOO_LONG, TOKEN_MAX_LENGTH
from sandbox.minishop.seed import CategoryTree, build_category_tree
from sandbox.minishop.shop import WriteQuota, render
from sandbox.minishop.sku import Skus
from sandbox.minishop.spu import Spus
from sandbox.minishop.state import ShopState
from sandbox.minishop.stock import Stock


class MiniShop(Platform):
    """``/product/...`` endpoints of reference §4, authenticated with WeChat access tokens (§1)."""

    name = "minishop"
    config_keys = frozenset({"minishop_audit", "minishop_quota", "minishop_no_permission"})

    def __init__(self, services: Services, *, tree: CategoryTree | None = None) -> None:
        self.ctx = ctx = services.ctx
        self._auth = WeChatTokenAuth(services.tokens)
        self.tree = tree or build_category_tree()
        self.no_permission: frozenset[str] = frozenset()
        self._states = AppStates(ctx, self.name, ShopState, ShopState)
        self._quota = WriteQuota(ctx)
        self._audits = Audits(ctx, self._states)
        self._books = AppStates(ctx, self.name, OrderBook, OrderBook)
        self._orders = Orders(ctx, self._states, self._books)
        self._sections = [
            Spus(ctx, self._states, self.tree, self._quota),
            Listing(ctx, self._states, self._audits),
            Skus(ctx, self._states),
            Stock(ctx, self._states),
            Catalog(self._states, self.tree),
            Images(ctx, self._states),
            self._orders,
        ]

    # --- Platform interface -------------------------------------------------------------------------------------

    def routes(self) -> RouteTable:
        routes = merge_routes(*(section.routes() for section in self._sections))
        return {key: self._wrap(handler) for key, handler in routes.items()}

    def authenticate(self, request: Request) -> str:
        token = request.query.get("access_token") or ""
        if len(token) > TOKEN_MAX_LENGTH:
            raise ApiError(ERR_TOKEN_TOO_LONG, "token too long")
        appid = self._auth(request)
        if appid in self.no_permission:
            raise ApiError(ERR_NO_PERMISSION, f"app {appid} has no permission to call this api")
        return appid

    def control_routes(self) -> RouteTable:
        return self._orders.control_routes()

    def reset(self, appid: str | None) -> None:
        self._states.forget(appid)
        self._books.forget(appid)

    def export_state(self) -> dict[str, Any]:
        return {"shops": self._states.export(), "orders": self._books.export()}

    def import_state(self, state: Any) -> None:
        """The shops and their orders; a file written before the mini-shop had orders holds the map of shops
        alone (app ids to :class:`ShopState`), and loads with no orders."""
        if isinstance(state, dict) and set(state) == {"shops", "orders"}:
            self._states.load(state["shops"])
            self._books.load(state["orders"])
        else:
            self._states.load(state)
            self._books.load({})

    def tick(self) -> None:
        self._audits.advance()

    def snapshot(self, appid: str) -> dict[str, Any] | None:
        """The app's shop, or None while the app has not called the mini-shop (the dump then has no section)."""
        self._audits.advance()
        state = self._states.get(appid)
        if state is None:
            return None
        hour_used, day_used = self._quota.used(state.writes)
        return {
            "products": [
                {
                    "product_id": product.product_id,
                    "out_product_id": product.out_product_id,
                    "status": product.status,
                    "edit_status": product.edit_status,
                    "audit_due_at": product.due_at,
                    "audit_info": product.audit_info(),
                    "stock": {str(sku_id): stock for sku_id, stock in product.stock.items()},
                    "edit_spu": render(product, product.draft),
                    "spu": render(product, product.online) if product.online is not None else None,
                }
                for product in state.products.values()
            ],
            "templates": copy.deepcopy(list(state.templates.values())),
            "images": list(state.images),
            "media_ids": list(state.media),
            "quota": {"hour_used": hour_used, "day_used": day_used, **self._quota.limits},
            "orders": [render_order(order) for order in (self._books.get(appid) or OrderBook()).orders.values()],
        }

    def config(self) -> dict[str, Any]:
        return {
            "minishop_audit": self._audits.settings.as_json(),
            "minishop_quota": dict(self._quota.limits),
            "minishop_no_permission": sorted(self.no_permission),
        }

    def prepare_config(self, body: dict[str, Any]) -> Callable[[], None]:
        audit = self._audits.settings
        if "minishop_audit" in body:
            audit = audit.merged(body["minishop_audit"])
        quota = self._quota.merged(body["minishop_quota"]) if "minishop_quota" in body else self._quota.limits
        no_permission = self.no_permission
        if "minishop_no_permission" in body:
            given = body["minishop_no_permission"]
            if not isinstance(given, list) or not all(isinstance(appid, str) and appid for appid in given):
                raise invalid_args("minishop_no_permission must be a list of app ids")
            no_permission = frozenset(given)

        def apply() -> None:
            self._audits.settings, self._quota.limits, self.no_permission = audit, quota, no_permission

        return apply

    def _wrap(self, handler: Handler) -> Handler:
        """Let due audits finish first, and answer 9401020 "参数有误" for the shared readers' 40097."""

        @functools.wraps(handler)
        def wrapped(request: Request) -> dict[str, Any] | Any:
            self._audits.advance()
            try:
                return handler(request)
            except ApiError as error:
                if error.errcode == ERR_INVALID_ARGS:
                    message = error.errmsg.removeprefix("invalid args: ")
                    raise ApiError(ERR_PARAM, f"invalid param: {message}") from error
                raise

        return wrapped
