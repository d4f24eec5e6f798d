"""An open-platform ``publishProduct`` form field by field (API reference §6): the form's own fields, and its JSON
fields (media, attributes, SKUs) read out. The platform keeps no draft or online copy the engine reads, so its page
shows what would be sent. Pure."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.comparison import Field, dicts, pairs, text, urls, yuan_amount

from .settings import DELIVERY_WAYS, SALES_WAYS, SETTLEMENT_WAYS

# No read call: nothing to compare with but what would be sent.
COPIES: dict = {}


def fields(body: Mapping) -> list[Field]:
    media = _json_list(body.get("mediaList"))
    rows = [
        Field("title", _("Title"), text=text(body.get("spuName"))),
        Field("category", _("platform category id"), text=text(body.get("categoryId"))),
        Field("brand", _("brand name"), text=text(body.get("brandName"))),
        Field("keyword", _("search keywords"), text=text(body.get("keyword"))),
        # The media list holds every picture of the product, the main one (``spuImage``) first.
        Field("head_images", _("Head images"), images=urls(item.get("mediaUrl") for item in media)),
        Field("detail_text", _("Detail text"), text=text(body.get("description"))),
        Field(
            "attributes",
            _("Attributes"),
            text=pairs(_json_list(body.get("attributeList")), "attributeName", "attributeValue"),
        ),
        Field("sales_way", _("sales way"), text=_choice(SALES_WAYS, body.get("salesWay"))),
        Field("settlement_way", _("settlement way"), text=_choice(SETTLEMENT_WAYS, body.get("settlementWay"))),
        Field("delivery_way", _("delivery way"), text=_choice(DELIVERY_WAYS, body.get("deliveryWay"))),
    ]
    for sku in _json_list(body.get("skuList")):
        key = text(sku.get("supplierSku"))
        parts = [
            text(sku.get("skuName")),
            _("agreement price %(price)s") % {"price": yuan_amount(sku.get("agreementPrice"))},
            _("reference price %(price)s") % {"price": yuan_amount(sku.get("referencePrice"))},
            _("stock %(stock)s") % {"stock": text(sku.get("quantity"))},
            f"{text(sku.get('minDeliveryQuantity'))} {text(sku.get('saleUnit'))}".strip(),
        ]
        rows.append(
            Field(
                f"sku:{key}",
                _("SKU %(sku)s") % {"sku": key},
                text=" · ".join(str(part) for part in parts if str(part)),
                images=urls([sku.get("skuImage")]),
            )
        )
    return rows


def _json_list(value: Any) -> list[Mapping]:
    """A form field that holds a JSON list (``skuList``, ``mediaList``…), read back; anything else is empty."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return dicts(value)


def _choice(choices, value: Any) -> str:
    """A form value by its label in the shop's settings ("直销" for DIRECT_SELLING); an unknown one as it is."""
    return str(dict(choices).get(value, text(value)))
