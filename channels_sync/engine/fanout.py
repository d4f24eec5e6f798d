"""The catalog's calls into the engine, made in the caller's transaction: an edit, a deletion, a stock movement or
an admin action becomes the jobs that bring every shop concerned in step (folded into queued ones by the outbox)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _

from products.models import Product

from ..models import REMOTE_STATUS_MISSING, RemoteBinding, RemoteSkuStock, Shop, StockMovement, SyncJob
from ..platforms.adapter import Capability
from ..platforms.registry import has_capability, platforms_with_orders
from .outbox import sync_job_enqueue


def orders_pull_enqueue_all() -> int:
    shops = Shop.objects.filter(is_enabled=True, platform__in=platforms_with_orders())
    for shop in shops:
        sync_job_enqueue(shop=shop, kind=SyncJob.Kind.ORDERS_PULL)
    return len(shops)


def _bound_shops(target: models.Model):
    content_type = ContentType.objects.get_for_model(target)
    shop_ids = (
        RemoteBinding.objects.filter(content_type=content_type, object_id=target.pk, is_deleted=False)
        .exclude(remote_id="")
        .values_list("shop_id", flat=True)
    )
    return Shop.objects.filter(pk__in=shop_ids, is_enabled=True)


PUSH_KIND = {
    "products.product": SyncJob.Kind.PRODUCT_PUBLISH,
    "products.freighttemplate": SyncJob.Kind.FREIGHT_PUSH,
    "products.productgroup": SyncJob.Kind.GROUP_PUSH,
    "products.shelf": SyncJob.Kind.SHELF_PUSH,
}


DELETE_KIND = {
    "products.product": SyncJob.Kind.PRODUCT_DELETE,
    "products.freighttemplate": SyncJob.Kind.FREIGHT_DELETE,
    "products.productgroup": SyncJob.Kind.GROUP_DELETE,
    "products.shelf": SyncJob.Kind.SHELF_DELETE,
}


def catalog_object_saved(
    *, target: models.Model, user=None, stock_before: dict[int, int] | None = None, body_changed: bool = True
) -> int:
    """Keep every shop where the object is bound in step with it: one coalesced push job per shop.

    For a product, ``stock_before`` (SKU id -> stock before the edit) turns stock edits into movements, and
    ``body_changed=False`` (only SKU stock was edited) queues only the stock pushes: a publish would find its
    payload unchanged and send nothing, yet hold the stock push behind it. Returns the number of shops concerned.
    """
    kind = PUSH_KIND[target._meta.label_lower]
    shops = list(_bound_shops(target))
    if body_changed or not isinstance(target, Product):
        for shop in shops:
            sync_job_enqueue(shop=shop, kind=kind, target=target, created_by=user)
    if (
        isinstance(target, Product)
        and stock_before is not None
        and stock_movements_record(product=target, stock_before=stock_before, user=user)
    ):
        stock_push_enqueue(product=target)
    return len(shops)


def catalog_object_deleting(*, target: models.Model, user=None) -> int:
    """The object is being deleted locally: delete it in every shop where it is bound."""
    kind = DELETE_KIND[target._meta.label_lower]
    shops = list(_bound_shops(target))
    for shop in shops:
        sync_job_enqueue(shop=shop, kind=kind, target=target, created_by=user)
    return len(shops)


def stock_movements_record(*, product, stock_before: dict[int, int], user=None) -> int:
    """One movement per SKU whose stock changed in an edit (new SKUs start at their stock, no movement)."""
    movements = []
    for sku in product.skus.all():
        before = stock_before.get(sku.pk)
        if before is not None and before != sku.stock:
            movements.append(
                StockMovement(
                    sku=sku,
                    delta=sku.stock - before,
                    stock_after=sku.stock,
                    reason=StockMovement.Reason.ADMIN_EDIT,
                    created_by=user,
                )
            )
    StockMovement.objects.bulk_create(movements)
    return len(movements)


def stock_push_enqueue(*, product: Product, only_shop=None, exclude_shop=None) -> None:
    """Queue a stock push for the product in every shop where it is bound and some SKU differs; where the product
    body carries the stock (``Capability.STOCK_IN_PAYLOAD``), a publish instead."""
    content_type = ContentType.objects.get_for_model(Product)
    bindings = RemoteBinding.objects.filter(content_type=content_type, object_id=product.pk, is_deleted=False)
    bindings = bindings.exclude(remote_id="").select_related("shop").filter(shop__is_enabled=True)
    if only_shop is not None:
        bindings = bindings.filter(shop=only_shop)
    if exclude_shop is not None:
        bindings = bindings.exclude(shop=exclude_shop)
    for binding in bindings:
        if has_capability(binding.shop.platform, Capability.STOCK_IN_PAYLOAD):
            # No stock calls there: the product body carries it, and an unchanged body is not sent.
            sync_job_enqueue(shop=binding.shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)
            continue
        states = dict(
            RemoteSkuStock.objects.filter(shop=binding.shop, sku__product=product).values_list("sku_id", "synced_stock")
        )
        if any(states.get(sku_id, stock) != stock for sku_id, stock in product.skus.values_list("pk", "stock")):
            sync_job_enqueue(shop=binding.shop, kind=SyncJob.Kind.STOCK_PUSH, target=product)


class ProductNotMissing(Exception):
    """A re-create was asked for a product that is not missing in the shop: nothing is queued."""


def product_recreate_enqueue(*, product: Product, shop: Shop, user=None) -> SyncJob:
    """The merchant's "re-create in this shop" of a product the shop no longer has (the binding is missing
    remotely): one job that forgets the lost remote product and publishes this one as new (``jobs``). Never
    queued by the engine itself: a product is re-created only when a person asks."""
    content_type = ContentType.objects.get_for_model(Product)
    binding = RemoteBinding.objects.filter(shop=shop, content_type=content_type, object_id=product.pk).first()
    if binding is None or not binding.is_bound or binding.remote_status != REMOTE_STATUS_MISSING:
        raise ProductNotMissing(
            _("“%(product)s” is not missing in %(shop)s: there is nothing to re-create.")
            % {"product": product.title, "shop": shop.name}
        )
    return sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_RECREATE, target=product, created_by=user)


def shops_action_enqueue(*, shops, kind: str, targets, user=None) -> int:
    """Admin actions: one job per shop and target. Returns how many were written."""
    return len(shops_action_jobs(shops=shops, kind=kind, targets=targets, user=user))


def shops_action_jobs(*, shops, kind: str, targets, user=None) -> list[tuple[Shop, models.Model, SyncJob]]:
    """Admin actions: one job per shop and target (or the queued one the request folded into), as
    ``(shop, target, job)`` in the order asked, for the action's progress page."""
    queued = []
    for shop in shops:
        for target in targets:
            queued.append((shop, target, sync_job_enqueue(shop=shop, kind=kind, target=target, created_by=user)))
    return queued


# Draft states that change by themselves (the platform audits or uploads): polled until they settle.
UNSETTLED_EDIT_STATUSES = ("auditing", "uploading")


def products_under_audit_refresh_enqueue() -> int:
    """The fallback behind the audit and listing push events: read products whose draft is still moving."""
    content_type = ContentType.objects.get_for_model(Product)
    bindings = (
        RemoteBinding.objects.filter(
            content_type=content_type,
            remote_edit_status__in=UNSETTLED_EDIT_STATUSES,
            is_deleted=False,
            shop__is_enabled=True,
        )
        .exclude(remote_id="")
        .select_related("shop")
    )
    count = 0
    for binding in bindings:
        sync_job_enqueue(
            shop=binding.shop,
            kind=SyncJob.Kind.PRODUCT_REFRESH,
            target=binding.target,
            lock_key=f"products.product:{binding.object_id}:refresh",
        )
        count += 1
    return count
