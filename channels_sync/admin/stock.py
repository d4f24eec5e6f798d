"""Stock movements and what each shop holds."""

from django.contrib import admin, messages
from django.db.models import F
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..engine import reconcile
from ..forms import AcceptShopStockForm
from ..models import (
    RemoteSkuStock,
    StockMovement,
)
from .common import ReadOnlyAdminMixin, SyncPermissionsMixin


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
class RemoteSkuStockAdmin(SyncPermissionsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
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
    actions = ["push_local_stock", "accept_shop_stock"]

    def _repairable(self, request, queryset) -> list[RemoteSkuStock]:
        """The selected rows a repair can start from; each other row gets its reason as an error message."""
        states = []
        for state in queryset.select_related("shop", "sku__product").order_by("pk"):
            refusal = reconcile.repair_refusal(state)
            if refusal:
                self.message_user(request, refusal, messages.ERROR)
            else:
                states.append(state)
        return states

    @admin.action(description=_("Push local stock"), permissions=["sync_stock"])
    def push_local_stock(self, request, queryset):
        count = 0
        for state in self._repairable(request, queryset):
            try:
                reconcile.push_local_stock(state=state)
            except reconcile.RepairRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
                continue
            count += 1
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d shop will be brought to the local stock.",
                    "%(count)d shops will be brought to the local stock.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )

    @admin.action(description=_("Accept the shop's figure"), permissions=["sync_stock"])
    def accept_shop_stock(self, request, queryset):
        states = []
        seen_skus = set()
        for state in self._repairable(request, queryset):
            if state.sku_id in seen_skus:
                # Two shops' figures for one SKU: only one can become the local stock.
                self.message_user(
                    request,
                    _("%(shop)s · %(sku)s: another shop's figure for this SKU is selected; choose one shop per SKU.")
                    % {"shop": state.shop.name, "sku": state.sku},
                    messages.ERROR,
                )
                continue
            seen_skus.add(state.sku_id)
            states.append(state)
        if not states:
            return None
        form = AcceptShopStockForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            count = 0
            for state in states:
                try:
                    reconcile.accept_shop_stock(state=state, user=request.user, note=form.cleaned_data["reason"])
                except reconcile.RepairRefused as refused:
                    self.message_user(request, str(refused), messages.ERROR)
                    continue
                count += 1
            self.message_user(
                request,
                ngettext(
                    "The local stock of %(count)d SKU now is the shop's figure; the other shops follow.",
                    "The local stock of %(count)d SKUs now is the shop's figure; the other shops follow.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS if count else messages.WARNING,
            )
            return None
        return TemplateResponse(
            request,
            "admin/channels_sync/accept_shop_stock.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Accept the shop's figure"),
                "objects": states,
                "form": form,
                "opts": self.model._meta,
                "action": "accept_shop_stock",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

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
