"""What every section of the mini-shop asks of one shop: the product or SKU a call names, whether its draft may
change, a copy as the API shows it, new SKU ids, and the add+update quota."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.core.context import SandboxContext, beijing_time
from sandbox.core.quota import HourAndDayQuota
from sandbox.core.validation import check_int, read_str
from sandbox.minishop.rules import (
    ERR_DAILY_QUOTA,
    ERR_MINUTE_QUOTA,
    ERR_NOT_EDITABLE,
    ERR_SKU_MISSING,
    ERR_SPU_MISSING,
    fail,
    param,
    read_number_id,
)
from sandbox.minishop.state import EDIT_UNDER_AUDIT, MiniShopProduct, ShopState

# §4 "Listing rules": add + update share 200/hour and 1000/day.
DEFAULT_QUOTA = {"hour": 200, "day": 1000}


def find_product(state: ShopState, body: dict[str, Any], *, missing: int = ERR_SPU_MISSING) -> MiniShopProduct:
    """The product named by ``product_id`` or ``out_product_id`` (seed 001: one or the other)."""
    if body.get("product_id") is not None:
        product_id = read_number_id(body, "product_id")
        product = state.products.get(product_id)
        if product is None:
            raise fail(missing, f"product_id {product_id} does not exist")
        return product
    out_product_id = read_str(body, "out_product_id", required=False)
    if not out_product_id:
        raise param("product_id or out_product_id is required")
    product = state.by_out_product_id(out_product_id)
    if product is None:
        raise fail(missing, f"out_product_id {out_product_id} does not exist")
    return product


def require_editable(product: MiniShopProduct) -> None:
    if product.edit_status == EDIT_UNDER_AUDIT:
        raise fail(ERR_NOT_EDITABLE, f"SPU {product.product_id} is under audit and cannot be edited")


def find_sku(product: MiniShopProduct, body: dict[str, Any], *, missing: int = ERR_SKU_MISSING) -> dict[str, Any]:
    if body.get("sku_id") is not None:
        sku_id = read_number_id(body, "sku_id")
        sku = product.sku(sku_id=sku_id)
        name = f"sku_id {sku_id}"
    else:
        out_sku_id = read_str(body, "out_sku_id", required=False)
        if not out_sku_id:
            raise param("sku_id or out_sku_id is required")
        sku = product.sku(out_sku_id=out_sku_id)
        name = f"out_sku_id {out_sku_id}"
    if sku is None:
        raise fail(missing, f"{name} does not exist in SPU {product.product_id}")
    return sku


def render(product: MiniShopProduct, data: dict[str, Any], *, real_stock: bool = True) -> dict[str, Any]:
    """A copy as ``spu/get`` shows it: the stored fields plus ids, states, live stock and times."""
    body = copy.deepcopy(data)
    skus = [render_sku(product, sku, real_stock=real_stock) for sku in body.pop("skus")]
    return {
        "product_id": product.product_id,
        **body,
        "skus": skus,
        "min_price": min((sku["sale_price"] for sku in skus), default=0),
        "status": product.status,
        "edit_status": product.edit_status,
        "audit_info": product.audit_info(),
        "create_time": beijing_time(product.create_time),
        "update_time": beijing_time(product.update_time),
    }


def render_sku(product: MiniShopProduct, sku: dict[str, Any], *, real_stock: bool) -> dict[str, Any]:
    rendered = {"product_id": product.product_id, "out_product_id": product.out_product_id, **copy.deepcopy(sku)}
    if real_stock:
        rendered["stock_num"] = product.stock.get(sku["sku_id"], 0)
    return rendered


def with_sku_ids(state: ShopState, product: MiniShopProduct | None, skus: list[dict[str, Any]]) -> list[dict]:
    """SKUs of an add/update with their sku_id: the draft's own for a known ``out_sku_id``, else a new one."""
    with_ids = []
    for sku in skus:
        known = product.sku(out_sku_id=sku["out_sku_id"]) if product is not None else None
        if known is not None:
            sku_id = known["sku_id"]
        else:
            sku_id = state.next_sku_id
            state.next_sku_id += 1
        with_ids.append({"sku_id": sku_id, **sku})
    return with_ids


def sku_summary(product: MiniShopProduct) -> list[dict[str, Any]]:
    return [
        {"sku_id": sku["sku_id"], "out_sku_id": sku["out_sku_id"], "stock_num": product.stock.get(sku["sku_id"], 0)}
        for sku in product.draft["skus"]
    ]


class WriteQuota(HourAndDayQuota):
    """§4: add and update share 200 an hour and 1000 a day (rolling windows on the sandbox clock);
    ``minishop_quota`` changes the numbers."""

    def __init__(self, ctx: SandboxContext) -> None:
        super().__init__(ctx, DEFAULT_QUOTA)

    def check(self, state: ShopState) -> None:
        hour_used, day_used = self.used(state.writes)
        if day_used >= self.limits["day"]:
            raise fail(ERR_DAILY_QUOTA, f"add+update quota reached: {day_used}/{self.limits['day']} in the last day")
        if hour_used >= self.limits["hour"]:
            raise fail(
                ERR_MINUTE_QUOTA, f"add+update quota reached: {hour_used}/{self.limits['hour']} in the last hour"
            )

    def merged(self, given: Any) -> dict[str, int]:
        """``minishop_quota``: the limits with those ``given``."""
        return self.merged_limits(given, "minishop_quota", lambda value, path: check_int(value, path, minimum=0))
