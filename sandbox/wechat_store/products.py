"""Products (reference §2.1 rows 1.1 to 1.6): create, delete, update, get, getbystatus and modproductstatus."""

from __future__ import annotations

from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.base import Request, RouteTable
from sandbox.core.context import SandboxContext
from sandbox.core.validation import invalid_args, read_int
from sandbox.wechat_store.rules import ProductRules
from sandbox.wechat_store.seed import CategoryTree
from sandbox.wechat_store.state import (
    STATUS_OFF_SHELF,
    STATUS_ON_SHELF,
    StoredProduct,
    StoreState,
    find_product,
    success,
)

# Product ids look like the manual's "pDF3iYwktviE3BzU3BKiSWWi9Nkw": a per-account prefix and 22 url-safe chars.
PRODUCT_ID_PREFIX = "pDF3iY"
PRODUCT_ID_RANDOM_LENGTH = 22
FROZEN_AFTER_LISTING = ("name", "category_id", "property")


class Products:
    def __init__(self, ctx: SandboxContext, stores: AppStates[StoreState], tree: CategoryTree) -> None:
        self._ctx = ctx
        self._stores = stores
        self._tree = tree

    def routes(self) -> RouteTable:
        return {
            ("POST", "/merchant/create"): self.product_create,
            ("POST", "/merchant/del"): self.product_delete,
            ("POST", "/merchant/update"): self.product_update,
            # The manual says GET, wechatpy POSTs JSON: both are accepted (§2.1 row 1.4, Conflict).
            ("GET", "/merchant/get"): self.product_get,
            ("POST", "/merchant/get"): self.product_get,
            ("POST", "/merchant/getbystatus"): self.product_get_by_status,
            ("POST", "/merchant/modproductstatus"): self.product_set_status,
        }

    def _new_product_id(self, state: StoreState) -> str:
        while True:
            product_id = PRODUCT_ID_PREFIX + self._ctx.ids.chars(PRODUCT_ID_RANDOM_LENGTH)
            if product_id not in state.products:
                return product_id

    def _rules(self, state: StoreState) -> ProductRules:
        return ProductRules(self._tree, state.images, state.templates)

    @staticmethod
    def _sku_summary(product: StoredProduct) -> list[dict[str, Any]]:
        return [{"sku_id": sku["sku_id"], "quantity": sku["quantity"]} for sku in product.sku_list]

    def product_create(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.1, body §2.2. Answers ``product_id``; the product starts off the shelf (status 2)."""
        state = self._stores.of_caller(request)
        draft = self._rules(state).validate(request.json())
        product = StoredProduct(
            product_id=self._new_product_id(state),
            product_base=draft.product_base,
            sku_list=draft.sku_list,
            attrext=draft.attrext,
            delivery_info=draft.delivery_info,
            sku_keys=draft.sku_keys,
        )
        state.products[product.product_id] = product
        self._stores.record(
            request, product_id=product.product_id, name=product.product_base["name"], skus=self._sku_summary(product)
        )
        return success(product_id=product.product_id)

    def product_delete(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.2. The product also leaves every group that held it."""
        state = self._stores.of_caller(request)
        product = find_product(state, request.json())
        del state.products[product.product_id]
        for group in state.groups.values():
            if product.product_id in group.product_list:
                group.product_list.remove(product.product_id)
        self._stores.record(request, product_id=product.product_id)
        return success()

    def product_update(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.3: the whole body replaces the product, SKU quantities included. After the product has
        been listed once, ``name``, ``category_id`` and ``property`` may not change (§2.2 update rule)."""
        state = self._stores.of_caller(request)
        body = request.json()
        product = find_product(state, body)
        draft = self._rules(state).validate(body)
        if product.ever_listed:
            for key in FROZEN_AFTER_LISTING:
                if _comparable(key, draft.product_base.get(key)) != _comparable(key, product.product_base.get(key)):
                    raise invalid_args(f"product_base.{key} cannot change after the product has been listed")
        product.replace(draft)
        self._stores.record(
            request, product_id=product.product_id, name=product.product_base["name"], skus=self._sku_summary(product)
        )
        return success()

    def product_get(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.4: ``?product_id=`` (GET) or a JSON body (POST)."""
        state = self._stores.of_caller(request)
        body = dict(request.query) if request.method == "GET" and not request.body.strip() else request.json()
        return success(product_info=find_product(state, body).info())

    def product_get_by_status(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.5: status 0 all, 1 on shelf, 2 off shelf."""
        state = self._stores.of_caller(request)
        status = read_int(request.json(), "status", choices=(0, STATUS_ON_SHELF, STATUS_OFF_SHELF))
        return success(
            products_info=[
                {**product.info(), "status": product.status}
                for product in state.products.values()
                if status == 0 or product.status == status
            ]
        )

    def product_set_status(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.6: status 0 takes the product off the shelf, 1 lists it."""
        state = self._stores.of_caller(request)
        body = request.json()
        product = find_product(state, body)
        listed = read_int(body, "status", choices=(0, 1)) == 1
        product.status = STATUS_ON_SHELF if listed else STATUS_OFF_SHELF
        product.ever_listed = product.ever_listed or listed
        self._stores.record(request, product_id=product.product_id, status=int(listed))
        return success()


def _comparable(key: str, value: Any) -> Any:
    """Property order does not matter when comparing the frozen fields; everything else compares as is."""
    if key == "property" and isinstance(value, list):
        return sorted((item.get("id"), item.get("vid")) for item in value if isinstance(item, dict))
    return value or None
