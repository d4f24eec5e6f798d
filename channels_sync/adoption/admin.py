"""The admin of product imports: "Import products" on a shop opens the preview; the merchant's choices, then the
import as a batch with its progress. Each view calls one service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from channels_sync.models import CatalogImport, CatalogImportRow

from .forms import CatalogImportChoicesForm
from .matching import ConflictReason, MatchKey
from .services import CatalogImportError, catalog_import_choose, catalog_import_run, catalog_import_start

PERMISSION = "channels_sync.import_from_shops"
REASON_LABELS = {
    ConflictReason.SEVERAL_CANDIDATES: _("Several local products match."),
    ConflictReason.SKU_SETS_DIFFER: _("The matching product's SKUs differ from the shop's."),
    ConflictReason.CANDIDATE_BOUND_ELSEWHERE: _("The matching product is bound to another product of this shop."),
    ConflictReason.SHARED_CANDIDATE: _("Another product of this shop matches the same local product."),
}
MATCH_LABELS = {
    MatchKey.BINDING: _("already bound"),
    MatchKey.OUT_PRODUCT_ID: _("merchant product code"),
    MatchKey.PRODUCT_CODE: _("SPU code"),
    MatchKey.SKU_CODES: _("SKU codes"),
}


@admin.action(description=_("Import products…"), permissions=["import_from_shops"])
def shops_import_products(modeladmin, request, queryset):
    """Start a preview for the selected shop and open it."""
    shops = list(queryset[:2])
    if len(shops) != 1:
        modeladmin.message_user(request, _("Choose one shop to import products from."), messages.WARNING)
        return None
    try:
        catalog_import = catalog_import_start(shop=shops[0], user=request.user)
    except CatalogImportError as refused:
        modeladmin.message_user(request, str(refused), messages.ERROR)
        return None
    modeladmin.message_user(request, _("Reading the shop's products: the preview follows."), messages.SUCCESS)
    return HttpResponseRedirect(reverse("admin:channels_sync_catalogimport_preview", args=[catalog_import.pk]))


@admin.register(CatalogImport)
class CatalogImportAdmin(admin.ModelAdmin):
    list_display = ["id", "shop", "state", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["state", "shop"]
    list_select_related = ["shop", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION) or super().has_view_permission(request, obj)

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return f"{obj.rows_done} / {obj.rows.count()}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:channels_sync_catalogimport_preview", args=[object_id]))

    def get_urls(self):
        return [
            path(
                "<int:import_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="channels_sync_catalogimport_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, import_id: int):
        """The rows with their proposal and a choice each; POST keeps the choices and runs the import."""
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        catalog_import = get_object_or_404(CatalogImport.objects.select_related("shop"), pk=import_id)
        rows = list(catalog_import.rows.select_related("matched_product", "product").order_by("position"))
        form = CatalogImportChoicesForm(request.POST or None, rows=rows)
        if request.method == "POST" and form.is_valid():
            try:
                catalog_import_choose(catalog_import=catalog_import, choices=form.choices())
                catalog_import_run(catalog_import=catalog_import, user=request.user)
            except CatalogImportError as refused:
                form.add_error(None, str(refused))
            else:
                self.message_user(request, _("The import runs: its progress shows here."), messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        running = catalog_import.state in (CatalogImport.State.READING, CatalogImport.State.IMPORTING)
        return TemplateResponse(
            request,
            "admin/channels_sync/catalog_import.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Import products from %(shop)s") % {"shop": catalog_import.shop.name},
                "catalog_import": catalog_import,
                "entries": [_entry(row, form) for row in rows],
                "form": form,
                "running": running,
                "can_run": catalog_import.state in (CatalogImport.State.PREVIEWED, CatalogImport.State.DONE),
                "opts": CatalogImport._meta,
            },
        )


def _entry(row: CatalogImportRow, form: CatalogImportChoicesForm) -> dict:
    candidates = [
        {
            "id": c["id"],
            "matched_by": ", ".join(str(MATCH_LABELS.get(key, key)) for key in c["matched_by"]),
            "remote_only": c.get("remote_only", []),
            "local_only": c.get("local_only", []),
        }
        for c in row.candidates
    ]
    return {
        "row": row,
        "field": form[CatalogImportChoicesForm.field_name(row)],
        "reason": REASON_LABELS.get(row.reason, row.reason),
        "candidates": candidates,
        "result": row.get_result_display() if row.result else "",
    }
