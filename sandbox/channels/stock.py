"""Stock (reference §3.2, §3.4): stock/get and stock/batchget read it, stock/update adds, subtracts or sets one SKU's
stock of a product listed at least once, at most ``channels_stock_rate`` times a second per SKU."""

from __future__ import annotations

from collections import deque
from typing import Any

from sandbox.channels.codes import (
    ERR_PARAM_QUERY,
    ERR_SKU_ID,
    ERR_STOCK_INSUFFICIENT,
    ERR_STOCK_NEVER_LISTED,
    ERR_STOCK_RATE,
    ERR_STOCK_UNDER_AUDIT,
    ERR_STOCK_UPDATE_FAILED,
    ERR_STOCK_ZERO_DELTA,
    as_id,
    fail,
    read_product_id,
)
from sandbox.channels.product_rules import STOCK_MAX
from sandbox.channels.shop import Endpoint, find_product, record_flow
from sandbox.channels.state import EDIT_UNDER_AUDIT, STATUS_DELETED, ChannelsProduct, ShopState
from sandbox.core.app_states import AppStates
from sandbox.core.base import Request, ok
from sandbox.core.context import SandboxContext
from sandbox.core.validation import invalid_args, read_int, read_list

DEFAULT_STOCK_UPDATES_PER_SKU_PER_SECOND = 10
STOCK_BATCH_MAX = 50


class Stock:
    def __init__(self, ctx: SandboxContext, shops: AppStates[ShopState]) -> None:
        self._ctx = ctx
        self._shops = shops
        # ``channels_stock_rate``: stock/update calls one SKU may take within a second.
        self.rate = DEFAULT_STOCK_UPDATES_PER_SKU_PER_SECOND

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("/product/stock/get", self.stock_get),
            Endpoint("/product/stock/batchget", self.stock_batch_get),
            Endpoint("/product/stock/update", self.stock_update, param=ERR_PARAM_QUERY),
        ]

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
        state = self._shops.of_caller(request)
        body = request.json()
        product = find_product(state, body)
        sku_id = read_product_id(body, "sku_id")
        if sku_id not in product.sku_ids():
            raise fail(ERR_SKU_ID, f"sku_id {sku_id} is not a SKU of product {product.product_id}")
        return ok(data=self._stock_json(product, sku_id))

    def stock_batch_get(self, request: Request) -> dict[str, Any]:
        """§3.2 stock/batchget: ``product_ids[]`` (at most 50); unknown ids are left out of the answer."""
        state = self._shops.of_caller(request)
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
        state = self._shops.of_caller(request)
        body = request.json()
        product = find_product(state, body)
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
        if len(recent) >= self.rate:
            raise fail(ERR_STOCK_RATE, f"sku {sku_id} was updated {len(recent)} times in the last second")
        recent.append(now)
        product.stock[sku_id] = after
        record_flow(self._ctx, request, state, product, sku_id, diff_type, num, before)
        self._shops.record(
            request,
            product_id=product.product_id,
            sku_id=sku_id,
            diff_type=diff_type,
            num=num,
            stock_before=before,
            stock_after=after,
        )
        return ok()
