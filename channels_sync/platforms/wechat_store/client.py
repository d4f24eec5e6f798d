"""Client of the legacy WeChat Store merchant API, manual V1.17 (API reference §2): one method per row of §2.1.

Paths are relative to the shop's base URL (``https://api.weixin.qq.com`` or the emulator). Every method raises the
error family of ``channels_sync.platforms.errors``; token handling and errcode mapping come from
:class:`~channels_sync.platforms.wechat.WeChatApiClient`. Methods return the field the caller needs (an id, a
list, an object), or ``None`` for writes whose success answer carries nothing but ``errcode``/``errmsg``.

The SDK bugs of reference §2.8 are avoided on purpose: set delivery posts to ``order/setdelivery``, a shelf is
modified with ``shelf/mod``, all templates are read from ``templates_info``, and a template update posts to
``express/update``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from enum import IntEnum
from typing import Any, TypeVar

from channels_sync.platforms.errors import ImageRefusedError, PlatformError, ProtocolError, RemoteMissingError
from channels_sync.platforms.http import Timeouts, guess_content_type
from channels_sync.platforms.wechat import WeChatApiClient, image_urls_named
from channels_sync.platforms.wechat import answer_object as _object

ROOT_CATEGORY_ID = 1

_Id = TypeVar("_Id", int, str)


class ProductFilter(IntEnum):
    """``status`` of ``getbystatus`` (§2.1 row 1.5)."""

    ALL = 0
    ON_SHELF = 1
    OFF_SHELF = 2


class ProductListing(IntEnum):
    """``status`` of ``modproductstatus`` (§2.1 row 1.6)."""

    DELIST = 0
    LIST = 1


class OrderStatus(IntEnum):
    """``status`` filter values of ``order/getbyfilter`` (§2.6)."""

    AWAITING_SHIPMENT = 2
    SHIPPED = 3
    COMPLETED = 5
    RIGHTS_PROTECTION = 8


class GroupAction(IntEnum):
    """``mod_action`` of ``group/productmod`` (§2.1 row 4.4)."""

    REMOVE = 0
    ADD = 1


# The manual publishes no business codes: every rule answers 40097 "invalid args: …" (emulator README), so the
# rejections the engine heals are told apart by their errmsg.
INVALID_ARGS_ERRCODE = 40097
_FOREIGN_IMAGE = re.compile(r"is not an image uploaded with common/upload_img")
_MISSING = re.compile(r"\b(product_id|template_id|group_id|shelf_id|order_id) (\S+) does not exist")
_MISSING_KINDS = {
    "product_id": "product",
    "template_id": "freight_template",
    "group_id": "group",
    "shelf_id": "shelf",
    "order_id": "order",
}


class WeChatStoreClient(WeChatApiClient):
    """The V1.17 ``/merchant/...`` API of one shop."""

    def error_for(self, errcode: int, errmsg: str, *, endpoint: str, http_status: int) -> PlatformError:
        """40097 naming an image that is not the shop's upload, or an id that does not exist, is
        :class:`ImageRefusedError` or :class:`RemoteMissingError`; any other code maps as on every WeChat platform."""
        if errcode == INVALID_ARGS_ERRCODE and _FOREIGN_IMAGE.search(errmsg):
            return ImageRefusedError(
                errcode, errmsg, urls=image_urls_named(errmsg), endpoint=endpoint, http_status=http_status
            )
        missing = _MISSING.search(errmsg) if errcode == INVALID_ARGS_ERRCODE else None
        if missing is not None:
            return RemoteMissingError(
                errcode,
                errmsg,
                kind=_MISSING_KINDS[missing.group(1)],
                remote_id=missing.group(2),
                endpoint=endpoint,
                http_status=http_status,
            )
        return super().error_for(errcode, errmsg, endpoint=endpoint, http_status=http_status)

    # --- 1. products ------------------------------------------------------------------------------------------

    def product_create(self, product: Mapping[str, Any]) -> str:
        """POST /merchant/create — manual 1.1, API reference §2.1/§2.2.

        ``product`` holds ``product_base``, ``sku_list``, ``attrext`` and ``delivery_info``. Returns the new
        ``product_id``. A success without one raises :class:`ProtocolError` (the product may exist: reconcile).
        """
        return self._post_for_id("/merchant/create", product, "product_id", str)

    def product_delete(self, product_id: str) -> None:
        """POST /merchant/del — manual 1.2, API reference §2.1."""
        self.post("/merchant/del", {"product_id": product_id})

    def product_update(self, product_id: str, product: Mapping[str, Any]) -> None:
        """POST /merchant/update — manual 1.3, API reference §2.1/§2.2.

        ``product`` is the whole body as for create. After the first listing ``name``, ``category_id`` and
        ``property`` may no longer change (§2.2 update rule).
        """
        self.post("/merchant/update", {"product_id": product_id, **product})

    def product_get(self, product_id: str) -> dict[str, Any]:
        """POST /merchant/get — manual 1.4, API reference §2.1 (Conflict: sent as POST with a JSON body, as
        wechatpy does). Returns ``product_info`` (``product_base`` has ``detail_html`` instead of ``detail``)."""
        return self._post_for_object("/merchant/get", {"product_id": product_id}, "product_info")

    def product_get_by_status(self, status: int = ProductFilter.ALL) -> list[dict[str, Any]]:
        """POST /merchant/getbystatus — manual 1.5, API reference §2.1. ``status``: see :class:`ProductFilter`.

        Returns ``products_info``: each full product plus ``product_id`` and ``status``.
        """
        return self._post_for_list("/merchant/getbystatus", {"status": int(status)}, "products_info")

    def product_set_status(self, product_id: str, status: int) -> None:
        """POST /merchant/modproductstatus — manual 1.6, API reference §2.1. ``status``: see
        :class:`ProductListing` (0 delist, 1 list)."""
        self.post("/merchant/modproductstatus", {"product_id": product_id, "status": int(status)})

    # --- 1.7-1.9 categories -----------------------------------------------------------------------------------

    def category_get_sub(self, cate_id: int | str = ROOT_CATEGORY_ID) -> list[dict[str, Any]]:
        """POST /merchant/category/getsub — manual 1.7, API reference §2.1. Returns ``cate_list`` [{id, name}];
        the root is ``cate_id`` 1."""
        return self._post_for_list("/merchant/category/getsub", {"cate_id": cate_id}, "cate_list")

    def category_get_sku(self, cate_id: int | str) -> list[dict[str, Any]]:
        """POST /merchant/category/getsku — manual 1.8, API reference §2.1. Returns ``sku_table``
        [{id, name, value_list [{id, name}]}]."""
        return self._post_for_list("/merchant/category/getsku", {"cate_id": cate_id}, "sku_table")

    def category_get_property(self, cate_id: int | str) -> list[dict[str, Any]]:
        """POST /merchant/category/getproperty — manual 1.9, API reference §2.1. Returns ``properties``
        [{id, name, property_value [{id, name}]}]."""
        return self._post_for_list("/merchant/category/getproperty", {"cate_id": cate_id}, "properties")

    # --- 2. stock ---------------------------------------------------------------------------------------------

    def stock_add(self, product_id: str, sku_info: str, quantity: int) -> None:
        """POST /merchant/stock/add — manual 2.1, API reference §2.1/§2.3.

        ``quantity`` is a delta; ``sku_info`` is ``"id1:vid1;id2:vid2"``, or ``""`` for a uniform spec.
        """
        self.post("/merchant/stock/add", _stock_body(product_id, sku_info, quantity))

    def stock_reduce(self, product_id: str, sku_info: str, quantity: int) -> None:
        """POST /merchant/stock/reduce — manual 2.2, API reference §2.1/§2.3. Same arguments as
        :meth:`stock_add`."""
        self.post("/merchant/stock/reduce", _stock_body(product_id, sku_info, quantity))

    # --- 3. postage templates ---------------------------------------------------------------------------------

    def express_add(self, delivery_template: Mapping[str, Any]) -> int:
        """POST /merchant/express/add — manual 3.1, API reference §2.1/§2.4.

        ``delivery_template`` has the capitalised keys (``Name``, ``Assumer``, ``Valuation``, ``TopFee``).
        Returns the new ``template_id``.
        """
        return self._post_for_id("/merchant/express/add", {"delivery_template": delivery_template}, "template_id", int)

    def express_delete(self, template_id: int) -> None:
        """POST /merchant/express/del — manual 3.2, API reference §2.1."""
        self.post("/merchant/express/del", {"template_id": template_id})

    def express_update(self, template_id: int, delivery_template: Mapping[str, Any]) -> None:
        """POST /merchant/express/update — manual 3.3, API reference §2.1/§2.4 (not ``express/del``, see §2.8)."""
        self.post("/merchant/express/update", {"template_id": template_id, "delivery_template": delivery_template})

    def express_get_by_id(self, template_id: int) -> dict[str, Any]:
        """POST /merchant/express/getbyid — manual 3.4, API reference §2.1/§2.4. Returns ``template_info``
        (the template with ``Id``)."""
        return self._post_for_object("/merchant/express/getbyid", {"template_id": template_id}, "template_info")

    def express_get_all(self) -> list[dict[str, Any]]:
        """GET /merchant/express/getall — manual 3.5, API reference §2.1. Returns ``templates_info`` (not
        ``template_info``, see §2.8)."""
        return self._get_list("/merchant/express/getall", "templates_info")

    # --- 4. groups --------------------------------------------------------------------------------------------

    def group_add(self, group_name: str, product_ids: Iterable[str] = ()) -> int:
        """POST /merchant/group/add — manual 4.1, API reference §2.1. Returns the new ``group_id``."""
        body = {"group_detail": {"group_name": group_name, "product_list": list(product_ids)}}
        return self._post_for_id("/merchant/group/add", body, "group_id", int)

    def group_delete(self, group_id: int) -> None:
        """POST /merchant/group/del — manual 4.2, API reference §2.1."""
        self.post("/merchant/group/del", {"group_id": group_id})

    def group_rename(self, group_id: int, group_name: str) -> None:
        """POST /merchant/group/propertymod — manual 4.3, API reference §2.1/§2.8 (``{group_id, group_name}``)."""
        self.post("/merchant/group/propertymod", {"group_id": group_id, "group_name": group_name})

    def group_modify_products(self, group_id: int, *, add: Sequence[str] = (), remove: Sequence[str] = ()) -> None:
        """POST /merchant/group/productmod — manual 4.4, API reference §2.1.

        Sends ``product`` [{product_id, mod_action}]: removals first, then additions. At least one is required.
        """
        changes = [(product_id, GroupAction.REMOVE) for product_id in remove]
        changes += [(product_id, GroupAction.ADD) for product_id in add]
        if not changes:
            raise ValueError("group_modify_products needs products to add or remove")
        products = [{"product_id": product_id, "mod_action": int(action)} for product_id, action in changes]
        self.post("/merchant/group/productmod", {"group_id": group_id, "product": products})

    def group_get_all(self) -> list[dict[str, Any]]:
        """GET /merchant/group/getall — manual 4.5, API reference §2.1. Returns ``groups_detail``
        [{group_id, group_name}]."""
        return self._get_list("/merchant/group/getall", "groups_detail")

    def group_get_by_id(self, group_id: int) -> dict[str, Any]:
        """POST /merchant/group/getbyid — manual 4.6, API reference §2.1. Returns ``group_detail``
        {group_id, group_name, product_list}."""
        return self._post_for_object("/merchant/group/getbyid", {"group_id": group_id}, "group_detail")

    # --- 5. shelves -------------------------------------------------------------------------------------------

    def shelf_add(
        self, shelf_name: str, module_infos: Sequence[Mapping[str, Any]], shelf_banner: str | None = None
    ) -> int:
        """POST /merchant/shelf/add — manual 5.1, API reference §2.1/§2.5. Returns the new ``shelf_id``.

        ``module_infos`` are the controls (each with ``eid``); ``shelf_banner`` is omitted when ``None``
        (control 5 has no banner).
        """
        return self._post_for_id(
            "/merchant/shelf/add", _shelf_body(shelf_name, module_infos, shelf_banner), "shelf_id", int
        )

    def shelf_delete(self, shelf_id: int) -> None:
        """POST /merchant/shelf/del — manual 5.2, API reference §2.1."""
        self.post("/merchant/shelf/del", {"shelf_id": shelf_id})

    def shelf_update(
        self,
        shelf_id: int,
        shelf_name: str,
        module_infos: Sequence[Mapping[str, Any]],
        shelf_banner: str | None = None,
    ) -> None:
        """POST /merchant/shelf/mod — manual 5.3, API reference §2.1/§2.5 (not ``shelf/add``, see §2.8).

        Replaces the whole shelf; arguments as for :meth:`shelf_add`.
        """
        self.post("/merchant/shelf/mod", {"shelf_id": shelf_id, **_shelf_body(shelf_name, module_infos, shelf_banner)})

    def shelf_get_all(self) -> list[dict[str, Any]]:
        """GET /merchant/shelf/getall — manual 5.4, API reference §2.1. Returns ``shelves``
        [{shelf_info {module_infos}, shelf_banner, shelf_name, shelf_id}]."""
        return self._get_list("/merchant/shelf/getall", "shelves")

    def shelf_get_by_id(self, shelf_id: int) -> dict[str, Any]:
        """POST /merchant/shelf/getbyid — manual 5.5, API reference §2.1. Returns the shelf: ``shelf_info``,
        ``shelf_banner``, ``shelf_name`` and ``shelf_id`` (top-level fields of the answer)."""
        path = "/merchant/shelf/getbyid"
        answer = self.post(path, {"shelf_id": shelf_id})
        _object(answer, "shelf_info", path)
        return {key: value for key, value in answer.items() if key not in ("errcode", "errmsg")}

    # --- 6. orders --------------------------------------------------------------------------------------------

    def order_get_by_id(self, order_id: str) -> dict[str, Any]:
        """POST /merchant/order/getbyid — manual 6.2, API reference §2.1/§2.6. Returns ``order``."""
        return self._post_for_object("/merchant/order/getbyid", {"order_id": order_id}, "order")

    def order_get_by_filter(
        self, *, status: int | None = None, begin_time: int | None = None, end_time: int | None = None
    ) -> list[dict[str, Any]]:
        """POST /merchant/order/getbyfilter — manual 6.3, API reference §2.1/§2.6 (Conflict: POST, as the SDKs).

        ``status``: see :class:`OrderStatus`; times are unix seconds. Omitted filters are not sent. Returns
        ``order_list``.
        """
        filters = {"status": status, "begintime": begin_time, "endtime": end_time}
        body = {key: int(value) for key, value in filters.items() if value is not None}
        return self._post_for_list("/merchant/order/getbyfilter", body, "order_list")

    def order_set_delivery(
        self,
        order_id: str,
        *,
        delivery_company: str = "",
        delivery_track_no: str = "",
        need_delivery: bool = True,
        is_others: bool = False,
    ) -> None:
        """POST /merchant/order/setdelivery — manual 6.4, API reference §2.1/§2.6 (not
        ``shelf/setdeliverymod``, see §2.8).

        With ``need_delivery`` the company id (or, with ``is_others``, the company's name) and the tracking
        number are sent; without it neither is.
        """
        body: dict[str, Any] = {"order_id": order_id, "need_delivery": int(need_delivery)}
        if need_delivery:
            body.update(
                delivery_company=delivery_company, delivery_track_no=delivery_track_no, is_others=int(is_others)
            )
        self.post("/merchant/order/setdelivery", body)

    def order_close(self, order_id: str) -> None:
        """POST /merchant/order/close — manual 6.5, API reference §2.1."""
        self.post("/merchant/order/close", {"order_id": order_id})

    # --- 7. images --------------------------------------------------------------------------------------------

    def upload_image(self, filename: str, data: bytes, *, timeouts: Timeouts | None = None) -> str:
        """POST /merchant/common/upload_img?filename=… — manual 7.1, API reference §2.1/§2.7.

        The body is the raw image bytes (not multipart, reference §7.4); ``filename`` must carry the extension.
        Returns ``image_url``. ``timeouts`` may allow a slower upload than the client's default.
        """
        content_type = guess_content_type(filename)
        path = "/merchant/common/upload_img"
        answer = self.call(
            "POST", path, params={"filename": filename}, raw_body=data, content_type=content_type, timeouts=timeouts
        )
        return _required(answer, "image_url", str, path)

    # --- reading answers ----------------------------------------------------------------------------------------

    def _post_for_id(self, path: str, body: Mapping[str, Any], key: str, kind: type[_Id]) -> _Id:
        return _required(self.post(path, body), key, kind, path)

    def _post_for_object(self, path: str, body: Mapping[str, Any], key: str) -> dict[str, Any]:
        return _object(self.post(path, body), key, path)

    def _post_for_list(self, path: str, body: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
        return _list(self.post(path, body), key, path)

    def _get_list(self, path: str, key: str) -> list[dict[str, Any]]:
        return _list(self.get(path), key, path)


# --- helpers ------------------------------------------------------------------------------------------------------


def _stock_body(product_id: str, sku_info: str, quantity: int) -> dict[str, Any]:
    return {"product_id": product_id, "sku_info": sku_info, "quantity": quantity}


def _shelf_body(shelf_name: str, module_infos: Sequence[Mapping[str, Any]], shelf_banner: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"shelf_data": {"module_infos": list(module_infos)}, "shelf_name": shelf_name}
    if shelf_banner is not None:
        body["shelf_banner"] = shelf_banner
    return body


def _required(answer: Mapping[str, Any], key: str, kind: type[_Id], endpoint: str) -> _Id:
    """The id a write returns. Its absence after a success is a :class:`ProtocolError`: the write may have been
    applied, so the engine must reconcile rather than repeat it."""
    value = answer.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) or value == "":
        raise ProtocolError(f"success answer without a valid {key}", endpoint=endpoint, http_status=200)
    return value


def _list(answer: Mapping[str, Any], key: str, endpoint: str) -> list[dict[str, Any]]:
    # A read may leave an empty list out of its answer; a value that is not a list is a broken answer.
    value = answer.get(key, [])
    if not isinstance(value, list):
        raise ProtocolError(f"{key} is not a list", endpoint=endpoint, http_status=200)
    return value
