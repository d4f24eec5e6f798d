"""Single-platform records: the Channels third-party source declaration and the settings of the platforms that
are not WeChat shops."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..crypto import decrypt_secret, encrypt_secret
from .shops import Shop


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


# --- Per-shop settings of the platforms that are not WeChat shops ---------------------------------------------


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


class OpenPlatformOptions(models.Model):
    """The publishProduct fields the catalog has no equivalent for (API reference §6, seed 004).

    One abstract set of fields, used twice: the shop's defaults (every field set) and a product's overrides
    (a blank field takes the shop's default).
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


class OpenPlatformSettings(OpenPlatformOptions):
    """A publishProduct shop's defaults, and whether it is a joint-operation (联营) merchant."""

    shop = models.OneToOneField(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="open_platform")
    is_joint_operation = models.BooleanField(
        _("joint-operation merchant (联营)"),
        default=False,
        help_text=_("Joint-operation merchants must send price check information with every SKU."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("open platform settings")
        verbose_name_plural = _("open platform settings")

    def __str__(self) -> str:
        return self.shop.name


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
