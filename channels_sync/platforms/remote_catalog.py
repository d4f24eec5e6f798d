"""A shop's existing products in one neutral shape, whatever the platform: what adopting a remote catalog reads.

Each platform with a read API has a ``catalog.py`` that parses its answers into :class:`RemoteCatalogProduct`
and reads the shop's products page by page (:class:`RemoteCatalogPage`). Like the adapter protocol beside it,
nothing here touches the ORM: the matching and the import get these plain values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class RemoteCatalogStatus(StrEnum):
    """Where a remote product stands, in the terms every platform shares."""

    LISTED = "listed"  # on sale
    DELISTED = "delisted"  # listed once, now off the shelf (by the merchant, the platform or a sell-out)
    DRAFT = "draft"  # never listed


@dataclass(frozen=True)
class RemoteCatalogSpec:
    """One spec value of a SKU. ``name``/``value`` are what the buyer reads; ``key``/``value_key`` are the
    platform's ids where it numbers specs (V1.17 ``id``/``vid``, ``"$name"`` for custom ones), else ``""``.

    A V1.17 spec from the category table carries only ids: its ``name``/``value`` are then the ids too, until
    the category's spec table names them.
    """

    name: str
    value: str
    key: str = ""
    value_key: str = ""


@dataclass(frozen=True)
class RemoteCatalogSku:
    remote_sku_id: str  # the shop's own SKU id (V1.17: the sku_id spec key, "" for a uniform spec)
    out_sku_id: str  # the merchant's SKU id as the shop holds it; "" where the platform has none (V1.17)
    specs: tuple[RemoteCatalogSpec, ...]  # in the product's spec order
    product_code: str  # the merchant SKU code (V1.17 product_code, Channels/mini-shop sku_code)
    barcode: str
    price: int  # fen
    original_price: int  # fen; 0 when the shop has none
    stock: int
    image_url: str

    @property
    def spec_signature(self) -> tuple[tuple[str, str], ...]:
        """The combination by name, in order: what tells two SKUs of one product apart."""
        return tuple((spec.name, spec.value) for spec in self.specs)

    @property
    def label(self) -> str:
        """The combination as people write it (``颜色:白色;尺码:M``), ``"(uniform)"`` for a single spec."""
        return ";".join(f"{name}:{value}" for name, value in self.spec_signature) or "(uniform)"


@dataclass(frozen=True)
class RemoteCatalogProduct:
    platform: str  # products.models.Platform value
    remote_id: str
    title: str
    out_product_id: str  # "" where the platform has none (V1.17)
    product_code: str  # the SPU code (Channels spu_code, mini-shop model); "" where the platform has none
    skus: tuple[RemoteCatalogSku, ...]
    image_urls: tuple[str, ...]  # head images in order; the first is the main image
    detail_image_urls: tuple[str, ...]
    detail_text: str
    category_ids: tuple[str, ...]  # from the root down (V1.17: as the product lists them)
    properties: tuple[tuple[str, str], ...]  # (name or id, value or vid) in the remote's order
    freight_template_id: str  # "" when the product names no template
    brand_id: str  # "" for none
    status: RemoteCatalogStatus
    platform_status: int | None = None  # the platform's own status figure, for the merchant to read
    # The product's other settings the platform's body carries, named as the local catalog's product fields
    # (``short_title``, ``deliver_method``, ``buy_limit``, ``weight_g``, ``seven_day_return``…): each platform's
    # reader knows which of its fields they are.
    product_fields: dict = field(default_factory=dict)
    # The shop's copy in the shape of the platform's add body (what ``adoption.comparison`` compares the local
    # body with): the draft where the platform keeps one, V1.17's detail_html read back into detail blocks.
    shop_copy: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def sku_codes(self) -> frozenset[str]:
        """Every merchant code the shop holds for the product's SKUs (SKU codes and out_sku_ids)."""
        return frozenset(code for sku in self.skus for code in (sku.product_code, sku.out_sku_id) if code)


@dataclass(frozen=True)
class RemoteCatalogPage:
    """One page of a shop's products; ``next_cursor`` reads the next page, ``None`` after the last one."""

    products: tuple[RemoteCatalogProduct, ...]
    next_cursor: str | None
    total: int | None = None  # how many products the shop says it has, where it says


def remote_product_to_json(product: RemoteCatalogProduct) -> dict[str, Any]:
    """A JSON-ready dict of ``product`` (kept with an import's preview rows), read back by
    :func:`remote_product_from_json`."""
    return asdict(product)


def remote_product_from_json(data: dict[str, Any]) -> RemoteCatalogProduct:
    skus = tuple(
        RemoteCatalogSku(**{**sku, "specs": tuple(RemoteCatalogSpec(**spec) for spec in sku["specs"])})
        for sku in data["skus"]
    )
    tuples = ("image_urls", "detail_image_urls", "category_ids")
    return RemoteCatalogProduct(
        **{
            **data,
            "skus": skus,
            **{key: tuple(data[key]) for key in tuples},
            "properties": tuple(tuple(pair) for pair in data["properties"]),
            "status": RemoteCatalogStatus(data["status"]),
        }
    )
