"""What the mini-shop keeps per app (reference §4): its products, each a draft and an online copy with the stock
of their SKUs, and the shop's images, media, freight templates and quota window.

Everything here is stored in the state file: a field renamed or added is a change of its format.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sandbox.core.context import beijing_time
from sandbox.minishop.seed import TEMPLATES

# §4 enums: edit_status of the draft, status of the product.
EDIT_EDITING = 1
EDIT_UNDER_AUDIT = 2
EDIT_REJECTED = 3
EDIT_APPROVED = 4
STATUS_INITIAL = 0
STATUS_LISTED = 5
STATUS_DELISTED = 11
STATUS_VIOLATION = 13
# Ids above 2^53 (seed 001 answers 23423523452345235): a JavaScript client would lose digits, Python does not.
FIRST_PRODUCT_ID = 23423523452345235
FIRST_SKU_ID = 9007199254740993


@dataclass
class MiniShopProduct:
    product_id: int
    seq: int
    out_product_id: str
    create_time: float
    # The draft and the online copy: SPU fields plus "skus" (each with its sku_id and the stock_num last written).
    draft: dict[str, Any]
    online: dict[str, Any] | None = None
    status: int = STATUS_INITIAL
    edit_status: int = EDIT_EDITING
    # The live stock of each SKU, shared by both copies.
    stock: dict[int, int] = field(default_factory=dict)
    update_time: float = 0.0
    submit_time: float | None = None
    audit_time: float | None = None
    reject_reason: str = ""
    due_at: float | None = None

    def sku(self, *, sku_id: int | None = None, out_sku_id: str | None = None) -> dict[str, Any] | None:
        for sku in self.draft["skus"]:
            if (sku_id is not None and sku["sku_id"] == sku_id) or (
                out_sku_id is not None and sku["out_sku_id"] == out_sku_id
            ):
                return sku
        return None

    def audit_info(self) -> dict[str, Any]:
        return {
            "submit_time": beijing_time(self.submit_time) if self.submit_time else "",
            "audit_time": beijing_time(self.audit_time) if self.audit_time else "",
            "reject_reason": self.reject_reason,
        }


@dataclass
class ShopState:
    """One app's mini-shop."""

    products: dict[int, MiniShopProduct] = field(default_factory=dict)
    next_seq: int = 1
    next_product_id: int = FIRST_PRODUCT_ID
    next_sku_id: int = FIRST_SKU_ID
    images: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    templates: dict[int, dict[str, Any]] = field(
        default_factory=lambda: {template.template_id: template.as_json() for template in TEMPLATES}
    )
    # Sandbox times of the add and update calls that count towards the quota (§4 "Listing rules").
    writes: deque[float] = field(default_factory=deque)

    def by_out_product_id(self, out_product_id: str) -> MiniShopProduct | None:
        return next((p for p in self.products.values() if p.out_product_id == out_product_id), None)
