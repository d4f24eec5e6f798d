"""Reads for the sync side of the admin pages: plain rows that the templates render."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from products.models import Product

from ..models import REMOTE_STATUS_MISSING, Order, RemoteBinding, RemoteSkuStock, SyncJob
from ..platforms.adapter import Capability
from ..platforms.registry import has_capability
from ..rejections import Rejection, rejection_of
from .common import remote_status_label


@dataclass(frozen=True)
class SyncPanelRow:
    """One shop of a catalog object's "status in shops" panel."""

    shop_name: str
    status_label: str
    remote_id: str
    is_syncing: bool
    last_synced_at: datetime | None
    # The last rejection in the merchant's words (rejection_of), None when the last push went through.
    rejection: Rejection | None
    reason: str
    preview_url: str
    preview_label: str
    recreate_url: str  # "" unless the product is missing in the shop and may be re-created from here


def object_bindings(obj: models.Model):
    content_type = ContentType.objects.get_for_model(obj)
    return RemoteBinding.objects.filter(content_type=content_type, object_id=obj.pk).select_related("shop")


def sync_panel_rows(*, obj: models.Model, can_sync: bool) -> list[SyncPanelRow]:
    """The object's binding in each shop, with whether a job on it is under way, in two queries."""
    bindings = list(object_bindings(obj))
    if not bindings:
        return []
    active = set(
        SyncJob.objects.filter(
            target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk, state__in=SyncJob.ACTIVE_STATES
        ).values_list("shop_id", flat=True)
    )
    rows = []
    for binding in bindings:
        preview_url = preview_label = recreate_url = ""
        if isinstance(obj, Product):
            preview_url = reverse("admin:products_product_payload_preview", args=[obj.pk, binding.shop_id])
            platform = binding.shop.platform
            has_draft = has_capability(platform, Capability.DRAFT)
            preview_label = _("local, draft and online") if has_draft else _("payload as sent")
            if binding.remote_status == REMOTE_STATUS_MISSING and binding.shop_id not in active and can_sync:
                recreate_url = reverse("admin:products_product_recreate", args=[obj.pk, binding.shop_id])
        rows.append(
            SyncPanelRow(
                shop_name=binding.shop.name,
                status_label=remote_status_label(binding),
                remote_id=binding.remote_id or "-",
                is_syncing=binding.shop_id in active,
                last_synced_at=binding.last_synced_at,
                rejection=(
                    rejection_of(
                        shop=binding.shop, errcode=binding.last_errcode, errmsg=binding.last_errmsg, target=obj
                    )
                    if binding.last_errmsg
                    else None
                ),
                reason=binding.remote_reason,
                preview_url=preview_url,
                preview_label=str(preview_label),
                recreate_url=recreate_url,
            )
        )
    return rows


@dataclass(frozen=True)
class DayItem:
    """One line of the start of a merchant's day: what needs a look, how many, and the list that shows them."""

    label: str
    count: int
    url: str


def merchant_day_items() -> list[DayItem]:
    """Failed jobs, products in audit or rejected, stock out of step with a shop, orders to ship: one count each."""
    product_type = ContentType.objects.get_for_model(Product)
    bindings = RemoteBinding.objects.filter(content_type=product_type, is_deleted=False)
    bindings_url = reverse("admin:channels_sync_remotebinding_changelist")
    items = [
        (
            _("Failed sync jobs"),
            SyncJob.objects.filter(state=SyncJob.State.FAILED).count(),
            reverse("admin:channels_sync_syncjob_changelist") + "?state__exact=failed",
        ),
        (
            _("Products under audit"),
            bindings.filter(remote_edit_status="auditing").count(),
            f"{bindings_url}?content_type__id__exact={product_type.pk}&remote_edit_status=auditing",
        ),
        (
            _("Products rejected by the audit"),
            bindings.filter(remote_edit_status="rejected").count(),
            f"{bindings_url}?content_type__id__exact={product_type.pk}&remote_edit_status=rejected",
        ),
        (
            _("SKUs whose stock differs from a shop's"),
            RemoteSkuStock.objects.filter(remote_stock__isnull=False).exclude(remote_stock=F("sku__stock")).count(),
            reverse("admin:channels_sync_remoteskustock_changelist") + "?drift=yes",
        ),
        (
            _("Orders to ship"),
            Order.objects.filter(status=Order.Status.AWAITING_SHIPMENT).count(),
            reverse("admin:channels_sync_order_changelist") + f"?status={Order.Status.AWAITING_SHIPMENT.value}",
        ),
    ]
    return [DayItem(label=str(label), count=count, url=url) for label, count, url in items]
