"""Products and their drafts (reference §3.2, bodies §3.3): add and update write the draft and submit it for
audit, auditfree changes a listed product at once, get shows either copy, list/get pages the shop's products and
delete sends a product to the recycle bin, then away for good."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.channels.audits import Audits
from sandbox.channels.codes import (
    ERR_NO_SKUS,
    ERR_NOT_LISTED,
    ERR_PRICE_ABOVE_MARKET,
    ERR_SKU_ID,
    fail,
    read_product_id,
)
from sandbox.channels.events import EVENT_UPDATE, UPDATE_ADDED, UPDATE_CHANGED, UPDATE_DELETED, UPDATE_PURGED, Events
from sandbox.channels.product_rules import ProductRules, check_sale_price, check_sku_code, check_stock_num
from sandbox.channels.seed import Brand, Category, CategoryTree
from sandbox.channels.shop import (
    Endpoint,
    SubmissionQuota,
    decode_key,
    encode_key,
    find_product,
    new_id,
    render,
    require_idle,
    require_not_recycled,
    set_stock,
)
from sandbox.channels.state import (
    STATUS_DELETED,
    STATUS_INITIAL,
    STATUS_LISTED,
    STATUS_RECYCLED,
    ChannelsProduct,
    ShopState,
)
from sandbox.core.app_states import AppStates, caller
from sandbox.core.base import Request, ok
from sandbox.core.context import SandboxContext, beijing_time
from sandbox.core.validation import invalid_args, read_dict, read_int, read_list, read_page_size, read_str

LIST_PAGE_DEFAULT, LIST_PAGE_MAX = 10, 30


class Products:
    def __init__(
        self,
        ctx: SandboxContext,
        shops: AppStates[ShopState],
        tree: CategoryTree,
        brands: dict[str, Brand],
        quota: SubmissionQuota,
        audits: Audits,
        events: Events,
    ) -> None:
        self._ctx = ctx
        self._shops = shops
        self._tree = tree
        self._brands = brands
        self._quota = quota
        self._audits = audits
        self._events = events

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("/product/add", self.product_add),
            Endpoint("/product/update", self.product_update),
            Endpoint("/product/auditfree", self.product_audit_free),
            Endpoint("/product/get", self.product_get),
            Endpoint("/product/list/get", self.product_list),
            Endpoint("/product/delete", self.product_delete),
        ]

    def _rules(self, state: ShopState) -> ProductRules:
        return ProductRules(self._tree, self._brands, state.images, state.templates)

    def _leaf(self, data: dict[str, Any]) -> Category | None:
        cats = data.get("cats_v2") or data.get("cats") or []
        return self._tree.get(cats[-1]["cat_id"]) if cats else None

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
                sku_id = matched or new_id(self._ctx.ids, state.sku_ids | {s["sku_id"] for s in skus}, 10, "3")
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
        state = self._shops.of_caller(request)
        body = request.json()
        listing = read_int(body, "listing", default=0, choices=(0, 1))
        data, stock, out_product_id = self._draft(state, body, None)
        if listing and not data["skus"]:
            raise fail(ERR_NO_SKUS, "listing: 1 needs at least one SKU")
        self._quota.check(state)
        now = self._ctx.now()
        product = ChannelsProduct(
            product_id=new_id(self._ctx.ids, state.products, 14, "10000"),
            seq=state.next_seq,
            out_product_id=out_product_id or "",
            create_time=now,
            draft=data,
            edit_time=now,
        )
        state.next_seq += 1
        state.products[product.product_id] = product
        state.sku_ids.update(stock)
        set_stock(self._ctx, request, state, product, stock)
        self._audits.submit(caller(request), product, list_on_pass=bool(listing))
        self._quota.count(state.submissions)
        self._shops.record(
            request,
            product_id=product.product_id,
            out_product_id=product.out_product_id,
            title=data["title"],
            listing=listing,
            skus=self._sku_summary(product, data),
        )
        self._events.emit(caller(request), EVENT_UPDATE, {"product_id": product.product_id, "status": UPDATE_ADDED})
        return ok(data={"product_id": product.product_id, "create_time": beijing_time(now)})

    def product_update(self, request: Request) -> dict[str, Any]:
        """§3.2 update: ``product_id`` plus a whole body; the draft is replaced and goes to audit. A listed product
        whose draft is its online copy and whose body changes only ``stock_num`` is a stock-only edit: the stock
        is set at once, with no audit and no quota (§3.3)."""
        state = self._shops.of_caller(request)
        body = request.json()
        product = find_product(state, body)
        require_not_recycled(product)
        require_idle(product)
        data, stock, _ = self._draft(state, body, product)
        stock_only = product.status == STATUS_LISTED and data == product.draft == product.online
        if not stock_only:
            self._quota.check(state)
        now = self._ctx.now()
        state.sku_ids.update(stock)
        set_stock(self._ctx, request, state, product, stock)
        if not stock_only:
            product.draft, product.edit_time = data, now
            self._audits.submit(caller(request), product, list_on_pass=False)
            self._quota.count(state.submissions)
        self._shops.record(
            request,
            product_id=product.product_id,
            title=data["title"],
            stock_only=stock_only,
            skus=self._sku_summary(product, data),
        )
        self._events.emit(caller(request), EVENT_UPDATE, {"product_id": product.product_id, "status": UPDATE_CHANGED})
        return ok(data={"product_id": product.product_id, "update_time": beijing_time(now)})

    def product_audit_free(self, request: Request) -> dict[str, Any]:
        """§3.2 auditfree, listed products only: ``skus[]`` {sku_id, sale_price, stock_num (or stock_info
        {stock_num}), sku_code, is_delete, status} and optional express_info, limited_info, extra_service,
        deliver_method change the online copy at once (and the draft too when it is the online copy)."""
        state = self._shops.of_caller(request)
        body = request.json()
        product = find_product(state, body)
        if product.status != STATUS_LISTED or product.online is None:
            raise fail(ERR_NOT_LISTED, f"product {product.product_id} is not listed; auditfree needs a listed product")
        require_idle(product)
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
        set_stock(self._ctx, request, state, product, stock)
        self._shops.record(
            request,
            product_id=product.product_id,
            skus=self._sku_summary(product, online),
            deleted_skus=sorted(deleted),
        )
        self._events.emit(caller(request), EVENT_UPDATE, {"product_id": product.product_id, "status": UPDATE_CHANGED})
        return ok()

    def product_get(self, request: Request) -> dict[str, Any]:
        """§3.2 get: ``data_type`` 1 online copy (default), 2 draft, 3 both. ``product`` is left out for data_type 2,
        when there is no online copy, and for data_type 3 unless the product is listed."""
        state = self._shops.of_caller(request)
        body = request.json()
        product = find_product(state, body)
        data_type = read_int(body, "data_type", default=1, choices=(1, 2, 3))
        answer = ok()
        if product.online is not None and (data_type == 1 or (data_type == 3 and product.status == STATUS_LISTED)):
            answer["product"] = render(product, product.online)
        if data_type in (2, 3):
            answer["edit_product"] = render(product, product.draft, draft=True)
        return answer

    def product_list(self, request: Request) -> dict[str, Any]:
        """§3.2 list/get: ``page_size`` ≤ 30 (default 10), ``next_key``, optional ``status``. Without ``status``:
        everything except never-listed drafts, the recycle bin and deleted products. Oldest first."""
        state = self._shops.of_caller(request)
        body = request.optional_json()
        page_size = read_page_size(body, "page_size", default=LIST_PAGE_DEFAULT, maximum=LIST_PAGE_MAX)
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
        state = self._shops.of_caller(request)
        product = find_product(state, request.json())
        require_idle(product)
        purge = product.status == STATUS_RECYCLED
        product.status = STATUS_DELETED if purge else STATUS_RECYCLED
        product.list_on_pass = False
        self._shops.record(request, product_id=product.product_id, status=product.status)
        self._events.emit(
            caller(request),
            EVENT_UPDATE,
            {"product_id": product.product_id, "status": UPDATE_PURGED if purge else UPDATE_DELETED},
        )
        return ok()
