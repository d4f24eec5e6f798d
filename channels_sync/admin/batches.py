"""Bulk actions: the list of recent batches and each batch's progress page (rows object × shop, a progress bar,
the summary once every row ended), read again every 1.5 s through a fragment of the page until nothing moves."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..batches import batch_progress
from ..models import SyncBatch, SyncJob
from .common import ReadOnlyAdminMixin


@admin.register(SyncBatch)
class SyncBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["batch_link", "title", "created_by", "created_at", "rows_ended"]
    list_display_links = None
    list_filter = ["kind"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"

    # Whoever may run a bulk action sees where it went, without a permission of its own to be granted.
    BULK_PERMISSIONS = ("channels_sync.sync_catalog", "channels_sync.sync_stock")

    def has_view_permission(self, request, obj=None):
        user = request.user
        return super().has_view_permission(request, obj) or any(user.has_perm(p) for p in self.BULK_PERMISSIONS)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self.has_view_permission(request)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                rows=Count("items"),
                moving=Count("items", filter=Q(items__job__state__in=SyncJob.ACTIVE_STATES)),
            )
        )

    @admin.display(description=_("bulk action"), ordering="pk")
    def batch_link(self, obj):
        return format_html(
            '<a href="{}">#{}</a>', reverse("admin:channels_sync_syncbatch_change", args=[obj.pk]), obj.pk
        )

    @admin.display(description=_("rows ended"))
    def rows_ended(self, obj):
        return f"{obj.rows - obj.moving} / {obj.rows}"

    def get_urls(self):
        rows = self.admin_site.admin_view(self.rows_view)
        return [path("<int:batch_id>/rows/", rows, name="channels_sync_syncbatch_rows"), *super().get_urls()]

    def _batch(self, request, batch_id):
        batch = get_object_or_404(SyncBatch.objects.select_related("created_by"), pk=batch_id)
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        return batch

    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch = self._batch(request, object_id)
        return TemplateResponse(
            request,
            "admin/channels_sync/batch.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Bulk action #%(id)s: %(title)s") % {"id": batch.pk, "title": batch.title},
                "opts": self.model._meta,
                "batch": batch,
                "progress": batch_progress(batch=batch),
            },
        )

    def rows_view(self, request, batch_id: int):
        """The page's moving part, read again by the page while any row moves."""
        batch = self._batch(request, batch_id)
        return TemplateResponse(
            request, "admin/channels_sync/includes/batch_rows.html", {"progress": batch_progress(batch=batch)}
        )
