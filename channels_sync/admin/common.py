"""What the sync engine's admin pages share: remote status labels, the sync permissions, read-only records and
the action that asks which shops."""

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..batches import batch_record
from ..engine import fanout
from ..forms import (
    ChooseShopsForm,
)
from ..models import (
    REMOTE_STATUS_MISSING,
    Shop,
    SyncJob,
)
from ..preflight import Refusal, products_publish_enqueue
from ..rejections import Rejection

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


class SyncPermissionsMixin:
    def has_import_from_shops_permission(self, request):
        return request.user.has_perm("channels_sync.import_from_shops")

    def has_sync_catalog_permission(self, request):
        return request.user.has_perm("channels_sync.sync_catalog")

    def has_sync_stock_permission(self, request):
        return request.user.has_perm("channels_sync.sync_stock")

    def has_fulfil_order_permission(self, request):
        return request.user.has_perm("channels_sync.fulfil_order")


def enabled_shops():
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
        form = ChooseShopsForm(request.POST if "apply" in request.POST else None, shops=enabled_shops())
        if "apply" in request.POST and form.is_valid():
            refused = ()
            with transaction.atomic():
                if kind == SyncJob.Kind.PRODUCT_PUBLISH:
                    outcome = products_publish_enqueue(
                        shops=form.cleaned_data["shops"], products=list(queryset), user=request.user
                    )
                    jobs, refused = outcome.jobs, outcome.refused
                else:
                    jobs = fanout.shops_action_jobs(
                        shops=form.cleaned_data["shops"],
                        kind=kind,
                        targets=list(targets(queryset) if targets else queryset),
                        user=request.user,
                    )
                batch = batch_record(
                    kind=kind,
                    title=description,
                    back_url=request.get_full_path(),
                    user=request.user,
                    queued=jobs,
                    refused=refused,
                )
            count = len(jobs)
            modeladmin.message_user(
                request,
                ngettext("%(count)d job queued.", "%(count)d jobs queued.", count) % {"count": count},
                messages.SUCCESS if count or not refused else messages.WARNING,
            )
            for refusal in refused:
                modeladmin.message_user(request, refusal_message(refusal), messages.ERROR)
            # The batch's progress page, every row from queued to its end (``admin/batches.py``).
            return HttpResponseRedirect(reverse("admin:channels_sync_syncbatch_change", args=[batch.pk]))
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
