"""Stock (reference §4): stock/update, a full overwrite (``type`` 1) or an increment (2) of one SKU's live stock."""

from __future__ import annotations

from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.base import Request, RouteTable, ok
from sandbox.core.context import SandboxContext, beijing_time
from sandbox.core.validation import read_int
from sandbox.minishop.rules import ERR_PRODUCT_ID_MISSING, STOCK_MAX, param
from sandbox.minishop.shop import find_product, find_sku
from sandbox.minishop.state import ShopState

STOCK_SET = 1
STOCK_DELTA = 2


class Stock:
    def __init__(self, ctx: SandboxContext, shops: AppStates[ShopState]) -> None:
        self._ctx = ctx
        self._shops = shops

    def routes(self) -> RouteTable:
        return {("POST", "/product/stock/update"): self.stock_update}

    def stock_update(self, request: Request) -> dict[str, Any]:
        """§4 stock/update: ``type`` 1 sets the stock (``stock_num`` > 0), 2 adds ``stock_num`` (a negative one
        reduces; the stock never goes below 0). 100002 unknown product, 100004 unknown SKU."""
        state = self._shops.of_caller(request)
        body = request.json()
        product = find_product(state, body, missing=ERR_PRODUCT_ID_MISSING)
        sku = find_sku(product, body)
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
        now = self._ctx.now()
        product.stock[sku["sku_id"]] = after
        self._shops.record(
            request,
            product_id=product.product_id,
            sku_id=sku["sku_id"],
            type=kind,
            stock_num=stock_num,
            stock_before=before,
            stock_after=after,
        )
        return ok(data={"update_time": beijing_time(now)})
