"""Freight templates and their rules."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import MoneyField
from .constants import ExpressType

# --- Freight templates ---------------------------------------------------------------------------------


class FreightTemplate(models.Model):
    """A postage template: the V1.17 shape (§2.4) plus what the Channels store needs (§3.5)."""

    class Assumer(models.IntegerChoices):
        BUYER = 0, _("Buyer pays")
        SELLER = 1, _("Seller pays")

    class Valuation(models.IntegerChoices):
        PER_ITEM = 0, _("Per item")
        WEIGHT = 1, _("By weight")
        VOLUME = 2, _("By volume")

    class ValuationType(models.TextChoices):
        PIECE = "PIECE", _("Per piece")
        WEIGHT = "WEIGHT", _("By weight")

    class SendTime(models.TextChoices):
        FOUR_HOURS = "SendTime_FOUR_HOUR", _("Within 4 hours")
        TODAY = "SendTime_TODAY", _("Same day")
        TWENTY_FOUR_HOURS = "SendTime_TWENTYFOUR_HOUR", _("Within 24 hours")
        FORTY_EIGHT_HOURS = "SendTime_FORTYEIGHT_HOUR", _("Within 48 hours")
        SEVENTY_TWO_HOURS = "SendTime_SEVENTYTWO_HOUR", _("Within 72 hours")

    class ShippingMethod(models.TextChoices):
        FREE = "FREE", _("Free shipping")
        CONDITION_FREE = "CONDITION_FREE", _("Free shipping under conditions")
        NO_FREE = "NO_FREE", _("Buyer pays shipping")

    name = models.CharField(_("name"), max_length=100, unique=True)
    assumer = models.PositiveSmallIntegerField(_("who pays"), choices=Assumer.choices, default=Assumer.BUYER)
    valuation = models.PositiveSmallIntegerField(
        _("valuation (WeChat Store)"),
        choices=Valuation.choices,
        default=Valuation.PER_ITEM,
        help_text=_("WeChat Store V1.17 only supports per-item valuation."),
    )
    # Channels store fields.
    valuation_type = models.CharField(
        _("valuation type (Channels)"), max_length=10, choices=ValuationType.choices, default=ValuationType.PIECE
    )
    send_time = models.CharField(
        _("ships within"), max_length=32, choices=SendTime.choices, default=SendTime.FORTY_EIGHT_HOURS
    )
    shipping_method = models.CharField(
        _("shipping method"), max_length=16, choices=ShippingMethod.choices, default=ShippingMethod.NO_FREE
    )
    is_default = models.BooleanField(_("default template"), default=False)
    ship_from_province = models.CharField(_("ship-from province"), max_length=50, blank=True)
    ship_from_city = models.CharField(_("ship-from city"), max_length=50, blank=True)
    ship_from_county = models.CharField(_("ship-from county"), max_length=50, blank=True)
    ship_from_address = models.CharField(_("ship-from street address"), max_length=200, blank=True)
    ship_from_contact = models.CharField(_("ship-from contact name"), max_length=50, blank=True)
    ship_from_phone = models.CharField(_("ship-from phone"), max_length=30, blank=True)
    ship_from_postal_code = models.CharField(_("ship-from postal code"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("freight template")
        verbose_name_plural = _("freight templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.valuation != self.Valuation.PER_ITEM:
            errors["valuation"] = _("WeChat Store V1.17 only supports per-item valuation.")
        if self.valuation_type == self.ValuationType.WEIGHT and self.valuation == self.Valuation.PER_ITEM:
            # Both describe the same template; they must agree or the two platforms would charge differently.
            errors["valuation_type"] = _("The Channels valuation type must match the valuation (per item).")
        if self.assumer == self.Assumer.SELLER and self.shipping_method != self.ShippingMethod.FREE:
            errors["shipping_method"] = _("When the seller pays, the shipping method must be free shipping.")
        if self.shipping_method == self.ShippingMethod.FREE and self.assumer != self.Assumer.SELLER:
            errors["assumer"] = _("Free shipping means the seller pays.")
        if not self.ship_from_province:
            errors["ship_from_province"] = _("The Channels store requires a ship-from province.")
        if errors:
            raise ValidationError(errors)


class FreightFeeRule(models.Model):
    """A fee rule of one express type: the normal rule (no destination) or a custom one for a region."""

    template = models.ForeignKey(
        FreightTemplate, verbose_name=_("freight template"), on_delete=models.CASCADE, related_name="fee_rules"
    )
    express_type = models.PositiveIntegerField(_("express type"), choices=ExpressType.choices)
    dest_country = models.CharField(_("destination country"), max_length=50, blank=True, default="")
    dest_province = models.CharField(
        _("destination province"), max_length=50, blank=True, help_text=_("Empty for the normal rule.")
    )
    dest_city = models.CharField(_("destination city"), max_length=50, blank=True)
    start_standards = models.PositiveIntegerField(
        _("first items"), default=1, validators=[MinValueValidator(1)], help_text=_("Items covered by the first fee.")
    )
    start_fees = MoneyField(_("first fee"), default=0)
    add_standards = models.PositiveIntegerField(
        _("additional items"), default=1, validators=[MinValueValidator(1)], help_text=_("Items per additional fee.")
    )
    add_fees = MoneyField(_("additional fee"), default=0)

    class Meta:
        verbose_name = _("fee rule")
        verbose_name_plural = _("fee rules")
        ordering = ["template", "express_type", "dest_province", "dest_city"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "express_type", "dest_country", "dest_province", "dest_city"],
                name="freight_fee_rule_unique_destination",
            ),
        ]

    def __str__(self) -> str:
        where = " ".join(p for p in (self.dest_province, self.dest_city) if p) or _("default")
        return f"{self.get_express_type_display()} · {where}"

    @property
    def is_normal(self) -> bool:
        return not (self.dest_province or self.dest_city)

    def clean(self) -> None:
        if self.dest_city and not self.dest_province:
            raise ValidationError({"dest_province": _("A destination city needs its province.")})
        if self.dest_province and not self.dest_country:
            self.dest_country = "中国"


class FreightFreeCondition(models.Model):
    """A Channels condition-free rule: free shipping to a region above a number of items or an amount."""

    template = models.ForeignKey(
        FreightTemplate, verbose_name=_("freight template"), on_delete=models.CASCADE, related_name="free_conditions"
    )
    province = models.CharField(_("province"), max_length=50, blank=True, help_text=_("Empty for everywhere."))
    city = models.CharField(_("city"), max_length=50, blank=True)
    min_piece = models.PositiveIntegerField(_("minimum items"), null=True, blank=True)
    min_weight_g = models.PositiveIntegerField(_("minimum weight (g)"), null=True, blank=True)
    min_amount = MoneyField(_("minimum amount"), null=True, blank=True)

    class Meta:
        verbose_name = _("free-shipping condition")
        verbose_name_plural = _("free-shipping conditions")

    def __str__(self) -> str:
        return self.province or str(_("everywhere"))

    def clean(self) -> None:
        if self.min_piece is None and self.min_weight_g is None and self.min_amount is None:
            raise ValidationError(_("Set a minimum number of items, a minimum weight or a minimum amount."))
        if self.city and not self.province:
            raise ValidationError({"province": _("A city needs its province.")})


class FreightNotServedArea(models.Model):
    """An area the template does not deliver to (Channels not_send_area)."""

    template = models.ForeignKey(
        FreightTemplate, verbose_name=_("freight template"), on_delete=models.CASCADE, related_name="not_served_areas"
    )
    province = models.CharField(_("province"), max_length=50)
    city = models.CharField(_("city"), max_length=50, blank=True)
    county = models.CharField(_("county"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("area not served")
        verbose_name_plural = _("areas not served")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "province", "city", "county"], name="freight_not_served_area_unique"
            ),
        ]

    def __str__(self) -> str:
        return " ".join(p for p in (self.province, self.city, self.county) if p)

    def clean(self) -> None:
        if self.county and not self.city:
            raise ValidationError({"city": _("A county needs its city.")})
