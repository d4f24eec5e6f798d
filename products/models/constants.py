"""The platforms, and the limits of their manuals that the catalog checks (API reference §2.2, §3.3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Channels store limits (API reference §3.3).
CHANNELS_TITLE_MIN_LENGTH = 5
CHANNELS_TITLE_MAX_LENGTH = 60
CHANNELS_SHORT_TITLE_MAX_LENGTH = 20
HEAD_IMAGES_MIN = 3
HEAD_IMAGES_MAX = 9
SKUS_MAX = 500
STOCK_MAX = 10_000_000
SKU_CODE_MAX_LENGTH = 20
OUT_SKU_ID_MAX_LENGTH = 32
OUT_PRODUCT_ID_MAX_LENGTH = 128
AFTERSALE_DESC_MAX_LENGTH = 200
# V1.17 custom spec names and values start with "$" (API reference §2.2).
CUSTOM_SPEC_PREFIX = "$"


class Platform(models.TextChoices):
    WECHAT_STORE = "wechat_store", _("WeChat Store (V1.17)")
    CHANNELS = "channels", _("WeChat Channels store")
    MINISHOP = "minishop", _("Mini-shop")
    TENCENT_ADS = "tencent_ads", _("Tencent Ads sales info")
    OPEN_PLATFORM = "open_platform", _("Open platform publishProduct")


# The platforms whose products take a category of the platform's imported tree, with the product form's label of
# that choice. A platform added here gets its choice on the product form; its rows live in ProductPlatformCategory.
CATEGORY_PLATFORMS: dict[str, str] = {
    Platform.WECHAT_STORE: _("WeChat Store category"),
    Platform.CHANNELS: _("Channels category"),
    Platform.MINISHOP: _("mini-shop category"),
}
# The platforms whose category's properties a product carries (ProductProperty); the mini-shop's are not used.
PROPERTY_PLATFORMS = (Platform.WECHAT_STORE, Platform.CHANNELS)


class ExpressType(models.IntegerChoices):
    """V1.17 express ids (API reference §2.2, manual 1.1.5)."""

    SURFACE_MAIL = 10000027, _("Surface mail")
    EXPRESS = 10000028, _("Express")
    EMS = 10000029, _("EMS")
