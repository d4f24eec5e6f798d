"""What a local object is in one shop: its remote binding, and the images uploaded there once."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from products.models import ImageAsset

from ..platforms.hashing import payload_hash  # noqa: F401 (the engine reads it from the models)
from .shops import Shop

# ``RemoteBinding.remote_status`` of a bound object the shop says no longer exists (its remote id is kept).
REMOTE_STATUS_MISSING = "missing"


class RemoteBinding(models.Model):
    """A local object (product, freight template, group, shelf) as it exists in one shop."""

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="bindings")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("object type"))
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    remote_id = models.CharField(_("remote id"), max_length=128, blank=True)
    remote_status = models.CharField(_("remote status"), max_length=32, blank=True)
    remote_edit_status = models.CharField(_("remote draft status"), max_length=32, blank=True)
    remote_reason = models.TextField(_("remote reason"), blank=True, help_text=_("Audit reject reason and the like."))
    # Platforms with a draft and an online copy (the Channels store): both as last read, for the admin.
    remote_draft = models.JSONField(_("remote draft"), null=True, blank=True)
    remote_online = models.JSONField(_("remote online copy"), null=True, blank=True)
    remote_read_at = models.DateTimeField(_("remote copy read at"), null=True, blank=True)
    listed_once = models.BooleanField(_("listed at least once"), default=False)
    last_pushed_hash = models.CharField(_("last pushed payload hash"), max_length=64, blank=True)
    last_pushed_payload = models.JSONField(_("last pushed payload"), null=True, blank=True)
    last_synced_at = models.DateTimeField(_("last synced at"), null=True, blank=True)
    last_errcode = models.IntegerField(_("last errcode"), null=True, blank=True)
    last_errmsg = models.TextField(_("last error message"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    is_deleted = models.BooleanField(_("deleted remotely"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("remote binding")
        verbose_name_plural = _("remote bindings")
        ordering = ["shop", "content_type", "object_id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "content_type", "object_id"], name="binding_unique_target"),
            models.UniqueConstraint(
                fields=["shop", "content_type", "remote_id"],
                condition=~Q(remote_id=""),
                name="binding_unique_remote_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop.name} · {self.content_type.model} #{self.object_id} → {self.remote_id or '-'}"

    @property
    def is_bound(self) -> bool:
        return bool(self.remote_id) and not self.is_deleted


class RemoteImage(models.Model):
    """An image uploaded to a shop once; its platform URL is reused in every payload."""

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="images")
    asset = models.ForeignKey(ImageAsset, verbose_name=_("image"), on_delete=models.CASCADE, related_name="+")
    remote_url = models.URLField(_("remote URL"), max_length=500)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("uploaded image")
        verbose_name_plural = _("uploaded images")
        constraints = [models.UniqueConstraint(fields=["shop", "asset"], name="remote_image_unique_asset")]

    def __str__(self) -> str:
        return self.remote_url


class BindingStatusChange(models.Model):
    """A change of what the shop said of a bound object: its status (listed, delisted, missing…) or its draft's
    (auditing, approved, rejected, with the reason), as the engine recorded it; the product's timeline reads them."""

    binding = models.ForeignKey(
        RemoteBinding, verbose_name=_("binding"), on_delete=models.CASCADE, related_name="status_changes"
    )
    status_before = models.CharField(_("status before"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=32, blank=True)
    edit_status_before = models.CharField(_("draft status before"), max_length=32, blank=True)
    edit_status = models.CharField(_("draft status"), max_length=32, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("status change in a shop")
        verbose_name_plural = _("status changes in shops")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return (
            f"{self.status_before or '-'} → {self.status or '-'} / "
            f"{self.edit_status_before or '-'} → {self.edit_status or '-'}"
        )
