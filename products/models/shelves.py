"""Product groups and shelves (their modules and the groups they show)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .products import ImageAsset, Product

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
