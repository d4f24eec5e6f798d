"""The SKU calls of a draft (reference §4): sku/add, sku/batch_add, sku/update and sku/get_list."""

from __future__ import annotations

from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.base import Request, RouteTable, ok
from sandbox.core.context import SandboxContext, beijing_time
from sandbox.core.validation import read_int, read_list
from sandbox.minishop.rules import param, validate_sku
from sandbox.minishop.shop import find_product, find_sku, render_sku, require_editable, with_sku_ids
from sandbox.minishop.state import EDIT_EDITING, MiniShopProduct, ShopState


class Skus:
    def __init__(self, ctx: SandboxContext, shops: AppStates[ShopState]) -> None:
        self._ctx = ctx
        self._shops = shops

    def routes(self) -> RouteTable:
        return {
            ("POST", "/product/sku/add"): self.sku_add,
            ("POST", "/product/sku/batch_add"): self.sku_batch_add,
            ("POST", "/product/sku/update"): self.sku_update,
            ("POST", "/product/sku/get_list"): self.sku_get_list,
        }

    def _add_sku(self, request: Request, state: ShopState, product: MiniShopProduct, data: dict, path: str) -> dict:
        require_editable(product)
        sku = validate_sku(data, path, out_product_id=None)
        if product.sku(out_sku_id=sku["out_sku_id"]) is not None:
            raise param(f"{path}.out_sku_id {sku['out_sku_id']!r} already exists in SPU {product.product_id}")
        now = self._ctx.now()
        (stored,) = with_sku_ids(state, None, [sku])
        product.draft = {**product.draft, "skus": [*product.draft["skus"], stored]}
        product.stock[stored["sku_id"]] = stored["stock_num"]
        product.edit_status, product.update_time = EDIT_EDITING, now
        self._shops.record(
            request, product_id=product.product_id, sku_id=stored["sku_id"], out_sku_id=sku["out_sku_id"]
        )
        return {"sku_id": stored["sku_id"], "out_sku_id": sku["out_sku_id"], "create_time": beijing_time(now)}

    def sku_add(self, request: Request) -> dict[str, Any]:
        """§4 sku/add: one SKU (fields as in seed 001's ``skus[]``) joins the draft of ``product_id`` or
        ``out_product_id``. Answers ``data {sku_id, create_time}``."""
        state = self._shops.of_caller(request)
        body = request.json()
        added = self._add_sku(request, state, find_product(state, body), body, "sku")
        return ok(data={"sku_id": added["sku_id"], "create_time": added["create_time"]})

    def sku_batch_add(self, request: Request) -> dict[str, Any]:
        """§4 sku/batch_add: ``skus[]``, each naming its product by ``product_id`` or ``out_product_id``. Every SKU
        is checked before any is added. Answers ``data[] {sku_id, out_sku_id, create_time}``."""
        state = self._shops.of_caller(request)
        items = read_list(request.json(), "skus")
        targets = []
        seen: set[tuple[int, str]] = set()
        for index, item in enumerate(items):
            path = f"skus[{index}]"
            if not isinstance(item, dict):
                raise param(f"{path} must be an object")
            product = find_product(state, item)
            require_editable(product)
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
        state = self._shops.of_caller(request)
        body = request.json()
        product = find_product(state, body)
        require_editable(product)
        sku = find_sku(product, body)
        merged = {**{key: value for key, value in sku.items() if key != "sku_id"}, **_sku_fields(body)}
        checked = validate_sku(merged, "sku", out_product_id=None)
        now = self._ctx.now()
        skus = [
            {"sku_id": s["sku_id"], **checked} if s["sku_id"] == sku["sku_id"] else s for s in product.draft["skus"]
        ]
        if "stock_num" in body:
            product.stock[sku["sku_id"]] = checked["stock_num"]
        if skus != product.draft["skus"]:
            product.draft, product.edit_status = {**product.draft, "skus": skus}, EDIT_EDITING
        product.update_time = now
        self._shops.record(
            request, product_id=product.product_id, sku_id=sku["sku_id"], fields=sorted(_sku_fields(body))
        )
        return ok(data={"sku_id": sku["sku_id"], "update_time": beijing_time(now)})

    def sku_get_list(self, request: Request) -> dict[str, Any]:
        """§4 sku/get_list: ``need_edit_sku`` 1 the draft's SKUs, 0 (default) the online copy's (none before the
        first listing); ``need_real_stock`` 1 gives the live stock, 0 the stock_num last written to the SKU."""
        state = self._shops.of_caller(request)
        body = request.json()
        product = find_product(state, body)
        need_edit = read_int(body, "need_edit_sku", default=0, choices=(0, 1))
        real_stock = bool(read_int(body, "need_real_stock", default=0, choices=(0, 1)))
        copy_ = product.draft if need_edit else product.online
        skus = [render_sku(product, sku, real_stock=real_stock) for sku in (copy_ or {"skus": []})["skus"]]
        return ok(skus=skus)


def _sku_fields(body: dict[str, Any]) -> dict[str, Any]:
    """The SKU fields a sku/update body changes."""
    names = ("thumb_img", "sale_price", "market_price", "stock_num", "barcode", "sku_code", "sku_attrs")
    return {name: body[name] for name in names if name in body}
