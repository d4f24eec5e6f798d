"""Reading a mini-shop's existing products as remote catalog products (API reference §4 ``spu/get_list``).

``get_list`` pages by number (``page`` from 1, ``page_size`` at most 100) and answers ``total_num``; each item is
a whole SPU, so no ``spu/get`` per product is needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from products.models import Platform

from ..remote_catalog import (
    RemoteCatalogPage,
    RemoteCatalogProduct,
)
from ..responses import ResponseShapeError
from ..responses import read_items as _items
from ..responses import read_number as _number
from ..responses import read_object as _obj
from ..responses import read_text as _text
from ..wechat_catalog import SpuSpelling, read_spu
from .client import PRODUCT_LIST_MAX_PAGE_SIZE, MiniShopClient
from .payloads import NO_BRAND_ID

SPELLING = SpuSpelling(product_code="model", head_images="head_img", barcode="barcode", no_brand_id=str(NO_BRAND_ID))


def read_catalog_page(
    client: MiniShopClient, cursor: str = "", *, page_size: int = PRODUCT_LIST_MAX_PAGE_SIZE
) -> RemoteCatalogPage:
    """One page of the shop's products, drafts included (``need_edit_spu`` 1: every product has a draft, while
    an online copy exists only after the first listing). ``cursor`` is the page number, ``""`` for page 1;
    ``next_cursor`` is ``None`` once ``total_num`` products have been read, or the page came back empty."""
    page = _page_number(cursor)
    spus, total = client.spu_get_list(page=page, page_size=page_size, need_edit_spu=True)
    products = tuple(parse_catalog_product(spu, path=f"spus[{index}]") for index, spu in enumerate(spus))
    more = bool(spus) and page * page_size < total
    return RemoteCatalogPage(products=products, next_cursor=str(page + 1) if more else None, total=total)


def parse_catalog_product(spu: Mapping[str, Any], *, path: str = "data.spu") -> RemoteCatalogProduct:
    """One SPU of ``get_list`` (or ``spu/get``'s ``data.spu``). Status 5 is listed, 0 never listed, any other
    figure delisted (§4 enums)."""
    spu = _obj(spu, path)
    return read_spu(
        spu,
        path,
        platform=Platform.MINISHOP,
        spelling=SPELLING,
        status=_number(spu, "status", path),
        category_ids=_category_ids(spu, path),
        product_fields=lambda spu, express: {"short_title": _text(spu, "sub_title", path)},
    )


def _page_number(cursor: str) -> int:
    if not cursor:
        return 1
    if not cursor.isdigit() or int(cursor) < 1:
        raise ValueError(f"a mini-shop cursor is a page number from 1, not {cursor!r}")
    return int(cursor)


def _category_ids(spu: Mapping[str, Any], path: str) -> tuple[str, ...]:
    """``cats[]`` {cat_id, level} ordered by level, root first."""
    levelled = []
    for index, item in enumerate(_items(spu, "cats", path)):
        item_path = f"{path}.cats[{index}]"
        item = _obj(item, item_path)
        level = _number(item, "level", item_path)
        levelled.append((index if level is None else level, _text(item, "cat_id", item_path, required=True)))
    if len({level for level, _ in levelled}) != len(levelled):
        raise ResponseShapeError(f"{path}.cats", "two categories have the same level")
    return tuple(cat_id for _, cat_id in sorted(levelled))
