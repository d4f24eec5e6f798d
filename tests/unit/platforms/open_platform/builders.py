"""Options and image URLs for the publishProduct payload tests; the snapshots are the Channels tests' builders
(``tests/unit/platforms/channels/builders.py``: the T恤 with three SKUs, the uniform gift card)."""

from decimal import Decimal

IMAGE_BASE = "https://admin.example.com/media/images"


def image_url(asset_id: int) -> str:
    return f"{IMAGE_BASE}/{asset_id:02d}/asset{asset_id}.jpg"


IMAGE_URLS = {asset_id: image_url(asset_id) for asset_id in range(1, 100)}

SALES_CHANNEL = {
    "salesChannel": "CHANNEL_1",
    "displayTimeStart": "2025-01-01 00:00:00",
    "displayTimeEnd": "2025-12-31 23:59:59",
    "sevenDaysForReturn": 1,
    "salesRegionList": ["华东", "华南"],
}


def shop_options(**changes) -> dict:
    """A complete set of shop defaults, as ``context.shop_config`` hands them over (``as_options()`` values)."""
    options = {
        "category_id": 1001,
        "brand_name": "演示品牌",
        "sales_way": "DIRECT_SELLING",
        "settlement_way": "PROPORTIONAL",
        "delivery_way": "FACTORY_DELIVERY",
        "delivery_timeliness": 48,
        "time_period_type": "HOUR",
        # PostgreSQL's jsonb gives keys back in its own order: the payload must not depend on it.
        "sales_channels": [dict(sorted(SALES_CHANNEL.items()))],
        "sale_unit": "件",
        "agreement_price_percent": str(Decimal("90.00")),
        "reference_price_percent": "100.00",
        "min_delivery_quantity": 1,
        "is_joint_operation": False,
    }
    options.update(changes)
    return {key: value for key, value in options.items() if value is not None}
