"""Orders pulled from the shops, and their items."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from products.models import Sku

from .shops import Shop


class Order(models.Model):
    """An order pulled from a shop (V1.17 §2.6)."""

    class Status(models.IntegerChoices):
        AWAITING_SHIPMENT = 2, _("Awaiting shipment")
        SHIPPED = 3, _("Shipped")
        COMPLETED = 5, _("Completed")
        CLOSED = 6, _("Closed")
        RIGHTS_PROTECTION = 8, _("Rights protection")

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="orders")
    remote_order_id = models.CharField(_("order id"), max_length=64)
    status = models.IntegerField(_("status"))
    total_price = models.BigIntegerField(_("total"), default=0)
    express_price = models.BigIntegerField(_("shipping fee"), default=0)
    remote_created_at = models.DateTimeField(_("ordered at"), null=True, blank=True)
    buyer_openid = models.CharField(_("buyer openid"), max_length=64, blank=True)
    buyer_nick = models.CharField(_("buyer"), max_length=100, blank=True)
    receiver_name = models.CharField(_("receiver"), max_length=100, blank=True)
    receiver_province = models.CharField(_("province"), max_length=50, blank=True)
    receiver_city = models.CharField(_("city"), max_length=50, blank=True)
    receiver_zone = models.CharField(_("district"), max_length=50, blank=True)
    receiver_address = models.CharField(_("address"), max_length=300, blank=True)
    receiver_mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    receiver_phone = models.CharField(_("phone"), max_length=30, blank=True)
    delivery_company = models.CharField(_("delivery company"), max_length=60, blank=True)
    delivery_track_no = models.CharField(_("tracking number"), max_length=60, blank=True)
    trans_id = models.CharField(_("payment transaction id"), max_length=64, blank=True)
    raw = models.JSONField(_("as received"), default=dict, blank=True)
    stock_applied = models.BooleanField(_("stock applied locally"), default=False, editable=False)
    pulled_at = models.DateTimeField(_("pulled at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-remote_created_at", "-pk"]
        permissions = [("fulfil_order", _("Can set delivery and close orders"))]
        constraints = [models.UniqueConstraint(fields=["shop", "remote_order_id"], name="order_unique_remote_id")]
        indexes = [models.Index(fields=["shop", "status"], name="order_shop_status")]

    def __str__(self) -> str:
        return self.remote_order_id

    def get_status_label(self) -> str:
        try:
            return str(self.Status(self.status).label)
        except ValueError:
            # The manual's examples show codes it never defines; keep the number visible.
            return str(self.status)


class OrderItem(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="items")
    remote_product_id = models.CharField(_("remote product id"), max_length=128)
    remote_sku_key = models.CharField(_("remote SKU"), max_length=500, blank=True)
    product_name = models.CharField(_("product"), max_length=200, blank=True)
    price = models.BigIntegerField(_("price"), default=0)
    count = models.PositiveIntegerField(_("quantity"), default=1)
    image_url = models.URLField(_("image"), max_length=500, blank=True)
    sku = models.ForeignKey(
        Sku, verbose_name=_("SKU"), on_delete=models.SET_NULL, null=True, blank=True, related_name="order_items"
    )

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")

    def __str__(self) -> str:
        return f"{self.product_name} × {self.count}"
