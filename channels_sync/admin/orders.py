"""Orders pulled from the shops."""

import json

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..deliveries import delivery_company_choices
from ..engine import outbox
from ..engine.params import AfterSaleRejectParams, OrderPullOneParams, OrderSetDeliveryParams
from ..forms import (
    SetDeliveryForm,
    order_can_ship,
)
from ..models import (
    AfterSale,
    Order,
    OrderItem,
    SyncJob,
)
from ..platforms.errors import PlatformError
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
    fields = ["remote_aftersale_id", "kind", "status", "awaiting_merchant", "refunded", "remote_sku_key", "count"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(AfterSale)
class AfterSaleAdmin(SyncPermissionsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["remote_aftersale_id", "order", "kind", "status", "awaiting_merchant", "refunded", "count"]
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

    @admin.action(description=_("Reject the selected after-sales"), permissions=["fulfil_order"])
    def reject(self, request, queryset):
        # Reject reason 1 with the merchant's note left empty: the platform shows its default description.
        self._decide(request, queryset, SyncJob.Kind.AFTERSALE_REJECT, AfterSaleRejectParams(reason_type=1))

    def _decide(self, request, queryset, kind, params: AfterSaleRejectParams | None) -> None:
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
    readonly_fields = [f.name for f in Order._meta.fields if f.name not in ("id", "raw")] + ["raw_pretty"]
    exclude = ["raw"]
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

    @admin.display(description=_("as received"))
    def raw_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.raw, ensure_ascii=False, indent=2))

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
