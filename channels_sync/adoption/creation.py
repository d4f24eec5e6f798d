"""What a new local product adopted from a shop holds: a pure plan from the remote catalog product, which the import
then writes (``services.py``).

The plan keeps what the shop holds wherever the local catalog can hold it, so that a publish right after the
import finds nothing to send; where it cannot, it says so in a warning (and the publish shows the difference):

* a product without an out_product_id (V1.17 has none) gets ``"{platform}-{remote id}"``;
* specs keep their order and values; a V1.17 spec from the category table keeps its ids (``key``/``value_key``)
  and takes its names from the category's spec table when it has been imported;
* the local catalog needs the price strictly below the original price (V1.17 §2.2): a SKU whose original price is
  not above its price gets the price plus one fen as original price;
* SKU codes are unique across the catalog: a code another product already uses is left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

from django.utils.translation import gettext as _

from channels_sync.platforms.remote_catalog import RemoteCatalogProduct, RemoteCatalogSku
from products.models import (
    CHANNELS_TITLE_MAX_LENGTH,
    CUSTOM_SPEC_PREFIX,
    OUT_PRODUCT_ID_MAX_LENGTH,
    OUT_SKU_ID_MAX_LENGTH,
    SKU_CODE_MAX_LENGTH,
)


@dataclass(frozen=True)
class SpecPlan:
    key: str  # the category spec's remote id, or "$name" for a custom spec
    name: str
    values: tuple[tuple[str, str], ...]  # (value key, value name) in first-seen order; "$name" keys for custom ones

    @property
    def is_custom(self) -> bool:
        return self.key.startswith(CUSTOM_SPEC_PREFIX)


@dataclass(frozen=True)
class SkuPlan:
    remote_sku_id: str
    specs: tuple[dict, ...]  # {"id", "vid", "name", "value"} as Sku.specs stores them
    price: int
    original_price: int
    stock: int
    product_code: str  # "" for none
    barcode: str
    out_sku_id: str
    image_url: str


@dataclass(frozen=True)
class ProductPlan:
    out_product_id: str
    title: str
    spu_code: str
    specs: tuple[SpecPlan, ...]
    skus: tuple[SkuPlan, ...]
    image_urls: tuple[str, ...]
    detail_image_urls: tuple[str, ...]
    detail_text: str
    warnings: tuple[str, ...]


def product_plan(
    remote: RemoteCatalogProduct,
    *,
    taken_codes: Set[str] = frozenset(),
    spec_names: Mapping[str, str] | None = None,
    value_names: Mapping[tuple[str, str], str] | None = None,
) -> ProductPlan:
    """The new local product for ``remote``. ``taken_codes`` are the SKU codes, barcodes and out_sku_ids other
    local products use; ``spec_names``/``value_names`` name category specs by remote id (V1.17 spec tables)."""
    spec_names = spec_names or {}
    value_names = value_names or {}
    warnings: list[str] = []
    out_product_id = remote.out_product_id.strip() or f"{remote.platform}-{remote.remote_id}"
    out_product_id = out_product_id[:OUT_PRODUCT_ID_MAX_LENGTH]
    title = remote.title.strip()
    if len(title) > CHANNELS_TITLE_MAX_LENGTH:
        warnings.append(_("The title was shortened to %(count)d characters.") % {"count": CHANNELS_TITLE_MAX_LENGTH})
        title = title[:CHANNELS_TITLE_MAX_LENGTH]
    specs: dict[str, tuple[str, dict[str, str]]] = {}
    skus = []
    used: set[str] = set()
    for sku in remote.skus:
        combination = [
            _spec_dict(spec.key, spec.value_key, spec.name, spec.value, spec_names, value_names) for spec in sku.specs
        ]
        for spec in combination:
            name, values = specs.setdefault(spec["id"], (spec["name"], {}))
            values.setdefault(spec["vid"], spec["value"])
        skus.append(_sku_plan(sku, tuple(combination), taken_codes, used, warnings))
    return ProductPlan(
        out_product_id=out_product_id,
        title=title,
        spu_code=remote.product_code.strip(),
        specs=tuple(SpecPlan(key, name, tuple(values.items())) for key, (name, values) in specs.items()),
        skus=tuple(skus),
        image_urls=remote.image_urls,
        detail_image_urls=remote.detail_image_urls,
        detail_text=remote.detail_text,
        warnings=tuple(warnings),
    )


def _spec_dict(
    key: str,
    value_key: str,
    name: str,
    value: str,
    spec_names: Mapping[str, str],
    value_names: Mapping[tuple[str, str], str],
) -> dict[str, str]:
    """A spec of the combination as ``Sku.specs`` stores it. Without platform ids (Channels, mini-shop), or with a
    category spec id the local spec tables do not know, the spec and value are custom ones, keyed ``"$name"`` as
    the local catalog keys them."""
    if not key or (not key.startswith(CUSTOM_SPEC_PREFIX) and key not in spec_names):
        return {"id": CUSTOM_SPEC_PREFIX + name, "vid": CUSTOM_SPEC_PREFIX + value, "name": name, "value": value}
    return {
        "id": key,
        "vid": value_key,
        "name": spec_names.get(key, name),
        "value": value_names.get((key, value_key), value),
    }


def _sku_plan(
    sku: RemoteCatalogSku, combination: tuple[dict, ...], taken: Set[str], used: set[str], warnings: list[str]
) -> SkuPlan:
    label = sku.label
    original_price = sku.original_price
    if original_price <= sku.price:
        original_price = sku.price + 1
        warnings.append(
            _("SKU %(sku)s: the original price was not above the price, so it became the price plus 0.01.")
            % {"sku": label}
        )

    def code(value: str, max_length: int) -> str:
        value = value.strip()
        if not value:
            return ""
        if value in taken or value in used or len(value) > max_length:
            warnings.append(
                _("SKU %(sku)s: the code %(code)s is used by another SKU or too long, so it was left out.")
                % {"sku": label, "code": value}
            )
            return ""
        used.add(value)
        return value

    product_code = code(sku.product_code, SKU_CODE_MAX_LENGTH)
    # The out_sku_id is often the SKU code itself (the sync sends the code as out_sku_id): one value, two fields.
    out_sku_id = (
        product_code
        if sku.out_sku_id.strip() == product_code and product_code
        else code(sku.out_sku_id, OUT_SKU_ID_MAX_LENGTH)
    )
    return SkuPlan(
        remote_sku_id=sku.remote_sku_id,
        specs=combination,
        price=sku.price,
        original_price=original_price,
        stock=max(sku.stock, 0),
        product_code=product_code,
        barcode=code(sku.barcode, 32),
        out_sku_id=out_sku_id,
        image_url=sku.image_url,
    )
