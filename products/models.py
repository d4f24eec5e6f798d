"""The catalog: platform-neutral products, SKUs, freight templates, groups and shelves.

A product carries the union of what the platforms need (API reference §2.2 for WeChat Store V1.17, §3.3 for
the Channels store). The rules of the manuals that can be checked without a platform live in ``clean()``
methods and in the admin's formsets (``products.forms``), so bad input is refused before anything is sent.
Money is in fen (``MoneyField``); the admin shows yuan.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .fields import MoneyField

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
PATH_SEPARATOR = " > "


class Platform(models.TextChoices):
    WECHAT_STORE = "wechat_store", _("WeChat Store (V1.17)")
    CHANNELS = "channels", _("WeChat Channels store")
    MINISHOP = "minishop", _("Mini-shop")
    TENCENT_ADS = "tencent_ads", _("Tencent Ads sales info")
    OPEN_PLATFORM = "open_platform", _("Open platform publishProduct")


class ExpressType(models.IntegerChoices):
    """V1.17 express ids (API reference §2.2, manual 1.1.5)."""

    SURFACE_MAIL = 10000027, _("Surface mail")
    EXPRESS = 10000028, _("Express")
    EMS = 10000029, _("EMS")


# --- Per-platform caches: categories, properties and spec tables -------------------------------------


class Category(models.Model):
    """A node of a platform's category tree, imported from the platform (or entered by hand)."""

    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    remote_id = models.CharField(_("remote id"), max_length=64)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    is_leaf = models.BooleanField(_("leaf"), default=True, help_text=_("Products can only use leaf categories."))
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    # The names from the root down, kept on save: a label never walks its ancestors one query each (a filter
    # sidebar lists thousands of categories).
    path = models.CharField(_("path"), max_length=1000, blank=True, editable=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["platform", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "remote_id"], name="category_unique_remote_id"),
        ]

    def __str__(self) -> str:
        # Platform(…).label, not get_platform_display(): labels of thousands of categories are rendered at once.
        platform = Platform(self.platform).label if self.platform in Platform.values else self.platform
        return f"{self.path_display()} ({platform})"

    def save(self, *args, **kwargs):
        previous_path = self.path
        self.path = self.build_path()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if previous_path and previous_path != self.path:
                self._refresh_descendant_paths()

    def clean(self) -> None:
        if self.parent_id is not None:
            if self.parent.platform != self.platform:
                raise ValidationError({"parent": _("The parent category must belong to the same platform.")})
            if self.pk is not None and self.pk in {c.pk for c in self.parent.ancestors(include_self=True)}:
                raise ValidationError({"parent": _("A category cannot be its own ancestor.")})
            self.level = self.parent.level + 1

    def ancestors(self, *, include_self: bool = False) -> list["Category"]:
        """From the root down to the parent (and this category when include_self)."""
        chain = [self] if include_self else []
        node = self.parent
        seen = {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        chain.reverse()
        return chain

    def path_display(self) -> str:
        return self.path or self.build_path()

    def build_path(self) -> str:
        """The parent's stored path and this name: one query at most (none when the parent is loaded)."""
        if self.parent_id is None:
            return self.name
        return f"{self.parent.path or self.parent.build_path()}{PATH_SEPARATOR}{self.name}"

    def _refresh_descendant_paths(self) -> None:
        """A renamed or moved category renames its subtree: one query per level, not per node."""
        parents = {self.pk: self.path}
        while parents:
            children = list(Category.objects.filter(parent_id__in=parents).only("pk", "parent_id", "name", "path"))
            for child in children:
                child.path = f"{parents[child.parent_id]}{PATH_SEPARATOR}{child.name}"
            Category.objects.bulk_update(children, ["path"], batch_size=500)
            # A cycle (refused by clean(), possible through the ORM) must not loop forever.
            parents = {c.pk: c.path for c in children if c.pk != self.pk}


class CategoryAttribute(models.Model):
    """A property (V1.17 getproperty, Channels product_attr_list) or a spec (V1.17 getsku) of a category."""

    class Kind(models.TextChoices):
        PROPERTY = "property", _("Property")
        SPEC = "spec", _("Spec (SKU attribute)")

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="attributes"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    remote_id = models.CharField(
        _("remote id"), max_length=64, blank=True, help_text=_("Empty where the platform keys it by name.")
    )
    name = models.CharField(_("name"), max_length=100)
    is_required = models.BooleanField(_("required"), default=False)

    class Meta:
        verbose_name = _("category attribute")
        verbose_name_plural = _("category attributes")
        ordering = ["category", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["category", "kind", "name"], name="category_attribute_unique_name"),
        ]

    def __str__(self) -> str:
        # The same property name exists in many categories and platforms: the label tells them apart.
        category = self.category
        return f"{self.name} ({category.path_display()} · {category.get_platform_display()})"

    @property
    def platform(self) -> str:
        return self.category.platform


class CategoryAttributeValue(models.Model):
    attribute = models.ForeignKey(
        CategoryAttribute, verbose_name=_("attribute"), on_delete=models.CASCADE, related_name="values"
    )
    remote_id = models.CharField(_("remote id"), max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        ordering = ["attribute", "name"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "name"], name="attribute_value_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.attribute.name}: {self.name}"


class Brand(models.Model):
    """A brand of a platform's brand library (Channels brand/all)."""

    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices, default=Platform.CHANNELS)
    remote_id = models.CharField(_("remote id"), max_length=64)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name_zh"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "remote_id"], name="brand_unique_remote_id"),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} / {self.name_en}" if self.name_en else self.name_zh


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


# --- Products ------------------------------------------------------------------------------------------


def _image_upload_to(instance: "ImageAsset", filename: str) -> str:
    return f"images/{instance.sha256[:2]}/{instance.sha256}{_extension(filename)}"


def _extension(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot != -1 else ".jpg"


class ImageAsset(models.Model):
    """An uploaded image, stored once per content (sha256). Platforms upload it once and keep its URL."""

    image = models.ImageField(_("image"), upload_to=_image_upload_to, width_field="width", height_field="height")
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    size_bytes = models.PositiveIntegerField(_("size in bytes"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.image.name.rsplit('/', 1)[-1]} ({self.width}×{self.height})"

    @staticmethod
    def content_hash(uploaded_file) -> str:
        digest = hashlib.sha256()
        for chunk in uploaded_file.chunks():
            digest.update(chunk)
        uploaded_file.seek(0)
        return digest.hexdigest()


class Product(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    class DeliveryType(models.IntegerChoices):
        EXPRESS = 0, _("Express list with prices")
        TEMPLATE = 1, _("Freight template")

    class DeliverMethod(models.IntegerChoices):
        EXPRESS = 0, _("Express shipping")
        PHONE = 1, _("No shipping, delivered to the buyer's phone number")
        ACCOUNT = 3, _("No shipping, delivered to an account")

    class SevenDayReturn(models.IntegerChoices):
        NOT_SUPPORTED = 0, _("Not supported")
        SUPPORTED = 1, _("Supported")
        SUPPORTED_UNLESS_OPENED = 2, _("Supported unless opened")

    # Identity and state.
    out_product_id = models.CharField(
        _("merchant product code"),
        max_length=OUT_PRODUCT_ID_MAX_LENGTH,
        unique=True,
        help_text=_("Your own code for the product (out_product_id); it cannot change once published."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    title = models.CharField(
        _("title"),
        max_length=CHANNELS_TITLE_MAX_LENGTH,
        help_text=_("5 to 60 characters; the product name on every platform."),
    )
    short_title = models.CharField(
        _("short title"), max_length=CHANNELS_SHORT_TITLE_MAX_LENGTH, blank=True, help_text=_("At most 20 characters.")
    )
    spu_code = models.CharField(_("SPU code"), max_length=64, blank=True)

    # Categories, one per platform, from the imported caches.
    wechat_store_category = models.ForeignKey(
        Category,
        verbose_name=_("WeChat Store category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"platform": Platform.WECHAT_STORE, "is_leaf": True},
    )
    channels_category = models.ForeignKey(
        Category,
        verbose_name=_("Channels category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"platform": Platform.CHANNELS, "is_leaf": True},
    )
    minishop_category = models.ForeignKey(
        Category,
        verbose_name=_("mini-shop category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"platform": Platform.MINISHOP, "is_leaf": True},
    )
    brand = models.ForeignKey(
        Brand,
        verbose_name=_("brand"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty for no brand."),
    )

    # Description.
    buy_limit = models.PositiveIntegerField(
        _("purchase limit per buyer"),
        default=0,
        validators=[MaxValueValidator(100_000)],
        help_text=_("0 means no limit."),
    )
    aftersale_desc = models.CharField(_("after-sale description"), max_length=AFTERSALE_DESC_MAX_LENGTH, blank=True)

    # After-sale flags (V1.17 attrext) and Channels extra services.
    is_post_free = models.BooleanField(_("free shipping"), default=False)
    has_receipt = models.BooleanField(_("invoice available"), default=False)
    is_under_guaranty = models.BooleanField(_("under warranty"), default=False)
    is_support_replace = models.BooleanField(_("returns and exchanges"), default=False)
    seven_day_return = models.PositiveSmallIntegerField(
        _("seven-day no-reason return"), choices=SevenDayReturn.choices, default=SevenDayReturn.SUPPORTED
    )
    pay_after_use = models.BooleanField(_("pay after use"), default=False)
    freight_insurance = models.BooleanField(_("return-shipping insurance"), default=False)
    fake_one_pay_three = models.BooleanField(_("pay three times for a fake"), default=False)
    damage_guarantee = models.BooleanField(_("damage guarantee"), default=False)

    # Location (V1.17 attrext.location).
    location_country = models.CharField(_("country"), max_length=50, default="中国", blank=True)
    location_province = models.CharField(_("province"), max_length=50, blank=True)
    location_city = models.CharField(_("city"), max_length=50, blank=True)
    location_address = models.CharField(_("address"), max_length=200, blank=True)

    # Delivery.
    deliver_method = models.PositiveSmallIntegerField(
        _("deliver method"), choices=DeliverMethod.choices, default=DeliverMethod.EXPRESS
    )
    delivery_type = models.PositiveSmallIntegerField(
        _("shipping fees"), choices=DeliveryType.choices, default=DeliveryType.TEMPLATE
    )
    freight_template = models.ForeignKey(
        FreightTemplate,
        verbose_name=_("freight template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
    )
    weight_g = models.PositiveIntegerField(
        _("weight (g)"), null=True, blank=True, help_text=_("Required when the freight template prices by weight.")
    )

    # The sum of the SKUs' stock, kept by every SKU write (``Product.refresh_total_stock``) in the SKU's
    # transaction, so the changelist sorts by an indexed column instead of summing 500,000 SKUs.
    total_stock = models.PositiveBigIntegerField(_("total stock"), default=0, editable=False)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["state", "-updated_at"], name="product_state_updated"),
            # The changelist's orderings, with the pk the admin adds to make them deterministic.
            models.Index(fields=["updated_at", "id"], name="product_updated_id"),
            models.Index(fields=["total_stock", "id"], name="product_total_stock_id"),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.out_product_id}]"

    def save(self, *args, **kwargs):
        # total_stock belongs to the SKUs' writes: a product saved from a copy loaded before them must not put
        # back the old total.
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.attname for f in self._meta.concrete_fields if not f.primary_key and f.attname != "total_stock"
            ]
        super().save(*args, **kwargs)

    @classmethod
    def refresh_total_stock(cls, *product_ids: int) -> None:
        """Recompute these products' total_stock from their SKUs, in the caller's transaction."""
        stock = Sku.objects.filter(product_id=OuterRef("pk")).order_by().values("product_id")
        cls.objects.filter(pk__in=product_ids).update(
            total_stock=Coalesce(Subquery(stock.annotate(total=Sum("stock")).values("total")), 0)
        )

    def clean(self) -> None:
        errors: dict[str, list] = {}
        title = (self.title or "").strip()
        # An empty title is the required-field error of the form; only a present title is measured here.
        if title and not CHANNELS_TITLE_MIN_LENGTH <= len(title) <= CHANNELS_TITLE_MAX_LENGTH:
            errors.setdefault("title", []).append(
                _("The title must be %(min)d to %(max)d characters long (it has %(count)d).")
                % {"min": CHANNELS_TITLE_MIN_LENGTH, "max": CHANNELS_TITLE_MAX_LENGTH, "count": len(title)}
            )
        elif title and title.isascii() and title.replace(" ", "").isalnum():
            errors.setdefault("title", []).append(_("The title cannot be made of letters and digits only."))
        for field, platform in (
            ("wechat_store_category", Platform.WECHAT_STORE),
            ("channels_category", Platform.CHANNELS),
            ("minishop_category", Platform.MINISHOP),
        ):
            category = getattr(self, field)
            if category is not None and (category.platform != platform or not category.is_leaf):
                errors.setdefault(field, []).append(_("Choose a leaf category of this platform."))
        if (
            self.deliver_method == self.DeliverMethod.EXPRESS
            and not self.is_post_free
            and self.delivery_type == self.DeliveryType.TEMPLATE
            and self.freight_template_id is None
        ):
            errors.setdefault("freight_template", []).append(_("Choose a freight template, or use the express list."))
        if self.delivery_type == self.DeliveryType.EXPRESS and self.freight_template_id is not None:
            errors.setdefault("freight_template", []).append(
                _("A freight template is only used when shipping fees come from a template.")
            )
        template = self.freight_template if self.freight_template_id else None
        if (
            template is not None
            and template.valuation_type == FreightTemplate.ValuationType.WEIGHT
            and not self.weight_g
        ):
            errors.setdefault("weight_g", []).append(_("This freight template prices by weight: enter the weight."))
        if self.location_city and not self.location_province:
            errors.setdefault("location_province", []).append(_("A city needs its province."))
        if errors:
            raise ValidationError(errors)

    def main_image(self) -> "ProductImage | None":
        return self.images.order_by("position", "pk").first()


class ProductImage(models.Model):
    """A head image. The first one is the main image (V1.17 main_img); Channels takes 3 to 9 (head_imgs)."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    asset = models.ForeignKey(ImageAsset, verbose_name=_("image"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "asset"], name="product_image_unique_asset"),
        ]

    def __str__(self) -> str:
        return str(self.asset)


class ProductDetailBlock(models.Model):
    """A block of the product's detail page: text or an image (V1.17 detail; Channels desc_info)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        IMAGE = "image", _("Image")

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="detail_blocks"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.TEXT)
    text = models.TextField(_("text"), blank=True, max_length=2000)
    asset = models.ForeignKey(
        ImageAsset, verbose_name=_("image"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("detail block")
        verbose_name_plural = _("detail blocks")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:30] if self.kind == self.Kind.TEXT else str(self.asset)

    def clean(self) -> None:
        if self.kind == self.Kind.TEXT:
            if not self.text.strip():
                raise ValidationError({"text": _("A text block needs text.")})
            if self.asset_id is not None:
                raise ValidationError({"asset": _("A text block has no image.")})
        else:
            if self.asset_id is None:
                raise ValidationError({"asset": _("An image block needs an image.")})
            if self.text.strip():
                raise ValidationError({"text": _("An image block has no text.")})


class ProductProperty(models.Model):
    """A property of the product, chosen from its category's properties (V1.17 property, Channels attrs)."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="properties")
    attribute = models.ForeignKey(
        CategoryAttribute,
        verbose_name=_("property"),
        on_delete=models.PROTECT,
        limit_choices_to={"kind": CategoryAttribute.Kind.PROPERTY},
        related_name="+",
    )
    value = models.ForeignKey(
        CategoryAttributeValue,
        verbose_name=_("value"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    custom_value = models.CharField(
        _("custom value"), max_length=100, blank=True, help_text=_("Only where the property has no listed value.")
    )

    class Meta:
        verbose_name = _("product property")
        verbose_name_plural = _("product properties")
        constraints = [
            models.UniqueConstraint(fields=["product", "attribute"], name="product_property_unique_attribute"),
        ]

    def __str__(self) -> str:
        return f"{self.attribute.name}: {self.value.name if self.value_id else self.custom_value}"

    def clean(self) -> None:
        if self.value_id is None and not self.custom_value.strip():
            raise ValidationError({"value": _("Choose a value or enter a custom value.")})
        if self.value_id is not None and self.custom_value.strip():
            raise ValidationError({"custom_value": _("Choose a value or enter a custom value, not both.")})
        if self.value_id is not None and self.attribute_id is not None and self.value.attribute_id != self.attribute_id:
            raise ValidationError({"value": _("This value belongs to another property.")})
        if self.attribute_id is not None and self.product_id is not None:
            category_ids = {self.product.wechat_store_category_id, self.product.channels_category_id} - {None}
            if self.attribute.category_id not in category_ids:
                raise ValidationError({"attribute": _("This property belongs to none of the product's categories.")})

    @property
    def value_name(self) -> str:
        return self.value.name if self.value_id else self.custom_value


class ProductSpec(models.Model):
    """A spec of the product (colour, size…) with the values chosen for it; SKUs combine one value per spec.

    Either an attribute of the category's spec table or a custom name, which V1.17 sends as "$name".
    """

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="specs")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    attribute = models.ForeignKey(
        CategoryAttribute,
        verbose_name=_("spec from the category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"kind": CategoryAttribute.Kind.SPEC},
        related_name="+",
    )
    custom_name = models.CharField(_("custom spec name"), max_length=30, blank=True)
    values = models.ManyToManyField(
        CategoryAttributeValue, verbose_name=_("values from the category"), blank=True, related_name="+"
    )
    custom_values = models.CharField(
        _("custom values"),
        max_length=500,
        blank=True,
        help_text=_("Values of your own, separated by commas, e.g. red, blue."),
    )

    class Meta:
        verbose_name = _("spec")
        verbose_name_plural = _("specs")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.attribute.name if self.attribute_id else self.custom_name

    @property
    def remote_key(self) -> str:
        """The V1.17 spec id: the attribute's remote id, or "$name" for a custom spec."""
        if self.attribute_id and self.attribute.remote_id:
            return self.attribute.remote_id
        return CUSTOM_SPEC_PREFIX + self.name

    def custom_value_names(self) -> list[str]:
        return self.split_custom_values(self.custom_values)

    @staticmethod
    def split_custom_values(text: str) -> list[str]:
        """ "red, blue，green" -> ["red", "blue", "green"]: commas of either width, blanks and repeats dropped."""
        names: list[str] = []
        for raw in (text or "").replace("，", ",").split(","):
            name = raw.strip()
            if name and name not in names:
                names.append(name)
        return names

    def clean(self) -> None:
        if self.attribute_id is None and not self.custom_name.strip():
            raise ValidationError({"custom_name": _("Choose a spec from the category or name a custom spec.")})
        if self.attribute_id is not None and self.custom_name.strip():
            raise ValidationError(
                {"custom_name": _("Choose a spec from the category or name a custom spec, not both.")}
            )
        for name in self.custom_value_names():
            if len(name) > 30:
                raise ValidationError({"custom_values": _("A spec value has at most 30 characters.")})
            if ":" in name or ";" in name:
                raise ValidationError({"custom_values": _("A spec value cannot contain ':' or ';'.")})


class SkuQuerySet(models.QuerySet):
    """SKU writes in bulk keep their products' total_stock, in the same transaction.

    Sku.save() and Sku.delete() do it for one SKU; these cover the queryset paths (``update(stock=…)`` of a
    sale, ``delete()``, ``bulk_create``, ``bulk_update``), so no write path can leave a total behind.
    """

    def update(self, **kwargs):
        if "stock" not in kwargs:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            product_ids = self._product_ids()
            rows = super().update(**kwargs)
            Product.refresh_total_stock(*product_ids)
        return rows

    def delete(self):
        with transaction.atomic(using=self.db):
            product_ids = self._product_ids()
            result = super().delete()
            Product.refresh_total_stock(*product_ids)
        return result

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            Product.refresh_total_stock(*{sku.product_id for sku in created})
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            rows = super().bulk_update(objs, fields, *args, **kwargs)
            if "stock" in fields:
                Product.refresh_total_stock(*{sku.product_id for sku in objs})
        return rows

    def _product_ids(self) -> list[int]:
        return list(self.order_by().values_list("product_id", flat=True).distinct())


class Sku(models.Model):
    """One sellable combination of spec values. ``spec_key`` is its V1.17 sku_id ("id1:vid1;id2:vid2")."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="skus")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    specs = models.JSONField(
        _("spec combination"),
        default=list,
        blank=True,
        help_text=_("One value per spec of the product; empty for a product with a single uniform spec."),
    )
    spec_key = models.CharField(_("spec key"), max_length=500, blank=True, editable=False)
    price = MoneyField(_("price"))
    original_price = MoneyField(_("original price"), help_text=_("The market price; the price must be lower."))
    stock = models.PositiveIntegerField(_("stock"), default=0, validators=[MaxValueValidator(STOCK_MAX)])
    image = models.ForeignKey(
        ImageAsset, verbose_name=_("image"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Optional codes, unique when present: NULL (not "") marks "none", so many SKUs can have none.
    product_code = models.CharField(  # noqa: DJ001
        _("product code"),
        max_length=SKU_CODE_MAX_LENGTH,
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": _("Another SKU already uses this product code.")},
    )
    barcode = models.CharField(  # noqa: DJ001
        _("barcode"),
        max_length=32,
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": _("Another SKU already uses this barcode.")},
    )
    out_sku_id = models.CharField(  # noqa: DJ001
        _("merchant SKU code"),
        max_length=OUT_SKU_ID_MAX_LENGTH,
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": _("Another SKU already uses this merchant SKU code.")},
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SkuQuerySet.as_manager()

    class Meta:
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        ordering = ["product", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "spec_key"],
                name="sku_unique_spec_combination",
                violation_error_message=_("Another SKU of this product has the same combination."),
            ),
            models.CheckConstraint(
                condition=Q(price__gt=0),
                name="sku_price_positive",
                violation_error_message=_("The price must be above zero."),
            ),
            models.CheckConstraint(
                condition=Q(price__lt=models.F("original_price")),
                name="sku_price_below_original",
                violation_error_message=_("The price must be lower than the original price."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.title} · {self.spec_label or _('uniform spec')}"

    def save(self, *args, **kwargs):
        self.spec_key = self.build_spec_key(self.specs)
        with transaction.atomic():
            super().save(*args, **kwargs)
            Product.refresh_total_stock(self.product_id)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            Product.refresh_total_stock(self.product_id)
        return result

    @property
    def spec_label(self) -> str:
        # The same reading as products.sku_matrix.format_combination (which imports this module).
        return " / ".join(f"{s['name']}：{s['value']}" for s in self.specs)

    @staticmethod
    def build_spec_key(specs: list[dict]) -> str:
        return ";".join(f"{s['id']}:{s['vid']}" for s in specs)

    def clean(self) -> None:
        errors = {}
        if self.price is not None and self.price <= 0:
            errors["price"] = _("The price must be above zero.")
        elif self.price is not None and self.original_price is not None and self.price >= self.original_price:
            errors["price"] = _("The price must be lower than the original price.")
        if errors:
            raise ValidationError(errors)


class ProductExpressFee(models.Model):
    """A fixed shipping fee per express type (V1.17 delivery_info.express, delivery_type 0)."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="express_fees"
    )
    express_type = models.PositiveIntegerField(_("express type"), choices=ExpressType.choices)
    price = MoneyField(_("shipping fee"), default=0)

    class Meta:
        verbose_name = _("express fee")
        verbose_name_plural = _("express fees")
        ordering = ["express_type"]
        constraints = [
            models.UniqueConstraint(fields=["product", "express_type"], name="product_express_fee_unique_type"),
        ]

    def __str__(self) -> str:
        return self.get_express_type_display()


# --- Groups and shelves --------------------------------------------------------------------------------


class ProductGroup(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    products = models.ManyToManyField(Product, verbose_name=_("products"), blank=True, related_name="groups")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product group")
        verbose_name_plural = _("product groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Shelf(models.Model):
    """A V1.17 shelf: an ordered list of modules (API reference §2.5)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    banner = models.ForeignKey(
        ImageAsset,
        verbose_name=_("banner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Suggested 640×120. Only with controls 1 to 4."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shelf")
        verbose_name_plural = _("shelves")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.pk is not None
            and self.banner_id is not None
            and self.modules.filter(control=ShelfModule.Control.BACKGROUND).exists()
        ):
            raise ValidationError({"banner": _("A shelf with a control 5 module has no banner.")})


class ShelfModule(models.Model):
    """One module (control) of a shelf. Its groups are ``ShelfModuleGroup`` rows, in order."""

    class Control(models.IntegerChoices):
        GROUP_PRODUCTS = 1, _("1 · One group with its products")
        GROUP_NAMES = 2, _("2 · Up to 4 group names")
        GROUP_IMAGE = 3, _("3 · One group as an image")
        GROUP_IMAGES = 4, _("4 · Up to 3 groups with images")
        BACKGROUND = 5, _("5 · Group names over a background (alone on its shelf)")

    # How many groups each control takes (min, max) and whether each group needs an image (§2.5).
    GROUP_LIMITS = {1: (1, 1), 2: (1, 4), 3: (1, 1), 4: (1, 3), 5: (1, None)}
    GROUP_IMAGE_REQUIRED = {1: False, 2: False, 3: True, 4: True, 5: False}

    shelf = models.ForeignKey(Shelf, verbose_name=_("shelf"), on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    control = models.PositiveSmallIntegerField(_("control type"), choices=Control.choices)
    product_count = models.PositiveSmallIntegerField(
        _("products shown"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Control 1 only."),
    )
    background = models.ForeignKey(
        ImageAsset,
        verbose_name=_("background image"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Control 5 only; suggested 640×1008."),
    )

    class Meta:
        verbose_name = _("shelf module")
        verbose_name_plural = _("shelf modules")
        ordering = ["shelf", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.shelf.name} · {self.get_control_display()}"

    def clean(self) -> None:
        errors = {}
        if self.control == self.Control.GROUP_PRODUCTS and not self.product_count:
            errors["product_count"] = _("Control 1 needs the number of products to show.")
        if self.control != self.Control.GROUP_PRODUCTS and self.product_count:
            errors["product_count"] = _("Only control 1 shows a number of products.")
        if self.control == self.Control.BACKGROUND and self.background_id is None:
            errors["background"] = _("Control 5 needs a background image.")
        if self.control != self.Control.BACKGROUND and self.background_id is not None:
            errors["background"] = _("Only control 5 has a background image.")
        if self.shelf_id is not None and self.control:
            siblings = self.shelf.modules.exclude(pk=self.pk)
            if self.control == self.Control.BACKGROUND and siblings.exists():
                errors["control"] = _("Control 5 cannot be combined with other modules on the same shelf.")
            elif siblings.filter(control=self.Control.BACKGROUND).exists():
                errors["control"] = _("This shelf has a control 5 module, which cannot be combined with others.")
            if self.control == self.Control.BACKGROUND and self.shelf.banner_id is not None:
                errors.setdefault("control", _("Control 5 has no banner: remove the shelf's banner first."))
        if errors:
            raise ValidationError(errors)


class ShelfModuleGroup(models.Model):
    module = models.ForeignKey(
        ShelfModule, verbose_name=_("shelf module"), on_delete=models.CASCADE, related_name="groups"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    group = models.ForeignKey(ProductGroup, verbose_name=_("product group"), on_delete=models.PROTECT, related_name="+")
    image = models.ForeignKey(
        ImageAsset,
        verbose_name=_("image"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Controls 3 and 4 only."),
    )

    class Meta:
        verbose_name = _("module group")
        verbose_name_plural = _("module groups")
        ordering = ["module", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["module", "group"], name="shelf_module_group_unique"),
        ]

    def __str__(self) -> str:
        return self.group.name
