"""Tencent Ads' own records: a sales-info shop's settings (API reference §5, seed 003).

Part of the ``channels_sync`` app (its tables keep their names); ``channels_sync.models`` re-exports them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from channels_sync.crypto import decrypt_secret, encrypt_secret
from channels_sync.models.shops import Shop


class TencentAdsSettings(models.Model):
    """What a Tencent Ads sales-info shop needs beyond app id and secret (API reference §5, seed 003).

    The shop's app id and secret are the OAuth client id and secret; the refresh token comes from the account's
    authorisation and is stored encrypted like the app secret. Access tokens (24 h) live in the shared cache.
    """

    class StoreType(models.TextChoices):
        SHOP = "SHOP", _("Shop (门店仓)")
        WAREHOUSE = "WAREHOUSE", _("Front warehouse (前置仓)")
        EC_WAREHOUSE = "EC_WAREHOUSE", _("E-commerce warehouse (电商仓)")

    class SaleChannel(models.TextChoices):
        WECHAT_MINIPROGRAM = "WECHAT_MINIPROGRAM", _("WeChat mini program")
        WECHAT_H5 = "WECHAT_H5", _("WeChat H5")
        PC = "PC", "PC"
        APP = "APP", "APP"
        H5 = "H5", "H5"
        JD = "JD", "JD"
        VIPSHOP = "VIPSHOP", "VIPSHOP"
        PDD = "PDD", "PDD"
        OTHER = "OTHER", _("Other")

    shop = models.OneToOneField(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="tencent_ads")
    account_id = models.PositiveBigIntegerField(
        _("account id"), help_text=_("The promoted account (advertiser or agency) with permission to operate.")
    )
    data_warehouse_id = models.PositiveBigIntegerField(_("data warehouse id"))
    external_store_id = models.CharField(
        _("external store id"), max_length=32, help_text=_("Your id of the store or warehouse, 1 to 32 bytes.")
    )
    store_type = models.CharField(_("store type"), max_length=16, choices=StoreType.choices, default=StoreType.SHOP)
    sale_channel_name = models.CharField(
        _("sale channel"), max_length=24, choices=SaleChannel.choices, default=SaleChannel.WECHAT_MINIPROGRAM
    )
    miniprogram_appid = models.CharField(_("mini program app id"), max_length=1024)
    landing_page_template = models.CharField(
        _("landing page template"),
        max_length=2048,
        help_text=_(
            "The mini program page of a SKU; {out_product_id} and {sku_code} are replaced, e.g. "
            "pages/product/index?id={out_product_id}&sku={sku_code}."
        ),
    )
    new_sku_days = models.PositiveSmallIntegerField(
        _("days a SKU counts as new"),
        default=0,
        help_text=_("SKUs published within this many days are reported as NEW; 0 never reports NEW."),
    )
    refresh_token_encrypted = models.TextField(_("refresh token (encrypted)"), blank=True, editable=False)
    refresh_token_expires_at = models.DateTimeField(_("refresh token expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("Tencent Ads settings")
        verbose_name_plural = _("Tencent Ads settings")

    # What the payload builder reads (tencent_ads.payloads.SalesInfoSettings).
    OPTION_FIELDS = (
        "account_id",
        "data_warehouse_id",
        "external_store_id",
        "store_type",
        "sale_channel_name",
        "miniprogram_appid",
        "landing_page_template",
        "new_sku_days",
    )

    def __str__(self) -> str:
        return f"{self.shop.name} · {self.account_id}"

    def set_refresh_token(self, token: str) -> None:
        self.refresh_token_encrypted = encrypt_secret(token) if token else ""

    def get_refresh_token(self) -> str:
        return decrypt_secret(self.refresh_token_encrypted) if self.refresh_token_encrypted else ""

    @property
    def has_refresh_token(self) -> bool:
        return bool(self.refresh_token_encrypted)

    def as_options(self) -> dict:
        """The account, store and landing page as plain values (``ShopConfig.options``); never the token."""
        return {name: getattr(self, name) for name in self.OPTION_FIELDS}
