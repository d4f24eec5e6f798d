"""The inlines of the product's change form: its images, detail blocks, properties, specs, SKUs and express fees.

Each row's autocomplete choices are read once per inline, not once per row (``products.autocomplete``), and what a
row shows of its related objects is loaded with the rows.
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import forms
from .autocomplete import PreloadedAutocompleteAdminMixin
from .models import (
    CategoryAttribute,
    CategoryAttributeValue,
    ImageAsset,
    ProductDetailBlock,
    ProductExpressFee,
    ProductImage,
    ProductProperty,
    ProductSpec,
    Sku,
)


def thumbnail(asset: ImageAsset | None, size: int = 48):
    if asset is None or not asset.image:
        return "-"
    return format_html(
        '<img src="{}" alt="" style="width:{}px;height:{}px;object-fit:cover;border-radius:3px">',
        asset.image.url,
        size,
        size,
    )


class ProductImageInline(PreloadedAutocompleteAdminMixin, admin.TabularInline):
    model = ProductImage
    form = forms.ProductImageForm
    formset = forms.ProductImageFormSet
    fields = ["position", "preview", "asset", "asset_upload"]
    readonly_fields = ["preview"]
    autocomplete_fields = ["asset"]
    extra = 0
    min_num = 0

    def get_queryset(self, request):
        # The preview shows each row's image: loaded with the rows, not one query per row.
        return super().get_queryset(request).select_related("asset")

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return thumbnail(obj.asset if obj.pk else None)


class ProductDetailBlockInline(PreloadedAutocompleteAdminMixin, admin.TabularInline):
    model = ProductDetailBlock
    form = forms.ProductDetailBlockForm
    formset = forms.ProductDetailBlockFormSet
    fields = ["position", "kind", "text", "asset", "asset_upload"]
    autocomplete_fields = ["asset"]
    extra = 0


class AttributeLabelInlineMixin:
    """An attribute's label names its category and platform, a value's its attribute: load them with the chosen
    attribute and values, and with the rows (whose own related objects the autocompletes show)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "attribute":
            kwargs.setdefault("queryset", CategoryAttribute.objects.select_related("category"))
        elif db_field.name == "value":
            kwargs.setdefault("queryset", CategoryAttributeValue.objects.select_related("attribute"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "values":
            kwargs.setdefault("queryset", CategoryAttributeValue.objects.select_related("attribute"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ProductPropertyInline(PreloadedAutocompleteAdminMixin, AttributeLabelInlineMixin, admin.TabularInline):
    model = ProductProperty
    formset = forms.ProductPropertyFormSet
    fields = ["attribute", "value", "custom_value"]
    autocomplete_fields = ["attribute", "value"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("attribute__category", "value__attribute")


class ProductSpecInline(PreloadedAutocompleteAdminMixin, AttributeLabelInlineMixin, admin.TabularInline):
    model = ProductSpec
    form = forms.ProductSpecForm
    formset = forms.ProductSpecFormSet
    fields = ["position", "attribute", "custom_name", "values", "custom_values"]
    autocomplete_fields = ["attribute", "values"]
    extra = 0

    def get_queryset(self, request):
        # Each row's initial values (model_to_dict reads spec.values): one query for all rows.
        return super().get_queryset(request).select_related("attribute__category").prefetch_related("values")


class SkuInline(PreloadedAutocompleteAdminMixin, admin.TabularInline):
    model = Sku
    form = forms.SkuForm
    formset = forms.SkuFormSet
    fields = forms.SkuForm.Meta.fields
    autocomplete_fields = ["image"]
    extra = 0

    def get_queryset(self, request):
        # Each row's image, for its autocomplete: with the rows, not one query per row.
        return super().get_queryset(request).select_related("image")


class ProductExpressFeeInline(admin.TabularInline):
    model = ProductExpressFee
    formset = forms.ProductExpressFeeFormSet
    extra = 0
