"""The SPU calls (reference §4, seed 001): spu/add, spu/update, spu/get, spu/get_list and spu/del. add and update
write the draft only; listing it is the listing section's."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.base import Request, RouteTable, ok
from sandbox.core.context import SandboxContext, beijing_time
from sandbox.core.validation import read_int, read_page_size
from sandbox.minishop.rules import (
    ERR_SPU_EXISTS,
    ERR_SPU_MISSING,
    SpuRules,
    check_out_product_id,
    fail,
    param,
    validate_skus,
)
from sandbox.minishop.seed import CategoryTree
from sandbox.minishop.shop import (
    WriteQuota,
    find_product,
    render,
    require_editable,
    sku_summary,
    with_sku_ids,
)
from sandbox.minishop.state import EDIT_EDITING, STATUS_LISTED, MiniShopProduct, ShopState

LIST_PAGE_DEFAULT, LIST_PAGE_MAX = 10, 100


class Spus:
    def __init__(self, ctx: SandboxContext, shops: AppStates[ShopState], tree: CategoryTree, quota: WriteQuota) -> None:
        self._ctx = ctx
        self._shops = shops
        self._tree = tree
        self._quota = quota

    def routes(self) -> RouteTable:
        return {
            ("POST", "/product/spu/add"): self.spu_add,
            ("POST", "/product/spu/update"): self.spu_update,
            ("POST", "/product/spu/get"): self.spu_get,
            ("POST", "/product/spu/get_list"): self.spu_get_list,
            ("POST", "/product/spu/del"): self.spu_delete,
        }

    def _rules(self, state: ShopState) -> SpuRules:
        return SpuRules(self._tree, frozenset(state.templates))

    def spu_add(self, request: Request) -> dict[str, Any]:
        """§4 add (seed 001): the body becomes the draft (edit_status 1); ``skus`` are optional. 9401001 when the
        out_product_id exists already. Answers ``data {product_id (a number), out_product_id, create_time}``."""
        state = self._shops.of_caller(request)
        body = request.json()
        out_product_id = check_out_product_id(body)
        if state.by_out_product_id(out_product_id) is not None:
            raise fail(ERR_SPU_EXISTS, f"SPU with out_product_id {out_product_id} already exists")
        spu = self._rules(state).validate(body, out_product_id=out_product_id)
        skus = validate_skus(body, out_product_id=out_product_id)
        self._quota.check(state)
        now = self._ctx.now()
        product = MiniShopProduct(
            product_id=state.next_product_id,
            seq=state.next_seq,
            out_product_id=out_product_id,
            create_time=now,
            draft={**spu, "skus": with_sku_ids(state, None, skus)},
            update_time=now,
        )
        state.next_product_id += 1
        state.next_seq += 1
        state.products[product.product_id] = product
        product.stock = {sku["sku_id"]: sku["stock_num"] for sku in product.draft["skus"]}
        self._quota.count(state.writes)
        self._shops.record(
            request,
            product_id=product.product_id,
            out_product_id=out_product_id,
            title=spu["title"],
            skus=sku_summary(product),
        )
        return ok(
            data={"product_id": product.product_id, "out_product_id": out_product_id, "create_time": beijing_time(now)}
        )

    def spu_update(self, request: Request) -> dict[str, Any]:
        """§4 update: ``product_id`` or ``out_product_id`` plus the whole SPU; the draft is replaced (and its SKUs
        when ``skus`` is given, keeping the sku_id of each known ``out_sku_id``; ``stock_num`` sets the stock).
        9401023 under audit. An update that changes only SKU prices or stock of a listed product does not count
        towards the quota (§4)."""
        state = self._shops.of_caller(request)
        body = request.json()
        product = find_product(state, body)
        require_editable(product)
        if body.get("out_product_id") not in (None, product.out_product_id):
            raise param("out_product_id cannot change after add")
        spu = self._rules(state).validate(body, out_product_id=product.out_product_id)
        if "skus" in body:
            skus = with_sku_ids(state, product, validate_skus(body, out_product_id=product.out_product_id))
        else:
            skus = copy.deepcopy(product.draft["skus"])
        draft = {**spu, "skus": skus}
        counted = not (product.status == STATUS_LISTED and _without_prices(draft) == _without_prices(product.draft))
        if counted:
            self._quota.check(state)
        now = self._ctx.now()
        if draft != product.draft:
            product.draft, product.edit_status, product.reject_reason = draft, EDIT_EDITING, ""
        product.update_time = now
        if "skus" in body:
            product.stock.update({sku["sku_id"]: sku["stock_num"] for sku in skus})
        if counted:
            self._quota.count(state.writes)
        self._shops.record(
            request,
            product_id=product.product_id,
            title=spu["title"],
            counted=counted,
            skus=sku_summary(product),
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
        state = self._shops.of_caller(request)
        body = request.json()
        product = find_product(state, body)
        need_edit = read_int(body, "need_edit_spu", default=0, choices=(0, 1))
        if need_edit:
            return ok(data={"spu": render(product, product.draft)})
        if product.online is None:
            raise fail(ERR_SPU_MISSING, f"SPU {product.product_id} has no online data: it was never listed")
        return ok(data={"spu": render(product, product.online)})

    def spu_get_list(self, request: Request) -> dict[str, Any]:
        """§4 get_list: optional ``status``, ``page`` (from 1), ``page_size`` (default 10, at most 100),
        ``need_edit_spu`` (1 drafts of every product, 0 the online copies). Oldest first; ``total_num`` too."""
        state = self._shops.of_caller(request)
        body = request.optional_json()
        page = read_int(body, "page", default=1, minimum=1)
        page_size = read_page_size(body, "page_size", default=LIST_PAGE_DEFAULT, maximum=LIST_PAGE_MAX)
        need_edit = read_int(body, "need_edit_spu", default=0, choices=(0, 1))
        status = read_int(body, "status", minimum=0) if body.get("status") is not None else None
        matching = [
            product
            for product in sorted(state.products.values(), key=lambda p: p.seq)
            if (status is None or product.status == status) and (need_edit or product.online is not None)
        ]
        chosen = matching[(page - 1) * page_size : page * page_size]
        spus = [render(product, _copy_of(product, draft=bool(need_edit))) for product in chosen]
        return ok(spus=spus, total_num=len(matching))

    def spu_delete(self, request: Request) -> dict[str, Any]:
        """§4 del: the product is gone (a later get answers 9401002); 9401023 under audit."""
        state = self._shops.of_caller(request)
        product = find_product(state, request.json())
        require_editable(product)
        del state.products[product.product_id]
        self._shops.record(request, product_id=product.product_id, out_product_id=product.out_product_id)
        return ok()


def _copy_of(product: MiniShopProduct, *, draft: bool) -> dict[str, Any]:
    """The draft, or the online copy (callers only ask for it once the product has one)."""
    if draft:
        return product.draft
    assert product.online is not None
    return product.online


def _without_prices(draft: dict[str, Any]) -> dict[str, Any]:
    """A draft without SKU prices and stock: what an update of a listed product must change to count (§4)."""
    skus = [
        {key: value for key, value in sku.items() if key not in ("sale_price", "market_price", "stock_num")}
        for sku in draft["skus"]
    ]
    return {**draft, "skus": skus}
