"""Reading a V1.17 store's existing products as remote catalog products (API reference §2.1 rows 1.4, 1.5; §2.2).

``getbystatus`` has no paging: one call answers every product, so the store's catalog is a single page.
"""

from __future__ import annotations

from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

from products.models import Platform

from ..remote_catalog import (
    RemoteCatalogPage,
    RemoteCatalogProduct,
    RemoteCatalogSku,
    RemoteCatalogSpec,
    RemoteCatalogStatus,
)
from ..responses import ResponseShapeError
from ..responses import read_items as _items
from ..responses import read_number as _number
from ..responses import read_object as _obj
from ..responses import read_text as _text
from .client import ProductFilter, WeChatStoreClient
from .constants import DELIVERY_TYPE_TEMPLATE

# getbystatus (§2.1 row 1.5): 1 on shelf, 2 off shelf. The manual has no "never listed" state.
STATUS_ON_SHELF = 1
# §2.2: a custom spec id or value is "$" followed by the text the buyer reads.
CUSTOM_PREFIX = "$"


def read_catalog_page(client: WeChatStoreClient, cursor: str = "") -> RemoteCatalogPage:
    """Every product of the store (``getbystatus`` status 0), as one page: the call has no paging.

    ``cursor`` is accepted for the shape every platform's reader shares; the store has only the first page.
    """
    infos = client.product_get_by_status(ProductFilter.ALL)
    products = tuple(parse_catalog_product(info, path=f"products_info[{index}]") for index, info in enumerate(infos))
    return RemoteCatalogPage(products=products, next_cursor=None, total=len(products))


def parse_catalog_product(info: Mapping[str, Any], *, path: str = "product_info") -> RemoteCatalogProduct:
    """One ``products_info[]`` entry of ``getbystatus`` (or a ``product_info`` of ``get``, which has no status).

    The store keeps no merchant product code or SPU code: ``out_product_id`` and ``product_code`` are ``""``
    and the SKUs' ``product_code`` is what matches them. Detail images and text come from ``detail_html``
    (what ``get`` answers) or, failing that, from ``detail[]`` blocks.
    """
    info = _obj(info, path)
    base_path = f"{path}.product_base"
    base = _obj(info.get("product_base"), base_path)
    main_img = _text(base, "main_img", base_path)
    images = [main_img] if main_img else []
    for url in (str(value) for value in _items(base, "img", base_path)):
        if url and url not in images:
            images.append(url)
    blocks = _detail_blocks(base, base_path)
    detail_images = [block["img"] for block in blocks if "img" in block]
    detail_texts = [block["text"] for block in blocks if "text" in block]
    properties = []
    for index, item in enumerate(_items(base, "property", base_path)):
        item_path = f"{base_path}.property[{index}]"
        item = _obj(item, item_path)
        properties.append((_text(item, "id", item_path, required=True), _text(item, "vid", item_path, required=True)))
    delivery = info.get("delivery_info")
    template_id = ""
    if isinstance(delivery, Mapping) and _number(delivery, "delivery_type", f"{path}.delivery_info") == (
        DELIVERY_TYPE_TEMPLATE
    ):
        template_id = _text(delivery, "template_id", f"{path}.delivery_info")
    status = _number(info, "status", path)
    return RemoteCatalogProduct(
        platform=Platform.WECHAT_STORE,
        remote_id=_text(info, "product_id", path, required=True),
        title=_text(base, "name", base_path),
        out_product_id="",
        product_code="",
        skus=tuple(
            _sku(item, f"{path}.sku_list[{index}]") for index, item in enumerate(_items(info, "sku_list", path))
        ),
        image_urls=tuple(images),
        detail_image_urls=tuple(detail_images),
        detail_text="\n".join(detail_texts),
        category_ids=tuple(str(value) for value in _items(base, "category_id", base_path)),
        properties=tuple(properties),
        freight_template_id=template_id,
        brand_id="",
        status=RemoteCatalogStatus.LISTED if status == STATUS_ON_SHELF else RemoteCatalogStatus.DELISTED,
        platform_status=status,
        product_fields=_product_fields(info, base, path),
        shop_copy=_shop_copy(info, blocks),
    )


def _product_fields(info: Mapping[str, Any], base: Mapping[str, Any], path: str) -> dict[str, Any]:
    """§2.2 ``buy_limit``, ``attrext`` and the delivery type as the local product's fields."""
    attrext_path = f"{path}.attrext"
    attrext = _obj(info["attrext"], attrext_path) if info.get("attrext") is not None else {}
    location_path = f"{attrext_path}.location"
    location = _obj(attrext["location"], location_path) if attrext.get("location") is not None else {}
    delivery = info.get("delivery_info")
    fields: dict[str, Any] = {
        "buy_limit": _number(base, "buy_limit", f"{path}.product_base") or 0,
        "is_post_free": bool(_number(attrext, "isPostFree", attrext_path)),
        "has_receipt": bool(_number(attrext, "isHasReceipt", attrext_path)),
        "is_under_guaranty": bool(_number(attrext, "isUnderGuaranty", attrext_path)),
        "is_support_replace": bool(_number(attrext, "isSupportReplace", attrext_path)),
        "location_country": _text(location, "country", location_path),
        "location_province": _text(location, "province", location_path),
        "location_city": _text(location, "city", location_path),
        "location_address": _text(location, "address", location_path),
    }
    if isinstance(delivery, Mapping):
        delivery_path = f"{path}.delivery_info"
        fields["delivery_type"] = _number(delivery, "delivery_type", delivery_path) or 0
        fees = []
        for index, item in enumerate(_items(delivery, "express", delivery_path)):
            item_path = f"{delivery_path}.express[{index}]"
            item = _obj(item, item_path)
            fees.append((_number(item, "id", item_path, required=True), _number(item, "price", item_path) or 0))
        if fees:
            # (express type, fee in fen), as the product's express fee rows hold them.
            fields["express_fees"] = fees
    return fields


def parse_sku_specs(sku_id: str, path: str = "sku_id") -> tuple[RemoteCatalogSpec, ...]:
    """``"id1:vid1;id2:vid2"`` (§2.2) as specs in order; ``""`` (a uniform spec) has none. A custom
    ``$颜色:$白色`` reads as 颜色/白色; an id from the category table reads as itself until it is named."""
    specs = []
    for pair in (part for part in sku_id.split(";") if part):
        key, separator, value_key = pair.partition(":")
        if not separator or not key or not value_key:
            raise ResponseShapeError(path, f"{pair!r} is not an id:vid pair")
        specs.append(
            RemoteCatalogSpec(
                name=key.removeprefix(CUSTOM_PREFIX),
                value=value_key.removeprefix(CUSTOM_PREFIX),
                key=key,
                value_key=value_key,
            )
        )
    return tuple(specs)


def _sku(item: Any, path: str) -> RemoteCatalogSku:
    sku = _obj(item, path)
    sku_id = _text(sku, "sku_id", path)
    return RemoteCatalogSku(
        remote_sku_id=sku_id,
        out_sku_id="",
        specs=parse_sku_specs(sku_id, f"{path}.sku_id"),
        product_code=_text(sku, "product_code", path),
        barcode="",
        price=_number(sku, "price", path) or 0,
        original_price=_number(sku, "ori_price", path) or 0,
        stock=_number(sku, "quantity", path) or 0,
        image_url=_text(sku, "icon_url", path),
    )


def _detail_blocks(base: Mapping[str, Any], path: str) -> list[dict[str, str]]:
    """The detail as ``{"text"}``/``{"img"}`` blocks in order: from ``detail_html`` (what ``get`` and
    ``getbystatus`` answer) or, failing that, from ``detail[]``."""
    if base.get("detail_html"):
        reader = _DetailHtmlReader()
        reader.feed(_text(base, "detail_html", path))
        reader.close()
        return reader.blocks
    blocks = []
    for index, block in enumerate(_items(base, "detail", path)):
        block_path = f"{path}.detail[{index}]"
        block = _obj(block, block_path)
        if block.get("img"):
            blocks.append({"img": _text(block, "img", block_path)})
        elif block.get("text"):
            blocks.append({"text": _text(block, "text", block_path)})
    return blocks


def _shop_copy(info: Mapping[str, Any], blocks: list[dict[str, str]]) -> dict[str, Any]:
    """The product as a ``create`` body (§2.2): ``detail_html`` read back into ``detail`` blocks."""
    copy = {key: value for key, value in info.items() if key != "status"}
    base = {key: value for key, value in dict(info.get("product_base") or {}).items() if key != "detail_html"}
    copy["product_base"] = {**base, "detail": blocks}
    return copy


class _DetailHtmlReader(HTMLParser):
    """The image and paragraph blocks of a ``detail_html``, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            src = dict(attrs).get("src")
            if src:
                self.blocks.append({"img": src})

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.blocks.append({"text": data.strip()})
