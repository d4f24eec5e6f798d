"""Stock (reference §2.3): stock/add and stock/reduce, a delta on one SKU."""

from __future__ import annotations

from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.base import Request, RouteTable
from sandbox.core.validation import invalid_args, read_int, read_str
from sandbox.wechat_store.rules import parse_sku_key
from sandbox.wechat_store.state import StoreState, find_product, success


class Stock:
    def __init__(self, stores: AppStates[StoreState]) -> None:
        self._stores = stores

    def routes(self) -> RouteTable:
        return {
            ("POST", "/merchant/stock/add"): self.stock_add,
            ("POST", "/merchant/stock/reduce"): self.stock_reduce,
        }

    def stock_add(self, request: Request) -> dict[str, Any]:
        """§2.3: ``quantity`` is a positive delta added to one SKU ("" for a uniform-spec product)."""
        return self._change_stock(request, sign=1)

    def stock_reduce(self, request: Request) -> dict[str, Any]:
        """§2.3: the delta is taken away; stock never goes below zero."""
        return self._change_stock(request, sign=-1)

    def _change_stock(self, request: Request, *, sign: int) -> dict[str, Any]:
        state = self._stores.of_caller(request)
        body = request.json()
        product = find_product(state, body)
        if "sku_info" not in body:
            raise invalid_args('sku_info is required ("" for a uniform-spec product)')
        sku_info = read_str(body, "sku_info", allow_empty=True)
        sku = product.find_sku(parse_sku_key(sku_info, "sku_info"))
        if sku is None:
            raise invalid_args(f'sku_info "{sku_info}" is not a sku of product {product.product_id}')
        quantity = read_int(body, "quantity", minimum=1)
        if sign < 0 and sku["quantity"] < quantity:
            raise invalid_args(f'quantity {quantity} exceeds the stock {sku["quantity"]} of sku "{sku["sku_id"]}"')
        sku["quantity"] += sign * quantity
        self._stores.record(
            request,
            product_id=product.product_id,
            sku_info=sku["sku_id"],
            quantity=quantity,
            stock_after=sku["quantity"],
        )
        return success()
