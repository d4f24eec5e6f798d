"""Client of the WeChat Channels store (微信小店 / 视频号小店, API reference §3): one method per row of §3.2.

Paths are relative to the shop's base URL (``https://api.weixin.qq.com`` or the emulator). Every method raises the
error family of ``channels_sync.platforms.errors``; token handling and errcode mapping come from
:class:`~channels_sync.platforms.wechat.WeChatApiClient`, with the store's own quota codes added (10020066, the
add+update quota of §3.3, and 10020112, the per-SKU stock frequency of §3.4, both :class:`RateLimitedError`).
Other codes of §3.3–§3.8, 10020049 "under audit" among them, are business rejections (:class:`RejectedError`).

Conventions of the whole client:

* Remote ids (``product_id``, ``sku_id``, ``template_id``, ``cat_id``, ``brand_id``) are uint64 numbers that the
  reference says to send and keep as strings (§3 conventions); an id answered as a JSON number is turned into a
  string, so callers only ever see strings.
* **Conflict, ``/shop/ec/`` vs ``/channels/ec/``** (§3.2): the prefix of each endpoint comes from
  :attr:`ChannelsClient.path_prefixes`, keyed by the endpoint's path after the prefix. The defaults follow the
  current documentation (``/shop/ec/`` for ``category/all``, ``category/detail``, ``brand/all`` and the image
  upload, ``/channels/ec/`` for the rest); a shop that needs the older paths passes ``prefixes`` to override
  single endpoints, or a subclass overrides the mapping.
* Reads return the answer without ``errcode``/``errmsg``, or the one documented field the caller needs; a success
  answer without a documented field is a :class:`ProtocolError` (for a write, its outcome is unknown: reconcile).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum
from typing import Any, ClassVar

import requests

from channels_sync.platforms.errors import ProtocolError
from channels_sync.platforms.hosts import HostPolicy
from channels_sync.platforms.http import OnCall, Timeouts
from channels_sync.platforms.wechat import TokenSource, WeChatApiClient
from channels_sync.platforms.wechat import answer_list as _list
from channels_sync.platforms.wechat import answer_object as _object
from channels_sync.platforms.wechat import answer_text as _text

CHANNELS_PREFIX = "/channels/ec"
SHOP_PREFIX = "/shop/ec"
# §3.3 "Rate limit": add + update share 200/hour and 1000/day per shop, answered with 10020066 either way; the
# hour is the window that may have passed when the work is tried again.
ADD_UPDATE_QUOTA_ERRCODE = 10020066
ADD_UPDATE_QUOTA_WINDOW_SECONDS = 3600.0
# §3.4: 10020112 "per-SKU update frequency exceeded". No window is published; a few seconds spread the updates.
STOCK_FREQUENCY_ERRCODE = 10020112
STOCK_FREQUENCY_WINDOW_SECONDS = 5.0
# §3.3 and pitfall §7.6: an image that is not an mmecimage.cn/p/ link uploaded by this shop.
IMAGE_NOT_UPLOADED_ERRCODE = 10020035
# The product does not exist (never did, or deleted for good): every product call answers it (emulator README).
PRODUCT_MISSING_ERRCODE = 10020052
# §3.2 list/get: "page_size (≤ 30, default 10)".
PRODUCT_LIST_MAX_PAGE_SIZE = 30
ROOT_CATEGORY_ID = "0"
# §3.3 "Pitfall": add may answer product_id "0", which names no product.
_NO_ID = "0"


class ProductDataType(IntEnum):
    """``data_type`` of ``product/get`` (§3.2): which copies of the product the answer holds."""

    ONLINE = 1
    DRAFT = 2
    BOTH = 3


class StockDiffType(IntEnum):
    """``diff_type`` of ``product/stock/update`` (§3.4). ``SET`` exists, but misbehaves under concurrent sales."""

    ADD = 1
    SUBTRACT = 2
    SET = 3


# Endpoint (path after the prefix) -> default prefix. The current docs put these four under /shop/ec/ (§3.2
# "Conflict"); the emulator serves both prefixes.
_SHOP_PREFIXED = ("category/all", "category/detail", "brand/all", "basics/img/upload")
ENDPOINTS: tuple[str, ...] = (
    "product/add",
    "product/update",
    "product/auditfree",
    "product/get",
    "product/list/get",
    "product/delete",
    "product/listing",
    "product/delisting",
    "product/audit/cancel",
    "product/stock/get",
    "product/stock/batchget",
    "product/stock/update",
    "merchant/addfreighttemplate",
    "merchant/updatefreighttemplate",
    "merchant/getfreighttemplatedetail",
    "merchant/getfreighttemplatelist",
    "basics/img/upload",
    "category/availablesoncategories/get",
    "category/all",
    "category/detail",
    "brand/all",
    "product/addproductthirdpartysource",
    # Orders, delivery and after-sales: calls and parsers in ``orders.py``.
    "order/list/get",
    "order/get",
    "order/deliverycompanylist/get",
    "order/delivery/send",
    "aftersale/getaftersalelist",
    "aftersale/getaftersaleorder",
    "aftersale/acceptapply",
    "aftersale/rejectapply",
    "aftersale/rejectreason/get",
)
DEFAULT_PATH_PREFIXES: Mapping[str, str] = {
    endpoint: SHOP_PREFIX if endpoint in _SHOP_PREFIXED else CHANNELS_PREFIX for endpoint in ENDPOINTS
}


class ChannelsClient(WeChatApiClient):
    """The ``/channels/ec/...`` (and ``/shop/ec/...``) API of one Channels shop.

    ``prefixes`` overrides :attr:`path_prefixes` for single endpoints of this client, e.g.
    ``{"category/all": CHANNELS_PREFIX}`` for a shop served at the older path; an unknown endpoint, or a prefix
    that does not start with ``/`` or ends with one, is a :class:`ValueError`.
    """

    quota_windows: ClassVar[Mapping[int, float | None]] = {
        **WeChatApiClient.quota_windows,
        ADD_UPDATE_QUOTA_ERRCODE: ADD_UPDATE_QUOTA_WINDOW_SECONDS,
        STOCK_FREQUENCY_ERRCODE: STOCK_FREQUENCY_WINDOW_SECONDS,
    }
    path_prefixes: ClassVar[Mapping[str, str]] = DEFAULT_PATH_PREFIXES
    # §3.3/§7.6: product images must be this shop's own image-upload links; §3.4: unknown or deleted product.
    image_refused_errcodes: ClassVar[frozenset[int]] = frozenset({IMAGE_NOT_UPLOADED_ERRCODE})
    missing_errcodes: ClassVar[Mapping[int, str]] = {PRODUCT_MISSING_ERRCODE: "product"}

    def __init__(
        self,
        base_url: str,
        *,
        tokens: TokenSource,
        timeouts: Timeouts,
        on_call: OnCall | None = None,
        session: requests.Session | None = None,
        host_policy: HostPolicy | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            base_url, tokens=tokens, timeouts=timeouts, on_call=on_call, session=session, host_policy=host_policy
        )
        self._prefixes = {**self.path_prefixes, **_checked_prefixes(prefixes or {}, self.path_prefixes)}

    def path(self, endpoint: str) -> str:
        """The full path of ``endpoint`` (``"category/all"`` -> ``"/shop/ec/category/all"``) with this shop's prefix."""
        try:
            return f"{self._prefixes[endpoint]}/{endpoint}"
        except KeyError:
            raise ValueError(f"unknown Channels endpoint {endpoint!r}") from None

    # --- products (§3.2, §3.3) --------------------------------------------------------------------------------

    def product_add(self, body: Mapping[str, Any], *, listing: bool = False) -> tuple[str, str]:
        """POST /channels/ec/product/add — API reference §3.2/§3.3.

        ``body`` is the product of §3.3 (``payloads.product_payload``); ``listing`` asks for listing right after
        the audit (``"listing": 1``). Returns ``(product_id, create_time)`` from ``data``. A success without a
        usable ``product_id`` (absent, or ``"0"`` as the §3.3 pitfall reports) is a :class:`ProtocolError`: the
        product may exist, so the caller reconciles by ``out_product_id`` instead of adding again.
        """
        path = self.path("product/add")
        request = {**body, "listing": 1} if listing else dict(body)
        data = _object(self.post(path, request), "data", path)
        return _id(data, "product_id", path), _text(data, "create_time")

    def product_update(self, body: Mapping[str, Any]) -> str:
        """POST /channels/ec/product/update — API reference §3.2/§3.3.

        ``body`` holds ``product_id`` and the whole product as for add (``skus[]`` may carry ``sku_id``); it
        writes the draft, which goes through audit again. Returns ``data.update_time``, ``""`` when the answer
        has none (only [ZSM] documents the field).
        """
        path = self.path("product/update")
        answer = self.post(path, body)
        data = answer.get("data")
        return _text(data, "update_time") if isinstance(data, Mapping) else ""

    def product_auditfree(self, body: Mapping[str, Any]) -> None:
        """POST /channels/ec/product/auditfree — API reference §3.2. Listed products only: writes the online copy
        without audit. ``body``: ``product_id``, ``skus[]`` {sku_id, sale_price, stock_info, sku_code, is_delete,
        status}, optional ``express_info``/``limited_info``/``extra_service``/``deliver_method``."""
        self.post(self.path("product/auditfree"), body)

    def product_get(self, product_id: str, data_type: int = ProductDataType.BOTH) -> dict[str, Any]:
        """POST /channels/ec/product/get — API reference §3.2. ``data_type``: see :class:`ProductDataType`.

        Returns the answer's ``product`` (online copy), ``edit_product`` (draft) and, when present,
        ``sale_limit_info``. The draft is required for data types 2 and 3 and the online copy for 1; with 3 an
        online copy is absent until the product has been listed.
        """
        path = self.path("product/get")
        answer = self.post(path, {"product_id": product_id, "data_type": int(data_type)})
        required = ("product",) if data_type == ProductDataType.ONLINE else ("edit_product",)
        for key in ("product", "edit_product"):
            if key in required or answer.get(key) is not None:
                _object(answer, key, path)
        return _fields(answer)

    def product_list(
        self, page_size: int = 10, next_key: str = "", status: int | None = None
    ) -> tuple[list[str], str, int]:
        """POST /channels/ec/product/list/get — API reference §3.2.

        ``page_size`` is 1 to 30; ``next_key`` is ``""`` for the first page; ``status`` filters by online status
        (§3.1; without it never-listed drafts and the recycle bin are left out). Returns ``(product_ids,
        next_key, total_num)``.
        """
        if not 1 <= page_size <= PRODUCT_LIST_MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1 to {PRODUCT_LIST_MAX_PAGE_SIZE}")
        path = self.path("product/list/get")
        body: dict[str, Any] = {"page_size": page_size, "next_key": next_key}
        if status is not None:
            body["status"] = int(status)
        answer = self.post(path, body)
        ids = [_id_value(value, "product_ids", path) for value in _list(answer, "product_ids", path)]
        return ids, _text(answer, "next_key"), _count(answer, "total_num", path)

    def product_delete(self, product_id: str) -> None:
        """POST /channels/ec/product/delete — API reference §3.2 (10020049 while under audit: cancel it first)."""
        self.post(self.path("product/delete"), {"product_id": product_id})

    def product_listing(self, product_id: str) -> None:
        """POST /channels/ec/product/listing — API reference §3.2 (上架; 10020067 while the draft is uploading)."""
        self.post(self.path("product/listing"), {"product_id": product_id})

    def product_delisting(self, product_id: str) -> None:
        """POST /channels/ec/product/delisting — API reference §3.2 (下架)."""
        self.post(self.path("product/delisting"), {"product_id": product_id})

    def product_audit_cancel(self, product_id: str) -> None:
        """POST /channels/ec/product/audit/cancel — API reference §3.2. Only while ``edit_status`` is 2 (else
        10020044); the draft is then editing (1) again."""
        self.post(self.path("product/audit/cancel"), {"product_id": product_id})

    # --- stock (§3.2, §3.4) -----------------------------------------------------------------------------------

    def stock_get(self, product_id: str, sku_id: str) -> dict[str, Any]:
        """POST /channels/ec/product/stock/get — API reference §3.2. Returns ``data``: ``normal_stock_num``,
        ``limited_discount_stock_num``, ``warehouse_stocks[]`` {out_warehouse_id, num}, ``total_stock_num``."""
        path = self.path("product/stock/get")
        return _object(self.post(path, {"product_id": product_id, "sku_id": sku_id}), "data", path)

    def stock_batchget(self, product_ids: Iterable[str]) -> dict[str, Any]:
        """POST /channels/ec/product/stock/batchget — API reference §3.2. Returns ``data`` (per-SKU stock of each
        product, ``spu_stock_list[]`` in [WXJ])."""
        path = self.path("product/stock/batchget")
        return _object(self.post(path, {"product_ids": list(product_ids)}), "data", path)

    def stock_update(self, product_id: str, sku_id: str, diff_type: int, num: int) -> None:
        """POST /channels/ec/product/stock/update — API reference §3.2/§3.4.

        ``diff_type``: see :class:`StockDiffType`; the sync sends deltas (1 add, 2 subtract) and never 3, which
        would overwrite sales made meanwhile. Only for products listed at least once and not under audit.
        """
        body = {"product_id": product_id, "sku_id": sku_id, "diff_type": int(diff_type), "num": num}
        self.post(self.path("product/stock/update"), body)

    # --- freight templates (§3.2, §3.5) -------------------------------------------------------------------------

    def freight_add(self, freight_template: Mapping[str, Any]) -> str:
        """POST /channels/ec/merchant/addfreighttemplate — API reference §3.2/§3.5. Sends
        ``{"freight_template": …}`` and returns the new ``template_id``."""
        path = self.path("merchant/addfreighttemplate")
        return _id(self.post(path, {"freight_template": freight_template}), "template_id", path)

    def freight_update(self, template_id: str, freight_template: Mapping[str, Any]) -> None:
        """POST /channels/ec/merchant/updatefreighttemplate — API reference §3.2/§3.5. Replaces the whole
        template; ``template_id`` is put into ``freight_template``."""
        body = {"freight_template": {**freight_template, "template_id": template_id}}
        self.post(self.path("merchant/updatefreighttemplate"), body)

    def freight_get_detail(self, template_id: str) -> dict[str, Any]:
        """POST /channels/ec/merchant/getfreighttemplatedetail — API reference §3.2/§3.5. Returns
        ``freight_template`` (10020005 when there is no such template)."""
        path = self.path("merchant/getfreighttemplatedetail")
        return _object(self.post(path, {"template_id": template_id}), "freight_template", path)

    def freight_list(self, offset: int = 0, limit: int = 20) -> list[str]:
        """POST /channels/ec/merchant/getfreighttemplatelist — API reference §3.2. Returns ``template_id_list``."""
        path = self.path("merchant/getfreighttemplatelist")
        answer = self.post(path, {"offset": offset, "limit": limit})
        return [_id_value(value, "template_id_list", path) for value in _list(answer, "template_id_list", path)]

    # --- images (§3.6) ----------------------------------------------------------------------------------------

    def image_upload_bytes(
        self, data: bytes, width: int, height: int, *, filename: str = "image.jpg", timeouts: Timeouts | None = None
    ) -> str:
        """POST /shop/ec/basics/img/upload?upload_type=0&resp_type=1&height=…&width=… — API reference §3.6.

        The image travels as the multipart form field ``media``; ``upload_type``, ``resp_type``, ``height`` and
        ``width`` go in the query string (in the body they give 10020055, reference §7.6). ``filename`` only
        names the part and picks its content type. Returns ``pic_file.img_url``, the never-expiring
        ``mmecimage.cn/p/`` link product images must use. ``timeouts`` may allow a slower upload.
        """
        path = self.path("basics/img/upload")
        return _image_url(self.post_image(path, data, width, height, filename=filename, timeouts=timeouts), path)

    def image_upload_url(self, url: str, *, timeouts: Timeouts | None = None) -> str:
        """POST /shop/ec/basics/img/upload?upload_type=1&resp_type=1 — API reference §3.6.

        The platform fetches ``url`` (sent as ``{"img_url": …}``; no redirects allowed). Returns
        ``pic_file.img_url``, as :meth:`image_upload_bytes` does.
        """
        path = self.path("basics/img/upload")
        return _image_url(self.post_image_url(path, url, timeouts=timeouts), path)

    # --- categories and brands (§3.2) -----------------------------------------------------------------------------

    def category_children(self, f_cat_id: str = ROOT_CATEGORY_ID) -> dict[str, Any]:
        """POST /channels/ec/category/availablesoncategories/get — API reference §3.2.

        ``f_cat_id`` ``"0"`` lists the roots. Returns ``cat_list[]`` {cat_id, f_cat_id, name} and, where the
        platform sends it, ``cat_list_v2[]`` (adds ``leaf``); read it with ``parsers.parse_category_children``.
        """
        path = self.path("category/availablesoncategories/get")
        answer = self.post(path, {"f_cat_id": f_cat_id})
        for key in ("cat_list", "cat_list_v2"):
            _list(answer, key, path)
        return _fields(answer)

    def category_all(self) -> dict[str, Any]:
        """POST /shop/ec/category/all — API reference §3.2 (Conflict: [ZSM] sends GET to /channels/ec/; the docs
        and [WXJ] POST). Returns ``cats[]`` {cat_and_qua[] {cat {cat_id, f_cat_id, level, name}, qua,
        product_qua}} and ``cats_v2``."""
        path = self.path("category/all")
        answer = self.post(path, {})
        _list(answer, "cats", path)
        return _fields(answer)

    def category_detail(self, cat_id: str) -> dict[str, Any]:
        """POST /shop/ec/category/detail — API reference §3.2. Returns ``info`` {cat_id, name} and ``attr``
        {product_attr_list[] {name, type, value, is_required}, brand_list, deposit, …}; read it with
        ``parsers.parse_category_detail``."""
        path = self.path("category/detail")
        answer = self.post(path, {"cat_id": cat_id})
        _object(answer, "info", path)
        if answer.get("attr") is not None:
            _object(answer, "attr", path)
        return _fields(answer)

    def brand_list(self, page_size: int = 30, next_key: str = "") -> dict[str, Any]:
        """POST /shop/ec/brand/all — API reference §3.2. Returns ``brands[]`` {brand_id, ch_name, en_name},
        ``next_key`` and ``continue_flag``; read it with ``parsers.parse_brands``."""
        path = self.path("brand/all")
        answer = self.post(path, {"page_size": page_size, "next_key": next_key})
        _list(answer, "brands", path)
        return _fields(answer)

    # --- third-party source (§3.7, seed 000) ----------------------------------------------------------------------

    def add_third_party_source(self, body: Mapping[str, Any]) -> str:
        """POST /channels/ec/product/addproductthirdpartysource — API reference §3.2/§3.7, seed 000.

        ``body`` is the declaration (``source_payloads.third_party_source_payload``). Returns the
        ``third_party_source_id`` (a number on the wire) as a string, like every other remote id.
        """
        path = self.path("product/addproductthirdpartysource")
        return _id(self.post(path, body), "third_party_source_id", path)


# --- helpers ------------------------------------------------------------------------------------------------------


def _checked_prefixes(prefixes: Mapping[str, str], known: Mapping[str, str]) -> dict[str, str]:
    for endpoint, prefix in prefixes.items():
        if endpoint not in known:
            raise ValueError(f"unknown Channels endpoint {endpoint!r}")
        if not prefix.startswith("/") or prefix.endswith("/"):
            raise ValueError(f"prefix {prefix!r} must start with / and not end with /")
    return dict(prefixes)


def _fields(answer: Mapping[str, Any]) -> dict[str, Any]:
    """The answer without ``errcode``/``errmsg``."""
    return {key: value for key, value in answer.items() if key not in ("errcode", "errmsg")}


def _id_value(value: Any, key: str, endpoint: str) -> str:
    """A remote id as a string: the reference's string form, or a JSON number turned into one."""
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value) in ("", _NO_ID):
        raise ProtocolError(f"success answer without a valid {key}", endpoint=endpoint, http_status=200)
    return str(value)


def _id(answer: Mapping[str, Any], key: str, endpoint: str) -> str:
    """The id a write returns. Its absence after a success is a :class:`ProtocolError`: the write may have been
    applied, so the engine must reconcile rather than repeat it."""
    return _id_value(answer.get(key), key, endpoint)


def _count(answer: Mapping[str, Any], key: str, endpoint: str) -> int:
    value = answer.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError(f"{key} is not an integer", endpoint=endpoint, http_status=200)
    return value


def _image_url(answer: Mapping[str, Any], endpoint: str) -> str:
    url = _object(answer, "pic_file", endpoint).get("img_url")
    if not isinstance(url, str) or not url:
        raise ProtocolError("success answer without a valid pic_file.img_url", endpoint=endpoint, http_status=200)
    return url
