"""What a Tencent Ads sales-info shop needs beyond app id and secret (API reference §5, seed 003), declared as its
settings schema: the promoted account, the data warehouse, the store and the landing page, checked against §5's
limits (byte lengths, positive ids, the landing page's placeholders) so that a shop saved with them never fails a
push on its settings.

The shop's app id and secret are the OAuth client id and secret; the refresh token comes from the account's
authorisation and is a ``secret`` setting (encrypted at rest, handed to the adapter as ``ShopConfig.extra_secret``).
Access tokens (24 h) live in the shared cache.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..settings_schema import Kind, SettingField, SettingsSchema

# Reference §5 limits, in UTF-8 bytes ("字节").
STORE_ID_MAX_BYTES = 32
APPID_MAX_BYTES = 1024
TARGET_URL_MAX_BYTES = 2048
TEMPLATE_PLACEHOLDERS = ("{out_product_id}", "{sku_code}")
_PLACEHOLDER = re.compile(r"{[^{}]*}")
# The ids are unsigned 64-bit integers on the platform's side.
MAX_ID = 2**63 - 1

STORE_TYPES = (
    ("SHOP", _("Shop (门店仓)")),
    ("WAREHOUSE", _("Front warehouse (前置仓)")),
    ("EC_WAREHOUSE", _("E-commerce warehouse (电商仓)")),
)
SALE_CHANNELS = (
    ("WECHAT_MINIPROGRAM", _("WeChat mini program")),
    ("WECHAT_H5", _("WeChat H5")),
    ("PC", "PC"),
    ("APP", "APP"),
    ("H5", "H5"),
    ("JD", "JD"),
    ("VIPSHOP", "VIPSHOP"),
    ("PDD", "PDD"),
    ("OTHER", _("Other")),
)


def _an_id(value: int) -> None:
    if value == 0:
        raise ValidationError(_("Enter the id Tencent Ads gave you; 0 is not an id."), code="zero_id")


def _landing_page(template: str) -> None:
    unknown = [p for p in _PLACEHOLDER.findall(template) if p not in TEMPLATE_PLACEHOLDERS]
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(placeholders)s: only {out_product_id} and {sku_code} are replaced.")
            % {"placeholders": ", ".join(unknown)},
            code="unknown_placeholder",
        )
    if not any(p in template for p in TEMPLATE_PLACEHOLDERS):
        raise ValidationError(
            _("Use {out_product_id} or {sku_code} so that each product opens its own page."), code="no_placeholder"
        )


SETTINGS = SettingsSchema(
    title=_("Tencent Ads settings"),
    fields=(
        SettingField(
            "account_id",
            Kind.INTEGER,
            _("account id"),
            help_text=_("The promoted account (advertiser or agency) with permission to operate."),
            required=True,
            min_value=0,
            max_value=MAX_ID,
            validators=(_an_id,),
        ),
        SettingField(
            "data_warehouse_id",
            Kind.INTEGER,
            _("data warehouse id"),
            required=True,
            min_value=0,
            max_value=MAX_ID,
            validators=(_an_id,),
        ),
        SettingField(
            "external_store_id",
            Kind.TEXT,
            _("external store id"),
            help_text=_("Your id of the store or warehouse, 1 to 32 bytes."),
            required=True,
            max_length=STORE_ID_MAX_BYTES,
            max_bytes=STORE_ID_MAX_BYTES,
        ),
        SettingField("store_type", Kind.CHOICE, _("store type"), required=True, default="SHOP", choices=STORE_TYPES),
        SettingField(
            "sale_channel_name",
            Kind.CHOICE,
            _("sale channel"),
            required=True,
            default="WECHAT_MINIPROGRAM",
            choices=SALE_CHANNELS,
        ),
        SettingField(
            "miniprogram_appid",
            Kind.TEXT,
            _("mini program app id"),
            required=True,
            max_length=APPID_MAX_BYTES,
            max_bytes=APPID_MAX_BYTES,
        ),
        SettingField(
            "landing_page_template",
            Kind.TEXT,
            _("landing page template"),
            help_text=_(
                "The mini program page of a SKU; {out_product_id} and {sku_code} are replaced, e.g. "
                "pages/product/index?id={out_product_id}&sku={sku_code}."
            ),
            required=True,
            max_length=TARGET_URL_MAX_BYTES,
            max_bytes=TARGET_URL_MAX_BYTES,
            validators=(_landing_page,),
        ),
        SettingField(
            "new_sku_days",
            Kind.INTEGER,
            _("days a SKU counts as new"),
            help_text=_("SKUs published within this many days are reported as NEW; 0 never reports NEW."),
            required=True,
            default=0,
            min_value=0,
            max_value=32767,
        ),
        SettingField(
            "refresh_token",
            Kind.SECRET,
            _("refresh token"),
            help_text=_(
                "From the account's authorisation; stored encrypted and never shown again. Leave empty to keep it."
            ),
            required=True,
            required_message=_("Enter the refresh token of this account."),
        ),
        SettingField("refresh_token_expires_at", Kind.DATETIME, _("refresh token expires at"), for_adapter=False),
    ),
    fieldsets=(
        (
            _("Tencent Ads settings"),
            _(
                "The shop's app id and app secret are the OAuth client id and client secret; its API base URL "
                "is https://api.e.qq.com (or the local emulator in development)."
            ),
            (("account_id", "data_warehouse_id"),),
        ),
        (_("Store"), "", (("external_store_id", "store_type"), "sale_channel_name", "new_sku_days")),
        (_("Landing page"), "", ("miniprogram_appid", "landing_page_template")),
        (_("OAuth"), "", ("refresh_token", "refresh_token_expires_at")),
    ),
    adapter_secret="refresh_token",
)
