"""The mini-shop (小商店) spu API of reference §4 and seed 001: every endpoint of the §4 table at ``/product/...``.

Each product has a draft and an online copy. add, update and the SKU calls change the draft only (edit_status 1);
listing submits the draft for audit (2), which finishes after a configurable delay on the sandbox clock with a
configurable outcome (``minishop_audit``): an approved draft (4) becomes the online copy and the product is listed
(status 5); a rejected one (3) keeps its reason. Nothing changes a draft under audit (9401023). Audits fall due at
the start of every mini-shop call and on the server's timer (``Sandbox.tick``). Stock is one number per SKU,
shared by both copies. The shop cannot create freight templates: each app starts with the seeded ones.

Each app id has its own isolated shop. Handlers run under the sandbox lock and record every state change they
apply in the applied-effects log with platform ``minishop``. Remote ids (product_id, sku_id) are JSON numbers
above 2^53, as the platform answers them.
"""

from __future__ import annotations

import copy
import functools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.core.audits import AuditSettings, record_audit
from sandbox.core.base import ApiError, Platform, Request, RouteTable, app_states, forget_app_states, ok
from sandbox.core.context import ALPHANUMERIC, beijing_time, hour_and_day_counts
from sandbox.core.services import Services
from sandbox.core.tokens import WeChatTokenAuth
from sandbox.core.validation import (
    ERR_INVALID_ARGS,
    check_int,
    invalid_args,
    multipart_media,
    read_int,
    read_list,
    read_query_int,
    read_str,
)
from sandbox.minishop.rules import (
    ERR_DAILY_QUOTA,
    ERR_MINUTE_QUOTA,
    ERR_NO_PERMISSION,
    ERR_NOT_EDITABLE,
    ERR_PARAM,
    ERR_PRODUCT_ID_MISSING,
    ERR_SKU_MISSING,
    ERR_SPU_EXISTS,
    ERR_SPU_MISSING,
    ERR_TOKEN_TOO_LONG,
    STOCK_MAX,
    TOKEN_MAX_LENGTH,
    SpuRules,
    check_out_product_id,
    fail,
    param,
    read_number_id,
    validate_sku,
    validate_skus,
)
from sandbox.minishop.seed import TEMPLATES, CategoryTree, build_category_tree

PREFIX = "/product"

# §4 enums: edit_status of the draft, status of the product.
EDIT_EDITING = 1
EDIT_UNDER_AUDIT = 2
EDIT_REJECTED = 3
EDIT_APPROVED = 4
STATUS_INITIAL = 0
STATUS_LISTED = 5
STATUS_DELISTED = 11
STATUS_VIOLATION = 13
STOCK_SET = 1
STOCK_DELTA = 2

# Audit results are not made by a call; the applied log files them under this endpoint.
AUDIT_ENDPOINT = "minishop/audit"
# §4 "Listing rules": add + update share 200/hour and 1000/day.
DEFAULT_QUOTA = {"hour": 200, "day": 1000}
LIST_PAGE_DEFAULT, LIST_PAGE_MAX = 10, 100
# Ids above 2^53 (seed 001 answers 23423523452345235): a JavaScript client would lose digits, Python does not.
FIRST_PRODUCT_ID = 23423523452345235
FIRST_SKU_ID = 9007199254740993
MEDIA_LIMIT_BYTES = 2 * 1024 * 1024
LINK_LIMIT_BYTES = 10 * 1024 * 1024
IMAGE_HOST = "https://mmbiz.qpic.cn/mini_shop/"
IMAGE_KEY_LENGTH = 32
MEDIA_ID_LENGTH = 64


# --- configuration -----------------------------------------------------------------------------------------------


class MiniShopAuditSettings(AuditSettings):
    """``minishop_audit``: how long an audit takes and how it ends."""

    config_key = "minishop_audit"


# --- state --------------------------------------------------------------------------------------------------------


@dataclass
class MiniShopProduct:
    product_id: int
    seq: int
    out_product_id: str
    create_time: float
    # The draft and the online copy: SPU fields plus "skus" (each with its sku_id and the stock_num last written).
    draft: dict[str, Any]
    online: dict[str, Any] | None = None
    status: int = STATUS_INITIAL
    edit_status: int = EDIT_EDITING
    # The live stock of each SKU, shared by both copies.
    stock: dict[int, int] = field(default_factory=dict)
    update_time: float = 0.0
    submit_time: float | None = None
    audit_time: float | None = None
    reject_reason: str = ""
    due_at: float | None = None

    def sku(self, *, sku_id: int | None = None, out_sku_id: str | None = None) -> dict[str, Any] | None:
        for sku in self.draft["skus"]:
            if (sku_id is not None and sku["sku_id"] == sku_id) or (
                out_sku_id is not None and sku["out_sku_id"] == out_sku_id
            ):
                return sku
        return None

    def audit_info(self) -> dict[str, Any]:
        return {
            "submit_time": beijing_time(self.submit_time) if self.submit_time else "",
            "audit_time": beijing_time(self.audit_time) if self.audit_time else "",
            "reject_reason": self.reject_reason,
        }


@dataclass
class ShopState:
    """One app's mini-shop."""

    products: dict[int, MiniShopProduct] = field(default_factory=dict)
    next_seq: int = 1
    next_product_id: int = FIRST_PRODUCT_ID
    next_sku_id: int = FIRST_SKU_ID
    images: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    templates: dict[int, dict[str, Any]] = field(
        default_factory=lambda: {template.template_id: template.as_json() for template in TEMPLATES}
    )
    # Sandbox times of the add and update calls that count towards the quota (§4 "Listing rules").
    writes: deque[float] = field(default_factory=deque)

    def by_out_product_id(self, out_product_id: str) -> MiniShopProduct | None:
        return next((p for p in self.products.values() if p.out_product_id == out_product_id), None)


Handler = Callable[[Request], dict[str, Any]]


class MiniShop(Platform):
    """``/product/...`` endpoints of reference §4, authenticated with WeChat access tokens (§1)."""

    name = "minishop"
    config_keys = frozenset({"minishop_audit", "minishop_quota", "minishop_no_permission"})

    def __init__(self, services: Services, *, tree: CategoryTree | None = None) -> None:
        self.ctx = services.ctx
        self._auth = WeChatTokenAuth(services.tokens)
        self.tree = tree or build_category_tree()
        self.audit = MiniShopAuditSettings()
        self.quota = dict(DEFAULT_QUOTA)
        self.no_permission: frozenset[str] = frozenset()
        self._states: dict[str, ShopState] = {}

    # --- Platform interface -------------------------------------------------------------------------------------

    def routes(self) -> RouteTable:
        handlers: dict[str, Handler] = {
            "/spu/add": self.spu_add,
            "/spu/update": self.spu_update,
            "/spu/get": self.spu_get,
            "/spu/get_list": self.spu_get_list,
            "/spu/del": self.spu_delete,
            "/spu/listing": self.spu_listing,
            "/spu/delisting": self.spu_delisting,
            "/sku/add": self.sku_add,
            "/sku/batch_add": self.sku_batch_add,
            "/sku/update": self.sku_update,
            "/sku/get_list": self.sku_get_list,
            "/stock/update": self.stock_update,
            "/category/get": self.category_get,
            "/delivery/get_freight_template": self.freight_templates,
            "/img/upload": self.image_upload,
        }
        return {("POST", PREFIX + path): self._wrap(handler) for path, handler in handlers.items()}

    def authenticate(self, request: Request) -> str:
        token = request.query.get("access_token") or ""
        if len(token) > TOKEN_MAX_LENGTH:
            raise ApiError(ERR_TOKEN_TOO_LONG, "token too long")
        appid = self._auth(request)
        if appid in self.no_permission:
            raise ApiError(ERR_NO_PERMISSION, f"app {appid} has no permission to call this api")
        return appid

    def reset(self, appid: str | None) -> None:
        forget_app_states(self._states, appid)

    def export_state(self) -> dict[str, ShopState]:
        return self._states

    def import_state(self, state: Any) -> None:
        self._states = app_states(state, ShopState)

    def tick(self) -> None:
        self._advance()

    def snapshot(self, appid: str) -> dict[str, Any] | None:
        """The app's shop, or None while the app has not called the mini-shop (the dump then has no section)."""
        self._advance()
        state = self._states.get(appid)
        if state is None:
            return None
        hour_used, day_used = self._quota_used(state)
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
                    "edit_spu": self._render(product, product.draft),
                    "spu": self._render(product, product.online) if product.online is not None else None,
                }
                for product in state.products.values()
            ],
            "templates": copy.deepcopy(list(state.templates.values())),
            "images": list(state.images),
            "media_ids": list(state.media),
            "quota": {"hour_used": hour_used, "day_used": day_used, **self.quota},
        }

    def config(self) -> dict[str, Any]:
        return {
            "minishop_audit": self.audit.as_json(),
            "minishop_quota": dict(self.quota),
            "minishop_no_permission": sorted(self.no_permission),
        }

    def prepare_config(self, body: dict[str, Any]) -> Callable[[], None]:
        audit = self.audit.merged(body["minishop_audit"]) if "minishop_audit" in body else self.audit
        quota = dict(self.quota)
        if "minishop_quota" in body:
            given = body["minishop_quota"]
            if not isinstance(given, dict) or not set(given) <= {"hour", "day"}:
                raise invalid_args("minishop_quota must be an object with hour and/or day")
            for key, value in given.items():
                quota[key] = check_int(value, f"minishop_quota.{key}", minimum=0)
        no_permission = self.no_permission
        if "minishop_no_permission" in body:
            given = body["minishop_no_permission"]
            if not isinstance(given, list) or not all(isinstance(appid, str) and appid for appid in given):
                raise invalid_args("minishop_no_permission must be a list of app ids")
            no_permission = frozenset(given)

        def apply() -> None:
            self.audit, self.quota, self.no_permission = audit, quota, no_permission

        return apply

    # --- helpers ------------------------------------------------------------------------------------------------

    def _wrap(self, handler: Handler) -> Handler:
        """Let due audits finish first, and answer 9401020 "参数有误" for the shared readers' 40097."""

        @functools.wraps(handler)
        def wrapped(request: Request) -> dict[str, Any]:
            self._advance()
            try:
                return handler(request)
            except ApiError as error:
                if error.errcode == ERR_INVALID_ARGS:
                    message = error.errmsg.removeprefix("invalid args: ")
                    raise ApiError(ERR_PARAM, f"invalid param: {message}") from error
                raise

        return wrapped

    def _state(self, request: Request) -> ShopState:
        assert request.appid is not None  # every route here is authenticated
        return self._states.setdefault(request.appid, ShopState())

    def _record(self, request: Request, **fields: Any) -> None:
        assert request.appid is not None
        self.ctx.applied.record(platform=self.name, endpoint=request.path, appid=request.appid, **fields)

    def _rules(self, state: ShopState) -> SpuRules:
        return SpuRules(self.tree, frozenset(state.templates))

    @staticmethod
    def _product(state: ShopState, body: dict[str, Any], *, missing: int = ERR_SPU_MISSING) -> MiniShopProduct:
        """The product named by ``product_id`` or ``out_product_id`` (seed 001: one or the other)."""
        if body.get("product_id") is not None:
            product_id = read_number_id(body, "product_id")
            product = state.products.get(product_id)
            if product is None:
                raise fail(missing, f"product_id {product_id} does not exist")
            return product
        out_product_id = read_str(body, "out_product_id", required=False)
        if not out_product_id:
            raise param("product_id or out_product_id is required")
        product = state.by_out_product_id(out_product_id)
        if product is None:
            raise fail(missing, f"out_product_id {out_product_id} does not exist")
        return product

    @staticmethod
    def _editable(product: MiniShopProduct) -> None:
        if product.edit_status == EDIT_UNDER_AUDIT:
            raise fail(ERR_NOT_EDITABLE, f"SPU {product.product_id} is under audit and cannot be edited")

    def _render(self, product: MiniShopProduct, data: dict[str, Any], *, real_stock: bool = True) -> dict[str, Any]:
        """A copy as ``spu/get`` shows it: the stored fields plus ids, states, live stock and times."""
        body = copy.deepcopy(data)
        skus = [self._render_sku(product, sku, real_stock=real_stock) for sku in body.pop("skus")]
        return {
            "product_id": product.product_id,
            **body,
            "skus": skus,
            "min_price": min((sku["sale_price"] for sku in skus), default=0),
            "status": product.status,
            "edit_status": product.edit_status,
            "audit_info": product.audit_info(),
            "create_time": beijing_time(product.create_time),
            "update_time": beijing_time(product.update_time),
        }

    @staticmethod
    def _render_sku(product: MiniShopProduct, sku: dict[str, Any], *, real_stock: bool) -> dict[str, Any]:
        rendered = {"product_id": product.product_id, "out_product_id": product.out_product_id, **copy.deepcopy(sku)}
        if real_stock:
            rendered["stock_num"] = product.stock.get(sku["sku_id"], 0)
        return rendered

    def _new_skus(self, state: ShopState, product: MiniShopProduct | None, skus: list[dict[str, Any]]) -> list[dict]:
        """SKUs of an add/update with their sku_id: the draft's own for a known ``out_sku_id``, else a new one."""
        with_ids = []
        for sku in skus:
            known = product.sku(out_sku_id=sku["out_sku_id"]) if product is not None else None
            if known is not None:
                sku_id = known["sku_id"]
            else:
                sku_id = state.next_sku_id
                state.next_sku_id += 1
            with_ids.append({"sku_id": sku_id, **sku})
        return with_ids

    # --- quota --------------------------------------------------------------------------------------------------

    def _quota_used(self, state: ShopState) -> tuple[int, int]:
        return hour_and_day_counts(state.writes, self.ctx.now())

    def _check_quota(self, state: ShopState) -> None:
        """§4: add and update share 200 an hour and 1000 a day (rolling windows on the sandbox clock)."""
        hour_used, day_used = self._quota_used(state)
        if day_used >= self.quota["day"]:
            raise fail(ERR_DAILY_QUOTA, f"add+update quota reached: {day_used}/{self.quota['day']} in the last day")
        if hour_used >= self.quota["hour"]:
            raise fail(ERR_MINUTE_QUOTA, f"add+update quota reached: {hour_used}/{self.quota['hour']} in the last hour")

    # --- audits -------------------------------------------------------------------------------------------------

    def _submit(self, product: MiniShopProduct) -> None:
        now = self.ctx.now()
        product.edit_status, product.submit_time, product.audit_time, product.reject_reason = (
            EDIT_UNDER_AUDIT,
            now,
            None,
            "",
        )
        product.due_at = now + self.audit.delay_seconds

    def _advance(self) -> None:
        """Finish every audit that is due by the sandbox clock, earliest first."""
        now = self.ctx.now()
        due = sorted(
            (
                (product.due_at, product.seq, appid, product)
                for appid, state in self._states.items()
                for product in state.products.values()
                if product.due_at is not None and product.due_at <= now
            ),
            key=lambda item: (item[0], item[1]),
        )
        for due_at, _seq, appid, product in due:
            self._finish_audit(appid, product, due_at)

    def _finish_audit(self, appid: str, product: MiniShopProduct, due_at: float) -> None:
        outcome = self.audit.outcome_for(str(product.product_id), product.out_product_id)
        product.due_at, product.audit_time = None, due_at
        if outcome.passed:
            product.edit_status = EDIT_APPROVED
            product.online = copy.deepcopy(product.draft)
            product.status, product.update_time = STATUS_LISTED, due_at
        else:
            product.edit_status, product.reject_reason = EDIT_REJECTED, outcome.reject_reason
        record_audit(
            self.ctx, platform=self.name, endpoint=AUDIT_ENDPOINT, appid=appid, product=product, outcome=outcome
        )

    # --- spu ----------------------------------------------------------------------------------------------------

    def spu_add(self, request: Request) -> dict[str, Any]:
        """§4 add (seed 001): the body becomes the draft (edit_status 1); ``skus`` are optional. 9401001 when the
        out_product_id exists already. Answers ``data {product_id (a number), out_product_id, create_time}``."""
        state = self._state(request)
        body = request.json()
        out_product_id = check_out_product_id(body)
        if state.by_out_product_id(out_product_id) is not None:
            raise fail(ERR_SPU_EXISTS, f"SPU with out_product_id {out_product_id} already exists")
        spu = self._rules(state).validate(body, out_product_id=out_product_id)
        skus = validate_skus(body, out_product_id=out_product_id)
        self._check_quota(state)
        now = self.ctx.now()
        product = MiniShopProduct(
            product_id=state.next_product_id,
            seq=state.next_seq,
            out_product_id=out_product_id,
            create_time=now,
            draft={**spu, "skus": self._new_skus(state, None, skus)},
            update_time=now,
        )
        state.next_product_id += 1
        state.next_seq += 1
        state.products[product.product_id] = product
        product.stock = {sku["sku_id"]: sku["stock_num"] for sku in product.draft["skus"]}
        state.writes.append(now)
        self._record(
            request,
            product_id=product.product_id,
            out_product_id=out_product_id,
            title=spu["title"],
            skus=self._sku_summary(product),
        )
        return ok(
            data={"product_id": product.product_id, "out_product_id": out_product_id, "create_time": beijing_time(now)}
        )

    def spu_update(self, request: Request) -> dict[str, Any]:
        """§4 update: ``product_id`` or ``out_product_id`` plus the whole SPU; the draft is replaced (and its SKUs
        when ``skus`` is given, keeping the sku_id of each known ``out_sku_id``; ``stock_num`` sets the stock).
        9401023 under audit. An update that changes only SKU prices or stock of a listed product does not count
        towards the quota (§4)."""
        state = self._state(request)
        body = request.json()
        product = self._product(state, body)
        self._editable(product)
        if body.get("out_product_id") not in (None, product.out_product_id):
            raise param("out_product_id cannot change after add")
        spu = self._rules(state).validate(body, out_product_id=product.out_product_id)
        if "skus" in body:
            skus = self._new_skus(state, product, validate_skus(body, out_product_id=product.out_product_id))
        else:
            skus = copy.deepcopy(product.draft["skus"])
        draft = {**spu, "skus": skus}
        counted = not (product.status == STATUS_LISTED and _without_prices(draft) == _without_prices(product.draft))
        if counted:
            self._check_quota(state)
        now = self.ctx.now()
        if draft != product.draft:
            product.draft, product.edit_status, product.reject_reason = draft, EDIT_EDITING, ""
        product.update_time = now
        if "skus" in body:
            product.stock.update({sku["sku_id"]: sku["stock_num"] for sku in skus})
        if counted:
            state.writes.append(now)
        self._record(
            request,
            product_id=product.product_id,
            title=spu["title"],
            counted=counted,
            skus=self._sku_summary(product),
        )
        return ok(
            data={
                "product_id": product.product_id,
                "out_product_id": product.out_product_id,
                "update_time": beijing_time(now),
            }
        )

    def spu_get(self, request: Request) -> dict[str, Any]:
        """§4 get: ``need_edit_spu`` 1 the draft, 0 (default) the online copy, which a never-listed product does not
        have (9401002). Answers ``data.spu`` with status, edit_status, min_price and skus (live stock)."""
        state = self._state(request)
        body = request.json()
        product = self._product(state, body)
        need_edit = read_int(body, "need_edit_spu", default=0, choices=(0, 1))
        if need_edit:
            return ok(data={"spu": self._render(product, product.draft)})
        if product.online is None:
            raise fail(ERR_SPU_MISSING, f"SPU {product.product_id} has no online data: it was never listed")
        return ok(data={"spu": self._render(product, product.online)})

    def spu_get_list(self, request: Request) -> dict[str, Any]:
        """§4 get_list: optional ``status``, ``page`` (from 1), ``page_size`` (default 10, at most 100),
        ``need_edit_spu`` (1 drafts of every product, 0 the online copies). Oldest first; ``total_num`` too."""
        state = self._state(request)
        body = request.optional_json()
        page = read_int(body, "page", default=1, minimum=1)
        page_size = read_int(body, "page_size", default=LIST_PAGE_DEFAULT, minimum=1)
        if page_size > LIST_PAGE_MAX:
            raise param(f"page_size must be at most {LIST_PAGE_MAX}")
        need_edit = read_int(body, "need_edit_spu", default=0, choices=(0, 1))
        status = read_int(body, "status", minimum=0) if body.get("status") is not None else None
        matching = [
            product
            for product in sorted(state.products.values(), key=lambda p: p.seq)
            if (status is None or product.status == status) and (need_edit or product.online is not None)
        ]
        chosen = matching[(page - 1) * page_size : page * page_size]
        spus = [self._render(product, _copy_of(product, draft=bool(need_edit))) for product in chosen]
        return ok(spus=spus, total_num=len(matching))

    def spu_delete(self, request: Request) -> dict[str, Any]:
        """§4 del: the product is gone (a later get answers 9401002); 9401023 under audit."""
        state = self._state(request)
        product = self._product(state, request.json())
        self._editable(product)
        del state.products[product.product_id]
        self._record(request, product_id=product.product_id, out_product_id=product.out_product_id)
        return ok()

    def spu_listing(self, request: Request) -> dict[str, Any]:
        """§4 listing (上架): the draft goes to audit and is listed when it passes. An approved draft that is the
        online copy goes back online at once (a delisted product). 9401023 under audit; 9401020 without SKUs."""
        state = self._state(request)
        product = self._product(state, request.json())
        self._editable(product)
        if not product.draft["skus"]:
            raise param(f"SPU {product.product_id} has no SKU to list")
        if product.edit_status == EDIT_APPROVED and product.online == product.draft:
            if product.status == STATUS_LISTED:
                return ok()  # online as it is: nothing changes
            if product.status == STATUS_DELISTED:
                product.status, product.update_time = STATUS_LISTED, self.ctx.now()
                self._record(request, product_id=product.product_id, status=product.status, audit=False)
                return ok()
        self._submit(product)
        self._record(
            request, product_id=product.product_id, status=product.status, edit_status=product.edit_status, audit=True
        )
        return ok()

    def spu_delisting(self, request: Request) -> dict[str, Any]:
        """§4 delisting (下架): a listed product (5) is delisted by the merchant (11); 9401020 when not listed."""
        state = self._state(request)
        product = self._product(state, request.json())
        if product.status != STATUS_LISTED:
            raise param(f"SPU {product.product_id} is not listed (status {product.status})")
        product.status, product.update_time = STATUS_DELISTED, self.ctx.now()
        self._record(request, product_id=product.product_id, status=product.status)
        return ok()

    @staticmethod
    def _sku_summary(product: MiniShopProduct) -> list[dict[str, Any]]:
        return [
            {"sku_id": sku["sku_id"], "out_sku_id": sku["out_sku_id"], "stock_num": product.stock.get(sku["sku_id"], 0)}
            for sku in product.draft["skus"]
        ]

    # --- sku ----------------------------------------------------------------------------------------------------

    def _add_sku(self, request: Request, state: ShopState, product: MiniShopProduct, data: dict, path: str) -> dict:
        self._editable(product)
        sku = validate_sku(data, path, out_product_id=None)
        if product.sku(out_sku_id=sku["out_sku_id"]) is not None:
            raise param(f"{path}.out_sku_id {sku['out_sku_id']!r} already exists in SPU {product.product_id}")
        now = self.ctx.now()
        (stored,) = self._new_skus(state, None, [sku])
        product.draft = {**product.draft, "skus": [*product.draft["skus"], stored]}
        product.stock[stored["sku_id"]] = stored["stock_num"]
        product.edit_status, product.update_time = EDIT_EDITING, now
        self._record(request, product_id=product.product_id, sku_id=stored["sku_id"], out_sku_id=sku["out_sku_id"])
        return {"sku_id": stored["sku_id"], "out_sku_id": sku["out_sku_id"], "create_time": beijing_time(now)}

    def sku_add(self, request: Request) -> dict[str, Any]:
        """§4 sku/add: one SKU (fields as in seed 001's ``skus[]``) joins the draft of ``product_id`` or
        ``out_product_id``. Answers ``data {sku_id, create_time}``."""
        state = self._state(request)
        body = request.json()
        added = self._add_sku(request, state, self._product(state, body), body, "sku")
        return ok(data={"sku_id": added["sku_id"], "create_time": added["create_time"]})

    def sku_batch_add(self, request: Request) -> dict[str, Any]:
        """§4 sku/batch_add: ``skus[]``, each naming its product by ``product_id`` or ``out_product_id``. Every SKU
        is checked before any is added. Answers ``data[] {sku_id, out_sku_id, create_time}``."""
        state = self._state(request)
        items = read_list(request.json(), "skus")
        targets = []
        seen: set[tuple[int, str]] = set()
        for index, item in enumerate(items):
            path = f"skus[{index}]"
            if not isinstance(item, dict):
                raise param(f"{path} must be an object")
            product = self._product(state, item)
            self._editable(product)
            sku = validate_sku(item, path, out_product_id=None)
            key = (product.product_id, sku["out_sku_id"])
            if product.sku(out_sku_id=sku["out_sku_id"]) is not None or key in seen:
                raise param(f"{path}.out_sku_id {sku['out_sku_id']!r} already exists in SPU {product.product_id}")
            seen.add(key)
            targets.append((product, item, path))
        return ok(data=[self._add_sku(request, state, product, item, path) for product, item, path in targets])

    def sku_update(self, request: Request) -> dict[str, Any]:
        """§4 sku/update: ``sku_id`` or ``out_sku_id`` of a product, and the SKU fields to change (stock_num sets the
        stock). 100004 for an unknown SKU. Answers ``data {sku_id, update_time}``."""
        state = self._state(request)
        body = request.json()
        product = self._product(state, body)
        self._editable(product)
        sku = self._sku(product, body)
        merged = {**{key: value for key, value in sku.items() if key != "sku_id"}, **_sku_fields(body)}
        checked = validate_sku(merged, "sku", out_product_id=None)
        now = self.ctx.now()
        skus = [
            {"sku_id": s["sku_id"], **checked} if s["sku_id"] == sku["sku_id"] else s for s in product.draft["skus"]
        ]
        if "stock_num" in body:
            product.stock[sku["sku_id"]] = checked["stock_num"]
        if skus != product.draft["skus"]:
            product.draft, product.edit_status = {**product.draft, "skus": skus}, EDIT_EDITING
        product.update_time = now
        self._record(request, product_id=product.product_id, sku_id=sku["sku_id"], fields=sorted(_sku_fields(body)))
        return ok(data={"sku_id": sku["sku_id"], "update_time": beijing_time(now)})

    @staticmethod
    def _sku(product: MiniShopProduct, body: dict[str, Any], *, missing: int = ERR_SKU_MISSING) -> dict[str, Any]:
        if body.get("sku_id") is not None:
            sku_id = read_number_id(body, "sku_id")
            sku = product.sku(sku_id=sku_id)
            name = f"sku_id {sku_id}"
        else:
            out_sku_id = read_str(body, "out_sku_id", required=False)
            if not out_sku_id:
                raise param("sku_id or out_sku_id is required")
            sku = product.sku(out_sku_id=out_sku_id)
            name = f"out_sku_id {out_sku_id}"
        if sku is None:
            raise fail(missing, f"{name} does not exist in SPU {product.product_id}")
        return sku

    def sku_get_list(self, request: Request) -> dict[str, Any]:
        """§4 sku/get_list: ``need_edit_sku`` 1 the draft's SKUs, 0 (default) the online copy's (none before the
        first listing); ``need_real_stock`` 1 gives the live stock, 0 the stock_num last written to the SKU."""
        state = self._state(request)
        body = request.json()
        product = self._product(state, body)
        need_edit = read_int(body, "need_edit_sku", default=0, choices=(0, 1))
        real_stock = bool(read_int(body, "need_real_stock", default=0, choices=(0, 1)))
        copy_ = product.draft if need_edit else product.online
        skus = [self._render_sku(product, sku, real_stock=real_stock) for sku in (copy_ or {"skus": []})["skus"]]
        return ok(skus=skus)

    # --- stock --------------------------------------------------------------------------------------------------

    def stock_update(self, request: Request) -> dict[str, Any]:
        """§4 stock/update: ``type`` 1 sets the stock (``stock_num`` > 0), 2 adds ``stock_num`` (a negative one
        reduces; the stock never goes below 0). 100002 unknown product, 100004 unknown SKU."""
        state = self._state(request)
        body = request.json()
        product = self._product(state, body, missing=ERR_PRODUCT_ID_MISSING)
        sku = self._sku(product, body)
        kind = read_int(body, "type", choices=(STOCK_SET, STOCK_DELTA))
        stock_num = read_int(body, "stock_num")
        before = product.stock.get(sku["sku_id"], 0)
        if kind == STOCK_SET:
            if stock_num <= 0:
                raise param("stock_num must be > 0 with type 1 (full overwrite)")
            after = stock_num
        else:
            if stock_num == 0:
                raise param("stock_num must not be 0 with type 2 (incremental)")
            after = before + stock_num
            if after < 0:
                raise param(f"stock_num {stock_num} would take the stock of sku {sku['sku_id']} below 0 ({before})")
        if after > STOCK_MAX:
            raise param(f"the stock of sku {sku['sku_id']} would be {after}, above {STOCK_MAX}")
        now = self.ctx.now()
        product.stock[sku["sku_id"]] = after
        self._record(
            request,
            product_id=product.product_id,
            sku_id=sku["sku_id"],
            type=kind,
            stock_num=stock_num,
            stock_before=before,
            stock_after=after,
        )
        return ok(data={"update_time": beijing_time(now)})

    # --- categories, freight templates, images --------------------------------------------------------------------

    def category_get(self, request: Request) -> dict[str, Any]:
        """§4 category/get: the children of ``f_cat_id`` (0 = the first level); an unknown id is 9401020."""
        body = request.optional_json()
        f_cat_id = 0 if body.get("f_cat_id") is None or _is_zero(body["f_cat_id"]) else read_number_id(body, "f_cat_id")
        if f_cat_id and self.tree.get(f_cat_id) is None:
            raise param(f"f_cat_id {f_cat_id} is not a category")
        return ok(cat_list=[category.as_json() for category in self.tree.children(f_cat_id)])

    def freight_templates(self, request: Request) -> dict[str, Any]:
        """§4 delivery/get_freight_template: ``template_list[] {template_id, name, valuation_type}``."""
        request.optional_json()
        return ok(template_list=copy.deepcopy(list(self._state(request).templates.values())))

    def image_upload(self, request: Request) -> dict[str, Any]:
        """§4 img/upload. ``upload_type`` and ``resp_type`` must be in the query string. upload_type 0: multipart
        ``media`` with ``height`` and ``width`` in the query; 1: JSON ``{"img_url"}``. resp_type 1 answers
        ``pic_file.temp_img_url`` (a link products may use), 0 ``media_id`` and ``pay_media_id``. At most 2 MB for
        resp_type 0 and 10 MB for resp_type 1."""
        state = self._state(request)
        upload_type = read_query_int(request, "upload_type", choices=(0, 1))
        resp_type = read_query_int(request, "resp_type", choices=(0, 1))
        source: dict[str, Any] = {"upload_type": upload_type}
        if upload_type == 0:
            height, width = read_query_int(request, "height"), read_query_int(request, "width")
            if not height or not width:
                raise param("height and width must be > 0 in the query string")
            if not request.content_type.startswith("multipart/form-data"):
                raise param('upload_type 0 needs a multipart/form-data body with a "media" field')
            filename, data = multipart_media(request)
            if not data:
                raise param("the media field is empty")
            source.update(filename=filename, height=height, width=width)
        else:
            img_url = read_str(request.json(), "img_url")
            if not img_url.startswith(("http://", "https://")):
                raise param("img_url must be an http(s) URL")
            data = b""  # the sandbox cannot fetch the picture
            source["source_url"] = img_url
        limit = LINK_LIMIT_BYTES if resp_type == 1 else MEDIA_LIMIT_BYTES
        if len(data) > limit:
            raise param(f"the image has {len(data)} bytes, at most {limit} for resp_type {resp_type}")
        info = {**source, "resp_type": resp_type, "size": len(data)}
        assert request.appid is not None
        if resp_type == 1:
            url = f"{IMAGE_HOST}{request.appid}/{self.ctx.ids.chars(IMAGE_KEY_LENGTH, ALPHANUMERIC)}"
            state.images[url] = info
            pic_file: dict[str, str] = {"temp_img_url": url}
        else:
            pic_file = {
                "media_id": self.ctx.ids.chars(MEDIA_ID_LENGTH),
                "pay_media_id": self.ctx.ids.chars(MEDIA_ID_LENGTH),
            }
            state.media[pic_file["media_id"]] = info
        self._record(request, **info, **pic_file)
        return ok(pic_file=pic_file)


def _is_zero(value: Any) -> bool:
    """``f_cat_id`` 0 (the roots) as a JSON number."""
    return not isinstance(value, bool) and isinstance(value, int) and value == 0


def _copy_of(product: MiniShopProduct, *, draft: bool) -> dict[str, Any]:
    """The draft, or the online copy (callers only ask for it once the product has one)."""
    if draft:
        return product.draft
    assert product.online is not None
    return product.online


def _sku_fields(body: dict[str, Any]) -> dict[str, Any]:
    """The SKU fields a sku/update body changes."""
    names = ("thumb_img", "sale_price", "market_price", "stock_num", "barcode", "sku_code", "sku_attrs")
    return {name: body[name] for name in names if name in body}


def _without_prices(draft: dict[str, Any]) -> dict[str, Any]:
    """A draft without SKU prices and stock: what an update of a listed product must change to count (§4)."""
    skus = [
        {key: value for key, value in sku.items() if key not in ("sale_price", "market_price", "stock_num")}
        for sku in draft["skus"]
    ]
    return {**draft, "skus": skus}
