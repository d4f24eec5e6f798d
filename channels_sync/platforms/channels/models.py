"""The Channels store's own records: the third-party source declaration of a product (seed 000).

Part of the ``channels_sync`` app (its tables keep their names); ``channels_sync.models`` re-exports them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ThirdPartySourceDeclaration(models.Model):
    """Where a product comes from, declared to the Channels store (addproductthirdpartysource, seed 000).

    The catalog supplies title, images, SKUs and properties; this holds what it does not: the scene, the
    supplier and its shop performance, the source listing, logistics and guarantees.
    """

    class Scene(models.IntegerChoices):
        DISTRIBUTION = 1, _("Distribution (分销铺货)")
        MIGRATION = 2, _("Product migration (商品搬家)")
        OTHER = 3, _("Other")

    class PublishMethod(models.IntegerChoices):
        DATA_PACKAGE = 1, _("Data package")
        SYSTEM = 2, _("System")
        OTHER = 3, _("Other")

    class SourcePlatform(models.IntegerChoices):
        ALIBABA_1688 = 1, _("1688")
        PINDUODUO = 2, _("Pinduoduo")
        OTHER = 3, _("Other")

    product = models.OneToOneField(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="third_party_source",
    )
    scene_value = models.PositiveSmallIntegerField(_("scene"), choices=Scene.choices)
    publish_method = models.PositiveSmallIntegerField(
        _("publish method"), choices=PublishMethod.choices, null=True, blank=True, help_text=_("Required for scene 3.")
    )
    supplier_name = models.CharField(_("supplier name"), max_length=200)
    source_platform_type = models.PositiveSmallIntegerField(
        _("source platform"),
        choices=SourcePlatform.choices,
        null=True,
        blank=True,
        help_text=_("Required for distribution and product migration."),
    )
    source_platform_name = models.CharField(
        _("source platform name"),
        max_length=100,
        blank=True,
        help_text=_("Required for distribution and product migration; the platform's name for scene 3."),
    )
    accept_rate_24h = models.PositiveSmallIntegerField(_("24h pick-up rate (%)"), null=True, blank=True)
    accept_rate_48h = models.PositiveSmallIntegerField(_("48h pick-up rate (%)"), null=True, blank=True)
    ship_count_30d = models.PositiveIntegerField(_("drop-shipped in 30 days"), null=True, blank=True)
    ship_count_7d = models.PositiveIntegerField(_("drop-shipped in 7 days"), null=True, blank=True)
    distribute_product_count = models.PositiveIntegerField(_("distributors"), null=True, blank=True)
    on_time_ship_rate = models.PositiveSmallIntegerField(_("on-time shipping rate (%)"), null=True, blank=True)
    merchant_identity = models.CharField(_("merchant identity"), max_length=100, blank=True)
    visit_url = models.URLField(_("source listing URL"), max_length=1000)
    source_product_id = models.CharField(_("product id on the source platform"), max_length=128)
    freight_info = models.CharField(_("freight information"), max_length=200, blank=True)
    logistics_template = models.CharField(_("logistics template"), max_length=200, blank=True)
    service_guarantee = models.CharField(_("service guarantees"), max_length=200, blank=True)
    delivery_time = models.CharField(_("delivery time promise"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("third-party source declaration")
        verbose_name_plural = _("third-party source declarations")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.product} ← {self.supplier_name}"

    def clean(self) -> None:
        errors = {}
        if self.scene_value == self.Scene.OTHER and not self.publish_method:
            errors["publish_method"] = _("The publish method is required for the scene “Other”.")
        if self.scene_value in (self.Scene.DISTRIBUTION, self.Scene.MIGRATION) and not self.source_platform_type:
            errors["source_platform_type"] = _("The source platform is required for this scene.")
        if not self.source_platform_name.strip():
            # Seed 000: required for scenes 1 and 2, and "需入参平台名称" for scene 3 too.
            errors["source_platform_name"] = _("Enter the name of the source platform.")
        for field in ("accept_rate_24h", "accept_rate_48h", "on_time_ship_rate"):
            value = getattr(self, field)
            if value is not None and value > 100:
                errors[field] = _("A rate is a percentage from 0 to 100.")
        if errors:
            raise ValidationError(errors)

    def as_payload_fields(self) -> dict:
        """The merchant-entered part of the declaration, in the body's field names (seed 000)."""
        performance = {
            name: getattr(self, name)
            for name in (
                "accept_rate_24h",
                "accept_rate_48h",
                "ship_count_30d",
                "ship_count_7d",
                "distribute_product_count",
                "on_time_ship_rate",
            )
            if getattr(self, name) is not None
        }
        if self.merchant_identity:
            performance["merchant_identity"] = self.merchant_identity
        declared = {
            "scene_value": self.scene_value,
            "publish_method": self.publish_method,
            "supplier": {
                "supplier_name": self.supplier_name,
                "source_platform_type": self.source_platform_type,
                "source_platform_name": self.source_platform_name,
            },
            "supplier_shop_performance": performance,
            "visit_url": self.visit_url,
            "product_id": self.source_product_id,
            "logistics_info": {"freight_info": self.freight_info, "logistics_template": self.logistics_template},
            "service_guarantee": self.service_guarantee,
            "delivery_time": self.delivery_time,
        }
        if self.product.brand_id:
            declared["brand"] = self.product.brand.name_zh
        return declared
