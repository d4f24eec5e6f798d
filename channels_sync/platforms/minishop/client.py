"""Client of the mini-shop (小商店) spu API (API reference §4, seed 001): one method per row of the §4 table.

Paths are relative to the shop's base URL (``https://api.weixin.qq.com`` or the emulator). Token handling and the
common errcode mapping come from :class:`~channels_sync.platforms.wechat.WeChatApiClient`; the mini-shop's own
codes are mapped as §4 reads:

* -1 "system error": :class:`SystemBusyError`, outcome unknown (the engine reconciles before any retry);
* -2 "token too long" and 9401021 "no permission for the API": :class:`AuthError` with ``config_error`` set,
  because only a person fixing the shop's credentials or its API permissions can heal them;
* 9401020 bad parameters, 9401002 SPU does not exist, 9401001 SPU already exists, 9401023 SPU not editable,
  100002 product_id / 100004 SKU does not exist, and the community's 9401043 (SKU price too high) and 9401006
  (SKU not in the online data): :class:`RejectedError` with the platform's errcode and errmsg.

Remote ids (``product_id``, ``sku_id``, ``cat_id``, ``template_id``) are JSON numbers on the wire, some above 2^53
(seed 001 answers 23423523452345235): exact in Python, but kept as strings everywhere outside this client, and
sent back as numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any, ClassVar

from channels_sync.platforms.errors import AuthError, PlatformError, ProtocolError
from channels_sync.platforms.http import Timeouts
from channels_sync.platforms.wechat import WeChatApiClient
from channels_sync.platforms.wechat import answer_list as _list
from channels_sync.platforms.wechat import answer_object as _object
from channels_sync.platforms.wechat import answer_text as _text

ERRCODE_TOKEN_TOO_LONG = -2
ERRCODE_BAD_PARAMS = 9401020
ERRCODE_NO_PERMISSION = 9401021
ERRCODE_SPU_MISSING = 9401002
ERRCODE_SPU_EXISTS = 9401001
ERRCODE_NOT_EDITABLE = 9401023
ERRCODE_PRODUCT_ID_MISSING = 100002
ERRCODE_SKU_MISSING = 100004
# Community threads (§4 "Errors"): a SKU price above the limit; a draft-only SKU read in the online data.
ERRCODE_PRICE_TOO_HIGH = 9401043
ERRCODE_ONLINE_SKU_MISSING = 9401006
CONFIG_ERRMSGS = {
    ERRCODE_TOKEN_TOO_LONG: "the access token is too long: check the shop's app id and secret",
    ERRCODE_NO_PERMISSION: "the app has no permission for this mini-shop API: grant it in the mini-shop's admin",
}
ROOT_CATEGORY_ID = "0"
PRODUCT_LIST_MAX_PAGE_SIZE = 100


class StockUpdateType(IntEnum):
    """``type`` of ``product/stock/update`` (§4): 1 overwrites (stock_num > 0), 2 adds a delta (negative reduces)."""

    SET = 1
    DELTA = 2


class MiniShopClient(WeChatApiClient):
    """The ``/product/...`` API of one mini-shop."""

    # §4 "Errors": SPU does not exist; product_id does not exist (stock update). §4 publishes no code for a foreign
    # image (head_img takes any http(s) URL), so none is mapped.
    missing_errcodes: ClassVar[Mapping[int, str]] = {
        ERRCODE_SPU_MISSING: "product",
        ERRCODE_PRODUCT_ID_MISSING: "product",
    }

    def error_for(self, errcode: int, errmsg: str, *, endpoint: str, http_status: int) -> PlatformError:
        if errcode in CONFIG_ERRMSGS:
            message = f"{CONFIG_ERRMSGS[errcode]} ({errmsg})" if errmsg else CONFIG_ERRMSGS[errcode]
            return AuthError(message, config_error=True, endpoint=endpoint, errcode=errcode, http_status=http_status)
        return super().error_for(errcode, errmsg, endpoint=endpoint, http_status=http_status)

    # --- spu (§4) ------------------------------------------------------------------------------------------------

    def spu_add(self, body: Mapping[str, Any]) -> tuple[str, str]:
        """POST /product/spu/add — API reference §4, seed 001. Writes the draft only.

        Returns ``(product_id, create_time)``; a success without a usable ``data.product_id`` is a
        :class:`ProtocolError` (the product may exist: the caller reconciles by ``out_product_id``).
        """
        path = "/product/spu/add"
        data = _object(self.post(path, body), "data", path)
        return _id(data, "product_id", path), _text(data, "create_time")

    def spu_update(self, body: Mapping[str, Any]) -> str:
        """POST /product/spu/update — API reference §4. ``body`` holds ``product_id`` (or ``out_product_id``) and
        the whole SPU; writes the draft (9401023 while it is under audit). Returns ``data.update_time``."""
        answer = self.post("/product/spu/update", body)
        return _text(answer.get("data"), "update_time")

    def spu_get(
        self, *, product_id: str | None = None, out_product_id: str | None = None, need_edit_spu: bool = True
    ) -> dict[str, Any]:
        """POST /product/spu/get — API reference §4. ``need_edit_spu``: the draft (True) or the online copy.

        Returns ``data.spu`` (status, edit_status, min_price, skus…); 9401002 when there is no such SPU.
        """
        path = "/product/spu/get"
        body = {**_product_key(product_id, out_product_id), "need_edit_spu": int(need_edit_spu)}
        return _object(_object(self.post(path, body), "data", path), "spu", path)

    def spu_get_list(
        self, *, page: int = 1, page_size: int = 10, status: int | None = None, need_edit_spu: bool = True
    ) -> tuple[list[dict[str, Any]], int]:
        """POST /product/spu/get_list — API reference §4. Returns ``(spus, total_num)``; ``page`` starts at 1."""
        if not 1 <= page_size <= PRODUCT_LIST_MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1 to {PRODUCT_LIST_MAX_PAGE_SIZE}")
        path = "/product/spu/get_list"
        body: dict[str, Any] = {"page": page, "page_size": page_size, "need_edit_spu": int(need_edit_spu)}
        if status is not None:
            body["status"] = int(status)
        answer = self.post(path, body)
        spus = [item for item in _list(answer, "spus", path) if isinstance(item, dict)]
        total = answer.get("total_num", len(spus))
        return spus, total if isinstance(total, int) and not isinstance(total, bool) else len(spus)

    def spu_delete(self, product_id: str) -> None:
        """POST /product/spu/del — API reference §4 (9401023 while under audit)."""
        self.post("/product/spu/del", {"product_id": _number(product_id)})

    def spu_listing(self, product_id: str) -> None:
        """POST /product/spu/listing — API reference §4 (上架): submits the draft for audit; it goes online when
        the audit passes. Listing too often can blacklist the caller: check edit_status first (§4)."""
        self.post("/product/spu/listing", {"product_id": _number(product_id)})

    def spu_delisting(self, product_id: str) -> None:
        """POST /product/spu/delisting — API reference §4 (下架)."""
        self.post("/product/spu/delisting", {"product_id": _number(product_id)})

    # --- sku (§4) ------------------------------------------------------------------------------------------------

    def sku_add(self, product_id: str, sku: Mapping[str, Any]) -> str:
        """POST /product/sku/add — API reference §4. One SKU joins the draft; returns its ``sku_id``."""
        path = "/product/sku/add"
        data = _object(self.post(path, {**sku, "product_id": _number(product_id)}), "data", path)
        return _id(data, "sku_id", path)

    def sku_batch_add(self, skus: list[Mapping[str, Any]]) -> dict[str, str]:
        """POST /product/sku/batch_add — API reference §4. Each SKU names its product (``out_product_id`` or
        ``product_id``, a string here, sent as a number). Returns out_sku_id -> sku_id from ``data[]``."""
        path = "/product/sku/batch_add"
        items = [
            {**sku, "product_id": _number(sku["product_id"])} if sku.get("product_id") is not None else dict(sku)
            for sku in skus
        ]
        answer = self.post(path, {"skus": items})
        added = {}
        for item in _list(answer, "data", path):
            if not isinstance(item, dict):
                raise ProtocolError("data[] holds a non-object", endpoint=path, http_status=200)
            added[_text(item, "out_sku_id")] = _id(item, "sku_id", path)
        return added

    def sku_update(self, product_id: str, sku_id: str, fields: Mapping[str, Any]) -> str:
        """POST /product/sku/update — API reference §4. Changes the given fields of one draft SKU; returns
        ``data.update_time`` (100004 for an unknown SKU)."""
        body = {"product_id": _number(product_id), "sku_id": _number(sku_id)}
        body = {**body, **fields, **body}  # the ids named by the arguments, as numbers, whatever ``fields`` holds
        return _text(self.post("/product/sku/update", body).get("data"), "update_time")

    def sku_get_list(
        self, product_id: str, *, need_edit_sku: bool = True, need_real_stock: bool = True
    ) -> list[dict[str, Any]]:
        """POST /product/sku/get_list — API reference §4. ``need_real_stock`` reads the live stock. Returns
        ``skus[]``."""
        path = "/product/sku/get_list"
        body = {
            "product_id": _number(product_id),
            "need_edit_sku": int(need_edit_sku),
            "need_real_stock": int(need_real_stock),
        }
        return [item for item in _list(self.post(path, body), "skus", path) if isinstance(item, dict)]

    # --- stock (§4) ----------------------------------------------------------------------------------------------

    def stock_update(self, product_id: str, sku_id: str, update_type: int, stock_num: int) -> str:
        """POST /product/stock/update — API reference §4. ``update_type``: see :class:`StockUpdateType`; the sync
        sends deltas (type 2) and never 1, which would overwrite sales made meanwhile. Returns
        ``data.update_time`` (100002 unknown product, 100004 unknown SKU).

        Raises ValueError, before sending, for a ``type`` other than 1 or 2 and for type 1 with a ``stock_num``
        that is not > 0 (§4: a full overwrite must be > 0)."""
        kind = StockUpdateType(update_type)
        if isinstance(stock_num, bool) or not isinstance(stock_num, int):
            raise ValueError(f"stock_num must be a whole number, not {stock_num!r}")
        if kind == StockUpdateType.SET and stock_num <= 0:
            raise ValueError(f"type 1 (full overwrite) needs stock_num > 0, not {stock_num}")
        body = {
            "product_id": _number(product_id),
            "sku_id": _number(sku_id),
            "type": int(kind),
            "stock_num": stock_num,
        }
        return _text(self.post("/product/stock/update", body).get("data"), "update_time")

    # --- categories, freight templates, images (§4) --------------------------------------------------------------

    def category_get(self, f_cat_id: str = ROOT_CATEGORY_ID) -> list[dict[str, str]]:
        """POST /product/category/get — API reference §4. ``f_cat_id`` ``"0"`` lists the roots. Returns
        ``cat_list[]`` {cat_id, f_cat_id, name} with the ids as strings."""
        path = "/product/category/get"
        answer = self.post(path, {"f_cat_id": _number(f_cat_id)})
        return [
            {
                "cat_id": _id(item, "cat_id", path),
                "f_cat_id": str(item.get("f_cat_id", f_cat_id)),
                "name": _text(item, "name"),
            }
            for item in _list(answer, "cat_list", path)
            if isinstance(item, dict)
        ]

    def freight_templates(self) -> list[dict[str, Any]]:
        """POST /product/delivery/get_freight_template — API reference §4. Returns ``template_list[]``
        {template_id (a string), name, valuation_type (1 per item, 2 by weight)}."""
        path = "/product/delivery/get_freight_template"
        return [
            {
                "template_id": _id(item, "template_id", path),
                "name": _text(item, "name"),
                "valuation_type": item.get("valuation_type"),
            }
            for item in _list(self.post(path, {}), "template_list", path)
            if isinstance(item, dict)
        ]

    def image_upload_bytes(
        self, data: bytes, width: int, height: int, *, filename: str = "image.jpg", timeouts: Timeouts | None = None
    ) -> str:
        """POST /product/img/upload?upload_type=0&resp_type=1&height=…&width=… — API reference §4, §7.6.

        The image travels as the multipart form field ``media``; ``upload_type``, ``resp_type``, ``height`` and
        ``width`` go in the query string. Returns the link of ``pic_file`` (``temp_img_url``).
        """
        path = "/product/img/upload"
        return _image_url(self.post_image(path, data, width, height, filename=filename, timeouts=timeouts), path)

    def image_upload_url(self, url: str, *, timeouts: Timeouts | None = None) -> str:
        """POST /product/img/upload?upload_type=1&resp_type=1 — API reference §4: the platform fetches
        ``{"img_url": …}``. Returns the link, as :meth:`image_upload_bytes` does."""
        path = "/product/img/upload"
        return _image_url(self.post_image_url(path, url, timeouts=timeouts), path)


# --- helpers ------------------------------------------------------------------------------------------------------


def _number(value: str | int) -> int:
    """A remote id as the JSON number the platform takes."""
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
        raise ValueError(f"{value!r} is not a numeric mini-shop id")
    return int(text)


def _product_key(product_id: str | None, out_product_id: str | None) -> dict[str, Any]:
    if product_id:
        return {"product_id": _number(product_id)}
    if out_product_id:
        return {"out_product_id": out_product_id}
    raise ValueError("product_id or out_product_id is required")


def _id(answer: Mapping[str, Any], key: str, endpoint: str) -> str:
    value = answer.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str) or str(value).strip() in ("", "0"):
        raise ProtocolError(f"success answer without a valid {key}", endpoint=endpoint, http_status=200)
    return str(value).strip()


def _image_url(answer: Mapping[str, Any], endpoint: str) -> str:
    # The reference names pic_file.temp_img_url; some pages put it under img_info.
    for key in ("pic_file", "img_info"):
        holder = answer.get(key)
        url = holder.get("temp_img_url") if isinstance(holder, dict) else None
        if isinstance(url, str) and url:
            return url
    raise ProtocolError("success answer without pic_file.temp_img_url", endpoint=endpoint, http_status=200)
