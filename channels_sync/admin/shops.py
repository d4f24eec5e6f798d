"""Shops, with the settings of their platform (its settings schema, ``platforms/<platform>/settings.py``)."""

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..adoption.admin import shops_import_products
from ..engine import outbox
from ..forms import ShopAdminForm, shop_settings_form
from ..models import Shop, SyncJob
from ..platforms.open_platform import settings as open_platform_settings
from ..platforms.registry import settings_schema
from ..simulated_orders import CannotSimulate, simulate_buyer_order
from .common import SyncPermissionsMixin


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


@admin.action(description=_("Simulate a buyer's order (emulator only)"), permissions=["fulfil_order"])
def shops_simulate_order(modeladmin, request, queryset):
    """A demonstration: the emulator's buyer orders two pieces in each chosen emulator shop; it arrives by event."""
    for shop in queryset:
        try:
            order_id = simulate_buyer_order(shop)
        except CannotSimulate as refused:
            modeladmin.message_user(request, f"{shop.name}: {refused}", messages.ERROR)
        else:
            modeladmin.message_user(
                request,
                _("%(shop)s: the buyer placed order %(order)s; it appears under Orders in a moment.")
                % {"shop": shop.name, "order": order_id},
                messages.SUCCESS,
            )


# A product's overrides of the open platform's shop defaults, grouped as the shop's settings are (admin/catalog.py).
OPEN_PLATFORM_OPTION_FIELDSETS = [
    (title, {"fields": list(entries)}) for title, _description, entries in open_platform_settings.OPTION_FIELDSETS
]


@admin.register(Shop)
class ShopAdmin(SyncPermissionsMixin, admin.ModelAdmin):
    form = ShopAdminForm
    list_display = ["name", "platform", "app_id", "base_url", "is_enabled", "secret_set", "pending_jobs", "failed_jobs"]
    list_filter = ["platform", "is_enabled"]
    search_fields = ["name", "app_id"]
    readonly_fields = ["secret_set", "orders_pulled_until", "push_url", "push_encrypted"]
    fieldsets = [
        (None, {"fields": ["name", "platform", "is_enabled"]}),
        (_("Credentials"), {"fields": ["app_id", "app_secret", "secret_set", "base_url"]}),
        (_("Event pushes"), {"fields": ["push_token", "push_url", "push_aes_key", "push_encrypted", "plain_pushes"]}),
        (_("Orders"), {"fields": ["orders_pulled_until"]}),
    ]
    actions = [
        _shop_job_action(SyncJob.Kind.CATEGORIES_IMPORT, _("Import categories, specs and properties")),
        _shop_job_action(SyncJob.Kind.FREIGHT_IMPORT, _("Import freight templates")),
        _shop_job_action(SyncJob.Kind.GROUPS_IMPORT, _("Import groups")),
        _shop_job_action(SyncJob.Kind.SHELVES_IMPORT, _("Import shelves")),
        _shop_job_action(SyncJob.Kind.ORDERS_PULL, _("Pull new orders now")),
        shops_import_products,
        shops_simulate_order,
    ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not settings.SANDBOX_ORIGINS:
            # No emulator can be reached here (production): nothing to simulate with.
            actions.pop("shops_simulate_order", None)
        return actions

    def get_fieldsets(self, request, obj=None):
        schema = settings_schema(obj.platform) if obj is not None else None
        if schema is None:
            return self.fieldsets
        return [*self.fieldsets, *schema.admin_fieldsets()]

    def get_form(self, request, obj=None, change=False, **kwargs):
        schema = settings_schema(obj.platform) if obj is not None else None
        if schema is not None:
            kwargs["form"] = shop_settings_form(schema, obj.platform_settings)
        return super().get_form(request, obj, change=change, **kwargs)

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
        if settings_schema(obj.platform) is not None and "_addanother" not in request.POST:
            # The platform's settings can only be shown once the platform is known: go on to them.
            return self._on_to_settings(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if settings_schema(obj.platform) is not None and not obj.platform_settings:
            # Moved to a platform with settings: the page showed the former platform's (dropped), so on to these.
            return self._on_to_settings(request, obj)
        return super().response_change(request, obj)

    def _on_to_settings(self, request, obj):
        self.message_user(
            request,
            _("The shop is saved; now enter its %(platform)s settings.") % {"platform": obj.get_platform_display()},
        )
        return HttpResponseRedirect(reverse("admin:channels_sync_shop_change", args=[obj.pk]))

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

    @admin.display(description=_("encrypted pushes (secure mode)"), boolean=True)
    def push_encrypted(self, obj):
        return bool(obj.push_aes_key_encrypted)

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
