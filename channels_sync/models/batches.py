"""A bulk action as the merchant asked for it: one ``SyncBatch`` per submit, one ``SyncBatchItem`` per object and
shop, each pointing at the job that carries it (or saying why the pre-flight refused it).

A request folded into a job already queued (``outbox.sync_job_enqueue``) points at that job: two batches may then
share one job, and both show its state. That is what happened: the one job carries both requests (a publish reads
the catalog when it runs), so when it ends both requests ended with it. A job is never owned by a batch; deleting a
batch leaves its jobs, and a job deleted with its shop leaves the row without a job (shown as failed).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .jobs import SyncJob
from .shops import Shop


class SyncBatch(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=SyncJob.Kind.choices)
    title = models.CharField(_("action"), max_length=200)
    # The admin list the action was started from: the progress page's link back.
    back_url = models.CharField(_("back to"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bulk action")
        verbose_name_plural = _("bulk actions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class SyncBatchItem(models.Model):
    batch = models.ForeignKey(SyncBatch, verbose_name=_("bulk action"), on_delete=models.CASCADE, related_name="items")
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="+")
    target_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(_("object"), max_length=200)
    job = models.ForeignKey(
        SyncJob, verbose_name=_("job"), on_delete=models.SET_NULL, null=True, blank=True, related_name="batch_items"
    )
    # Refused by the pre-flight, nothing queued: the problems as shown then ([{"message": …, "url": …}]).
    refused = models.JSONField(_("refused by the pre-flight"), default=list, blank=True)

    class Meta:
        verbose_name = _("bulk action row")
        verbose_name_plural = _("bulk action rows")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.target_label} @ {self.shop_id}"
