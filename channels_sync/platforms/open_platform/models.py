"""The open platform's own records: a product's overrides of its shops' publishProduct defaults (API reference §6,
seed 004; the shop's defaults are its settings, ``settings.py``).

Part of the ``channels_sync`` app (its tables keep their names); ``channels_sync.models`` re-exports them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OpenPlatformOptions(models.Model):
    """The publishProduct fields the catalog has no equivalent for (API reference §6, seed 004).

    The fields of a product's overrides (a blank field takes the shop's default, ``settings.SETTINGS``); the shop's
    settings take their choices from here.
    """

    class SalesWay(models.TextChoices):
        DIRECT_SELLING = "DIRECT_SELLING", _("Direct selling (直销)")
        CONSIGNMENT = "CONSIGNMENT", _("Consignment (代销)")
        DIRECT_SELLING_OR_CONSIGNMENT = "DIRECT_SELLING_OR_CONSIGNMENT", _("Direct selling or consignment")

    class SettlementWay(models.TextChoices):
        PROPORTIONAL = "PROPORTIONAL", _("Proportional (比例结算)")
        SETTLEMENT_PRICE = "SETTLEMENT_PRICE", _("Settlement price (结算价结算)")

    class DeliveryWay(models.TextChoices):
        FACTORY_DELIVERY = "FACTORY_DELIVERY", _("Factory delivery (厂家配送)")
        JD_DELIVERY = "JD_DELIVERY", _("JD delivery (京东配送)")
        THIRD_PART_DELIVERY = "THIRD_PART_DELIVERY", _("Third-party delivery (第三方配送)")

    class TimePeriodType(models.TextChoices):
        HOUR = "HOUR", _("Hours")
        DAY = "DAY", _("Days")

    class MediaType(models.TextChoices):
        MAIN_PICTURE = "MAIN_PICTURE", _("Main picture")
        CAROUSEL_PICTURE = "CAROUSEL_PICTURE", _("Carousel picture")
        VIDEO_PICTURE = "VIDEO_PICTURE", _("Video cover")
        VIDEO = "VIDEO", _("Video")

    category_id = models.PositiveBigIntegerField(_("platform category id"), null=True, blank=True)
    brand_name = models.CharField(
        _("brand name"), max_length=100, blank=True, help_text=_("Blank: the product's brand, if it has one.")
    )
    keyword = models.CharField(
        _("search keywords"), max_length=200, blank=True, help_text=_("Blank: the product's title.")
    )
    sales_way = models.CharField(_("sales way"), max_length=32, choices=SalesWay.choices, blank=True)
    settlement_way = models.CharField(_("settlement way"), max_length=32, choices=SettlementWay.choices, blank=True)
    delivery_way = models.CharField(_("delivery way"), max_length=32, choices=DeliveryWay.choices, blank=True)
    delivery_timeliness = models.PositiveIntegerField(_("delivery timeliness"), null=True, blank=True)
    time_period_type = models.CharField(_("timeliness unit"), max_length=8, choices=TimePeriodType.choices, blank=True)
    # [{"salesChannel", "displayTimeStart", "displayTimeEnd", "sevenDaysForReturn", "salesRegionList"}] (seed 004).
    sales_channels = models.JSONField(_("sales channels and regions"), null=True, blank=True)
    sale_unit = models.CharField(_("sale unit"), max_length=20, blank=True, help_text=_("e.g. 件, 箱, 盒."))
    agreement_price_percent = models.DecimalField(
        _("agreement price (percent of the sale price)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    reference_price_percent = models.DecimalField(
        _("reference price (percent of the original price)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    min_delivery_quantity = models.PositiveIntegerField(_("minimum delivery quantity"), null=True, blank=True)
    main_media_type = models.CharField(
        _("media type of the main image"), max_length=20, choices=MediaType.choices, blank=True
    )
    extra_media_type = models.CharField(
        _("media type of the other images"), max_length=20, choices=MediaType.choices, blank=True
    )
    check_price_url = models.URLField(_("price check link"), max_length=1000, blank=True)
    check_price_attachment = models.CharField(_("price check attachment"), max_length=500, blank=True)

    class Meta:
        abstract = True

    OPTION_FIELDS = (
        "category_id",
        "brand_name",
        "keyword",
        "sales_way",
        "settlement_way",
        "delivery_way",
        "delivery_timeliness",
        "time_period_type",
        "sales_channels",
        "sale_unit",
        "agreement_price_percent",
        "reference_price_percent",
        "min_delivery_quantity",
        "main_media_type",
        "extra_media_type",
        "check_price_url",
        "check_price_attachment",
    )

    def as_options(self) -> dict:
        """The fields that are set (not blank), as plain JSON-ready values; percentages as strings."""
        options = {}
        for name in self.OPTION_FIELDS:
            value = getattr(self, name)
            if value is None or value == "" or value == []:
                continue
            options[name] = str(value) if name.endswith("_percent") else value
        return options


class OpenPlatformProductOptions(OpenPlatformOptions):
    """A product's overrides of its open-platform shops' defaults."""

    product = models.OneToOneField(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="open_platform_options",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("open platform options")
        verbose_name_plural = _("open platform options")

    def __str__(self) -> str:
        return str(self.product)
