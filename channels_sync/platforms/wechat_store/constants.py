"""WeChat Store V1.17 (API reference §2): the constants of the API, shared by the builders and the answer
parsers of this package."""

from typing import Any

JsonDict = dict[str, Any]

# §2.2 delivery_info.delivery_type.
DELIVERY_TYPE_EXPRESS = 0
DELIVERY_TYPE_TEMPLATE = 1
# §2.2 update rule: after the first listing these product_base fields cannot change.
FROZEN_AFTER_LISTING: tuple[str, ...] = ("name", "category_id", "property")
# §2.4: DestCountry is required in a custom fee rule; the catalog leaves it empty for China.
DEFAULT_COUNTRY = "中国"
# §2.4 Valuation: only per item (0) is supported.
VALUATION_PER_ITEM = 0
# §2.5: (min, max) groups per control; None is "no upper limit".
SHELF_GROUP_LIMITS: dict[int, tuple[int, int | None]] = {1: (1, 1), 2: (1, 4), 3: (1, 1), 4: (1, 3), 5: (1, None)}
SHELF_CONTROL_BACKGROUND = 5
