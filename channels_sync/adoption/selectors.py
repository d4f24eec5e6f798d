"""Reads for the adoption: the local catalog and a shop's product bindings, as the plain snapshots the matching
(``matching.py``) takes."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from channels_sync.models import RemoteBinding
from channels_sync.platforms.skus import out_sku_id_for
from products.models import Product, Sku

from .matching import LocalCatalogProduct, LocalCatalogSku


def local_catalog_snapshots() -> tuple[LocalCatalogProduct, ...]:
    """Every local product with its SKUs (two queries). A SKU's ``out_sku_id`` is the one the sync sends, so a
    product published before (whose SKUs carry ``"{product id}-{SKU id}"``) is found by it."""
    products = Product.objects.only("id", "title", "out_product_id", "spu_code").prefetch_related(
        Prefetch(
            "skus",
            queryset=Sku.objects.only("id", "product_id", "specs", "product_code", "out_sku_id", "barcode"),
        )
    )
    return tuple(
        LocalCatalogProduct(
            id=product.pk,
            title=product.title,
            out_product_id=product.out_product_id,
            product_code=product.spu_code,
            skus=tuple(
                LocalCatalogSku(
                    id=sku.pk,
                    specs=tuple((spec["name"], spec["value"]) for spec in sku.specs),
                    spec_ids=tuple((spec["id"], spec["vid"]) for spec in sku.specs),
                    product_code=sku.product_code or "",
                    out_sku_id=out_sku_id_for(product.pk, sku),  # reads only .id and .out_sku_id
                    barcode=sku.barcode or "",
                )
                for sku in product.skus.all()
            ),
        )
        for product in products.order_by("pk")
    )


def shop_product_bindings(*, shop_id: int) -> dict[str, int]:
    """The shop's live product bindings: remote product id -> local product id."""
    content_type = ContentType.objects.get_for_model(Product)
    rows = RemoteBinding.objects.filter(shop_id=shop_id, content_type=content_type, is_deleted=False).exclude(
        remote_id=""
    )
    return dict(rows.values_list("remote_id", "object_id"))
