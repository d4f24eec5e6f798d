"""A publishProduct shop's defaults for the fields the catalog has no equivalent for (API reference §6, seed 004),
declared as its settings schema, and whether it is a joint-operation (联营) merchant.

Together with the catalog the defaults must make a complete payload: the catalog gives the code, title, images,
description, properties, SKUs, prices and stock; everything else §6 requires is required here, so a shop saved
with its defaults can publish any valid catalog product. A product's overrides of these defaults are rows of
their own (``models.OpenPlatformProductOptions``), checked by the same rules (``sales_channel_problems``).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..settings_schema import Kind, SettingField, SettingsSchema
from .models import OpenPlatformOptions
from .payloads import check_display_time

# The choices are the product overrides' own: a default and an override take the same values.
SALES_WAYS = tuple(OpenPlatformOptions.SalesWay.choices)
SETTLEMENT_WAYS = tuple(OpenPlatformOptions.SettlementWay.choices)
DELIVERY_WAYS = tuple(OpenPlatformOptions.DeliveryWay.choices)
TIME_PERIOD_TYPES = tuple(OpenPlatformOptions.TimePeriodType.choices)
MEDIA_TYPES = tuple(OpenPlatformOptions.MediaType.choices)
# Shop defaults every product without its own value uses.
DEFAULT_REQUIRED = _("The shop's default is required: every product without its own value uses it.")


def sales_channel_problems(channel) -> list[str]:
    """What is wrong with one item of the sales channels option (seed 004 "商品销售渠道信息"), in words."""
    if not isinstance(channel, dict):
        return [
            _(
                "it must be an object with salesChannel, displayTimeStart, displayTimeEnd, sevenDaysForReturn "
                "and salesRegionList."
            )
        ]
    problems = []
    if not isinstance(channel.get("salesChannel"), str) or not channel["salesChannel"].strip():
        problems.append(_("salesChannel (the channel code) is required."))
    times = {}
    for key in ("displayTimeStart", "displayTimeEnd"):
        times[key] = check_display_time(channel.get(key))
        if times[key] is None:
            problems.append(_("%(key)s must be a time written yyyy-MM-dd HH:mm:ss.") % {"key": key})
    if None not in times.values() and times["displayTimeStart"] > times["displayTimeEnd"]:
        problems.append(_("displayTimeEnd must not be before displayTimeStart."))
    seven_days = channel.get("sevenDaysForReturn")
    if isinstance(seven_days, bool) or seven_days not in (0, 1):
        problems.append(_("sevenDaysForReturn must be 0 (no) or 1 (yes)."))
    regions = channel.get("salesRegionList")
    if not isinstance(regions, list) or not regions or not all(isinstance(r, str) and r.strip() for r in regions):
        problems.append(_("salesRegionList must be a non-empty list of region names."))
    return problems


def check_sales_channels(channels) -> None:
    """The sales channels option: a JSON list whose every item passes :func:`sales_channel_problems`."""
    if channels == []:
        return
    if not isinstance(channels, list):
        raise ValidationError(_("Enter a JSON list of sales channels."), code="not_a_list")
    errors = [
        ValidationError(_("Channel %(index)d: %(problem)s"), params={"index": index, "problem": problem})
        for index, channel in enumerate(channels, start=1)
        for problem in sales_channel_problems(channel)
    ]
    if errors:
        raise ValidationError(errors)


def check_percent(value: Decimal) -> None:
    if not 0 < value <= 100:
        raise ValidationError(_("Enter a percentage above 0 and at most 100."), code="percent")


def check_at_least_one(value: int) -> None:
    if value < 1:
        raise ValidationError(_("Enter a number of at least 1."), code="at_least_one")


def _price_check_for_joint_operation(values) -> dict:
    """Joint-operation merchants must send price check information with every SKU (§6 ``checkPriceMsgList``)."""
    if not values.get("is_joint_operation"):
        return {}
    message = _("Joint-operation merchants must send price check information.")
    return {name: message for name in ("check_price_url", "check_price_attachment") if not values.get(name)}


# The groups of the publishProduct fields, on the shop's page (its defaults) and the product's (its overrides).
OPTION_FIELDSETS = (
    (_("Category, brand and keywords"), "", (("category_id", "brand_name"), "keyword")),
    (
        _("Sales and settlement"),
        "",
        (("sales_way", "settlement_way"), ("agreement_price_percent", "reference_price_percent")),
    ),
    (
        _("Delivery"),
        "",
        (("delivery_way", "delivery_timeliness", "time_period_type"), ("sale_unit", "min_delivery_quantity")),
    ),
    (_("Sales channels and regions"), "", ("sales_channels",)),
    (_("Media"), "", (("main_media_type", "extra_media_type"),)),
    (_("Price check (joint-operation merchants)"), "", ("check_price_url", "check_price_attachment")),
)


def _default(name, kind, label, *, required=False, **options) -> SettingField:
    return SettingField(name, kind, label, required=required, required_message=DEFAULT_REQUIRED, **options)


SETTINGS = SettingsSchema(
    title=_("open platform settings"),
    fields=(
        SettingField(
            "is_joint_operation",
            Kind.BOOLEAN,
            _("joint-operation merchant (联营)"),
            help_text=_("Joint-operation merchants must send price check information with every SKU."),
            default=False,
        ),
        _default("category_id", Kind.INTEGER, _("platform category id"), required=True, min_value=0),
        _default(
            "brand_name",
            Kind.TEXT,
            _("brand name"),
            required=True,
            max_length=100,
            help_text=_("Blank: the product's brand, if it has one."),
        ),
        _default(
            "keyword", Kind.TEXT, _("search keywords"), max_length=200, help_text=_("Blank: the product's title.")
        ),
        _default("sales_way", Kind.CHOICE, _("sales way"), required=True, choices=SALES_WAYS),
        _default("settlement_way", Kind.CHOICE, _("settlement way"), required=True, choices=SETTLEMENT_WAYS),
        _default("delivery_way", Kind.CHOICE, _("delivery way"), required=True, choices=DELIVERY_WAYS),
        _default(
            "delivery_timeliness",
            Kind.INTEGER,
            _("delivery timeliness"),
            required=True,
            max_value=2**31 - 1,
            validators=(check_at_least_one,),
        ),
        _default("time_period_type", Kind.CHOICE, _("timeliness unit"), choices=TIME_PERIOD_TYPES),
        _default(
            "sales_channels",
            Kind.JSON,
            _("sales channels and regions"),
            required=True,
            validators=(check_sales_channels,),
        ),
        _default("sale_unit", Kind.TEXT, _("sale unit"), required=True, max_length=20, help_text=_("e.g. 件, 箱, 盒.")),
        _default(
            "agreement_price_percent",
            Kind.DECIMAL,
            _("agreement price (percent of the sale price)"),
            max_digits=5,
            decimal_places=2,
            validators=(check_percent,),
        ),
        _default(
            "reference_price_percent",
            Kind.DECIMAL,
            _("reference price (percent of the original price)"),
            max_digits=5,
            decimal_places=2,
            validators=(check_percent,),
        ),
        _default(
            "min_delivery_quantity",
            Kind.INTEGER,
            _("minimum delivery quantity"),
            required=True,
            max_value=2**31 - 1,
            validators=(check_at_least_one,),
        ),
        _default("main_media_type", Kind.CHOICE, _("media type of the main image"), choices=MEDIA_TYPES),
        _default("extra_media_type", Kind.CHOICE, _("media type of the other images"), choices=MEDIA_TYPES),
        _default("check_price_url", Kind.URL, _("price check link"), max_length=1000),
        _default("check_price_attachment", Kind.TEXT, _("price check attachment"), max_length=500),
    ),
    fieldsets=((_("open platform settings"), "", ("is_joint_operation",)), *OPTION_FIELDSETS),
    rules=(_price_check_for_joint_operation,),
)
