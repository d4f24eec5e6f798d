"""Products, their images, detail, properties, specs, SKUs and express fees."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ..fields import MoneyField
from .categories import Brand, Category, CategoryAttribute, CategoryAttributeValue
from .constants import (
    AFTERSALE_DESC_MAX_LENGTH,
    CHANNELS_SHORT_TITLE_MAX_LENGTH,
    CHANNELS_TITLE_MAX_LENGTH,
    CUSTOM_SPEC_PREFIX,
    OUT_PRODUCT_ID_MAX_LENGTH,
    OUT_SKU_ID_MAX_LENGTH,
    PROPERTY_PLATFORMS,
    SKU_CODE_MAX_LENGTH,
    STOCK_MAX,
    ExpressType,
    Platform,
)
from .freight import FreightTemplate

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
        # The stored file is named by its content hash, which tells a merchant nothing: the number and size do.
        return _("Image %(number)s (%(width)s×%(height)s)") % {
            "number": self.pk or "-",
            "width": self.width,
            "height": self.height,
        }

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

    def categories_by_platform(self) -> dict[str, Category]:
        """The product's category on each platform that has one: the ones being submitted (see
        :meth:`set_submitted_categories`) while a form is validated, else the saved ones."""
        submitted = getattr(self, "_submitted_categories", None)
        if submitted is not None:
            return dict(submitted)
        if self.pk is None:
            return {}
        return {row.platform: row.category for row in self.platform_categories.select_related("category")}

    def set_submitted_categories(self, categories: dict[str, Category] | None) -> None:
        """The categories a form is about to save, so that rules checked before the save (properties, the
        platforms' title rules) judge the product by them; ``None`` once they are saved."""
        self._submitted_categories = None if categories is None else dict(categories)


class ProductPlatformCategory(models.Model):
    """A product's category on one platform, a leaf of that platform's imported tree.

    One row per product and platform, rather than a column per platform: a new platform needs no catalog
    migration.
    """

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="platform_categories"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"is_leaf": True},
    )

    class Meta:
        verbose_name = _("product category on a platform")
        verbose_name_plural = _("product categories on the platforms")
        ordering = ["product", "platform"]
        constraints = [
            models.UniqueConstraint(fields=["product", "platform"], name="product_platform_category_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} · {self.get_platform_display()} · {self.category_id}"

    def clean(self) -> None:
        if self.category_id is not None and (self.category.platform != self.platform or not self.category.is_leaf):
            raise ValidationError({"category": category_choice_error()})


def category_choice_error() -> str:
    return _("Choose a leaf category of this platform.")


def property_category_ids(product: Product) -> set[int]:
    """The categories whose properties the product may carry (those of the platforms that take properties)."""
    return {
        category.pk for platform, category in product.categories_by_platform().items() if platform in PROPERTY_PLATFORMS
    }


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
            category_ids = property_category_ids(self.product)
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
