"""Local stock movements, and what each shop is known to hold per SKU."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from products.models import Sku

from .shops import Shop


class StockMovement(models.Model):
    """A change of a SKU's local stock, with why; the engine pushes their sum as deltas per shop."""

    class Reason(models.TextChoices):
        ADMIN_EDIT = "admin_edit", _("Edited in the admin")
        ORDER = "order", _("Sold on a platform")
        RECONCILE = "reconcile", _("Reconciled with a platform")
        IMPORT = "import", _("Imported")

    sku = models.ForeignKey(Sku, verbose_name=_("SKU"), on_delete=models.CASCADE, related_name="stock_movements")
    delta = models.IntegerField(_("change"))
    stock_after = models.PositiveIntegerField(_("stock after"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.sku} {self.delta:+d}"


class RemoteSkuStock(models.Model):
    """What one shop is known to hold for one SKU.

    ``synced_stock`` is the local stock the shop's quantity was last brought in line with: the next push sends
    ``sku.stock - synced_stock`` as one delta, which coalesces every movement since. ``in_flight_delta`` is set
    while a delta is being sent, so a lost answer can be checked against the remote quantity before any retry.
    """

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="sku_stocks")
    sku = models.ForeignKey(Sku, verbose_name=_("SKU"), on_delete=models.CASCADE, related_name="remote_stocks")
    remote_sku_key = models.CharField(_("remote SKU id"), max_length=500, blank=True)
    synced_stock = models.IntegerField(_("stock last synced"), default=0)
    remote_stock = models.IntegerField(_("remote stock last read"), null=True, blank=True)
    remote_stock_read_at = models.DateTimeField(_("remote stock read at"), null=True, blank=True)
    in_flight_delta = models.IntegerField(_("delta in flight"), null=True, blank=True)
    in_flight_remote_before = models.IntegerField(_("remote stock before the delta"), null=True, blank=True)

    class Meta:
        verbose_name = _("remote stock")
        verbose_name_plural = _("remote stocks")
        constraints = [models.UniqueConstraint(fields=["shop", "sku"], name="remote_sku_stock_unique")]

    def __str__(self) -> str:
        return f"{self.shop.name} · {self.sku}"

    @property
    def drift(self) -> int | None:
        """Local stock minus the remote quantity last read (None when never read)."""
        if self.remote_stock is None:
            return None
        return self.sku.stock - self.remote_stock
