"""A Tencent Ads sales-information body field by field (API reference §5): the ``product_salesinfos/add`` body of
every SKU. The platform keeps no draft or online copy the engine reads, so its page shows what would be sent. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.comparison import Field, dicts, text, yuan_amount

from .settings import SALE_CHANNELS

# The body's enum values as the merchant reads them (§5: sku_status, stock.sku_stock_status).
SKU_STATUS_LABELS = {"NEW": _("new"), "NORMAL": _("on sale"), "STOP": _("stopped")}
STOCK_STATUS_LABELS = {"ON_SALE": _("in stock"), "OFF_SALE": _("out of stock")}


# No read call: nothing to compare with but what would be sent.
COPIES: dict = {}


def fields(body: Mapping) -> list[Field]:
    items = dicts(body.get("sku_sales_infos"))
    first = items[0] if items else {}
    rows = [
        Field("account_id", _("account id"), text=text(body.get("account_id"))),
        Field("data_warehouse_id", _("data warehouse id"), text=text(body.get("data_warehouse_id"))),
        Field("external_store_id", _("external store id"), text=text(first.get("external_store_id"))),
        Field("sale_channel_name", _("sale channel"), text=_label(dict(SALE_CHANNELS), first.get("sale_channel_name"))),
    ]
    for item in items:
        key = text(item.get("external_sku_id"))
        price = item.get("price") if isinstance(item.get("price"), Mapping) else {}
        stock = item.get("stock") if isinstance(item.get("stock"), Mapping) else {}
        target = item.get("target_url_props") if isinstance(item.get("target_url_props"), Mapping) else {}
        parts = [
            _("price %(price)s") % {"price": yuan_amount(price.get("current_price"))},
            _("original price %(price)s") % {"price": yuan_amount(price.get("sku_price"))},
            _label(STOCK_STATUS_LABELS, stock.get("sku_stock_status")),
            _label(SKU_STATUS_LABELS, item.get("sku_status")),
        ]
        rows.append(Field(f"sku:{key}", _("SKU %(sku)s") % {"sku": key}, text=" · ".join(str(p) for p in parts if p)))
        rows.append(
            Field(
                f"sku:{key}:landing_page",
                _("Landing page of %(sku)s") % {"sku": key},
                text=text(target.get("target_url_miniprogram")),
            )
        )
    return rows


def _label(labels: Mapping, value) -> str:
    return str(labels.get(value, text(value)))
