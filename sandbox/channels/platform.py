"""The Channels store, today's 微信小店 (reference §3): every endpoint of the §3.2 table at ``/channels/ec/...``, and
also at ``/shop/ec/...`` where the reference says the prefix differs.

Each product has a draft (``edit_product``, ``edit_status``) and an online copy (``product``, ``status``) (§3.1).
add and update write the draft and submit it for audit; the audit finishes after a configurable delay on the
sandbox clock, with a configurable outcome; listing puts the approved draft online. Audits fall due lazily at the
start of every Channels call and on the server's timer (``Sandbox.tick``), so they progress in real time and, for
tests, with ``POST /__sandbox__/clock`` alone. Events (``product_spu_audit``, ``product_spu_listing``,
``product_spu_update``) are POSTed as signed JSON to ``channels_event_url`` by the push queue.

Each app id has its own isolated shop. Handlers run under the sandbox lock and record every state change they apply
in the applied-effects log with platform ``channels``.
"""

from __future__ import annotations

import base64
import binascii
import copy
import functools
import heapq
import string
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.channels.rules import (
    ERR_ILLEGAL_CATEGORY,
    ERR_NO_SKUS,
    ERR_NOT_EDITABLE,
    ERR_NOT_LISTED,
    ERR_NOT_UNDER_AUDIT,
    ERR_PARAM,
    ERR_PARAM_QUERY,
    ERR_PRICE_ABOVE_MARKET,
    ERR_PRODUCT_MISSING,
    ERR_QUALIFICATION_EMPTY,
    ERR_QUALIFICATION_TOO_LARGE,
    ERR_QUOTA,
    ERR_SKU_ID,
    ERR_STOCK_INSUFFICIENT,
    ERR_STOCK_NEVER_LISTED,
    ERR_STOCK_RATE,
    ERR_STOCK_UNDER_AUDIT,
    ERR_STOCK_UPDATE_FAILED,
    ERR_STOCK_ZERO_DELTA,
    ERR_TEMPLATE_NAME_EXISTS,
    ERR_TEMPLATE_NOT_FOUND,
    ERR_UNDER_AUDIT,
    ERR_UPLOADING,
    IMAGE_PREFIX,
    STOCK_MAX,
    ProductRules,
    as_id,
    check_sale_price,
    check_sku_code,
    check_stock_num,
    fail,
    read_product_id,
    validate_freight_template,
    validate_third_party_source,
)
from sandbox.channels.seed import BRANDS, Category, CategoryTree, build_category_tree
from sandbox.core.audits import AuditSettings, parse_seconds, record_audit
from sandbox.core.base import (
    ApiError,
    Platform,
    Request,
    RouteTable,
    app_states,
    dump_json,
    forget_app_states,
    ok,
)
from sandbox.core.context import ALPHANUMERIC, IdFactory, beijing_time, hour_and_day_counts
from sandbox.core.push import PushResult, QueuedPush
from sandbox.core.services import Services
from sandbox.core.tokens import WeChatTokenAuth
from sandbox.core.validation import (
    ERR_INVALID_ARGS,
    invalid_args,
    multipart_media,
    read_dict,
    read_int,
    read_list,
    read_query_int,
    read_str,
)

PREFIX = "/channels/ec"
SHOP_PREFIX = "/shop/ec"

# §3.1 edit_status (draft) and status (online copy).
EDIT_EDITING = 1
EDIT_UNDER_AUDIT = 2
EDIT_REJECTED = 3
EDIT_APPROVED = 4
EDIT_UPLOADING = 7
STATUS_INITIAL = 0
STATUS_LISTED = 5
STATUS_RECYCLED = 6
STATUS_DELETED = 9
STATUS_DELISTED = 11

# Event bodies (§3.1 and the platform's callback docs).
EVENT_AUDIT = ("product_spu_audit", "ProductSpuAudit")
EVENT_LISTING = ("product_spu_listing", "ProductSpuListing")
EVENT_UPDATE = ("product_spu_update", "ProductSpuUpdate")
AUDIT_REJECTED, AUDIT_PASSED, AUDIT_CANCELLED = 2, 3, 4
UPDATE_CHANGED, UPDATE_ADDED, UPDATE_DELETED, UPDATE_PURGED = 0, 1, 2, 3
# "微信团队的 OpenID(固定值)": the FromUserName of every Channels event.
WECHAT_TEAM_OPENID = "oWxTeamSandbox0000000000000"
NONCE_LENGTH = 16
# Audit results are not made by a call; the applied log files them under this endpoint.
AUDIT_ENDPOINT = "audit"

DEFAULT_QUOTA = {"hour": 200, "day": 1000}
DEFAULT_STOCK_UPDATES_PER_SKU_PER_SECOND = 10

LIST_PAGE_DEFAULT, LIST_PAGE_MAX = 10, 30
BRAND_PAGE_DEFAULT, BRAND_PAGE_MAX = 10, 100
TEMPLATE_LIMIT_DEFAULT, TEMPLATE_LIMIT_MAX = 10, 200
STOCK_BATCH_MAX = 50
# §3.6: 2 MB for media ids (resp_type 0), 10 MB for links (resp_type 1); qualification files 2 MB.
MEDIA_LIMIT_BYTES = 2 * 1024 * 1024
LINK_LIMIT_BYTES = 10 * 1024 * 1024
QUALIFICATION_LIMIT_BYTES = 2 * 1024 * 1024
IMAGE_KEY_LENGTH = 32
MEDIA_ID_LENGTH = 64
FILE_ID_LENGTH = 40
FIRST_THIRD_PARTY_SOURCE_ID = 100001
# Common WeChat media codes, used by image upload (the reference names none): empty media, invalid media size.
ERR_EMPTY_MEDIA = 44001
ERR_MEDIA_SIZE = 40006


def encode_key(kind: str, position: int) -> str:
    """An opaque paging key (``next_key``)."""
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode("ascii").rstrip("=")


def decode_key(kind: str, key: str) -> int:
    try:
        decoded = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    prefix, _, position = decoded.partition(":")
    if prefix != kind or not position.isdigit():
        raise invalid_args(f"next_key {key!r} is not a key this call returned")
    return int(position)


# --- configuration ---------------------------------------------------------------------------------------------------


@dataclass
class ChannelsAuditSettings(AuditSettings):
    """``channels_audit``: how long an audit takes and how it ends; ``upload_seconds`` is the stage before it in
    which the submitted draft is still uploading (edit_status 7)."""

    config_key = "channels_audit"
    KEYS = AuditSettings.KEYS | {"upload_seconds"}

    upload_seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        # upload_seconds right after delay_seconds, where GET /__sandbox__/config has always shown it.
        return {"delay_seconds": self.delay_seconds, "upload_seconds": self.upload_seconds, **super().as_json()}

    def merge_delays(self, data: dict[str, Any], path: str) -> None:
        super().merge_delays(data, path)
        if "upload_seconds" in data:
            self.upload_seconds = parse_seconds(data["upload_seconds"], f"{path}.upload_seconds")


# --- state -----------------------------------------------------------------------------------------------------------


@dataclass
class PushRecord:
    """One event the shop emitted and, once the push queue has sent it, the receiver's answer."""

    time: int
    event: str
    body: dict[str, Any]
    url: str | None
    delivered: bool = False
    http_status: int | None = None
    answer: str = ""
    error: str | None = None

    def set_result(self, result: PushResult) -> None:
        # Runs on the delivery thread: plain attribute writes, read by snapshots under the lock.
        self.http_status, self.answer, self.error = result.status, result.answer, result.error
        self.delivered = True

    def as_json(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "event": self.event,
            "body": copy.deepcopy(self.body),
            "url": self.url,
            "delivered": self.delivered,
            "http_status": self.http_status,
            "answer": self.answer,
            "error": self.error,
        }


@dataclass
class ChannelsProduct:
    product_id: str
    seq: int
    out_product_id: str
    create_time: float
    # The draft and the online copy: SPU fields plus "skus" (each with its sku_id), without stock.
    draft: dict[str, Any]
    online: dict[str, Any] | None = None
    edit_status: int = EDIT_UNDER_AUDIT
    status: int = STATUS_INITIAL
    ever_listed: bool = False
    # Stock is one number per SKU, shared by both copies.
    stock: dict[str, int] = field(default_factory=dict)
    edit_time: float = 0.0
    update_time: float = 0.0
    submit_time: float | None = None
    audit_time: float | None = None
    reject_reason: str = ""
    # The pending stage ("upload" for edit_status 7, "audit" for 2) and when it finishes; ``ticket`` tells a
    # current heap entry from a stale one.
    stage: str | None = None
    due_at: float | None = None
    ticket: int = 0
    # Set by listing (or add with listing: 1) on a draft not yet approved: list it when the audit passes.
    list_on_pass: bool = False

    def sku_ids(self) -> list[str]:
        """Every SKU of either copy, draft order first."""
        ids = [sku["sku_id"] for sku in self.draft["skus"]]
        if self.online is not None:
            ids += [sku["sku_id"] for sku in self.online["skus"] if sku["sku_id"] not in ids]
        return ids

    def sku_by_out_id(self, out_sku_id: str) -> str | None:
        for copy_ in (self.draft, self.online or {"skus": []}):
            for sku in copy_["skus"]:
                if sku.get("out_sku_id") == out_sku_id:
                    return sku["sku_id"]
        return None

    def audit_info(self) -> dict[str, Any]:
        return {
            "submit_time": int(self.submit_time or 0),
            "audit_time": int(self.audit_time or 0),
            "reject_reason": self.reject_reason,
        }


@dataclass
class ShopState:
    """One app's Channels shop."""

    products: dict[str, ChannelsProduct] = field(default_factory=dict)
    sku_ids: set[str] = field(default_factory=set)
    next_seq: int = 1
    images: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    qualification_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    third_party_sources: list[dict[str, Any]] = field(default_factory=list)
    next_source_id: int = FIRST_THIRD_PARTY_SOURCE_ID
    stock_flow: list[dict[str, Any]] = field(default_factory=list)
    # Sandbox times of the submissions that count towards the add+update quota (§3.3).
    submissions: deque[float] = field(default_factory=deque)
    # Sandbox times of the recent stock/update calls per (product_id, sku_id).
    stock_updates: dict[tuple[str, str], deque[float]] = field(default_factory=dict)
    pushes: list[PushRecord] = field(default_factory=list)


Handler = Callable[[Request], dict[str, Any]]


class ChannelsStore(Platform):
    """``/channels/ec/...`` (and ``/shop/ec/...``) endpoints of reference §3.2, authenticated with WeChat access
    tokens of the store's own AppID (§1.4)."""

    name = "channels"
    config_keys = frozenset({"channels_event_url", "channels_audit", "channels_quota", "channels_stock_rate"})

    def __init__(
        self, services: Services, *, event_url: str | None = None, tree: CategoryTree | None = None
    ) -> None:
        ctx = self._ctx = services.ctx
        self._auth = WeChatTokenAuth(services.tokens)
        self._pushes = services.pushes
        self.tree = tree or build_category_tree()
        self.brands = {brand.brand_id: brand for brand in BRANDS}
        self.event_url = event_url
        self.audit = ChannelsAuditSettings()
        self.quota = dict(DEFAULT_QUOTA)
        self.stock_rate = DEFAULT_STOCK_UPDATES_PER_SKU_PER_SECOND
        self._states: dict[str, ShopState] = {}
        # Events may be emitted by the timer thread at moments that depend on timing, so their nonces come from a
        # generator of their own: the seeded ids of the calls stay the same from run to run.
        self._nonces = IdFactory(ctx.ids.seed)
        # (due_at, ticket, appid, product_id) of pending upload/audit stages.
        self._due: list[tuple[float, int, str, str]] = []
        self._tickets = 0

    # --- Platform interface -----------------------------------------------------------------------------------------

    def routes(self) -> RouteTable:
        routes: RouteTable = {}

        def add(path: str, handler: Handler, *, shop: bool = False, get: bool = False, param: int = ERR_PARAM) -> None:
            wrapped = self._wrap(handler, param)
            for prefix in (PREFIX, SHOP_PREFIX) if shop else (PREFIX,):
                routes[("POST", prefix + path)] = wrapped
                if get:
                    routes[("GET", prefix + path)] = wrapped

        add("/product/add", self.product_add)
        add("/product/update", self.product_update)
        add("/product/auditfree", self.product_audit_free)
        add("/product/get", self.product_get)
        add("/product/list/get", self.product_list)
        add("/product/delete", self.product_delete)
        add("/product/listing", self.product_listing)
        add("/product/delisting", self.product_delisting)
        add("/product/audit/cancel", self.product_audit_cancel)
        add("/product/stock/get", self.stock_get)
        add("/product/stock/batchget", self.stock_batch_get)
        add("/product/stock/update", self.stock_update, param=ERR_PARAM_QUERY)
        add("/product/addproductthirdpartysource", self.third_party_source_add)
        add("/merchant/addfreighttemplate", self.freight_add)
        add("/merchant/updatefreighttemplate", self.freight_update)
        add("/merchant/getfreighttemplatedetail", self.freight_get)
        add("/merchant/getfreighttemplatelist", self.freight_list)
        add("/category/availablesoncategories/get", self.category_children)
        # [ZSM] calls category/all with GET; the docs and WxJava POST it.
        add("/category/all", self.category_all, shop=True, get=True)
        add("/category/detail", self.category_detail, shop=True)
        add("/brand/all", self.brand_list, shop=True)
        add("/basics/img/upload", self.image_upload, shop=True, param=ERR_PARAM_QUERY)
        add("/basics/qualification/upload", self.qualification_upload, shop=True, param=ERR_PARAM_QUERY)
        return routes

    def authenticate(self, request: Request) -> str:
        return self._auth(request)

    def reset(self, appid: str | None) -> None:
        forget_app_states(self._states, appid)

    def export_state(self) -> dict[str, Any]:
        return {"states": self._states, "tickets": self._tickets}

    def import_state(self, state: Any) -> None:
        """The shops, and the pending upload and audit stages rebuilt from their products (the heap is an index)."""
        states = app_states(state["states"], ShopState)
        tickets = state["tickets"]
        if not isinstance(tickets, int):
            raise ValueError("the stored ticket counter is not a number")
        due = [
            (product.due_at, product.ticket, appid, product.product_id)
            for appid, shop in states.items()
            for product in shop.products.values()
            if product.stage is not None and product.due_at is not None
        ]
        heapq.heapify(due)
        self._states, self._due = states, due
        self._tickets = max([tickets, *(entry[1] for entry in due)])

    def tick(self) -> None:
        self._advance()

    def snapshot(self, appid: str) -> dict[str, Any]:
        self._advance()
        state = self._states.get(appid) or ShopState()
        hour_used, day_used = self._quota_used(state)
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
                    "edit_product": self._render(product, product.draft, draft=True),
                    "product": self._render(product, product.online) if product.online is not None else None,
                }
                for product in state.products.values()
            ],
            "stock_flow": copy.deepcopy(state.stock_flow),
            "templates": copy.deepcopy(list(state.templates.values())),
            "images": list(state.images),
            "media_ids": list(state.media),
            "qualification_files": list(state.qualification_files),
            "third_party_sources": copy.deepcopy(state.third_party_sources),
            "quota": {"hour_used": hour_used, "day_used": day_used, **self.quota},
            "pushes": [record.as_json() for record in state.pushes],
        }

    def config(self) -> dict[str, Any]:
        return {
            "channels_event_url": self.event_url,
            "channels_audit": self.audit.as_json(),
            "channels_quota": dict(self.quota),
            "channels_stock_rate": {"per_sku_per_second": self.stock_rate},
        }

    def prepare_config(self, body: dict[str, Any]) -> Callable[[], None]:
        event_url = body.get("channels_event_url", self.event_url)
        if event_url is not None and (
            not isinstance(event_url, str) or not event_url.startswith(("http://", "https://"))
        ):
            raise invalid_args("channels_event_url must be an http(s) URL or null")
        audit = self.audit.merged(body["channels_audit"]) if "channels_audit" in body else self.audit
        quota = dict(self.quota)
        if "channels_quota" in body:
            given = body["channels_quota"]
            if not isinstance(given, dict) or not set(given) <= {"hour", "day"}:
                raise invalid_args("channels_quota must be an object with hour and/or day")
            for key, value in given.items():
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise invalid_args(f"channels_quota.{key} must be an integer >= 0")
                quota[key] = value
        stock_rate = self.stock_rate
        if "channels_stock_rate" in body:
            given = body["channels_stock_rate"]
            if not isinstance(given, dict) or set(given) != {"per_sku_per_second"}:
                raise invalid_args("channels_stock_rate must be {per_sku_per_second: integer >= 1}")
            stock_rate = read_int(given, "per_sku_per_second", prefix="channels_stock_rate", minimum=1)

        def apply() -> None:
            self.event_url, self.audit, self.quota, self.stock_rate = event_url, audit, quota, stock_rate

        return apply

    # --- helpers ----------------------------------------------------------------------------------------------------

    def _wrap(self, handler: Handler, param_errcode: int) -> Handler:
        """Let due audits finish first, and answer the platform's "bad parameter" code instead of 40097."""

        @functools.wraps(handler)
        def wrapped(request: Request) -> dict[str, Any]:
            self._advance()
            try:
                return handler(request)
            except ApiError as error:
                if error.errcode == ERR_INVALID_ARGS:
                    raise ApiError(param_errcode, error.errmsg) from error
                raise

        return wrapped

    def _state(self, appid: str) -> ShopState:
        return self._states.setdefault(appid, ShopState())

    def _state_for(self, request: Request) -> ShopState:
        return self._state(self._appid(request))

    @staticmethod
    def _appid(request: Request) -> str:
        assert request.appid is not None  # every route here is authenticated
        return request.appid

    def _record(self, request: Request, **fields: Any) -> None:
        self._ctx.applied.record(platform=self.name, endpoint=request.path, appid=self._appid(request), **fields)

    def _rules(self, state: ShopState) -> ProductRules:
        return ProductRules(self.tree, self.brands, state.images, state.templates)

    def _new_id(self, taken: Any, length: int, prefix: str = "") -> str:
        """A uint64 id string of ``length`` digits (no leading zero) that ``taken`` does not hold."""
        while True:
            value = (
                prefix + self._ctx.ids.chars(length - len(prefix), string.digits)
                if prefix
                else self._ctx.ids.digits(length)
            )
            if value not in taken:
                return value

    def _leaf(self, data: dict[str, Any]) -> Category | None:
        cats = data.get("cats_v2") or data.get("cats") or []
        return self.tree.get(cats[-1]["cat_id"]) if cats else None

    @staticmethod
    def _product(state: ShopState, body: dict[str, Any]) -> ChannelsProduct:
        product_id = read_product_id(body)
        product = state.products.get(product_id)
        if product is None or product.status == STATUS_DELETED:
            raise fail(ERR_PRODUCT_MISSING, f"product_id {product_id} does not exist")
        return product

    @staticmethod
    def _require_idle(product: ChannelsProduct) -> None:
        """§7 pitfall 8: no update, delete or listing while the draft is under audit or still uploading."""
        if product.edit_status == EDIT_UNDER_AUDIT:
            raise fail(ERR_UNDER_AUDIT, f"product {product.product_id} is under audit; call audit/cancel first")
        if product.edit_status == EDIT_UPLOADING:
            raise fail(ERR_UPLOADING, f"product {product.product_id} is still uploading its last submission")

    @staticmethod
    def _require_not_recycled(product: ChannelsProduct) -> None:
        if product.status == STATUS_RECYCLED:
            raise fail(ERR_NOT_EDITABLE, f"product {product.product_id} is in the recycle bin")

    def _render(self, product: ChannelsProduct, data: dict[str, Any], *, draft: bool = False) -> dict[str, Any]:
        """A copy as ``product/get`` shows it: the stored fields plus ids, states, stock and times."""
        body = copy.deepcopy(data)
        skus = [{**sku, "stock_num": product.stock.get(sku["sku_id"], 0)} for sku in body.pop("skus")]
        rendered = {
            "product_id": product.product_id,
            "out_product_id": product.out_product_id,
            **body,
            "skus": skus,
            "min_price": min((sku["sale_price"] for sku in skus), default=0),
            "status": product.status,
            "edit_status": product.edit_status,
            "product_type": 1,
            "create_time": beijing_time(product.create_time),
        }
        if draft:
            rendered["edit_time"] = int(product.edit_time)
            rendered["audit_info"] = product.audit_info()
        else:
            rendered["update_time"] = beijing_time(product.update_time)
        return rendered

    # --- quota, stock flow, events ----------------------------------------------------------------------------------

    def _quota_used(self, state: ShopState) -> tuple[int, int]:
        return hour_and_day_counts(state.submissions, self._ctx.now())

    def _check_quota(self, state: ShopState) -> None:
        """§3.3: add, update and audit/cancel share 200 per hour and 1000 per day per shop (rolling windows on the
        sandbox clock; ``channels_quota`` changes the numbers)."""
        hour_used, day_used = self._quota_used(state)
        if hour_used >= self.quota["hour"] or day_used >= self.quota["day"]:
            raise fail(
                ERR_QUOTA,
                f"submission quota reached: {hour_used}/{self.quota['hour']} in the last hour, "
                f"{day_used}/{self.quota['day']} in the last day",
            )

    def _count_submission(self, state: ShopState) -> None:
        state.submissions.append(self._ctx.now())

    def _set_stock(self, request: Request, state: ShopState, product: ChannelsProduct, stock: dict[str, int]) -> None:
        """Set SKU stock (add, update, auditfree): a stock-flow entry (diff_type 3) per new SKU or changed stock."""
        for sku_id, value in stock.items():
            new = sku_id not in product.stock
            before = product.stock.get(sku_id, 0)
            product.stock[sku_id] = value
            if new or value != before:
                self._flow(request, state, product, sku_id, 3, value, before)

    def _flow(
        self,
        request: Request,
        state: ShopState,
        product: ChannelsProduct,
        sku_id: str,
        diff_type: int,
        num: int,
        before: int,
    ) -> None:
        entry = {
            "seq": len(state.stock_flow) + 1,
            "time": self._ctx.now(),
            "product_id": product.product_id,
            "sku_id": sku_id,
            "diff_type": diff_type,
            "num": num,
            "stock_before": before,
            "stock_after": product.stock[sku_id],
            "endpoint": request.path,
        }
        state.stock_flow.append(entry)

    def _event(self, appid: str, kind: tuple[str, str], body: dict[str, Any]) -> None:
        """Log an event and, when ``channels_event_url`` is set, queue it for delivery (README, "Channels events")."""
        app = self._ctx.apps.get(appid)
        assert app is not None  # apps are never removed
        now = int(self._ctx.now())
        event, key = kind
        payload = {
            "ToUserName": app.original_id,
            "FromUserName": WECHAT_TEAM_OPENID,
            "CreateTime": now,
            "MsgType": "event",
            "Event": event,
            key: body,
        }
        record = PushRecord(time=now, event=event, body=payload, url=self.event_url)
        self._state(appid).pushes.append(record)
        if self.event_url:
            self._pushes.put(
                QueuedPush(
                    url=self.event_url,
                    body=dump_json(payload),
                    content_type="application/json",
                    token=app.push_token,
                    timestamp=str(now),
                    nonce=self._nonces.chars(NONCE_LENGTH, string.digits),
                    on_result=record.set_result,
                )
            )

    # --- audits -----------------------------------------------------------------------------------------------------

    def _submit(self, appid: str, product: ChannelsProduct, *, list_on_pass: bool) -> None:
        """Submit the draft: edit_status 7 for ``upload_seconds`` (when set), then 2 for ``delay_seconds``."""
        now = self._ctx.now()
        product.submit_time, product.audit_time, product.reject_reason = now, None, ""
        product.list_on_pass = list_on_pass
        if self.audit.upload_seconds > 0:
            self._schedule(appid, product, "upload", now + self.audit.upload_seconds)
        else:
            self._schedule(appid, product, "audit", now + self.audit.delay_seconds)

    def _schedule(self, appid: str, product: ChannelsProduct, stage: str, due_at: float) -> None:
        self._tickets += 1
        product.stage, product.due_at, product.ticket = stage, due_at, self._tickets
        product.edit_status = EDIT_UPLOADING if stage == "upload" else EDIT_UNDER_AUDIT
        heapq.heappush(self._due, (due_at, self._tickets, appid, product.product_id))

    @staticmethod
    def _unschedule(product: ChannelsProduct) -> None:
        product.stage, product.due_at = None, None

    def _advance(self) -> None:
        """Finish every upload/audit stage that is due by the sandbox clock, earliest first."""
        now = self._ctx.now()
        while self._due and self._due[0][0] <= now:
            due_at, ticket, appid, product_id = heapq.heappop(self._due)
            state = self._states.get(appid)
            product = state.products.get(product_id) if state is not None else None
            if product is None or product.ticket != ticket or product.due_at is None:
                continue  # reset, cancelled, deleted or resubmitted since
            if product.stage == "upload":
                self._schedule(appid, product, "audit", due_at + self.audit.delay_seconds)
            else:
                self._finish_audit(appid, product, due_at)

    def _finish_audit(self, appid: str, product: ChannelsProduct, due_at: float) -> None:
        outcome = self.audit.outcome_for(product.product_id, product.out_product_id)
        self._unschedule(product)
        product.audit_time = due_at
        list_now = outcome.passed and (product.status == STATUS_LISTED or product.list_on_pass)
        product.list_on_pass = False
        if outcome.passed:
            product.edit_status = EDIT_APPROVED
            self._event(appid, EVENT_AUDIT, {"product_id": product.product_id, "status": AUDIT_PASSED, "reason": ""})
        else:
            product.edit_status, product.reject_reason = EDIT_REJECTED, outcome.reject_reason
            self._event(
                appid,
                EVENT_AUDIT,
                {"product_id": product.product_id, "status": AUDIT_REJECTED, "reason": outcome.reject_reason},
            )
        if list_now:
            self._put_online(appid, product)
        record_audit(
            self._ctx, platform=self.name, endpoint=AUDIT_ENDPOINT, appid=appid, product=product, outcome=outcome
        )

    def _put_online(self, appid: str, product: ChannelsProduct) -> None:
        """The approved draft becomes the online copy and the product is listed (status 5)."""
        was_listed = product.status == STATUS_LISTED
        product.online = copy.deepcopy(product.draft)
        product.status, product.ever_listed, product.update_time = STATUS_LISTED, True, self._ctx.now()
        if not was_listed:
            self._event(appid, EVENT_LISTING, {"product_id": product.product_id, "status": STATUS_LISTED, "reason": ""})

    # --- products ---------------------------------------------------------------------------------------------------

    def _draft(
        self, state: ShopState, body: dict[str, Any], product: ChannelsProduct | None
    ) -> tuple[dict[str, Any], dict[str, int], str | None]:
        """Validate an add/update body. Returns the draft to store, the stock to set {sku_id: n} and the
        out_product_id given. SKUs keep their sku_id (given, or matched by out_sku_id); new SKUs get one."""
        draft = self._rules(state).validate(body)
        if product is not None and draft.out_product_id not in (None, product.out_product_id):
            raise invalid_args("out_product_id cannot change after add")
        skus: list[dict[str, Any]] = []
        stock: dict[str, int] = {}
        for sku in draft.skus or []:
            known = product.sku_ids() if product is not None else []
            if sku.sku_id is not None:
                if sku.sku_id not in known:
                    raise fail(ERR_SKU_ID, f"{sku.path}.sku_id {sku.sku_id} is not a SKU of this product")
                sku_id = sku.sku_id
            else:
                out_sku_id = sku.data.get("out_sku_id")
                matched = product.sku_by_out_id(out_sku_id) if product is not None and out_sku_id else None
                sku_id = matched or self._new_id(state.sku_ids | {s["sku_id"] for s in skus}, 10, "3")
            if any(existing["sku_id"] == sku_id for existing in skus):
                raise fail(ERR_SKU_ID, f"{sku.path} is the same SKU ({sku_id}) as an earlier one")
            if sku.stock_num is None and (product is None or sku_id not in product.stock):
                raise invalid_args(f"{sku.path}.stock_num is required")
            if sku.stock_num is not None:
                stock[sku_id] = sku.stock_num
            skus.append({"sku_id": sku_id, **sku.data})
        return {**draft.data, "skus": skus}, stock, draft.out_product_id

    @staticmethod
    def _sku_summary(product: ChannelsProduct, data: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {
                "sku_id": sku["sku_id"],
                "out_sku_id": sku.get("out_sku_id", ""),
                "stock_num": product.stock[sku["sku_id"]],
            }
            for sku in data["skus"]
        ]

    def product_add(self, request: Request) -> dict[str, Any]:
        """§3.2 add: the body (§3.3) becomes the draft and goes to audit; ``listing: 1`` lists it when it passes.
        Answers ``data {product_id, create_time}``."""
        state = self._state_for(request)
        body = request.json()
        listing = read_int(body, "listing", default=0, choices=(0, 1))
        data, stock, out_product_id = self._draft(state, body, None)
        if listing and not data["skus"]:
            raise fail(ERR_NO_SKUS, "listing: 1 needs at least one SKU")
        self._check_quota(state)
        now = self._ctx.now()
        product = ChannelsProduct(
            product_id=self._new_id(state.products, 14, "10000"),
            seq=state.next_seq,
            out_product_id=out_product_id or "",
            create_time=now,
            draft=data,
            edit_time=now,
        )
        state.next_seq += 1
        state.products[product.product_id] = product
        state.sku_ids.update(stock)
        self._set_stock(request, state, product, stock)
        self._submit(self._appid(request), product, list_on_pass=bool(listing))
        self._count_submission(state)
        self._record(
            request,
            product_id=product.product_id,
            out_product_id=product.out_product_id,
            title=data["title"],
            listing=listing,
            skus=self._sku_summary(product, data),
        )
        self._event(self._appid(request), EVENT_UPDATE, {"product_id": product.product_id, "status": UPDATE_ADDED})
        return ok(data={"product_id": product.product_id, "create_time": beijing_time(now)})

    def product_update(self, request: Request) -> dict[str, Any]:
        """§3.2 update: ``product_id`` plus a whole body; the draft is replaced and goes to audit. A listed product
        whose draft is its online copy and whose body changes only ``stock_num`` is a stock-only edit: the stock
        is set at once, with no audit and no quota (§3.3)."""
        state = self._state_for(request)
        body = request.json()
        product = self._product(state, body)
        self._require_not_recycled(product)
        self._require_idle(product)
        data, stock, _ = self._draft(state, body, product)
        stock_only = product.status == STATUS_LISTED and data == product.draft == product.online
        if not stock_only:
            self._check_quota(state)
        now = self._ctx.now()
        state.sku_ids.update(stock)
        self._set_stock(request, state, product, stock)
        if not stock_only:
            product.draft, product.edit_time = data, now
            self._submit(self._appid(request), product, list_on_pass=False)
            self._count_submission(state)
        self._record(
            request,
            product_id=product.product_id,
            title=data["title"],
            stock_only=stock_only,
            skus=self._sku_summary(product, data),
        )
        self._event(self._appid(request), EVENT_UPDATE, {"product_id": product.product_id, "status": UPDATE_CHANGED})
        return ok(data={"product_id": product.product_id, "update_time": beijing_time(now)})

    def product_audit_free(self, request: Request) -> dict[str, Any]:
        """§3.2 auditfree, listed products only: ``skus[]`` {sku_id, sale_price, stock_num (or stock_info
        {stock_num}), sku_code, is_delete, status} and optional express_info, limited_info, extra_service,
        deliver_method change the online copy at once (and the draft too when it is the online copy)."""
        state = self._state_for(request)
        body = request.json()
        product = self._product(state, body)
        if product.status != STATUS_LISTED or product.online is None:
            raise fail(ERR_NOT_LISTED, f"product {product.product_id} is not listed; auditfree needs a listed product")
        self._require_idle(product)
        online = copy.deepcopy(product.online)
        by_id = {sku["sku_id"]: sku for sku in online["skus"]}
        stock: dict[str, int] = {}
        deleted: set[str] = set()
        for index, item in enumerate(read_list(body, "skus", required=False, allow_empty=True)):
            path = f"skus[{index}]"
            if not isinstance(item, dict):
                raise invalid_args(f"{path} must be an object")
            sku_id = read_product_id(item, "sku_id")
            sku = by_id.get(sku_id)
            if sku is None:
                raise fail(ERR_SKU_ID, f"{path}.sku_id {sku_id} is not a SKU of the online product")
            if item.get("is_delete") in (True, 1):
                deleted.add(sku_id)
                continue
            if item.get("sale_price") is not None:
                sku["sale_price"] = check_sale_price(item, path)
                if sku.get("market_price") and sku["market_price"] < sku["sale_price"]:
                    raise fail(
                        ERR_PRICE_ABOVE_MARKET,
                        f"{path}.sale_price {sku['sale_price']} is above market_price {sku['market_price']}",
                    )
            stock_info = read_dict(item, "stock_info", prefix=path, required=False)
            if item.get("stock_num") is not None:
                stock[sku_id] = check_stock_num(item, path)
            elif stock_info.get("stock_num") is not None:
                stock[sku_id] = check_stock_num(stock_info, f"{path}.stock_info")
            if item.get("sku_code") is not None:
                check_sku_code(item, path)
                sku["sku_code"] = item["sku_code"]
            if item.get("status") is not None:
                sku["status"] = read_int(item, "status", prefix=path, minimum=0)
        online["skus"] = [sku for sku in online["skus"] if sku["sku_id"] not in deleted]
        if not online["skus"]:
            raise fail(ERR_NO_SKUS, "auditfree may not delete every SKU of a listed product")
        overrides = {key: body[key] for key in ("express_info", "deliver_method") if body.get(key) is not None}
        rules = self._rules(state)
        if overrides:
            merged = {**online, **overrides}
            online["deliver_method"] = rules.delivery(merged, self._leaf(online))
            if "express_info" in overrides:
                online["express_info"] = copy.deepcopy(body["express_info"])
        rules.extra_service(body)
        for key in ("limited_info", "extra_service"):
            if body.get(key) is not None:
                online[key] = copy.deepcopy(read_dict(body, key))
        draft_follows = product.draft == product.online
        product.online, product.update_time = online, self._ctx.now()
        if draft_follows:
            product.draft = copy.deepcopy(online)
        self._set_stock(request, state, product, stock)
        self._record(
            request,
            product_id=product.product_id,
            skus=self._sku_summary(product, online),
            deleted_skus=sorted(deleted),
        )
        self._event(self._appid(request), EVENT_UPDATE, {"product_id": product.product_id, "status": UPDATE_CHANGED})
        return ok()

    def product_get(self, request: Request) -> dict[str, Any]:
        """§3.2 get: ``data_type`` 1 online copy (default), 2 draft, 3 both. ``product`` is left out for data_type 2,
        when there is no online copy, and for data_type 3 unless the product is listed."""
        state = self._state_for(request)
        body = request.json()
        product = self._product(state, body)
        data_type = read_int(body, "data_type", default=1, choices=(1, 2, 3))
        answer = ok()
        if product.online is not None and (data_type == 1 or (data_type == 3 and product.status == STATUS_LISTED)):
            answer["product"] = self._render(product, product.online)
        if data_type in (2, 3):
            answer["edit_product"] = self._render(product, product.draft, draft=True)
        return answer

    def product_list(self, request: Request) -> dict[str, Any]:
        """§3.2 list/get: ``page_size`` ≤ 30 (default 10), ``next_key``, optional ``status``. Without ``status``:
        everything except never-listed drafts, the recycle bin and deleted products. Oldest first."""
        state = self._state_for(request)
        body = request.optional_json()
        page_size = read_int(body, "page_size", default=LIST_PAGE_DEFAULT, minimum=1)
        if page_size > LIST_PAGE_MAX:
            raise invalid_args(f"page_size must be at most {LIST_PAGE_MAX}")
        status = read_int(body, "status", minimum=0) if body.get("status") is not None else None
        next_key = read_str(body, "next_key", required=False, allow_empty=True)
        after = decode_key("product", next_key) if next_key else 0

        def shown(product: ChannelsProduct) -> bool:
            if product.status == STATUS_DELETED:
                return False
            if status is not None:
                return product.status == status
            return product.status != STATUS_RECYCLED and (product.ever_listed or product.status != STATUS_INITIAL)

        matching = sorted((p for p in state.products.values() if shown(p)), key=lambda p: p.seq)
        page = [product for product in matching if product.seq > after][:page_size]
        return ok(
            product_ids=[product.product_id for product in page],
            next_key=encode_key("product", page[-1].seq) if page else next_key,
            total_num=len(matching),
        )

    def product_delete(self, request: Request) -> dict[str, Any]:
        """§3.2 delete: the product goes to the recycle bin (status 6); deleting it there removes it for good (9)."""
        state = self._state_for(request)
        product = self._product(state, request.json())
        self._require_idle(product)
        purge = product.status == STATUS_RECYCLED
        product.status = STATUS_DELETED if purge else STATUS_RECYCLED
        product.list_on_pass = False
        self._record(request, product_id=product.product_id, status=product.status)
        self._event(
            self._appid(request),
            EVENT_UPDATE,
            {"product_id": product.product_id, "status": UPDATE_PURGED if purge else UPDATE_DELETED},
        )
        return ok()

    def product_listing(self, request: Request) -> dict[str, Any]:
        """§3.2 listing. An approved draft (edit_status 4) goes online at once (status 5). A draft being edited (1)
        or rejected (3) is submitted again and listed when its audit passes. 10020049 under audit, 10020067 while
        uploading, 10020038 without SKUs."""
        state = self._state_for(request)
        product = self._product(state, request.json())
        self._require_not_recycled(product)
        self._require_idle(product)
        if not product.draft["skus"]:
            raise fail(ERR_NO_SKUS, f"product {product.product_id} has no SKU to list")
        appid = self._appid(request)
        if product.edit_status == EDIT_APPROVED:
            if product.status == STATUS_LISTED and product.online == product.draft:
                return ok()  # already online as it is: nothing changes
            self._put_online(appid, product)
        else:
            self._submit(appid, product, list_on_pass=True)
        self._record(
            request,
            product_id=product.product_id,
            status=product.status,
            edit_status=product.edit_status,
            list_on_pass=product.list_on_pass,
        )
        return ok()

    def product_delisting(self, request: Request) -> dict[str, Any]:
        """§3.2 delisting: a listed product (5) is delisted by the merchant (11); 10020065 when it is not listed."""
        state = self._state_for(request)
        product = self._product(state, request.json())
        if product.status != STATUS_LISTED:
            raise fail(ERR_NOT_LISTED, f"product {product.product_id} is not listed (status {product.status})")
        product.status = STATUS_DELISTED
        self._record(request, product_id=product.product_id, status=product.status)
        self._event(
            self._appid(request),
            EVENT_LISTING,
            {"product_id": product.product_id, "status": STATUS_DELISTED, "reason": ""},
        )
        return ok()

    def product_audit_cancel(self, request: Request) -> dict[str, Any]:
        """§3.2 audit/cancel: only under audit (edit_status 2, else 10020044); the draft goes back to editing (1).
        A withdrawal counts towards the submission quota (§3.3)."""
        state = self._state_for(request)
        product = self._product(state, request.json())
        if product.edit_status != EDIT_UNDER_AUDIT:
            raise fail(
                ERR_NOT_UNDER_AUDIT,
                f"product {product.product_id} is not under audit (edit_status {product.edit_status})",
            )
        self._check_quota(state)
        self._unschedule(product)
        product.edit_status, product.list_on_pass = EDIT_EDITING, False
        self._count_submission(state)
        self._record(request, product_id=product.product_id, edit_status=product.edit_status)
        self._event(
            self._appid(request),
            EVENT_AUDIT,
            {"product_id": product.product_id, "status": AUDIT_CANCELLED, "reason": ""},
        )
        return ok()

    # --- stock ------------------------------------------------------------------------------------------------------

    @staticmethod
    def _stock_json(product: ChannelsProduct, sku_id: str, *, batch: bool = False) -> dict[str, Any]:
        normal = product.stock.get(sku_id, 0)
        stock = {
            "normal_stock_num": normal,
            "limited_discount_stock_num": 0,
            "warehouse_stocks": [],
            "total_stock_num": normal,
        }
        return {"sku_id": sku_id, **stock, "finder_stock_num": 0} if batch else stock

    def stock_get(self, request: Request) -> dict[str, Any]:
        """§3.2 stock/get: ``product_id`` and ``sku_id``."""
        state = self._state_for(request)
        body = request.json()
        product = self._product(state, body)
        sku_id = read_product_id(body, "sku_id")
        if sku_id not in product.sku_ids():
            raise fail(ERR_SKU_ID, f"sku_id {sku_id} is not a SKU of product {product.product_id}")
        return ok(data=self._stock_json(product, sku_id))

    def stock_batch_get(self, request: Request) -> dict[str, Any]:
        """§3.2 stock/batchget: ``product_ids[]`` (at most 50); unknown ids are left out of the answer."""
        state = self._state_for(request)
        product_ids = read_list(request.json(), "product_ids")
        if len(product_ids) > STOCK_BATCH_MAX:
            raise invalid_args(f"product_ids holds at most {STOCK_BATCH_MAX} ids")
        listed = []
        for index, value in enumerate(product_ids):
            product = state.products.get(as_id(value, f"product_ids[{index}]"))
            if product is None or product.status == STATUS_DELETED:
                continue
            listed.append(
                {
                    "product_id": product.product_id,
                    "sku_stock": [self._stock_json(product, sku_id, batch=True) for sku_id in product.sku_ids()],
                }
            )
        return ok(data={"spu_stock_list": listed})

    def stock_update(self, request: Request) -> dict[str, Any]:
        """§3.4: ``diff_type`` 1 adds ``num``, 2 subtracts it, 3 sets the stock to it. Only for a product listed at
        least once (10020289) whose draft is not under audit (10020217); a zero delta is 10020218, subtracting
        more than the stock 10020219, more than ``channels_stock_rate`` updates of one SKU within a second
        10020112. Parameter errors answer 10020055."""
        state = self._state_for(request)
        body = request.json()
        product = self._product(state, body)
        sku_id = read_product_id(body, "sku_id")
        diff_type = read_int(body, "diff_type", choices=(1, 2, 3))
        num = read_int(body, "num", minimum=0)
        if not product.ever_listed:
            raise fail(ERR_STOCK_NEVER_LISTED, f"product {product.product_id} has never been listed")
        if product.edit_status == EDIT_UNDER_AUDIT:
            raise fail(ERR_STOCK_UNDER_AUDIT, f"product {product.product_id} is under audit")
        if sku_id not in product.sku_ids():
            raise fail(ERR_STOCK_UPDATE_FAILED, f"sku_id {sku_id} does not belong to product {product.product_id}")
        if diff_type != 3 and num == 0:
            raise fail(ERR_STOCK_ZERO_DELTA, "num must not be 0 when adding or subtracting")
        before = product.stock.get(sku_id, 0)
        after = {1: before + num, 2: before - num, 3: num}[diff_type]
        if after < 0:
            raise fail(ERR_STOCK_INSUFFICIENT, f"num {num} exceeds the stock {before} of sku {sku_id}")
        if after > STOCK_MAX:
            raise invalid_args(f"the stock of sku {sku_id} would be {after}, above {STOCK_MAX}")
        now = self._ctx.now()
        recent = state.stock_updates.setdefault((product.product_id, sku_id), deque())
        while recent and recent[0] <= now - 1:
            recent.popleft()
        if len(recent) >= self.stock_rate:
            raise fail(ERR_STOCK_RATE, f"sku {sku_id} was updated {len(recent)} times in the last second")
        recent.append(now)
        product.stock[sku_id] = after
        self._flow(request, state, product, sku_id, diff_type, num, before)
        self._record(
            request,
            product_id=product.product_id,
            sku_id=sku_id,
            diff_type=diff_type,
            num=num,
            stock_before=before,
            stock_after=after,
        )
        return ok()

    # --- freight templates (§3.5) -------------------------------------------------------------------------------------

    @staticmethod
    def _template(state: ShopState, body: dict[str, Any], path: str = "template_id") -> dict[str, Any]:
        template_id = read_product_id(body, "template_id")
        template = state.templates.get(template_id)
        if template is None:
            raise fail(ERR_TEMPLATE_NOT_FOUND, f"{path} {template_id} does not exist")
        return template

    @staticmethod
    def _unique_name(state: ShopState, name: str, template_id: str | None) -> None:
        for other in state.templates.values():
            if other["name"] == name and other["template_id"] != template_id:
                raise fail(ERR_TEMPLATE_NAME_EXISTS, f"a freight template named {name!r} already exists")

    def _store_template(self, state: ShopState, template_id: str, template: dict[str, Any], created: int) -> None:
        template.pop("template_id", None)
        stored = {"template_id": template_id, **template, "create_time": created, "update_time": int(self._ctx.now())}
        if stored["is_default"]:
            for other in state.templates.values():
                other["is_default"] = False
        state.templates[template_id] = stored

    def freight_add(self, request: Request) -> dict[str, Any]:
        """§3.5 addfreighttemplate: answers a string ``template_id``."""
        state = self._state_for(request)
        template = validate_freight_template(request.json())
        self._unique_name(state, template["name"], None)
        template_id = self._new_id(state.templates, 11)
        self._store_template(state, template_id, template, int(self._ctx.now()))
        self._record(request, template_id=template_id, name=template["name"])
        return ok(template_id=template_id)

    def freight_update(self, request: Request) -> dict[str, Any]:
        """§3.5 updatefreighttemplate: ``freight_template`` with its ``template_id`` replaces the template."""
        state = self._state_for(request)
        body = request.json()
        existing = self._template(state, read_dict(body, "freight_template"), "freight_template.template_id")
        template = validate_freight_template(body)
        self._unique_name(state, template["name"], existing["template_id"])
        self._store_template(state, existing["template_id"], template, existing["create_time"])
        self._record(request, template_id=existing["template_id"], name=template["name"])
        return ok()

    def freight_get(self, request: Request) -> dict[str, Any]:
        """§3.5 getfreighttemplatedetail; 10020005 for an unknown id."""
        state = self._state_for(request)
        return ok(freight_template=copy.deepcopy(self._template(state, request.json())))

    def freight_list(self, request: Request) -> dict[str, Any]:
        """§3.5 getfreighttemplatelist: ``offset`` (default 0) and ``limit`` (default 10, at most 200)."""
        state = self._state_for(request)
        body = request.optional_json()
        offset = read_int(body, "offset", default=0, minimum=0)
        limit = read_int(body, "limit", default=TEMPLATE_LIMIT_DEFAULT, minimum=1)
        if limit > TEMPLATE_LIMIT_MAX:
            raise invalid_args(f"limit must be at most {TEMPLATE_LIMIT_MAX}")
        return ok(template_id_list=list(state.templates)[offset : offset + limit])

    # --- categories and brands --------------------------------------------------------------------------------------

    def _category(self, body: dict[str, Any], key: str) -> Category:
        cat_id = read_product_id(body, key)
        category = self.tree.get(cat_id)
        if category is None:
            raise fail(ERR_ILLEGAL_CATEGORY, f"{key} {cat_id} is not a known category")
        return category

    def category_children(self, request: Request) -> dict[str, Any]:
        """§3.2 availablesoncategories/get: the children of ``f_cat_id`` (0 = the first level)."""
        body = request.optional_json()
        f_cat_id = "0" if body.get("f_cat_id") in (None, 0, "0") else self._category(body, "f_cat_id").cat_id
        children = self.tree.children(f_cat_id)
        return ok(
            cat_list=[{"cat_id": c.cat_id, "f_cat_id": c.f_cat_id, "name": c.name} for c in children],
            cat_list_v2=[
                {"cat_id": c.cat_id, "f_cat_id": c.f_cat_id, "name": c.name, "leaf": c.is_leaf} for c in children
            ],
        )

    def category_all(self, request: Request) -> dict[str, Any]:
        """§3.2 category/all: ``cats`` (and the same tree as ``cats_v2``), one ``cat_and_qua`` list per level."""
        levels = [
            {
                "cat_and_qua": [
                    {
                        "cat": {"cat_id": c.cat_id, "f_cat_id": c.f_cat_id, "level": c.level, "name": c.name},
                        "qua": {"qua_id": "", "need_to_apply": False, "tips": "", "mandatory": False, "name": ""},
                        "product_qua": {
                            "qua_id": "",
                            "need_to_apply": False,
                            "tips": "",
                            "mandatory": False,
                            "name": "",
                        },
                        "product_qua_list": [],
                    }
                    for c in self.tree.by_level(level)
                ]
            }
            for level in (1, 2, 3)
        ]
        return ok(cats=levels, cats_v2=copy.deepcopy(levels))

    def category_detail(self, request: Request) -> dict[str, Any]:
        """§3.2 category/detail: ``info`` and ``attr`` (product_attr_list, sale_attr_list, brand_list, deposit…)."""
        category = self._category(request.json(), "cat_id")
        return ok(
            info={"cat_id": category.cat_id, "name": category.name},
            attr={
                "shop_no_shipment": category.shop_no_shipment,
                "access_permit_required": False,
                "pre_sale": category.pre_sale,
                "seven_day_return": category.seven_day_return,
                "brand_list": [{"brand_id": brand_id} for brand_id in category.brand_ids],
                "deposit": category.deposit,
                "product_attr_list": [attr.as_json() for attr in category.product_attrs],
                "sale_attr_list": [
                    {
                        "name": name,
                        "type": "string",
                        "type_v2": "string",
                        "value": "",
                        "is_required": True,
                        "hint": "",
                        "append_allowed": True,
                    }
                    for name in category.sale_attrs
                ],
                "transactionfee_info": {"basis_point": 500, "original_basis_point": 500, "incentive_type": 0},
                "floor_price": 0,
                "is_limit_brand": False,
                "min_head_imgs": category.min_head_imgs,
                "product_qua_list": [],
            },
            product_qua_list=[],
        )

    def brand_list(self, request: Request) -> dict[str, Any]:
        """§3.2 brand/all: ``page_size`` (default 10, at most 100) and ``next_key``; ``continue_flag`` says whether
        more pages follow."""
        body = request.optional_json()
        page_size = read_int(body, "page_size", default=BRAND_PAGE_DEFAULT, minimum=1)
        if page_size > BRAND_PAGE_MAX:
            raise invalid_args(f"page_size must be at most {BRAND_PAGE_MAX}")
        next_key = read_str(body, "next_key", required=False, allow_empty=True)
        start = decode_key("brand", next_key) if next_key else 0
        brands = list(self.brands.values())
        page = brands[start : start + page_size]
        end = start + len(page)
        return ok(
            brands=[brand.as_json() for brand in page],
            next_key=encode_key("brand", end),
            continue_flag=end < len(brands),
        )

    # --- uploads (§3.6) -----------------------------------------------------------------------------------------------

    def image_upload(self, request: Request) -> dict[str, Any]:
        """§3.6 basics/img/upload. ``upload_type`` and ``resp_type`` must be in the query (in the body: 10020055).
        upload_type 0: multipart ``media`` plus ``height`` and ``width`` in the query; 1: JSON ``{"img_url"}``.
        resp_type 1 answers ``pic_file.img_url`` (an mmecimage.cn/p/ link products may use), 0 ``media_id`` and
        ``pay_media_id``. At most 2 MB for resp_type 0, 10 MB for resp_type 1."""
        state = self._state_for(request)
        if "upload_type" not in request.query or "resp_type" not in request.query:
            raise invalid_args("upload_type and resp_type must be in the query string, not the body")
        upload_type = read_query_int(request, "upload_type", choices=(0, 1))
        resp_type = read_query_int(request, "resp_type", choices=(0, 1))
        source: dict[str, Any] = {"upload_type": upload_type}
        if upload_type == 0:
            height, width = read_query_int(request, "height"), read_query_int(request, "width")
            if not height or not width:
                raise invalid_args("height and width must be > 0")
            if not request.content_type.startswith("multipart/form-data"):
                raise invalid_args('upload_type 0 needs a multipart/form-data body with a "media" field')
            filename, data = multipart_media(request)
            if not data:
                raise ApiError(ERR_EMPTY_MEDIA, "empty media data")
            source.update(filename=filename, height=height, width=width)
        else:
            img_url = read_str(request.json(), "img_url")
            if not img_url.startswith(("http://", "https://")):
                raise invalid_args("img_url must be an http(s) URL")
            # The sandbox cannot fetch the picture: it counts as an empty file.
            data = b""
            source["source_url"] = img_url
        limit = LINK_LIMIT_BYTES if resp_type == 1 else MEDIA_LIMIT_BYTES
        if len(data) > limit:
            raise ApiError(
                ERR_MEDIA_SIZE, f"invalid media size: {len(data)} bytes, at most {limit} for resp_type {resp_type}"
            )
        info = {**source, "resp_type": resp_type, "size": len(data)}
        if resp_type == 1:
            url = f"{IMAGE_PREFIX}{self._appid(request)}/{self._ctx.ids.chars(IMAGE_KEY_LENGTH, ALPHANUMERIC)}"
            state.images[url] = info
            pic_file: dict[str, str] = {"img_url": url}
        else:
            pic_file = {
                "media_id": self._ctx.ids.chars(MEDIA_ID_LENGTH),
                "pay_media_id": self._ctx.ids.chars(MEDIA_ID_LENGTH),
            }
            state.media[pic_file["media_id"]] = {**info, "pay_media_id": pic_file["pay_media_id"]}
        # A URL upload's info already names its source as img_url: the answer's link wins in the log.
        self._record(request, **{**info, **pic_file})
        return ok(pic_file=pic_file)

    def qualification_upload(self, request: Request) -> dict[str, Any]:
        """§3.6 basics/qualification/upload: multipart ``media``; answers ``data.file_id``. 10020059 empty,
        10020060 above 2 MB."""
        state = self._state_for(request)
        if not request.content_type.startswith("multipart/form-data"):
            raise invalid_args('the body must be multipart/form-data with a "media" field')
        filename, data = multipart_media(request)
        if not data:
            raise fail(ERR_QUALIFICATION_EMPTY, "the qualification file is empty")
        if len(data) > QUALIFICATION_LIMIT_BYTES:
            raise fail(
                ERR_QUALIFICATION_TOO_LARGE, f"the qualification file is larger than {QUALIFICATION_LIMIT_BYTES}"
            )
        file_id = self._ctx.ids.chars(FILE_ID_LENGTH, ALPHANUMERIC)
        state.qualification_files[file_id] = {"filename": filename, "size": len(data)}
        self._record(request, file_id=file_id, filename=filename, size=len(data))
        return ok(data={"file_id": file_id})

    # --- third-party source (§3.7, seed 000) --------------------------------------------------------------------------

    def third_party_source_add(self, request: Request) -> dict[str, Any]:
        """§3.7 addproductthirdpartysource: answers a numeric ``third_party_source_id``; ``errmsg`` is empty on
        success, as in the seed's example."""
        state = self._state_for(request)
        declaration = validate_third_party_source(request.json())
        source_id = state.next_source_id
        state.next_source_id += 1
        state.third_party_sources.append({"third_party_source_id": source_id, "declaration": declaration})
        source = declaration["product_source_info"]
        self._record(
            request,
            third_party_source_id=source_id,
            scene_value=declaration["scene_value"],
            source_product_id=source["product_id"],
            sku_count=len(source["sku_list"]),
        )
        return {"third_party_source_id": source_id, "errcode": 0, "errmsg": ""}
