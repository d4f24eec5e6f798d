"""Stock movements and what each shop holds."""

from django.contrib import admin
from django.db.models import F
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import (
    RemoteSkuStock,
    StockMovement,
)
from .common import ReadOnlyAdminMixin


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "sku", "delta", "stock_after", "reason", "note", "created_by"]
    list_filter = ["reason"]
    search_fields = ["sku__product__title", "sku__product_code", "note"]
    list_select_related = ["sku__product", "created_by"]
    date_hierarchy = "created_at"


class DriftFilter(admin.SimpleListFilter):
    """Whether the quantity last read from the shop differs from the local stock."""

    title = _("drift")
    parameter_name = "drift"

    def lookups(self, request, model_admin):
        return [("yes", _("Differs from the local stock")), ("no", _("In step"))]

    def queryset(self, request, queryset):
        read = queryset.filter(remote_stock__isnull=False)
        if self.value() == "yes":
            return read.exclude(remote_stock=F("sku__stock"))
        if self.value() == "no":
            return read.filter(remote_stock=F("sku__stock"))
        return queryset


@admin.register(RemoteSkuStock)
class RemoteSkuStockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "shop",
        "sku",
        "local_stock",
        "synced_stock",
        "remote_stock",
        "drift_display",
        "remote_stock_read_at",
    ]
    list_filter = ["shop", DriftFilter]
    search_fields = ["sku__product__title", "sku__product_code"]
    list_select_related = ["shop", "sku__product"]

    @admin.display(description=_("local stock"))
    def local_stock(self, obj):
        return obj.sku.stock

    @admin.display(description=_("drift"))
    def drift_display(self, obj):
        drift = obj.drift
        if drift is None:
            return "-"
        if drift == 0:
            return "0"
        # Signed before format_html: it escapes its arguments into strings, which a "+d" format refuses.
        return format_html('<strong style="color:#ba2121">{}</strong>', f"{drift:+d}")
