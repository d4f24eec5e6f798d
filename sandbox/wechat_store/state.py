"""What the V1.17 store keeps per app (reference §2), and the manual's success answer.

Everything here is stored in the state file: a field renamed or added is a change of its format.
"""

from __future__ import annotations

import copy
import html
from dataclasses import dataclass, field
from typing import Any

from sandbox.core.validation import invalid_args, read_str
from sandbox.wechat_store.rules import ProductDraft, SkuKey

# getbystatus / modproductstatus (§2.1 rows 1.5, 1.6).
STATUS_ON_SHELF = 1
STATUS_OFF_SHELF = 2
# §2.6. The manual never defines 6, but example payloads show it; the sandbox uses it for closed orders.
ORDER_AWAITING_SHIPMENT = 2
ORDER_SHIPPED = 3
ORDER_CLOSED = 6
# The first postage template gets the reference's sample id (§2.2); later ones count up.
FIRST_TEMPLATE_ID = 103312920


def success(**extra: Any) -> dict[str, Any]:
    return {"errcode": 0, "errmsg": "success", **extra}


def render_detail_html(detail: list[dict[str, str]]) -> str:
    """``detail`` blocks as the HTML the manual's get example returns (§2.1 row 1.4)."""
    parts = []
    for block in detail:
        if "img" in block:
            src = html.escape(block["img"], quote=True)
            parts.append(
                '<div class="item_pic_wrp" style="margin-bottom:8px;font-size:0;">'
                f'<img class="item_pic" style="width:100%;" alt="" src="{src}" ></div>'
            )
        else:
            parts.append(f'<p style="margin-bottom:11px;margin-top:11px;">{html.escape(block["text"])}</p>')
    return "".join(parts)


@dataclass
class StoredProduct:
    product_id: str
    product_base: dict[str, Any]
    sku_list: list[dict[str, Any]]
    attrext: dict[str, Any]
    delivery_info: dict[str, Any] | None
    sku_keys: list[SkuKey]
    status: int = STATUS_OFF_SHELF
    # §2.2 update rule: once listed, name, category and property are frozen for good.
    ever_listed: bool = False

    def replace(self, draft: ProductDraft) -> None:
        self.product_base = draft.product_base
        self.sku_list = draft.sku_list
        self.attrext = draft.attrext
        self.delivery_info = draft.delivery_info
        self.sku_keys = draft.sku_keys

    def find_sku(self, key: SkuKey) -> dict[str, Any] | None:
        for sku, sku_key in zip(self.sku_list, self.sku_keys, strict=True):
            if sku_key == key:
                return sku
        return None

    def info(self) -> dict[str, Any]:
        """``product_info`` of §2.1 row 1.4: the body as stored, with ``detail_html`` instead of ``detail``."""
        base = {key: value for key, value in self.product_base.items() if key != "detail"}
        base["detail_html"] = render_detail_html(self.product_base.get("detail", []))
        info: dict[str, Any] = {
            "product_id": self.product_id,
            "product_base": copy.deepcopy(base),
            "sku_list": copy.deepcopy(self.sku_list),
            "attrext": copy.deepcopy(self.attrext),
        }
        if self.delivery_info is not None:
            info["delivery_info"] = copy.deepcopy(self.delivery_info)
        return info

    def stock(self) -> dict[str, int]:
        return {sku["sku_id"]: sku["quantity"] for sku in self.sku_list}


@dataclass
class Group:
    group_id: int
    group_name: str
    product_list: list[str]


@dataclass
class Shelf:
    shelf_id: int
    shelf_data: dict[str, Any]
    shelf_banner: str
    shelf_name: str
    group_ids: set[int]

    def as_json(self) -> dict[str, Any]:
        return {
            "shelf_info": copy.deepcopy(self.shelf_data),
            "shelf_banner": self.shelf_banner,
            "shelf_name": self.shelf_name,
            "shelf_id": self.shelf_id,
        }


@dataclass
class StoreState:
    """One app's store."""

    images: dict[str, dict[str, Any]] = field(default_factory=dict)
    products: dict[str, StoredProduct] = field(default_factory=dict)
    templates: dict[int, dict[str, Any]] = field(default_factory=dict)
    groups: dict[int, Group] = field(default_factory=dict)
    shelves: dict[int, Shelf] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_template_id: int = FIRST_TEMPLATE_ID
    next_group_id: int = 1
    next_shelf_id: int = 1


def find_product(state: StoreState, body: dict[str, Any]) -> StoredProduct:
    """The product named by ``product_id`` in ``body``; 40097 when the store has none of that id."""
    product_id = read_str(body, "product_id")
    product = state.products.get(product_id)
    if product is None:
        raise invalid_args(f"product_id {product_id} does not exist")
    return product
