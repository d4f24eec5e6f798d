"""Orders pulled from the shops."""

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ..aftersale_reasons import reject_reasons
from ..deliveries import delivery_company_choices, parcel_params, pieces_left
from ..engine import outbox
from ..engine.params import (
    AfterSaleRejectParams,
    OrderPullOneParams,
    OrderSetDeliveryParams,
)
from ..forms import (
    ParcelForm,
    RejectAfterSaleForm,
    SetDeliveryForm,
    order_can_ship,
)
from ..models import (
    AfterSale,
    Order,
    OrderItem,
    SyncJob,
)
from ..platforms.adapter import Capability
from ..platforms.errors import PlatformError
from ..platforms.registry import has_capability
from .common import ReadOnlyAdminMixin, SyncPermissionsMixin


class OrderStatusFilter(admin.SimpleListFilter):
    """The statuses by their names: the column holds the platform's numbers, which include undefined ones."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(str(status.value), status.label) for status in Order.Status]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        try:
            return queryset.filter(status=int(self.value()))
        except ValueError:
            return queryset.none()


class OrderItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OrderItem
    fields = [
        "product_name",
        "remote_product_id",
        "remote_sku_key",
        "sku",
        "price_display",
        "count",
        "delivered_count",
        "refunded_count",
    ]
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("price"))
    def price_display(self, obj):
        from products.money import format_fen

        return format_fen(obj.price)


class AfterSaleInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The order's after-sales as the shop last showed them; accept or reject them from the after-sales list."""

    model = AfterSale
    fields = [
        "remote_aftersale_id",
        "kind",
        "status",
        "awaiting_merchant",
        "refunded",
        "remote_sku_key",
        "count",
        "reject_reason_label",
        "reject_reason",
    ]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(AfterSale)
class AfterSaleAdmin(SyncPermissionsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "remote_aftersale_id",
        "order",
        "kind",
        "status",
        "awaiting_merchant",
        "refunded",
        "count",
        "reject_reason_label",
    ]
    exclude = ["raw", "reject_reason_type"]
    list_filter = ["awaiting_merchant", "refunded", "kind", "order__shop"]
    search_fields = ["remote_aftersale_id", "order__remote_order_id"]
    list_select_related = ["order__shop"]
    actions = ["accept", "reject"]

    def has_change_permission(self, request, obj=None):
        # Visible to whoever may fulfil orders; the actions are the only changes.
        return request.user.has_perm("channels_sync.fulfil_order")

    @admin.action(description=_("Accept the selected after-sales"), permissions=["fulfil_order"])
    def accept(self, request, queryset):
        self._decide(request, queryset, SyncJob.Kind.AFTERSALE_ACCEPT, None)

    @admin.action(description=_("Reject the selected after-sales…"), permissions=["fulfil_order"])
    def reject(self, request, queryset):
        """Asks for the platform's reason and the merchant's explanation first (a small form), then queues."""
        waiting = [item for item in queryset.select_related("order__shop") if item.awaiting_merchant]
        if not waiting:
            self.message_user(request, _("None of the selected after-sales awaits the merchant."), messages.ERROR)
            return None
        shops = {item.order.shop for item in waiting}
        if len(shops) > 1:
            self.message_user(request, _("Reject the after-sales of one shop at a time."), messages.ERROR)
            return None
        try:
            reasons = reject_reasons(next(iter(shops)), {item.kind for item in waiting})
        except PlatformError as error:
            self.message_user(
                request,
                _("The shop's reject reasons could not be read: %(error)s") % {"error": error.errmsg},
                messages.ERROR,
            )
            return None
        form = RejectAfterSaleForm(request.POST if "apply" in request.POST else None, reasons=reasons)
        if "apply" in request.POST and form.is_valid():
            data = form.cleaned_data
            params = AfterSaleRejectParams(
                reason_type=data["reason_type"], reason=data["reason"], reason_label=data["reason_label"]
            )
            self._decide(request, queryset, SyncJob.Kind.AFTERSALE_REJECT, params, waiting=waiting)
            return None
        return TemplateResponse(
            request,
            "admin/channels_sync/aftersale/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reject after-sales"),
                "aftersales": waiting,
                "form": form,
                "opts": self.model._meta,
                "action": "reject",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def _decide(self, request, queryset, kind, params: AfterSaleRejectParams | None, waiting=None) -> None:
        if waiting is None:
            waiting = [item for item in queryset.select_related("order__shop") if item.awaiting_merchant]
        for item in waiting:
            outbox.sync_job_enqueue(
                shop=item.order.shop, kind=kind, target=item, params=params, created_by=request.user
            )
        skipped = queryset.count() - len(waiting)
        self.message_user(request, _("Queued for %(count)d after-sales.") % {"count": len(waiting)})
        if skipped:
            self.message_user(
                request,
                _("%(count)d after-sales were not awaiting the merchant.") % {"count": skipped},
                messages.WARNING,
            )


@admin.register(Order)
class OrderAdmin(SyncPermissionsMixin, admin.ModelAdmin):
    list_display = [
        "remote_order_id",
        "shop",
        "status_display",
        "total_display",
        "buyer_nick",
        "receiver_name",
        "remote_created_at",
        "delivery_track_no",
    ]
    list_filter = ["shop", "stage", OrderStatusFilter]
    search_fields = ["remote_order_id", "buyer_nick", "receiver_name", "receiver_mobile", "delivery_track_no"]
    date_hierarchy = "remote_created_at"
    list_select_related = ["shop"]
    inlines = [OrderItemInline, AfterSaleInline]
    # The platform's numbers (status, amounts in fen) are shown by their names and in yuan; the raw order only
    # under the technical details.
    readonly_fields = [
        "shipping_summary",
        "status_display",
        "total_display",
        "express_display",
        *(
            f.name
            for f in Order._meta.fields
            if f.name not in ("id", "raw", "status", "total_price", "express_price", "stage")
        ),
        "raw_pretty",
    ]
    exclude = ["raw", "status", "total_price", "express_price", "stage"]
    actions = ["set_delivery", "close_orders", "pull_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return obj.get_status_label()

    @admin.display(description=_("total"), ordering="total_price")
    def total_display(self, obj):
        from products.money import format_fen

        return format_fen(obj.total_price)

    @admin.display(description=_("shipping fee"))
    def express_display(self, obj):
        from products.money import format_fen

        return format_fen(obj.express_price)

    @admin.display(description=_("as received"))
    def raw_pretty(self, obj):
        return format_html(
            "<details><summary>{}</summary><pre>{}</pre></details>",
            _("Technical details"),
            json.dumps(obj.raw, ensure_ascii=False, indent=2),
        )

    def get_urls(self):
        ship = self.admin_site.admin_view(self.ship_parcel_view)
        return [path("<path:object_id>/ship/", ship, name="channels_sync_order_ship"), *super().get_urls()]

    @admin.display(description=_("shipping"))
    def shipping_summary(self, obj):
        """Per line: shipped, refunded and left; and the way to ship the next parcel while anything is left."""
        rows = format_html_join(
            "",
            "<li>{}: {}</li>",
            (
                (
                    item.product_name or item.remote_product_id,
                    _("%(shipped)d of %(count)d shipped, %(left)d left")
                    % {
                        "shipped": item.delivered_count,
                        "count": item.count,
                        "left": max(item.count - item.delivered_count - item.refunded_count, 0),
                    },
                )
                for item in obj.items.all()
            ),
        )
        link = ""
        if order_can_ship(obj) and has_capability(obj.shop.platform, Capability.PARCELS):
            url = reverse("admin:channels_sync_order_ship", args=[obj.pk])
            link = format_html('<a class="button" href="{}">{}</a>', url, _("Ship a parcel…"))
        return format_html("<ul>{}</ul>{}", rows, link)

    def ship_parcel_view(self, request, object_id):
        """One parcel: pieces per line, company, tracking number. What is left ships the same way later."""
        if not request.user.has_perm("channels_sync.fulfil_order"):
            raise PermissionDenied
        order = get_object_or_404(Order.objects.select_related("shop"), pk=object_id)
        change_url = reverse("admin:channels_sync_order_change", args=[order.pk])
        if not (order_can_ship(order) and has_capability(order.shop.platform, Capability.PARCELS)):
            self.message_user(request, _("This order cannot be shipped in parcels now."), messages.ERROR)
            return HttpResponseRedirect(change_url)
        try:
            companies = delivery_company_choices(order.shop)
        except PlatformError as error:
            self.message_user(
                request,
                _("The shop's delivery companies could not be read: %(error)s") % {"error": error.errmsg},
                messages.ERROR,
            )
            return HttpResponseRedirect(change_url)
        items = list(order.items.all())
        form = ParcelForm(
            request.POST if request.method == "POST" else None,
            items=items,
            left=pieces_left(order),
            companies=companies,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            outbox.sync_job_enqueue(
                shop=order.shop,
                kind=SyncJob.Kind.ORDER_SET_DELIVERY,
                target=order,
                params=parcel_params(
                    order=order, pieces=data["pieces"], company=data["company"], track_no=data["track_no"]
                ),
                created_by=request.user,
            )
            self.message_user(request, _("The parcel is queued for shipping."))
            return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "admin/channels_sync/order/ship_parcel.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Ship a parcel"),
                "order": order,
                "form": form,
                "opts": self.model._meta,
                "change_url": change_url,
            },
        )

    @admin.action(description=_("Set delivery…"), permissions=["fulfil_order"])
    def set_delivery(self, request, queryset):
        orders = list(queryset.select_related("shop"))
        not_shippable = [o for o in orders if not order_can_ship(o)]
        if not_shippable:
            self.message_user(
                request,
                _("Only orders awaiting shipment can be shipped: %(orders)s.")
                % {"orders": ", ".join(o.remote_order_id for o in not_shippable)},
                messages.ERROR,
            )
            return None
        shops = {order.shop for order in orders}
        if len(shops) > 1:
            self.message_user(request, _("Ship the orders of one shop at a time."), messages.ERROR)
            return None
        try:
            companies = delivery_company_choices(next(iter(shops))) if shops else None
        except PlatformError as error:
            self.message_user(
                request,
                _("The shop's delivery companies could not be read: %(error)s") % {"error": error.errmsg},
                messages.ERROR,
            )
            return None
        form = SetDeliveryForm(request.POST if "apply" in request.POST else None, companies=companies)
        if "apply" in request.POST and form.is_valid():
            data = form.cleaned_data
            for order in orders:
                outbox.sync_job_enqueue(
                    shop=order.shop,
                    kind=SyncJob.Kind.ORDER_SET_DELIVERY,
                    target=order,
                    params=OrderSetDeliveryParams(
                        need_delivery=data["need_delivery"],
                        company=data["company"],
                        track_no=data["track_no"].strip(),
                        is_others=data["is_others"],
                    ),
                    created_by=request.user,
                )
            self.message_user(request, _("Delivery queued for %(count)d orders.") % {"count": len(orders)})
            return None
        return TemplateResponse(
            request,
            "admin/channels_sync/order/set_delivery.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Set delivery"),
                "orders": orders,
                "form": form,
                "opts": self.model._meta,
                "action": "set_delivery",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Close the selected orders"), permissions=["fulfil_order"])
    def close_orders(self, request, queryset):
        count = 0
        for order in queryset.select_related("shop"):
            outbox.sync_job_enqueue(
                shop=order.shop, kind=SyncJob.Kind.ORDER_CLOSE, target=order, created_by=request.user
            )
            count += 1
        self.message_user(request, _("Closing queued for %(count)d orders.") % {"count": count})

    @admin.action(description=_("Pull the selected orders again"), permissions=["import_from_shops"])
    def pull_again(self, request, queryset):
        for order in queryset.select_related("shop"):
            outbox.sync_job_enqueue(
                shop=order.shop,
                kind=SyncJob.Kind.ORDER_PULL_ONE,
                params=OrderPullOneParams(remote_order_id=order.remote_order_id),
                lock_key=f"order:{order.remote_order_id}",
                created_by=request.user,
            )
        self.message_user(request, _("Queued."))
