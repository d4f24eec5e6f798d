"""The sync side of the catalog's admins, contributed through the catalog's extension point
(``products.extensions``): status column and panel, remote actions, and the save hooks that write outbox jobs in
the admin's own transaction."""

import dataclasses
import json

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from products.extensions import register_admin_panel
from products.models import FreightTemplate, Product, ProductGroup, Shelf

from ..comparison import product_comparison
from ..engine import fanout
from ..forms import OpenPlatformOptionsForm, preflight_fill_fields
from ..models import (
    RemoteBinding,
    Shop,
    SyncJob,
)
from ..platforms.channels.models import ThirdPartySourceDeclaration
from ..platforms.open_platform.models import OpenPlatformProductOptions
from ..preflight import product_preflight_checks
from ..preflight_fill import missing_properties, properties_fill
from ..previews import product_payload_preview
from ..timeline import TIMELINE_LIMIT, product_timeline
from .common import (
    REMOTE_EDIT_STATUS_LABELS,
    REMOTE_STATUS_LABELS,
    SyncPermissionsMixin,
    remote_status_label,
    shop_action,
)
from .dry_run import shops_dry_run
from .selectors import object_bindings, sync_panel_rows
from .shops import OPEN_PLATFORM_OPTION_FIELDSETS


class OpenPlatformProductOptionsInline(admin.StackedInline):
    """A product's overrides of its open-platform shops' defaults; a blank field takes the shop's value."""

    model = OpenPlatformProductOptions
    form = OpenPlatformOptionsForm
    extra = 0
    max_num = 1
    classes = ["collapse"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = OPEN_PLATFORM_OPTION_FIELDSETS


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


class CatalogSyncPanel(SyncPermissionsMixin):
    """Sync status, remote actions and outbox hooks for a catalog admin: a panel the catalog's admin is composed
    with (``products.extensions.extended_admin``)."""

    extra_list_display = ["sync_summary"]
    extra_actions: list = []

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
            # "sync-shops": the panel's template gives it the page's width, without the label column.
            fieldsets.append((_("Shops"), {"fields": ["sync_panel"], "classes": ["sync-shops"]}))
        return fieldsets

    def get_changelist(self, request, **kwargs):
        return BindingsChangeList

    @admin.display(description=_("status in shops"))
    def sync_panel(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        rows = sync_panel_rows(obj=obj, can_sync=getattr(obj, "_sync_panel_can_sync", False))
        panel = render_to_string("admin/channels_sync/sync_panel.html", {"rows": rows})
        if isinstance(obj, Product):
            url = reverse("admin:products_product_timeline", args=[obj.pk])
            panel += format_html('<p class="timeline-link"><a href="{}">{}</a></p>', url, _("Timeline of the product"))
        return panel

    @admin.display(description=_("shops"))
    def sync_summary(self, obj):
        bindings = getattr(obj, "prefetched_bindings", None)
        if bindings is None:
            bindings = list(object_bindings(obj))
        if not bindings:
            return "-"
        return format_html_join(
            mark_safe("<br>"),  # a constant: format_html() without arguments is deprecated in Django 5.2
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
        self.save_panel_fields(request, form)
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

    def save_panel_fields(self, request, form) -> None:
        """Save what the panel's own fields of the form hold, after the inlines and before the fan-out."""

    def delete_model(self, request, obj):
        fanout.catalog_object_deleting(target=obj, user=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            fanout.catalog_object_deleting(target=obj, user=request.user)
        super().delete_queryset(request, queryset)


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


class ProductSyncPanel(CatalogSyncPanel):
    """The product's side: its actions in the shops, its Channels and open-platform inlines, the payload preview
    and the re-create button of the panel."""

    extra_actions = [
        shop_action(SyncJob.Kind.PRODUCT_PUBLISH, _("Publish to shops…"), "sync_catalog"),
        shops_dry_run,
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

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "preflight_panel"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "preflight_panel"]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None:
            fill = [item.field_name for item in self._missing_properties(obj)]
            fieldsets.insert(1, (_("What each shop will refuse"), {"fields": ["preflight_panel", *fill]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        missing = self._missing_properties(obj) if obj is not None else []
        if missing:
            # The panel's fill fields: declared on a subclass of the product form, so the fieldsets may name them.
            kwargs["form"] = type(self.form.__name__, (self.form,), preflight_fill_fields(missing))
        return super().get_form(request, obj, change=change, **kwargs)

    def save_panel_fields(self, request, form) -> None:
        missing = self._missing_properties(form.instance)
        if missing:
            properties_fill(product=form.instance, missing=missing, values=form.cleaned_data)

    @staticmethod
    def _missing_properties(obj) -> list:
        """The missing required properties of the product's imported categories, read once per request (the
        fieldsets, the form and the save all ask)."""
        if not hasattr(obj, "_preflight_missing"):
            obj._preflight_missing = missing_properties(obj)
        return obj._preflight_missing

    @admin.display(description=_("pre-flight"))
    def preflight_panel(self, obj):
        """Per enabled shop, what its platform would refuse of the saved product, with the platform's choices for a
        missing attribute and a link to the field."""
        if obj is None or obj.pk is None:
            return "-"
        # A missing property the panel's fields fill links to its field, not to the properties inline.
        anchors = {
            (item.attribute.category.platform, item.attribute.name): f"#id_{item.field_name}"
            for item in self._missing_properties(obj)
        }
        checks = [
            dataclasses.replace(
                check,
                rows=tuple(
                    dataclasses.replace(row, url=anchors.get((check.shop.platform, row.problem.subject), row.url))
                    if row.problem.field == "product.properties"
                    else row
                    for row in check.rows
                ),
            )
            for check in product_preflight_checks(product=obj)
        ]
        return render_to_string("admin/channels_sync/includes/preflight_panel.html", {"checks": checks})

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
                "<int:product_id>/timeline/",
                self.admin_site.admin_view(self.timeline_view),
                name="products_product_timeline",
            ),
            path(
                "<int:product_id>/read/<int:shop_id>/",
                self.admin_site.admin_view(self.read_shop_copy_view),
                name="products_product_read_shop_copy",
            ),
            path(
                "<int:product_id>/recreate/<int:shop_id>/",
                self.admin_site.admin_view(self.recreate_view),
                name="products_product_recreate",
            ),
            *super().get_urls(),
        ]

    def _product_in_shop_for_sync(self, request, product_id: int, shop_id: int) -> tuple[Product, Shop]:
        """The product and the shop a panel button names, for a user who may sync the catalog."""
        product = get_object_or_404(Product, pk=product_id)
        if not (self.has_view_permission(request, product) and self.has_sync_catalog_permission(request)):
            raise PermissionDenied
        return product, get_object_or_404(Shop, pk=shop_id)

    @method_decorator(require_POST)
    def read_shop_copy_view(self, request, product_id: int, shop_id: int):
        """Read the product's copy in the shop again (the comparison page's button), then back to the page."""
        product, shop = self._product_in_shop_for_sync(request, product_id, shop_id)
        fanout.shops_action_enqueue(
            shops=[shop], kind=SyncJob.Kind.PRODUCT_REFRESH, targets=[product], user=request.user
        )
        self.message_user(
            request,
            _("Reading “%(product)s” from %(shop)s: reload this page in a few seconds to see the shop's copy.")
            % {"product": product.title, "shop": shop.name},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:products_product_payload_preview", args=[product.pk, shop.pk]))

    @method_decorator(require_POST)
    def recreate_view(self, request, product_id: int, shop_id: int):
        """Re-create in the shop a product that the shop no longer has (the panel's button)."""
        product, shop = self._product_in_shop_for_sync(request, product_id, shop_id)
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

    def timeline_view(self, request, product_id: int):
        """The product's one timeline, newest first: its history, the jobs that followed with each attempt's
        outcome, and what the shops said of it."""
        product = get_object_or_404(Product, pk=product_id)
        if not self.has_view_permission(request, product):
            raise PermissionDenied
        rows = [(entry, _status_change_text(entry.change)) for entry in product_timeline(product=product)]
        return TemplateResponse(
            request,
            "admin/channels_sync/product_timeline.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Timeline of “%(product)s”") % {"product": product.title},
                "object": product,
                "rows": rows,
                "limit": TIMELINE_LIMIT,
                "opts": Product._meta,
            },
        )

    def payload_preview_view(self, request, product_id: int, shop_id: int):
        """The product in one shop field by field: what would be sent, the shop's draft and its online copy, the
        differences highlighted; the raw bodies only under 技术详情."""
        product = get_object_or_404(Product.objects.select_related("freight_template"), pk=product_id)
        if not self.has_view_permission(request, product):
            raise PermissionDenied
        shop = get_object_or_404(Shop, pk=shop_id)
        preview = product_payload_preview(product=product, shop=shop)
        binding = RemoteBinding.objects.filter(
            shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk
        ).first()
        comparison = product_comparison(
            shop=shop,
            local=preview.body,
            draft=binding.remote_draft if binding else None,
            online=binding.remote_online if binding else None,
            local_images=preview.image_assets,
            local_freight_template=product.freight_template.name if product.freight_template_id else "",
            sku_labels=preview.sku_labels,
        )

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
                # The shop's copy can be read again where the platform gives one and the product is there.
                "read_url": reverse("admin:products_product_read_shop_copy", args=[product.pk, shop.pk])
                if comparison.remote_columns
                and binding is not None
                and binding.is_bound
                and self.has_sync_catalog_permission(request)
                else "",
                "status_label": remote_status_label(binding) if binding else _("Not in this shop yet."),
                "preview": preview,
                "comparison": comparison,
                "payload_json": pretty(preview.body),
                "draft_json": pretty(binding.remote_draft if binding else None),
                "online_json": pretty(binding.remote_online if binding else None),
                "opts": Product._meta,
            },
        )


def _object_sync_panel(model, *, push_kind: str, delete_kind: str) -> type:
    """The panel of a catalog object that is pushed whole (freight template, group, shelf)."""

    class ObjectSyncPanel(CatalogSyncPanel):
        extra_actions = [
            shop_action(push_kind, _("Push to shops…"), "sync_catalog"),
            shop_action(delete_kind, _("Delete in shops…"), "sync_catalog"),
        ]

    ObjectSyncPanel.__name__ = f"{model.__name__}SyncPanel"
    return ObjectSyncPanel


def register_catalog_panels() -> None:
    """Contribute the sync panels to the catalog's admins; called once the apps are ready, before the admin
    registers the catalog's admins (``ChannelsSyncConfig.ready``)."""
    register_admin_panel(Product, ProductSyncPanel)
    for model in (FreightTemplate, ProductGroup, Shelf):
        label = model._meta.label_lower
        register_admin_panel(
            model,
            _object_sync_panel(model, push_kind=fanout.PUSH_KIND[label], delete_kind=fanout.DELETE_KIND[label]),
        )


def _status_change_text(change) -> str:
    """A shop's status change in words: "已上架 → 已下架"; the draft's audit likewise."""
    if change is None:
        return ""
    parts = []
    if change.status != change.status_before:
        parts.append(
            f"{_word(change.status_before, REMOTE_STATUS_LABELS)} → {_word(change.status, REMOTE_STATUS_LABELS)}"
        )
    if change.edit_status != change.edit_status_before:
        parts.append(
            f"{_word(change.edit_status_before, REMOTE_EDIT_STATUS_LABELS)} → "
            f"{_word(change.edit_status, REMOTE_EDIT_STATUS_LABELS)}"
        )
    return "；".join(parts)


def _word(status: str, labels: dict) -> str:
    """One status in words ("-" for none); a status the labels lack is shown as the platform gave it."""
    return str(labels.get(status, status or "-"))


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
