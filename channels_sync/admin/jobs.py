"""The outbox: jobs with their attempts, remote bindings and images, pushes received."""

import json

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..engine import outbox
from ..errcode_explanations import explain
from ..models import (
    PushEvent,
    RemoteBinding,
    RemoteImage,
    SyncAttempt,
    SyncJob,
)
from ..rejections import rejection_of
from .common import (
    REMOTE_EDIT_STATUS_LABELS,
    REMOTE_STATUS_LABELS,
    ReadOnlyAdminMixin,
    SyncPermissionsMixin,
    rejection_html,
    remote_status_label,
)
from .job_outcomes import job_outcome_lines


class SyncAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Each call of the job: when, how long, its outcome in words; the call itself only under 技术详情."""

    model = SyncAttempt
    fields = ["started_at", "duration_ms", "outcome", "bodies"]
    readonly_fields = fields
    extra = 0
    ordering = ["-started_at", "-pk"]
    # Without the row's heading (the attempt's endpoint and code): those are under 技术详情.
    template = "admin/channels_sync/syncattempt_inline.html"

    @admin.display(description=_("outcome"))
    def outcome(self, obj):
        if obj.errcode in (None, 0) and not obj.errmsg and not obj.error_class:
            return _("accepted by the platform")
        return explain(obj.job.shop.platform, obj.errcode, obj.errmsg).title

    @admin.display(description=_("technical details"))
    def bodies(self, obj):
        return format_html(
            "<details><summary>技术详情</summary><p>{} {} · HTTP {} · {}: {} {}</p>"
            "<pre>{}</pre><pre>{}</pre></details>",
            obj.method,
            obj.endpoint,
            obj.http_status if obj.http_status is not None else "-",
            obj.errcode if obj.errcode is not None else "-",
            obj.errmsg,
            obj.error_class,
            json.dumps(obj.request, ensure_ascii=False, indent=1)[:4000],
            json.dumps(obj.response, ensure_ascii=False, indent=1)[:4000],
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("job__shop")


# The engine's bookkeeping (lock key, lease, queue position) says nothing to a merchant: not on the job's page.
JOB_ENGINE_FIELDS = ("lock_key", "lease_owner", "lease_until", "queue_position")
# What the job's page shows in words (the outcome, the explained error), raw only under 技术详情.
JOB_TECHNICAL_FIELDS = ("result", "params", "last_errcode", "last_errmsg")


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
    readonly_fields = [
        "outcome_in_words",
        "explained_error",
        "waits_for_link",
        *(
            f.name
            for f in SyncJob._meta.fields
            if f.name not in ("id", "waits_for", *JOB_ENGINE_FIELDS, *JOB_TECHNICAL_FIELDS)
        ),
        "technical_details",
    ]
    # The link replaces the foreign key's widget (the detail page is read-only).
    exclude = ["waits_for", *JOB_ENGINE_FIELDS, *JOB_TECHNICAL_FIELDS]
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

    @admin.display(description=_("outcome"))
    def outcome_in_words(self, obj):
        lines = job_outcome_lines(obj)
        if not lines:
            return "-"
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    @admin.display(description=_("technical details"))
    def technical_details(self, obj):
        """The handler's raw answer, the job's parameters and its last raw error, for support."""
        return format_html(
            "<details><summary>技术详情</summary><p>{}: {}</p><pre>{}</pre><pre>{}</pre></details>",
            obj.last_errcode if obj.last_errcode is not None else "-",
            obj.last_errmsg or "-",
            json.dumps(obj.result, ensure_ascii=False, indent=1)[:4000],
            json.dumps(obj.params, ensure_ascii=False, indent=1)[:4000],
        )

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


class EditStatusFilter(admin.SimpleListFilter):
    """The draft's status (platforms with a draft and an online copy) by its name."""

    title = _("remote draft status")
    parameter_name = "remote_edit_status"

    def lookups(self, request, model_admin):
        return list(REMOTE_EDIT_STATUS_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(remote_edit_status=self.value())


class RemoteStatusFilter(EditStatusFilter):
    """The shop's status of the object by its name."""

    title = _("remote status")
    parameter_name = "remote_status"

    def lookups(self, request, model_admin):
        return list(REMOTE_STATUS_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(remote_status=self.value())


@admin.register(RemoteBinding)
class RemoteBindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What each local object is in each shop, in words: the object by name, its status in Chinese, the last error
    explained (the raw code and message are on the binding's page)."""

    list_display = ["shop", "object_name", "remote_id", "status_in_words", "last_synced_at", "last_error"]
    list_filter = ["shop", "content_type", RemoteStatusFilter, EditStatusFilter, "is_deleted"]
    search_fields = ["remote_id", "last_errmsg"]
    list_select_related = ["shop", "content_type"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    @admin.display(description=_("object"))
    def object_name(self, obj):
        target = obj.target
        label = str(target) if target is not None else _("(deleted)")
        return f"{obj.content_type.name}：{label}"

    @admin.display(description=_("remote status"), ordering="remote_status")
    def status_in_words(self, obj):
        return remote_status_label(obj)

    @admin.display(description=_("last error"))
    def last_error(self, obj):
        if obj.last_errcode is None and not obj.last_errmsg:
            return ""
        return explain(obj.shop.platform, obj.last_errcode, obj.last_errmsg).title


@admin.register(RemoteImage)
class RemoteImageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # The image as a thumbnail, never its stored file's name (a content hash).
    list_display = ["shop", "thumbnail", "asset", "remote_url", "uploaded_at"]

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        return format_html(
            '<img src="{}" alt="{}" style="width:48px;height:48px;object-fit:cover">', obj.asset.image.url, obj.asset
        )

    list_filter = ["shop"]
    list_select_related = ["shop", "asset"]


@admin.register(PushEvent)
class PushEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["received_at", "shop", "event"]
    list_filter = ["shop", "event"]
