"""What the open platform keeps per merchant: the products it published, by ``supplierSpu``.

Everything here is stored in the state file: a field renamed or added is a change of its format.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


def plain(value: Any) -> Any:
    """Decimals as JSON numbers (ints when whole) for the state dump and the applied log."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


@dataclass
class StoredProduct:
    supplier_spu: str
    product: dict[str, Any]
    created_at: float
    updated_at: float
    publishes: int = 1

    def as_json(self) -> dict[str, Any]:
        return {
            "supplierSpu": self.supplier_spu,
            "spuName": self.product["spuName"],
            "categoryId": self.product["categoryId"],
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "publishes": self.publishes,
            "skus": {
                sku["supplierSku"]: {
                    "quantity": plain(sku.get("quantity")),
                    "agreementPrice": plain(sku["agreementPrice"]),
                }
                for sku in self.product["skuList"]
            },
            "product": plain(copy.deepcopy(self.product)),
        }


@dataclass
class MerchantState:
    products: dict[str, StoredProduct] = field(default_factory=dict)
