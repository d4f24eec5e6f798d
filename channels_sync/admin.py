"""Admin of the sync engine, and the sync side of the catalog admin.

The catalog (``products``) knows nothing of shops: this module re-registers the catalog's admins with the
sync status, the remote actions and the save hooks that write outbox jobs in the admin's own transaction.
"""

import json

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from products import admin as catalog_admin
from products.models import FreightTemplate, Product, ProductGroup, Shelf

from .engine import fanout, outbox
from .errcode_explanations import explain
from .forms import (
    ChooseShopsForm,
    OpenPlatformOptionsForm,
    OpenPlatformSettingsForm,
    SetDeliveryForm,
    ShopAdminForm,
    TencentAdsSettingsForm,
    order_can_ship,
)
from .models import (
    REMOTE_STATUS_MISSING,
    OpenPlatformProductOptions,
    OpenPlatformSettings,
    Order,
    OrderItem,
    PushEvent,
    RemoteBinding,
    RemoteImage,
    RemoteSkuStock,
    Shop,
    StockMovement,
    SyncAttempt,
    SyncJob,
    TencentAdsSettings,
    ThirdPartySourceDeclaration,
)
from .platforms.adapter import Capability
from .platforms.registry import has_capability
from .preflight import Refusal, product_preflight_checks, products_publish_enqueue
from .previews import product_payload_preview
from .rejections import Rejection, rejection_of

# Remote states as the adapters report them (V1.17: draft/listed/delisted; Channels store §3.1: the rest).
REMOTE_STATUS_LABELS = {
    "draft": _("Not listed yet"),
    "initial": _("Not listed yet"),
    "listed": _("Listed"),
    "published": _("Published"),
    "delisted": _("Delisted"),
    "deleted": _("Deleted"),
    REMOTE_STATUS_MISSING: _("Missing in the shop"),
    "recycled": _("In the recycle bin"),
    "sold_out": _("Delisted: sold out"),
    "violation": _("Delisted for a violation"),
    "deposit": _("Delisted: deposit insufficient"),
    "brand_expired": _("Delisted: brand authorisation expired"),
    "banned": _("Banned"),
}
REMOTE_EDIT_STATUS_LABELS = {
    "editing": _("Draft: editing"),
    "auditing": _("Draft: under audit"),
    "rejected": _("Draft: audit rejected"),
    "approved": _("Draft: audit passed"),
    "uploading": _("Draft: uploading"),
    "upload_failed": _("Draft: upload failed"),
}


def remote_status_label(binding) -> str:
    status = str(REMOTE_STATUS_LABELS.get(binding.remote_status, binding.remote_status or "-"))
    if binding.remote_edit_status in REMOTE_EDIT_STATUS_LABELS:
        return f"{status} · {REMOTE_EDIT_STATUS_LABELS[binding.remote_edit_status]}"
    return status


class ReadOnlyAdminMixin:
    """Records written by the engine: visible, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Shops ---------------------------------------------------------------------------------------------


def _shop_job_action(kind, description, permission="import_from_shops"):
    def action(modeladmin, request, queryset):
        shops = list(queryset.filter(is_enabled=True))
        for shop in shops:
            outbox.sync_job_enqueue(shop=shop, kind=kind, created_by=request.user)
        modeladmin.message_user(
            request,
            ngettext("Queued for %(count)d shop.", "Queued for %(count)d shops.", len(shops)) % {"count": len(shops)},
            messages.SUCCESS,
        )

    action.__name__ = f"enqueue_{kind}"
    return admin.action(description=description, permissions=[permission])(action)


class SyncPermissionsMixin:
    def has_import_from_shops_permission(self, request):
        return request.user.has_perm("channels_sync.import_from_shops")

    def has_sync_catalog_permission(self, request):
        return request.user.has_perm("channels_sync.sync_catalog")

    def has_sync_stock_permission(self, request):
        return request.user.has_perm("channels_sync.sync_stock")

    def has_fulfil_order_permission(self, request):
        return request.user.has_perm("channels_sync.fulfil_order")


class TencentAdsSettingsInline(admin.StackedInline):
    """The account, data warehouse, store and landing page of a Tencent Ads shop (reference §5)."""

    model = TencentAdsSettings
    form = TencentAdsSettingsForm
    extra = 1
    max_num = 1
    can_delete = False
    readonly_fields = ["refresh_token_set"]
    fieldsets = [
        (
            None,
            {
                "fields": [("account_id", "data_warehouse_id")],
                "description": _(
                    "The shop's app id and app secret are the OAuth client id and client secret; its API base URL "
                    "is https://api.e.qq.com (or the local emulator in development)."
                ),
            },
        ),
        (_("Store"), {"fields": [("external_store_id", "store_type"), "sale_channel_name", "new_sku_days"]}),
        (_("Landing page"), {"fields": ["miniprogram_appid", "landing_page_template"]}),
        (_("OAuth"), {"fields": ["refresh_token", "refresh_token_set", "refresh_token_expires_at"]}),
    ]

    @admin.display(description=_("refresh token set"), boolean=True)
    def refresh_token_set(self, obj):
        return obj is not None and obj.has_refresh_token


OPEN_PLATFORM_OPTION_FIELDSETS = [
    (_("Category, brand and keywords"), {"fields": [("category_id", "brand_name"), "keyword"]}),
    (
        _("Sales and settlement"),
        {"fields": [("sales_way", "settlement_way"), ("agreement_price_percent", "reference_price_percent")]},
    ),
    (
        _("Delivery"),
        {
            "fields": [
                ("delivery_way", "delivery_timeliness", "time_period_type"),
                ("sale_unit", "min_delivery_quantity"),
            ]
        },
    ),
    (_("Sales channels and regions"), {"fields": ["sales_channels"]}),
    (_("Media"), {"fields": [("main_media_type", "extra_media_type")]}),
    (_("Price check (joint-operation merchants)"), {"fields": ["check_price_url", "check_price_attachment"]}),
]


class OpenPlatformSettingsInline(admin.StackedInline):
    """A publishProduct shop's defaults for the fields the catalog does not hold (reference §6); the form requires
    what every product needs, so a shop saved with defaults can publish any valid catalog product."""

    model = OpenPlatformSettings
    form = OpenPlatformSettingsForm
    extra = 1
    max_num = 1
    can_delete = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [(None, {"fields": ["is_joint_operation"]}), *OPEN_PLATFORM_OPTION_FIELDSETS]


class OpenPlatformProductOptionsInline(admin.StackedInline):
    """A product's overrides of its open-platform shops' defaults; a blank field takes the shop's value."""

    model = OpenPlatformProductOptions
    form = OpenPlatformOptionsForm
    extra = 0
    max_num = 1
    classes = ["collapse"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = OPEN_PLATFORM_OPTION_FIELDSETS


# The settings inline of each platform that has one, shown once the shop is saved with that platform.
SHOP_SETTINGS_INLINES = {"tencent_ads": TencentAdsSettingsInline, "open_platform": OpenPlatformSettingsInline}


@admin.register(Shop)
class ShopAdmin(SyncPermissionsMixin, admin.ModelAdmin):
    form = ShopAdminForm
    list_display = ["name", "platform", "app_id", "base_url", "is_enabled", "secret_set", "pending_jobs", "failed_jobs"]
    list_filter = ["platform", "is_enabled"]
    search_fields = ["name", "app_id"]
    readonly_fields = ["secret_set", "orders_pulled_until", "push_url"]
    fieldsets = [
        (None, {"fields": ["name", "platform", "is_enabled"]}),
        (_("Credentials"), {"fields": ["app_id", "app_secret", "secret_set", "base_url"]}),
        (_("Event pushes"), {"fields": ["push_token", "push_url"]}),
        (_("Orders"), {"fields": ["orders_pulled_until"]}),
    ]
    actions = [
        _shop_job_action(SyncJob.Kind.CATEGORIES_IMPORT, _("Import categories, specs and properties")),
        _shop_job_action(SyncJob.Kind.FREIGHT_IMPORT, _("Import freight templates")),
        _shop_job_action(SyncJob.Kind.GROUPS_IMPORT, _("Import groups")),
        _shop_job_action(SyncJob.Kind.SHELVES_IMPORT, _("Import shelves")),
        _shop_job_action(SyncJob.Kind.ORDERS_PULL, _("Pull new orders now")),
    ]

    def get_inlines(self, request, obj):
        inline = SHOP_SETTINGS_INLINES.get(obj.platform) if obj is not None else None
        return [inline] if inline is not None else []

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and request.method == "GET":
            # A shop saved before its base URL was refused (or whose allowed hosts changed since) fails every job:
            # say so when its page is opened, not only when it is saved.
            refusal = obj.base_url_refusal()
            if refusal is not None:
                self.message_user(
                    request,
                    _("This shop's API base URL is refused, so its jobs fail: %(reason)s") % {"reason": refusal},
                    messages.WARNING,
                )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def response_add(self, request, obj, post_url_continue=None):
        if obj.platform in SHOP_SETTINGS_INLINES and "_addanother" not in request.POST:
            # The platform's settings can only be shown once the platform is known: go on to them.
            self.message_user(
                request,
                _("The shop is saved; now enter its %(platform)s settings.") % {"platform": obj.get_platform_display()},
            )
            return HttpResponseRedirect(reverse("admin:channels_sync_shop_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                pending_total=Count("jobs", filter=Q(jobs__state__in=SyncJob.ACTIVE_STATES)),
                failed_total=Count("jobs", filter=Q(jobs__state=SyncJob.State.FAILED)),
            )
        )

    @admin.display(description=_("secret set"), boolean=True)
    def secret_set(self, obj):
        return obj.has_app_secret

    @admin.display(description=_("pending jobs"), ordering="pending_total")
    def pending_jobs(self, obj):
        return obj.pending_total

    @admin.display(description=_("failed jobs"), ordering="failed_total")
    def failed_jobs(self, obj):
        if not obj.failed_total:
            return 0
        url = reverse("admin:channels_sync_syncjob_changelist") + f"?shop__id__exact={obj.pk}&state__exact=failed"
        return format_html('<a href="{}">{}</a>', url, obj.failed_total)

    @admin.display(description=_("push URL"))
    def push_url(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the shop first.")
        return reverse("channels_sync:push", args=[obj.pk])


# --- Jobs and attempts ------------------------------------------------------------------------------------


class SyncAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SyncAttempt
    fields = [
        "started_at",
        "method",
        "endpoint",
        "duration_ms",
        "http_status",
        "errcode",
        "errmsg",
        "error_class",
        "bodies",
    ]
    readonly_fields = fields
    extra = 0
    ordering = ["-started_at", "-pk"]

    @admin.display(description=_("request / response (redacted)"))
    def bodies(self, obj):
        return format_html(
            "<details><summary>{}</summary><pre>{}</pre><pre>{}</pre></details>",
            _("show"),
            json.dumps(obj.request, ensure_ascii=False, indent=1)[:4000],
            json.dumps(obj.response, ensure_ascii=False, indent=1)[:4000],
        )


@admin.register(SyncJob)
class SyncJobAdmin(SyncPermissionsMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "target_label",
        "shop",
        "state",
        "waits_for_link",
        "attempts",
        "next_attempt_at",
        "last_errcode",
        "short_errmsg",
        "updated_at",
    ]
    list_filter = ["state", "kind", "shop", "outcome_unknown"]
    search_fields = ["target_label", "last_errmsg", "lock_key"]
    list_select_related = ["shop", "waits_for"]
    date_hierarchy = "created_at"
    inlines = [SyncAttemptInline]
    readonly_fields = ["explained_error", "waits_for_link"] + [
        f.name for f in SyncJob._meta.fields if f.name not in ("id", "waits_for")
    ]
    # The link replaces the foreign key's widget (the detail page is read-only).
    exclude = ["waits_for"]
    actions = ["retry_jobs", "cancel_jobs"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The detail page is for reading; retrying and cancelling are actions.
        return request.method != "POST" and super().has_view_permission(request, obj)

    def has_cancel_syncjob_permission(self, request):
        return request.user.has_perm("channels_sync.cancel_syncjob")

    @admin.display(description=_("last error"))
    def short_errmsg(self, obj):
        """The explanation's title in the list (the raw message is on the job's page and in its attempts)."""
        if obj.last_errcode is None and not obj.last_errmsg:
            return ""
        return explain(obj.shop.platform, obj.last_errcode, obj.last_errmsg).title

    @admin.display(description=_("what to do"))
    def explained_error(self, obj):
        if obj.last_errcode is None and not obj.last_errmsg:
            return "-"
        return rejection_html(
            rejection_of(shop=obj.shop, errcode=obj.last_errcode, errmsg=obj.last_errmsg, target=obj.target)
        )

    @admin.display(description=_("waits for"))
    def waits_for_link(self, obj):
        """The job this one waits for (or waited for, once it ended), as a link to it."""
        if obj.waits_for_id is None:
            return "-"
        dependency = obj.waits_for
        return format_html(
            '<a href="{}">#{} {} · {}</a>',
            reverse("admin:channels_sync_syncjob_change", args=[dependency.pk]),
            dependency.pk,
            dependency.get_kind_display(),
            dependency.get_state_display(),
        )

    @admin.action(description=_("Retry the selected failed jobs"), permissions=["sync_catalog"])
    def retry_jobs(self, request, queryset):
        retried = sum(
            outbox.sync_job_retry(job=job, user=request.user)
            for job in queryset.filter(state__in=[SyncJob.State.FAILED, SyncJob.State.CANCELLED])
        )
        self.message_user(
            request,
            ngettext("%(count)d job queued again.", "%(count)d jobs queued again.", retried) % {"count": retried},
            messages.SUCCESS,
        )

    @admin.action(description=_("Cancel the selected pending and waiting jobs"), permissions=["cancel_syncjob"])
    def cancel_jobs(self, request, queryset):
        cancelled = sum(
            outbox.sync_job_cancel(job=job, user=request.user)
            for job in queryset.filter(state__in=SyncJob.QUEUED_STATES).order_by("pk")
        )
        skipped = queryset.count() - cancelled
        self.message_user(
            request,
            ngettext("%(count)d job cancelled.", "%(count)d jobs cancelled.", cancelled) % {"count": cancelled},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d job was not cancelled: it is running or has ended.",
                    "%(count)d jobs were not cancelled: they are running or have ended.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(RemoteBinding)
class RemoteBindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["shop", "content_type", "object_id", "remote_id", "remote_status", "last_synced_at", "last_errcode"]
    list_filter = ["shop", "content_type", "remote_status", "is_deleted"]
    search_fields = ["remote_id", "last_errmsg"]
    list_select_related = ["shop", "content_type"]


@admin.register(RemoteImage)
class RemoteImageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["shop", "asset", "remote_url", "uploaded_at"]
    list_filter = ["shop"]
    list_select_related = ["shop", "asset"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "sku", "delta", "stock_after", "reason", "note", "created_by"]
    list_filter = ["reason"]
    search_fields = ["sku__product__title", "sku__product_code", "note"]
    list_select_related = ["sku__product", "created_by"]
    date_hierarchy = "created_at"


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
    list_filter = ["shop"]
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
        return format_html('<strong style="color:#ba2121">{:+d}</strong>', drift)


@admin.register(PushEvent)
class PushEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["received_at", "shop", "event"]
    list_filter = ["shop", "event"]


# --- Orders -------------------------------------------------------------------------------------------


class OrderItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OrderItem
    fields = ["product_name", "remote_product_id", "remote_sku_key", "sku", "price_display", "count"]
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("price"))
    def price_display(self, obj):
        from products.money import format_fen

        return format_fen(obj.price)


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
    list_filter = ["shop", "status"]
    search_fields = ["remote_order_id", "buyer_nick", "receiver_name", "receiver_mobile", "delivery_track_no"]
    date_hierarchy = "remote_created_at"
    list_select_related = ["shop"]
    inlines = [OrderItemInline]
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
        form = SetDeliveryForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            data = form.cleaned_data
            for order in orders:
                outbox.sync_job_enqueue(
                    shop=order.shop,
                    kind=SyncJob.Kind.ORDER_SET_DELIVERY,
                    target=order,
                    params={
                        "need_delivery": data["need_delivery"],
                        "company": data["company"],
                        "track_no": data["track_no"].strip(),
                        "is_others": data["is_others"],
                    },
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
                params={"remote_order_id": order.remote_order_id},
                lock_key=f"order:{order.remote_order_id}",
                created_by=request.user,
            )
        self.message_user(request, _("Queued."))


# --- The catalog's admins, with their sync side -------------------------------------------------------------


def _enabled_shops():
    return Shop.objects.filter(is_enabled=True).order_by("name")


def rejection_html(rejection: Rejection) -> str:
    return render_to_string("admin/channels_sync/includes/rejection.html", {"rejection": rejection})


def refusal_message(refusal: Refusal) -> str:
    """“T恤” was not sent to 视频号: 类目要求填写属性“材质”。；…, with the SKU a price problem is about."""
    problems = "；".join(
        f"{problem.subject}：{problem.message}"
        if problem.subject and problem.field.startswith("product.skus")
        else str(problem.message)
        for problem in refusal.problems
    )
    return _("“%(product)s” was not sent to %(shop)s: %(problems)s") % {
        "product": refusal.product.title,
        "shop": refusal.shop.name,
        "problems": problems,
    }


def shop_action(kind: str, description, permission: str, *, targets=None):
    """An admin action that asks which shops, then writes one job per shop and selected object.

    ``targets`` maps the selected objects to the job targets when they differ (a product's declaration).
    """

    def action(modeladmin, request, queryset):
        form = ChooseShopsForm(request.POST if "apply" in request.POST else None, shops=_enabled_shops())
        if "apply" in request.POST and form.is_valid():
            refused = ()
            if kind == SyncJob.Kind.PRODUCT_PUBLISH:
                outcome = products_publish_enqueue(
                    shops=form.cleaned_data["shops"], products=list(queryset), user=request.user
                )
                count, refused = outcome.queued, outcome.refused
            else:
                count = fanout.shops_action_enqueue(
                    shops=form.cleaned_data["shops"],
                    kind=kind,
                    targets=list(targets(queryset) if targets else queryset),
                    user=request.user,
                )
            modeladmin.message_user(
                request,
                ngettext("%(count)d job queued.", "%(count)d jobs queued.", count) % {"count": count},
                messages.SUCCESS if count or not refused else messages.WARNING,
            )
            for refusal in refused:
                modeladmin.message_user(request, refusal_message(refusal), messages.ERROR)
            return None
        return TemplateResponse(
            request,
            "admin/channels_sync/choose_shops.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": description,
                "objects": list(queryset),
                "form": form,
                "opts": modeladmin.model._meta,
                "action": action.__name__,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    action.__name__ = f"shops_{kind}"
    return admin.action(description=description, permissions=[permission])(action)


class BindingsChangeList(ChangeList):
    """Loads the shop bindings of the page's objects in one query for the "shops" column."""

    def get_results(self, request):
        super().get_results(request)
        objects = list(self.result_list)
        if not objects:
            return
        content_type = ContentType.objects.get_for_model(self.model)
        by_object: dict[int, list] = {}
        bindings = RemoteBinding.objects.filter(
            content_type=content_type, object_id__in=[o.pk for o in objects]
        ).select_related("shop")
        for binding in bindings.order_by("shop__name"):
            by_object.setdefault(binding.object_id, []).append(binding)
        for obj in objects:
            obj.prefetched_bindings = by_object.get(obj.pk, [])


class SyncedCatalogAdminMixin(SyncPermissionsMixin):
    """Sync status, remote actions and outbox hooks for a catalog admin."""

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            # The panel is a read-only field, rendered without the request: it learns here whether to offer the
            # actions that need the sync permission (the view checks the permission again).
            obj._sync_panel_can_sync = self.has_sync_catalog_permission(request)
        return [*super().get_readonly_fields(request, obj), "sync_panel"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "sync_panel"]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None:
            fieldsets.append((_("Shops"), {"fields": ["sync_panel"]}))
        return fieldsets

    def get_changelist(self, request, **kwargs):
        return BindingsChangeList

    def _bindings(self, obj):
        content_type = ContentType.objects.get_for_model(obj)
        return RemoteBinding.objects.filter(content_type=content_type, object_id=obj.pk).select_related("shop")

    @admin.display(description=_("status in shops"))
    def sync_panel(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        bindings = list(self._bindings(obj))
        if not bindings:
            return _("Not in any shop yet.")
        content_type = ContentType.objects.get_for_model(obj)
        active = set(
            SyncJob.objects.filter(
                target_type=content_type, target_id=obj.pk, state__in=SyncJob.ACTIVE_STATES
            ).values_list("shop_id", flat=True)
        )
        rows = []
        for b in bindings:
            error = (
                rejection_html(rejection_of(shop=b.shop, errcode=b.last_errcode, errmsg=b.last_errmsg, target=obj))
                if b.last_errmsg
                else ""
            )
            preview, preview_label, action = "", "", ""
            if isinstance(obj, Product):
                preview = reverse("admin:products_product_payload_preview", args=[obj.pk, b.shop_id])
                has_draft = has_capability(b.shop.platform, Capability.DRAFT)
                preview_label = _("local, draft and online") if has_draft else _("payload as sent")
                if (
                    b.remote_status == REMOTE_STATUS_MISSING
                    and b.shop_id not in active
                    and getattr(obj, "_sync_panel_can_sync", False)
                ):
                    action = _recreate_button(obj, b)
            rows.append(
                (
                    b.shop.name,
                    remote_status_label(b),
                    action,
                    b.remote_id or "-",
                    _("syncing") if b.shop_id in active else "",
                    localtime(b.last_synced_at).strftime("%Y-%m-%d %H:%M:%S") if b.last_synced_at else "-",
                    error,
                    b.remote_reason,
                    preview,
                    preview_label,
                )
            )
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{} {}</td><td><code>{}</code></td><td>{}</td><td>{}</td>"
            '<td style="color:#ba2121">{}</td><td>{}</td><td><a href="{}">{}</a></td></tr>',
            rows,
        )
        return format_html(
            '<table class="sync-panel"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th></th><th>{}</th><th>{}</th>'
            "<th>{}</th><th></th></tr></thead><tbody>{}</tbody></table>",
            _("shop"),
            _("remote status"),
            _("remote id"),
            _("last sync"),
            _("last error"),
            _("reason"),
            body,
        )

    @admin.display(description=_("shops"))
    def sync_summary(self, obj):
        bindings = getattr(obj, "prefetched_bindings", None)
        if bindings is None:
            bindings = list(self._bindings(obj))
        if not bindings:
            return "-"
        return format_html_join(
            # format_html without arguments is deprecated (an error under the test settings); the separator is a
            # literal.
            mark_safe("<br>"),
            '{}: {}<span style="color:#ba2121">{}</span>',
            ((b.shop.name, remote_status_label(b), f" ⚠ {b.last_errcode}" if b.last_errmsg else "") for b in bindings),
        )

    def save_model(self, request, obj, form, change):
        if change and isinstance(obj, Product):
            # Read before the inlines are saved: the movements are the difference.
            form._stock_before = dict(obj.skus.values_list("pk", "stock"))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            written = fanout.catalog_object_saved(
                target=form.instance,
                user=request.user,
                stock_before=getattr(form, "_stock_before", None),
                body_changed=not _only_stock_changed(form, formsets),
            )
            if written:
                self.message_user(
                    request,
                    ngettext(
                        "The change is on its way to %(count)d shop.",
                        "The change is on its way to %(count)d shops.",
                        written,
                    )
                    % {"count": written},
                )

    def delete_model(self, request, obj):
        fanout.catalog_object_deleting(target=obj, user=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            fanout.catalog_object_deleting(target=obj, user=request.user)
        super().delete_queryset(request, queryset)


def _only_stock_changed(form, formsets) -> bool:
    """Whether a saved change form changed nothing but SKU stock: then the shops need only the stock pushes, not
    a publish whose payload is unchanged. Any other field, a new or deleted row, or a form field that merely
    looks changed, counts as a change of the body."""
    if form.has_changed():
        return False
    for formset in formsets:
        if formset.new_objects or formset.deleted_objects:
            return False
        if any(set(fields) - {"stock"} for _obj, fields in formset.changed_objects):
            return False
    return True


def _recreate_button(product, binding):
    """One click, no page between: a POST from inside the change form (``formaction``), which carries the form's
    CSRF token; ``formnovalidate`` so that the browser does not first check the product form's fields."""
    return format_html(
        '<button type="submit" class="button" formaction="{}" formmethod="post" formnovalidate>{}</button>',
        reverse("admin:products_product_recreate", args=[product.pk, binding.shop_id]),
        _("Re-create in this shop"),
    )


class ThirdPartySourceDeclarationInline(admin.StackedInline):
    """Seed 000's fields the catalog does not hold; the rest of the declaration comes from the product."""

    model = ThirdPartySourceDeclaration
    extra = 0
    max_num = 1
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    classes = ["collapse"]
    fieldsets = [
        (None, {"fields": ["scene_value", "publish_method"]}),
        (_("Supplier"), {"fields": ["supplier_name", ("source_platform_type", "source_platform_name")]}),
        (
            _("Supplier shop performance"),
            {
                "fields": [
                    ("accept_rate_24h", "accept_rate_48h", "on_time_ship_rate"),
                    ("ship_count_7d", "ship_count_30d", "distribute_product_count"),
                    "merchant_identity",
                ]
            },
        ),
        (_("Source listing"), {"fields": ["visit_url", "source_product_id"]}),
        (
            _("Logistics and guarantees"),
            {"fields": ["freight_info", "logistics_template", "service_guarantee", "delivery_time"]},
        ),
    ]


@admin.register(ThirdPartySourceDeclaration)
class ThirdPartySourceDeclarationAdmin(SyncPermissionsMixin, admin.ModelAdmin):
    list_display = ["product", "scene_value", "supplier_name", "source_platform_type", "updated_at"]
    list_filter = ["scene_value", "source_platform_type"]
    search_fields = ["product__title", "supplier_name", "source_product_id"]
    autocomplete_fields = ["product"]
    list_select_related = ["product"]
    fieldsets = [(None, {"fields": ["product"]}), *ThirdPartySourceDeclarationInline.fieldsets]
    formfield_overrides = ThirdPartySourceDeclarationInline.formfield_overrides
    actions = [shop_action(SyncJob.Kind.THIRD_PARTY_DECLARE, _("Declare to shops…"), "sync_catalog")]


class SyncedProductAdmin(SyncedCatalogAdminMixin, catalog_admin.ProductAdmin):
    list_display = [*catalog_admin.ProductAdmin.list_display, "sync_summary"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "preflight_panel"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "preflight_panel"]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None:
            fieldsets.insert(1, (_("What each shop will refuse"), {"fields": ["preflight_panel"]}))
        return fieldsets

    @admin.display(description=_("pre-flight"))
    def preflight_panel(self, obj):
        """Per enabled shop, what its platform would refuse of the saved product, with the platform's choices for a
        missing attribute and a link to the field."""
        if obj is None or obj.pk is None:
            return "-"
        return render_to_string(
            "admin/channels_sync/includes/preflight_panel.html", {"checks": product_preflight_checks(product=obj)}
        )

    actions = [
        shop_action(SyncJob.Kind.PRODUCT_PUBLISH, _("Publish to shops…"), "sync_catalog"),
        shop_action(SyncJob.Kind.PRODUCT_LIST, _("List in shops…"), "sync_catalog"),
        shop_action(SyncJob.Kind.PRODUCT_DELIST, _("Delist in shops…"), "sync_catalog"),
        shop_action(SyncJob.Kind.PRODUCT_DELETE, _("Delete in shops…"), "sync_catalog"),
        shop_action(SyncJob.Kind.PRODUCT_AUDIT_CANCEL, _("Cancel audit in shops…"), "sync_catalog"),
        shop_action(SyncJob.Kind.PRODUCT_REFRESH, _("Read status from shops…"), "sync_catalog"),
        shop_action(SyncJob.Kind.STOCK_PUSH, _("Push stock to shops…"), "sync_stock"),
        shop_action(SyncJob.Kind.STOCK_RECONCILE, _("Reconcile stock with shops…"), "sync_stock"),
        shop_action(
            SyncJob.Kind.THIRD_PARTY_DECLARE,
            _("Declare third-party source to shops…"),
            "sync_catalog",
            targets=lambda products: ThirdPartySourceDeclaration.objects.filter(product__in=products),
        ),
    ]

    def get_inlines(self, request, obj):
        return [
            *super().get_inlines(request, obj),
            ThirdPartySourceDeclarationInline,
            OpenPlatformProductOptionsInline,
        ]

    def get_urls(self):
        return [
            path(
                "<int:product_id>/payload/<int:shop_id>/",
                self.admin_site.admin_view(self.payload_preview_view),
                name="products_product_payload_preview",
            ),
            path(
                "<int:product_id>/recreate/<int:shop_id>/",
                self.admin_site.admin_view(self.recreate_view),
                name="products_product_recreate",
            ),
            *super().get_urls(),
        ]

    def recreate_view(self, request, product_id: int, shop_id: int):
        """POST: re-create in the shop a product that the shop no longer has (the panel's button)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        product = get_object_or_404(Product, pk=product_id)
        if not (self.has_view_permission(request, product) and self.has_sync_catalog_permission(request)):
            raise PermissionDenied
        shop = get_object_or_404(Shop, pk=shop_id)
        try:
            fanout.product_recreate_enqueue(product=product, shop=shop, user=request.user)
        except fanout.ProductNotMissing as refused:
            self.message_user(request, str(refused), messages.WARNING)
        else:
            message = _("Re-creating “%(product)s” in %(shop)s: it is published there as a new product.") % {
                "product": product.title,
                "shop": shop.name,
            }
            self.log_change(request, product, message)
            self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:products_product_change", args=[product.pk]))

    def payload_preview_view(self, request, product_id: int, shop_id: int):
        product = get_object_or_404(Product, pk=product_id)
        if not self.has_view_permission(request, product):
            raise PermissionDenied
        shop = get_object_or_404(Shop, pk=shop_id)
        preview = product_payload_preview(product=product, shop=shop)
        binding = RemoteBinding.objects.filter(
            shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk
        ).first()

        def pretty(value):
            return json.dumps(value, ensure_ascii=False, indent=2) if value else ""

        return TemplateResponse(
            request,
            "admin/channels_sync/payload_preview.html",
            {
                **self.admin_site.each_context(request),
                "title": _("%(product)s in %(shop)s") % {"product": product.title, "shop": shop.name},
                "object": product,
                "shop": shop,
                "binding": binding,
                "status_label": remote_status_label(binding) if binding else _("Not in this shop yet."),
                "preview": preview,
                "payload_json": pretty(preview.body),
                "draft_json": pretty(binding.remote_draft if binding else None),
                "online_json": pretty(binding.remote_online if binding else None),
                "opts": Product._meta,
            },
        )


def _synced_admin(base, *, push_kind: str, delete_kind: str):
    """The catalog admin ``base`` with its sync side: status column and panel, push and remote delete."""

    class SyncedAdmin(SyncedCatalogAdminMixin, base):
        list_display = [*base.list_display, "sync_summary"]
        actions = [
            shop_action(push_kind, _("Push to shops…"), "sync_catalog"),
            shop_action(delete_kind, _("Delete in shops…"), "sync_catalog"),
        ]

    SyncedAdmin.__name__ = f"Synced{base.__name__}"
    return SyncedAdmin


for _model, _base in [
    (FreightTemplate, catalog_admin.FreightTemplateAdmin),
    (ProductGroup, catalog_admin.ProductGroupAdmin),
    (Shelf, catalog_admin.ShelfAdmin),
]:
    admin.site.unregister(_model)
    admin.site.register(
        _model,
        _synced_admin(
            _base,
            push_kind=fanout.PUSH_KIND[_model._meta.label_lower],
            delete_kind=fanout.DELETE_KIND[_model._meta.label_lower],
        ),
    )

admin.site.unregister(Product)
admin.site.register(Product, SyncedProductAdmin)
