"""Imports from a shop: categories, and freight templates, groups and shelves bound to local ones by name."""

from __future__ import annotations

import logging

from products.models import ProductGroup, Shelf
from products.services import category_cache_import, freight_template_import

from ...models import (
    SyncJob,
)
from ..bindings import (
    binding_for,
    binding_record_success,
    remote_product_map,
)
from ..context import JobContext
from ..registry import handles

logger = logging.getLogger("channels_sync.jobs")


@handles(SyncJob.Kind.CATEGORIES_IMPORT)
def handle_categories_import(ctx: JobContext) -> dict:
    imported = ctx.adapter.categories_import()
    return category_cache_import(platform=ctx.shop.platform, imported=imported)


@handles(SyncJob.Kind.FREIGHT_IMPORT)
def handle_freight_import(ctx: JobContext) -> dict:
    """Bind remote freight templates to local ones of the same name; create the missing local ones."""
    bound = 0
    for item in ctx.adapter.freight_list():
        template = freight_template_import(item["template"])
        bound += _bind_imported(ctx, template, item["remote_id"])
    return {"bound": bound}


def _bind_imported(ctx: JobContext, local, remote_id) -> int:
    """Bind a local object to the remote one read by an import, unless it is bound already. 1 if bound now."""
    binding = binding_for(ctx.shop, local)
    if binding.is_bound:
        return 0
    binding_record_success(binding, remote_id=str(remote_id), is_deleted=False)
    return 1


@handles(SyncJob.Kind.GROUPS_IMPORT)
def handle_groups_import(ctx: JobContext) -> dict:
    bound = 0
    for item in ctx.adapter.group_list():
        group, _ = ProductGroup.objects.get_or_create(name=item["name"])
        local_products = remote_product_map(ctx.shop, item.get("product_remote_ids", ())).values()
        if local_products:
            group.products.add(*local_products)
        bound += _bind_imported(ctx, group, item["remote_id"])
    return {"bound": bound}


@handles(SyncJob.Kind.SHELVES_IMPORT)
def handle_shelves_import(ctx: JobContext) -> dict:
    bound = 0
    for item in ctx.adapter.shelf_list():
        shelf = Shelf.objects.filter(name=item["name"]).first()
        if shelf is None:
            continue  # a remote shelf's modules need local groups and images; only same-named shelves are bound
        bound += _bind_imported(ctx, shelf, item["remote_id"])
    return {"bound": bound}
