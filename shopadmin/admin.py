"""Failed logins in the admin: who is locked out, from where, and an action to unlock them."""

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import FailedLogin
from .services import failed_logins_clear


def _counted_since():
    # axes forgets failures older than the cool-off time (counted from the last attempt).
    return timezone.now() - settings.AXES_COOLOFF_TIME


class LockedFilter(admin.SimpleListFilter):
    title = _("locked")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pair_failures__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=_counted_since())
        if self.value() == "no":
            return queryset.exclude(pair_failures__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=_counted_since())
        return queryset


@admin.register(FailedLogin)
class FailedLoginAdmin(admin.ModelAdmin):
    list_display = ["username_display", "ip_address_display", "failures", "attempt_time_display", "status"]
    list_filter = [LockedFilter]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    actions = ["unlock"]
    fields = ["username", "ip_address", "user_agent", "path_info", "failures_since_start", "attempt_time"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[FailedLogin]:
        # axes adds up the failures of one user name and address across browsers: so does the status.
        pair_failures = (
            FailedLogin.objects.filter(
                username=OuterRef("username"), ip_address=OuterRef("ip_address"), attempt_time__gte=_counted_since()
            )
            .values("username", "ip_address")
            .annotate(total=Sum("failures_since_start"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(pair_failures=Coalesce(Subquery(pair_failures), "failures_since_start"))
        )

    def get_actions(self, request: HttpRequest) -> dict:
        # Unlocking is the one way to remove records: it removes every record of the pair, as axes counts them.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("user name"), ordering="username")
    def username_display(self, obj: FailedLogin) -> str:
        return obj.username or ""

    @admin.display(description=_("IP address"), ordering="ip_address")
    def ip_address_display(self, obj: FailedLogin) -> str:
        return obj.ip_address or ""

    @admin.display(description=_("failures"), ordering="failures_since_start")
    def failures(self, obj: FailedLogin) -> int:
        return obj.failures_since_start

    @admin.display(description=_("last attempt"), ordering="attempt_time")
    def attempt_time_display(self, obj: FailedLogin):
        return obj.attempt_time

    @admin.display(description=_("status"))
    def status(self, obj: FailedLogin) -> str:
        if obj.pair_failures >= settings.AXES_FAILURE_LIMIT and obj.attempt_time >= _counted_since():
            return _("Locked until %(time)s") % {
                "time": timezone.localtime(obj.attempt_time + settings.AXES_COOLOFF_TIME).strftime("%Y-%m-%d %H:%M")
            }
        remaining = max(settings.AXES_FAILURE_LIMIT - obj.pair_failures, 0)
        return ngettext("%(count)d attempt left", "%(count)d attempts left", remaining) % {"count": remaining}

    @admin.action(description=_("Unlock the selected logins"), permissions=["delete"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[FailedLogin]) -> None:
        self.log_deletions(request, queryset)
        unlocked = failed_logins_clear(failed_logins=queryset)
        self.message_user(
            request,
            ngettext("%(count)d login unlocked.", "%(count)d logins unlocked.", unlocked) % {"count": unlocked},
            messages.SUCCESS,
        )
