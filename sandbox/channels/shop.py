"""What every section of the Channels store asks of one shop: the product a call names and whether it may change,
a copy as ``product/get`` shows it, new ids, the stock and its flow, the submission quota and paging keys."""

from __future__ import annotations

import base64
import binascii
import copy
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.channels.codes import (
    ERR_NOT_EDITABLE,
    ERR_PARAM,
    ERR_PRODUCT_MISSING,
    ERR_QUOTA,
    ERR_UNDER_AUDIT,
    ERR_UPLOADING,
    fail,
    read_product_id,
)
from sandbox.channels.state import (
    EDIT_UNDER_AUDIT,
    EDIT_UPLOADING,
    STATUS_DELETED,
    STATUS_RECYCLED,
    ChannelsProduct,
    ShopState,
)
from sandbox.core.base import Request
from sandbox.core.context import IdFactory, SandboxContext, beijing_time
from sandbox.core.quota import HourAndDayQuota
from sandbox.core.validation import invalid_args

DEFAULT_QUOTA = {"hour": 200, "day": 1000}


@dataclass(frozen=True)
class Endpoint:
    """One call of the store: its path below ``/channels/ec`` (and below ``/shop/ec`` too with ``shop``), whether GET
    is taken as well as POST, and the errcode its parameter errors answer (10020051, or 10020055)."""

    path: str
    handler: Callable[[Request], dict[str, Any]]
    shop: bool = False
    get: bool = False
    param: int = ERR_PARAM


def encode_key(kind: str, position: int) -> str:
    """An opaque paging key (``next_key``)."""
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode("ascii").rstrip("=")


def decode_key(kind: str, key: str) -> int:
    try:
        decoded = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    prefix, _, position = decoded.partition(":")
    if prefix != kind or not position.isdigit():
        raise invalid_args(f"next_key {key!r} is not a key this call returned")
    return int(position)


def find_product(state: ShopState, body: dict[str, Any]) -> ChannelsProduct:
    """The product named by ``product_id``; 10020052 for an unknown or deleted one."""
    product_id = read_product_id(body)
    product = state.products.get(product_id)
    if product is None or product.status == STATUS_DELETED:
        raise fail(ERR_PRODUCT_MISSING, f"product_id {product_id} does not exist")
    return product


def require_idle(product: ChannelsProduct) -> None:
    """§7 pitfall 8: no update, delete or listing while the draft is under audit or still uploading."""
    if product.edit_status == EDIT_UNDER_AUDIT:
        raise fail(ERR_UNDER_AUDIT, f"product {product.product_id} is under audit; call audit/cancel first")
    if product.edit_status == EDIT_UPLOADING:
        raise fail(ERR_UPLOADING, f"product {product.product_id} is still uploading its last submission")


def require_not_recycled(product: ChannelsProduct) -> None:
    if product.status == STATUS_RECYCLED:
        raise fail(ERR_NOT_EDITABLE, f"product {product.product_id} is in the recycle bin")


def render(product: ChannelsProduct, data: dict[str, Any], *, draft: bool = False) -> dict[str, Any]:
    """A copy as ``product/get`` shows it: the stored fields plus ids, states, stock and times."""
    body = copy.deepcopy(data)
    skus = [{**sku, "stock_num": product.stock.get(sku["sku_id"], 0)} for sku in body.pop("skus")]
    rendered = {
        "product_id": product.product_id,
        "out_product_id": product.out_product_id,
        **body,
        "skus": skus,
        "min_price": min((sku["sale_price"] for sku in skus), default=0),
        "status": product.status,
        "edit_status": product.edit_status,
        "product_type": 1,
        "create_time": beijing_time(product.create_time),
    }
    if draft:
        rendered["edit_time"] = int(product.edit_time)
        rendered["audit_info"] = product.audit_info()
    else:
        rendered["update_time"] = beijing_time(product.update_time)
    return rendered


def new_id(ids: IdFactory, taken: Any, length: int, prefix: str = "") -> str:
    """A uint64 id string of ``length`` digits (no leading zero) that ``taken`` does not hold."""
    while True:
        value = prefix + ids.chars(length - len(prefix), string.digits) if prefix else ids.digits(length)
        if value not in taken:
            return value


def set_stock(
    ctx: SandboxContext, request: Request, state: ShopState, product: ChannelsProduct, stock: dict[str, int]
) -> None:
    """Set SKU stock (add, update, auditfree): a stock-flow entry (diff_type 3) per new SKU or changed stock."""
    for sku_id, value in stock.items():
        new = sku_id not in product.stock
        before = product.stock.get(sku_id, 0)
        product.stock[sku_id] = value
        if new or value != before:
            record_flow(ctx, request, state, product, sku_id, 3, value, before)


def record_flow(
    ctx: SandboxContext,
    request: Request,
    state: ShopState,
    product: ChannelsProduct,
    sku_id: str,
    diff_type: int,
    num: int,
    before: int,
) -> None:
    entry = {
        "seq": len(state.stock_flow) + 1,
        "time": ctx.now(),
        "product_id": product.product_id,
        "sku_id": sku_id,
        "diff_type": diff_type,
        "num": num,
        "stock_before": before,
        "stock_after": product.stock[sku_id],
        "endpoint": request.path,
    }
    state.stock_flow.append(entry)


class SubmissionQuota(HourAndDayQuota):
    """§3.3: add, update and audit/cancel share 200 per hour and 1000 per day per shop (rolling windows on the
    sandbox clock; ``channels_quota`` changes the numbers)."""

    def __init__(self, ctx: SandboxContext) -> None:
        super().__init__(ctx, DEFAULT_QUOTA)

    def check(self, state: ShopState) -> None:
        hour_used, day_used = self.used(state.submissions)
        if hour_used >= self.limits["hour"] or day_used >= self.limits["day"]:
            raise fail(
                ERR_QUOTA,
                f"submission quota reached: {hour_used}/{self.limits['hour']} in the last hour, "
                f"{day_used}/{self.limits['day']} in the last day",
            )

    def merged(self, given: Any) -> dict[str, int]:
        """``channels_quota``: the limits with those ``given``."""
        return self.merged_limits(given, "channels_quota", _read_limit)


def _read_limit(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise invalid_args(f"{path} must be an integer >= 0")
    return value
