"""The settings of Tencent Ads and open-platform shops move from their own tables into ``Shop.platform_settings``
(the JSON their settings schemas declare, ``platforms/<platform>/settings.py``), and back.

The conversion is written out here rather than taken from the schemas, which may change after this migration:
a value is stored as plain JSON (a decimal as its digits, a datetime in ISO 8601), a blank one is left out, and
the refresh token is copied as it is stored, still encrypted.
"""

from datetime import datetime
from decimal import Decimal

from django.db import migrations, models

ADS_FIELDS = (
    "account_id",
    "data_warehouse_id",
    "external_store_id",
    "store_type",
    "sale_channel_name",
    "miniprogram_appid",
    "landing_page_template",
    "new_sku_days",
)
OPEN_PLATFORM_FIELDS = (
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
DECIMAL_FIELDS = ("agreement_price_percent", "reference_price_percent")
BLANK = (None, "", [])


def _as_json(name, value):
    return format(value, "f") if name in DECIMAL_FIELDS else value


def rows_to_json(apps, schema_editor):
    TencentAdsSettings = apps.get_model("channels_sync", "TencentAdsSettings")
    OpenPlatformSettings = apps.get_model("channels_sync", "OpenPlatformSettings")
    Shop = apps.get_model("channels_sync", "Shop")
    settings_by_shop: dict[int, dict] = {}
    for ads in TencentAdsSettings.objects.all():
        stored = settings_by_shop.setdefault(ads.shop_id, {})
        stored.update({name: getattr(ads, name) for name in ADS_FIELDS if getattr(ads, name) not in BLANK})
        if ads.refresh_token_encrypted:
            stored["refresh_token"] = ads.refresh_token_encrypted
        if ads.refresh_token_expires_at is not None:
            stored["refresh_token_expires_at"] = ads.refresh_token_expires_at.isoformat()
    for defaults in OpenPlatformSettings.objects.all():
        stored = settings_by_shop.setdefault(defaults.shop_id, {})
        stored["is_joint_operation"] = defaults.is_joint_operation
        stored.update(
            {
                name: _as_json(name, getattr(defaults, name))
                for name in OPEN_PLATFORM_FIELDS
                if getattr(defaults, name) not in BLANK
            }
        )
    for shop_id, stored in settings_by_shop.items():
        Shop.objects.filter(pk=shop_id).update(platform_settings=stored)


def json_to_rows(apps, schema_editor):
    TencentAdsSettings = apps.get_model("channels_sync", "TencentAdsSettings")
    OpenPlatformSettings = apps.get_model("channels_sync", "OpenPlatformSettings")
    Shop = apps.get_model("channels_sync", "Shop")
    for shop in Shop.objects.exclude(platform_settings={}):
        stored = shop.platform_settings
        # Each platform's keys are its own: a shop holds a row of the platform whose keys it has.
        if "account_id" in stored:
            expires = stored.get("refresh_token_expires_at")
            TencentAdsSettings.objects.create(
                shop=shop,
                **{name: stored[name] for name in ADS_FIELDS if name in stored},
                refresh_token_encrypted=stored.get("refresh_token", ""),
                refresh_token_expires_at=datetime.fromisoformat(expires) if expires else None,
            )
        if "is_joint_operation" in stored:
            values = {
                name: Decimal(stored[name]) if name in DECIMAL_FIELDS else stored[name]
                for name in OPEN_PLATFORM_FIELDS
                if name in stored
            }
            OpenPlatformSettings.objects.create(shop=shop, is_joint_operation=stored["is_joint_operation"], **values)


class Migration(migrations.Migration):
    dependencies = [
        ("channels_sync", "0008_sync_job_kinds_orders_and_imports"),
    ]

    operations = [
        migrations.AddField(
            model_name="shop",
            name="platform_settings",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="platform settings"),
        ),
        migrations.RunPython(rows_to_json, json_to_rows),
        migrations.DeleteModel(name="OpenPlatformSettings"),
        migrations.DeleteModel(name="TencentAdsSettings"),
    ]
