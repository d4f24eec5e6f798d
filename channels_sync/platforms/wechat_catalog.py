"""What the Channels store and the mini-shop answer alike about a product (the mini-shop's SPU API is the Channels
store's ancestor): the SKU and attribute entries, and the status codes, read into the neutral types of
``remote_catalog``. Each platform's ``catalog.py`` keeps what differs (its field names, category lists, paging).
"""

from __future__ import annotations

from typing import Any

from .remote_catalog import RemoteCatalogSku, RemoteCatalogSpec, RemoteCatalogStatus
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
