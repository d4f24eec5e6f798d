"""How the sync names a SKU to the platforms that key SKUs by the merchant's own id: the Channels store's and the
mini-shop's ``out_sku_id``, Tencent Ads' ``external_sku_id``. The same SKU has the same id on each of them.

Pure functions of the catalog snapshot, as the payload modules are.
"""

from collections.abc import Mapping

from products.selectors import ProductSnapshot, SkuSnapshot

from .errors import PayloadError


def out_sku_id_for(product_id: int, sku: SkuSnapshot) -> str:
    """The id a SKU is sent with: its merchant code, or ``"{product id}-{SKU id}"`` when it has none.

    The fallback is built from local primary keys, so it never changes for the SKU, and the sync can find the
    remote ``sku_id`` of every SKU by it.
    """
    return sku.out_sku_id or f"{product_id}-{sku.id}"


def sku_keys_by_out_sku_id(snapshot: ProductSnapshot, remote_sku_ids: Mapping[str, str]) -> dict[int, str]:
    """The remote ``sku_id`` of each local SKU, by local SKU id, from the shop's sku_id by out_sku_id (SKUs the
    shop does not have are left out)."""
    keys = {}
    for sku in snapshot.skus:
        sku_id = remote_sku_ids.get(out_sku_id_for(snapshot.id, sku))
        if sku_id:
            keys[sku.id] = sku_id
    return keys


def checked_out_sku_id(product_id: int, sku: SkuSnapshot, field: str, seen: set[str], *, max_length: int) -> str:
    """The SKU's ``out_sku_id`` for a product body, refused as the Channels store and the mini-shop refuse it: longer
    than ``max_length`` (Channels 10020037), or already used by another SKU of the product (10020030). ``seen``
    holds the ids of the SKUs before it and gets this one."""
    out_sku_id = out_sku_id_for(product_id, sku)
    if len(out_sku_id) > max_length:
        raise PayloadError(f"{field}.out_sku_id", f"SKU {sku.id}: longer than {max_length} characters")
    if out_sku_id in seen:
        raise PayloadError(f"{field}.out_sku_id", f"two SKUs have the merchant SKU code {out_sku_id}")
    seen.add(out_sku_id)
    return out_sku_id
