"""The per-platform caches the product form offers: categories, their attributes and values, brands."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import Platform

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

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["platform", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "remote_id"], name="category_unique_remote_id"),
        ]

    def __str__(self) -> str:
        return f"{self.path_display()} ({self.get_platform_display()})"

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
        return " > ".join(c.name for c in self.ancestors(include_self=True))


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
        return f"{self.name} ({self.category.name})"

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
