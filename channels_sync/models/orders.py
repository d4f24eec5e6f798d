"""Orders pulled from the shops, and their items."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from products.models import Sku

from .shops import Shop


class Order(models.Model):
    """An order pulled from a shop: V1.17 §2.6, the Channels store and the mini-shop (sandbox README, "Orders,
    delivery and after-sales"). ``status`` is the platform's own number; ``stage`` the neutral stage the stock
    sync acts on (``platforms.adapter.OrderStage``)."""

    class Stage(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        AWAITING_SHIPMENT = "awaiting_shipment", _("Awaiting shipment")
        PARTLY_SHIPPED = "partly_shipped", _("Partly shipped")
        SHIPPED = "shipped", _("Shipped")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        UNKNOWN = "unknown", _("See the status")

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
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.UNKNOWN)
    remote_updated_at = models.DateTimeField(_("updated at the shop"), null=True, blank=True)
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
        """The V1.17 status by name; other platforms' numbers by their stage (their numbers mean other things)."""
        if self.stage != self.Stage.UNKNOWN:
            return str(self.get_stage_display())
        try:
            return str(self.Status(self.status).label)
        except ValueError:
            # The manual's examples show codes it never defines; keep the number visible.
            return str(self.status)


def awaiting_shipment(stage: str, status: int) -> bool:
    """Whether an order can still ship: by its stage, or for the legacy store (no stage) by its V1.17 status."""
    if stage == Order.Stage.UNKNOWN:
        return status == Order.Status.AWAITING_SHIPMENT
    return stage in (Order.Stage.AWAITING_SHIPMENT, Order.Stage.PARTLY_SHIPPED)


class OrderItem(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="items")
    remote_product_id = models.CharField(_("remote product id"), max_length=128)
    remote_sku_key = models.CharField(_("remote SKU"), max_length=500, blank=True)
    product_name = models.CharField(_("product"), max_length=200, blank=True)
    price = models.BigIntegerField(_("price"), default=0)
    count = models.PositiveIntegerField(_("quantity"), default=1)
    delivered_count = models.PositiveIntegerField(_("shipped"), default=0)
    refunded_count = models.PositiveIntegerField(_("refunded"), default=0)
    # What the line has taken off the local stock so far (engine/order_stock.py): the sync moves the difference
    # to what it should hold now, so an order seen again changes nothing.
    stock_held = models.IntegerField(_("taken off the stock"), default=0, editable=False)
    image_url = models.URLField(_("image"), max_length=500, blank=True)
    sku = models.ForeignKey(
        Sku, verbose_name=_("SKU"), on_delete=models.SET_NULL, null=True, blank=True, related_name="order_items"
    )

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")

    def __str__(self) -> str:
        return f"{self.product_name} × {self.count}"


class AfterSale(models.Model):
    """An after-sale (refund, or return and refund) of one order line, as the shop last showed it (Channels)."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("Refund")
        RETURN = "return", _("Return and refund")

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="aftersales")
    remote_aftersale_id = models.CharField(_("after-sale id"), max_length=64)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=40)
    awaiting_merchant = models.BooleanField(_("awaiting the merchant"), default=False)
    refunded = models.BooleanField(_("refunded"), default=False)
    remote_product_id = models.CharField(_("remote product id"), max_length=128, blank=True)
    remote_sku_key = models.CharField(_("remote SKU"), max_length=500, blank=True)
    count = models.PositiveIntegerField(_("quantity"), default=0)
    amount = models.BigIntegerField(_("amount"), default=0)
    remote_updated_at = models.DateTimeField(_("updated at the shop"), null=True, blank=True)
    # What the merchant rejected it with, once the platform took the rejection: the platform's reason (its number
    # and its name as the platform listed it) and the merchant's own words to the buyer.
    reject_reason_type = models.PositiveSmallIntegerField(_("reject reason number"), null=True, blank=True)
    reject_reason_label = models.CharField(_("reject reason"), max_length=100, blank=True)
    reject_reason = models.CharField(_("reject explanation"), max_length=200, blank=True)
    raw = models.JSONField(_("as received"), default=dict, blank=True)

    class Meta:
        verbose_name = _("after-sale")
        verbose_name_plural = _("after-sales")
        ordering = ["order", "remote_aftersale_id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "remote_aftersale_id"], name="aftersale_unique_remote_id")
        ]

    def __str__(self) -> str:
        return self.remote_aftersale_id
