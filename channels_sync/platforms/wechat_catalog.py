"""What the Channels store and the mini-shop answer alike about a product (the mini-shop's SPU API is the Channels
store's ancestor): the SKU and attribute entries, and the status codes, read into the neutral types of
``remote_catalog``. Each platform's ``catalog.py`` keeps what differs (its field names, category lists, paging).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .remote_catalog import RemoteCatalogProduct, RemoteCatalogSku, RemoteCatalogSpec, RemoteCatalogStatus
from .responses import read_items as _items
from .responses import read_number as _number
from .responses import read_object as _obj
from .responses import read_text as _text

# §3.1 / §4 enums, the same numbers on both platforms: 0 a product never listed, 5 listed; every other status is a
# delisted product (by the merchant, for a violation, sold out…).
STATUS_INITIAL = 0
STATUS_LISTED = 5


def read_attr(item: Any, path: str) -> tuple[str, str]:
    """An ``{attr_key, attr_value}`` entry (a product's attribute or a SKU's spec)."""
    attr = _obj(item, path)
    return _text(attr, "attr_key", path), _text(attr, "attr_value", path)


def read_sku(item: Any, path: str, *, barcode_key: str) -> RemoteCatalogSku:
    """A ``skus[]`` entry; the platforms spell the barcode differently (Channels ``bar_code``, mini-shop
    ``barcode``)."""
    sku = _obj(item, path)
    specs = tuple(
        RemoteCatalogSpec(name=name, value=value)
        for name, value in (
            read_attr(attr, f"{path}.sku_attrs[{index}]") for index, attr in enumerate(_items(sku, "sku_attrs", path))
        )
    )
    return RemoteCatalogSku(
        remote_sku_id=_text(sku, "sku_id", path, required=True),
        out_sku_id=_text(sku, "out_sku_id", path),
        specs=specs,
        product_code=_text(sku, "sku_code", path),
        barcode=_text(sku, barcode_key, path),
        price=_number(sku, "sale_price", path) or 0,
        original_price=_number(sku, "market_price", path) or 0,
        stock=_number(sku, "stock_num", path) or 0,
        image_url=_text(sku, "thumb_img", path),
    )


def catalog_status(status: int | None) -> RemoteCatalogStatus:
    if status == STATUS_LISTED:
        return RemoteCatalogStatus.LISTED
    if status in (None, STATUS_INITIAL):
        return RemoteCatalogStatus.DRAFT
    return RemoteCatalogStatus.DELISTED


@dataclass(frozen=True)
class SpuSpelling:
    """Where the two platforms spell an SPU's fields differently (Channels / mini-shop)."""

    product_code: str  # "spu_code" / "model"
    head_images: str  # "head_imgs" / "head_img"
    barcode: str  # the SKU's "bar_code" / "barcode"
    no_brand_id: str  # the "no brand" id, 2100000000 on both


def read_spu(
    copy: Mapping[str, Any],
    path: str,
    *,
    platform: str,
    spelling: SpuSpelling,
    status: int | None,
    category_ids: tuple[str, ...],
    product_fields: Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]],
) -> RemoteCatalogProduct:
    """One product copy (an object already checked) as a remote catalog product. What each platform reads its own
    way comes in: the status (Channels takes the online copy's), the category path (Channels ``cats_v2``/``cats``,
    the mini-shop levelled ``cats``) and the local product's fields, from the copy and its ``express_info``."""
    desc_path = f"{path}.desc_info"
    desc = _obj(copy["desc_info"], desc_path) if copy.get("desc_info") is not None else {}
    express_path = f"{path}.express_info"
    express = _obj(copy["express_info"], express_path) if copy.get("express_info") is not None else {}
    brand_id = _text(copy, "brand_id", path)
    return RemoteCatalogProduct(
        platform=platform,
        remote_id=_text(copy, "product_id", path, required=True),
        title=_text(copy, "title", path),
        out_product_id=_text(copy, "out_product_id", path),
        product_code=_text(copy, spelling.product_code, path),
        skus=tuple(
            read_sku(item, f"{path}.skus[{index}]", barcode_key=spelling.barcode)
            for index, item in enumerate(_items(copy, "skus", path))
        ),
        image_urls=tuple(str(url) for url in _items(copy, spelling.head_images, path)),
        detail_image_urls=tuple(str(url) for url in _items(desc, "imgs", desc_path)),
        detail_text=_text(desc, "desc", desc_path),
        category_ids=category_ids,
        properties=tuple(
            read_attr(item, f"{path}.attrs[{index}]") for index, item in enumerate(_items(copy, "attrs", path))
        ),
        freight_template_id=_text(express, "template_id", express_path),
        brand_id="" if brand_id in ("", spelling.no_brand_id) else brand_id,
        status=catalog_status(status),
        platform_status=status,
        product_fields=product_fields(copy, express),
        shop_copy=dict(copy),
    )
