"""Admin forms of the catalog: input shape and the manuals' rules, as field-level errors.

Rules that span several inlines (image counts, complete and unique spec combinations, fee rules per express
type) live in the inline formsets below; ``ProductAdmin`` links the SKU formset to the spec formset so SKU
combinations are checked against the specs being submitted, not the ones saved before.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .autocomplete import (
    PreloadedAutocompleteSelect,
    PreloadedChoicesFormSetMixin,
    preload_from_instance,
    preloading_widget,
)
from .extensions import product_form_rules
from .models import (
    CATEGORY_PLATFORMS,
    HEAD_IMAGES_MAX,
    HEAD_IMAGES_MIN,
    SKUS_MAX,
    Category,
    CategoryAttribute,
    FreightTemplate,
    ImageAsset,
    Product,
    ProductPlatformCategory,
    ProductSpec,
    ShelfModule,
    Sku,
    category_choice_error,
    property_category_ids,
)
from .selectors import product_spec_definitions, spec_definition_from_parts
from .services import image_asset_get_or_create, product_categories_set
from .sku_matrix import (
    CombinationError,
    SpecDefinition,
    check_matrix_size,
    combination_key,
    format_combination,
    parse_combination,
)

SKU_CODE_FIELDS = ("product_code", "barcode", "out_sku_id")

# --- Images: choose an uploaded image or upload a new one ---------------------------------------------


def image_upload_field() -> forms.ImageField:
    return forms.ImageField(label=_("or upload"), required=False, help_text=_("JPEG or PNG, at most 10 MB."))


class ImageChoiceFormMixin:
    """Pairs each ImageAsset foreign key named in ``image_fields`` with a ``<name>_upload`` field.

    An uploaded file is stored once per content (``image_asset_get_or_create``) and becomes the field's value.
    The asset is written during cleaning so the model validation sees it; the admin runs the whole request in
    one transaction, so a rejected form leaves no row behind.
    """

    image_fields: tuple[str, ...] = ()
    required_image_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.image_fields:
            if name in self.fields:
                # Either the chosen image or the upload provides it; clean() checks that one does.
                self.fields[name].required = False

    def clean(self):
        cleaned_data = super().clean()
        for name in self.image_fields:
            if name not in self.fields:
                continue
            upload = cleaned_data.get(f"{name}_upload")
            if upload:
                if upload.size > 10 * 1024 * 1024:
                    self.add_error(f"{name}_upload", _("An image can be at most 10 MB."))
                    continue
                cleaned_data[name] = image_asset_get_or_create(uploaded_file=upload)
            elif name in self.required_image_fields and not cleaned_data.get(name) and not self._is_being_deleted():
                self.add_error(name, _("Choose an image or upload one."))
        return cleaned_data

    def _is_being_deleted(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get("DELETE"))

    def keep_uploaded_images(self) -> None:
        """Show images uploaded with this (re-displayed) form as chosen: a file input cannot be filled again.

        Cleaning stored each upload as an ImageAsset already; its id goes into the form's data, so the page
        shows it selected and the next submit uses it.
        """
        cleaned = getattr(self, "cleaned_data", None) or {}
        uploaded = {
            name: cleaned[name]
            for name in self.image_fields
            if cleaned.get(f"{name}_upload") and isinstance(cleaned.get(name), ImageAsset)
        }
        if not uploaded:
            return
        self.data = self.data.copy()
        for name, asset in uploaded.items():
            self.data[self.add_prefix(name)] = str(asset.pk)


# --- Products -----------------------------------------------------------------------------------------


def category_field_name(platform: str) -> str:
    return f"{platform}_category"


def _category_field(label: str) -> forms.ModelChoiceField:
    # Any category is accepted by the field and judged by clean(), so a wrong one gets the catalog's message,
    # not "select a valid choice"; the autocomplete offers the leaves (ProductPlatformCategory.category).
    return forms.ModelChoiceField(
        queryset=Category.objects.all(),
        required=False,
        label=label,
        widget=PreloadedAutocompleteSelect(ProductPlatformCategory._meta.get_field("category"), admin.site),
    )


CATEGORY_FIELD_NAMES = tuple(category_field_name(platform) for platform in CATEGORY_PLATFORMS)

# One category choice per platform of CATEGORY_PLATFORMS, declared on a form class of their own so the admin's
# fieldsets can name them like model fields.
ProductCategoryChoicesForm = type(
    "ProductCategoryChoicesForm",
    (forms.Form,),
    {category_field_name(platform): _category_field(label) for platform, label in CATEGORY_PLATFORMS.items()},
)


class ProductAdminForm(ProductCategoryChoicesForm, forms.ModelForm):
    """The product, its category per platform (saved as ``ProductPlatformCategory`` rows) and the rules other
    apps register for it (``products.extensions``)."""

    class Meta:
        model = Product
        exclude = []  # noqa: DJ006  (the admin's fieldsets choose the fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            for platform, category in self.instance.categories_by_platform().items():
                name = category_field_name(platform)
                if name in self.fields:
                    self.initial.setdefault(name, category.pk)
                    # The autocomplete shows the chosen category from here, not from a query of its own.
                    widget = preloading_widget(self.fields[name])
                    if widget is not None:
                        widget.preloaded = {str(category.pk): category}
        preload_from_instance(self)

    def submitted_categories(self) -> dict[str, Category]:
        chosen = {}
        for platform in CATEGORY_PLATFORMS:
            name = category_field_name(platform)
            if name in self.fields and self.cleaned_data.get(name) is not None:
                chosen[platform] = self.cleaned_data[name]
        return chosen

    def clean(self):
        cleaned_data = super().clean()
        for platform in CATEGORY_PLATFORMS:
            name = category_field_name(platform)
            category = cleaned_data.get(name)
            if category is not None and (category.platform != platform or not category.is_leaf):
                self.add_error(name, category_choice_error())
        return cleaned_data

    def _post_clean(self):
        super()._post_clean()
        if not hasattr(self, "cleaned_data"):
            return
        # Before the inlines are validated: their rules (properties of the product's categories) read these.
        self.instance.set_submitted_categories(self.submitted_categories())
        for rule in product_form_rules():
            for field, messages in rule(self.instance, self.cleaned_data).items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)

    def _save_m2m(self):
        super()._save_m2m()
        if any(category_field_name(platform) in self.fields for platform in CATEGORY_PLATFORMS):
            product_categories_set(product=self.instance, categories=self.submitted_categories())

    def clean_title(self):
        # Runs of spaces count once on the platforms; store the title as it will be shown.
        return " ".join(self.cleaned_data["title"].split())

    def clean_out_product_id(self):
        code = self.cleaned_data["out_product_id"].strip()
        if self.instance.pk and self.instance.out_product_id != code and self._is_published():
            raise ValidationError(_("The merchant product code cannot change once the product is published."))
        return code

    def _is_published(self) -> bool:
        # Remote bindings belong to the sync engine; the catalog only asks whether any exists.
        bindings = getattr(self.instance, "remote_bindings", None)
        return bool(bindings is not None and bindings.exclude(remote_id="").exists())


class ProductImageForm(ImageChoiceFormMixin, forms.ModelForm):
    image_fields = ("asset",)
    required_image_fields = ("asset",)
    asset_upload = image_upload_field()


class CountedInlineFormSet(PreloadedChoicesFormSetMixin, BaseInlineFormSet):
    """An inline formset that knows which of its forms will remain after saving; its rows' autocomplete choices
    are read once for all rows (``products.autocomplete``)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Django sets only the key; with the parent object itself, a row's label (Sku.__str__ shows its
        # product) costs no query per row.
        if self.instance.pk is not None and getattr(form.instance, self.fk.attname) == self.instance.pk:
            setattr(form.instance, self.fk.name, self.instance)
        return form

    @cached_property
    def empty_form(self):
        # The admin asks for it once per pass over the inline (its rows, its column headers, its media): build it
        # once, not each time.
        return super().empty_form

    def kept_forms(self) -> list[forms.Form]:
        kept = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            if not form.has_changed() and form.instance.pk is None:
                continue
            kept.append(form)
        return kept


class ProductImageFormSet(CountedInlineFormSet):
    def validate_unique(self):
        # Replaces the generic "duplicate data" message with one on the repeated image itself.
        seen: set[int] = set()
        for form in self.kept_forms():
            asset = form.cleaned_data.get("asset")
            if asset is not None and asset.pk in seen:
                form.add_error("asset", _("The same image is used twice."))
            elif asset is not None:
                seen.add(asset.pk)

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        count = len(self.kept_forms())
        if not HEAD_IMAGES_MIN <= count <= HEAD_IMAGES_MAX:
            raise ValidationError(
                _("A product needs %(min)d to %(max)d images (it has %(count)d); the first one is the main image.")
                % {"min": HEAD_IMAGES_MIN, "max": HEAD_IMAGES_MAX, "count": count}
            )


class ProductDetailBlockForm(ImageChoiceFormMixin, forms.ModelForm):
    image_fields = ("asset",)
    asset_upload = image_upload_field()


class ProductDetailBlockFormSet(CountedInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.kept_forms():
            raise ValidationError(_("Add at least one detail block (text or image) for the product page."))


class ProductPropertyFormSet(CountedInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        product = self.instance
        category_ids = property_category_ids(product)
        chosen = {form.cleaned_data["attribute"].pk for form in self.kept_forms() if form.cleaned_data.get("attribute")}
        for form in self.kept_forms():
            attribute = form.cleaned_data.get("attribute")
            if attribute is not None and attribute.category_id not in category_ids:
                form.add_error("attribute", _("This property belongs to none of the product's categories."))
        # A category imported from its platform: what it requires is the pre-flight's to list (and Publish's to
        # refuse), filled right there; only a category entered by hand is enforced here.
        missing = CategoryAttribute.objects.filter(
            category_id__in=category_ids,
            category__imported_at__isnull=True,
            kind=CategoryAttribute.Kind.PROPERTY,
            is_required=True,
        ).exclude(pk__in=chosen)
        if missing.exists():
            names = "、".join(sorted(a.name for a in missing))
            raise ValidationError(_("The category requires these properties: %(names)s.") % {"names": names})


class ProductSpecForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        if self.has_error("attribute") or self.has_error("custom_name") or cleaned_data.get("DELETE"):
            return cleaned_data
        attribute = cleaned_data.get("attribute")
        values = list(cleaned_data.get("values") or [])
        if attribute is not None:
            foreign = [v for v in values if v.attribute_id != attribute.pk]
            if foreign:
                self.add_error("values", _("“%(value)s” is not a value of this spec.") % {"value": foreign[0].name})
        elif values:
            self.add_error("values", _("A custom spec only takes custom values."))
        if not values and not ProductSpec.split_custom_values(cleaned_data.get("custom_values", "")):
            self.add_error("custom_values", _("Choose or enter at least one value for this spec."))
        return cleaned_data

    def spec_definition(self) -> SpecDefinition:
        data = self.cleaned_data
        return spec_definition_from_parts(
            attribute=data.get("attribute"),
            custom_name=data.get("custom_name") or "",
            values=sorted(data.get("values") or [], key=lambda v: v.pk),
            custom_values=ProductSpec.split_custom_values(data.get("custom_values", "")),
        )


class ProductSpecFormSet(CountedInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        names: set[str] = set()
        for form in self.kept_forms():
            name = form.spec_definition().name
            if name in names:
                form.add_error(None, _("The spec “%(spec)s” appears twice.") % {"spec": name})
            names.add(name)
        if any(self.errors):
            return
        try:
            check_matrix_size(self.spec_definitions())
        except CombinationError as error:
            raise ValidationError(str(error)) from error

    def spec_definitions(self) -> list[SpecDefinition]:
        kept = sorted(self.kept_forms(), key=lambda f: f.cleaned_data.get("position") or 0)
        return [form.spec_definition() for form in kept]


class SkuForm(ImageChoiceFormMixin, forms.ModelForm):
    image_fields = ("image",)
    image_upload = image_upload_field()

    spec_combination = forms.CharField(
        label=_("spec combination"),
        required=False,
        max_length=500,
        help_text=_("One value per spec, e.g. 颜色：白色 / 尺码：M. Empty for a uniform spec."),
        widget=forms.TextInput(attrs={"size": 24}),
    )

    class Meta:
        model = Sku
        fields = [
            "position",
            "spec_combination",
            "price",
            "original_price",
            "stock",
            "image",
            "image_upload",
            "product_code",
            "barcode",
            "out_sku_id",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("spec_combination", format_combination(self.instance.specs))

    def _get_validation_exclusions(self):
        # Codes are checked by the formset against other products' SKUs: rows of this product may trade them.
        exclusions = super()._get_validation_exclusions()
        if getattr(self, "checks_codes_in_formset", False):
            exclusions.update(SKU_CODE_FIELDS)
        return exclusions

    def apply_combination(self, definitions: list[SpecDefinition]) -> None:
        """Turn the typed combination into the SKU's specs, or put the reason on the field."""
        try:
            self.instance.specs = parse_combination(self.cleaned_data.get("spec_combination", ""), definitions)
        except CombinationError as error:
            self.add_error("spec_combination", str(error))


class SkuFormSet(CountedInlineFormSet):
    """SKUs of a product: 1 to 500, each a complete combination of the product's specs, all different."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.checks_codes_in_formset = True
        return form

    spec_formset: ProductSpecFormSet | None = None
    generated_rows: int | None = None

    def spec_definitions(self) -> list[SpecDefinition] | None:
        if self.spec_formset is not None:
            if not self.spec_formset.is_valid():
                return None
            return self.spec_formset.spec_definitions()
        if self.instance.pk:
            return product_spec_definitions(product=self.instance)
        return []

    def clean(self):
        super().clean()
        if self.generated_rows is not None:
            # The merchant asked for rows, not for a save: show them and keep the form open.
            raise ValidationError(
                ngettext(
                    "Added %(count)d SKU row for the missing combination. Enter its price and stock, then save.",
                    "Added %(count)d SKU rows for the missing combinations. Enter their prices and stock, then save.",
                    self.generated_rows,
                )
                % {"count": self.generated_rows}
                if self.generated_rows
                else _("Every combination already has a SKU row."),
                code="generated",
            )
        definitions = self.spec_definitions()
        if definitions is None:
            return  # The specs have their own errors; combinations cannot be checked against them yet.
        kept = self.kept_forms()
        for form in kept:
            if "spec_combination" not in form.errors:
                form.apply_combination(definitions)
        if any(self.errors):
            return
        if not kept:
            raise ValidationError(_("A product needs at least one SKU."))
        if len(kept) > SKUS_MAX:
            raise ValidationError(_("A product has at most %(max)d SKUs.") % {"max": SKUS_MAX})
        if not definitions and len(kept) > 1:
            raise ValidationError(_("A product without specs has exactly one SKU; add specs to sell variants."))
        seen: dict[str, int] = {}
        for index, form in enumerate(kept):
            key = combination_key(form.instance.specs)
            if key in seen:
                form.add_error(
                    "spec_combination",
                    _("Another SKU (row %(row)d) has the same combination.") % {"row": seen[key] + 1},
                )
            seen.setdefault(key, index)
        for field in SKU_CODE_FIELDS:
            values: set[str] = set()
            for form in kept:
                value = form.cleaned_data.get(field) or ""
                if value and value in values:
                    form.add_error(field, _("Two SKUs of this product have the same code."))
                values.add(value)
            taken = Sku.objects.filter(**{f"{field}__in": values - {""}})
            if self.instance.pk:
                taken = taken.exclude(product=self.instance)
            taken_values = set(taken.values_list(field, flat=True))
            for form in kept:
                if form.cleaned_data.get(field) in taken_values:
                    form.add_error(field, Sku._meta.get_field(field).error_messages["unique"])

    def save_existing_objects(self, commit=True):
        # Two rows may trade combinations or codes in one edit (white↔black): clear the unique values of every
        # changed row first, so the database never sees a momentary duplicate. Runs in the admin's transaction.
        if commit:
            changed = [f.instance.pk for f in self.initial_forms if f.instance.pk and f.has_changed()]
            for pk in changed:
                Sku.objects.filter(pk=pk).update(spec_key=f"~{pk}", product_code=None, barcode=None, out_sku_id=None)
        return super().save_existing_objects(commit)


class ProductExpressFeeFormSet(CountedInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        product = self.instance
        uses_express_list = (
            product.deliver_method == Product.DeliverMethod.EXPRESS
            and product.delivery_type == Product.DeliveryType.EXPRESS
            and not product.is_post_free
        )
        if uses_express_list and not self.kept_forms():
            raise ValidationError(_("Shipping by express list: add the fee of at least one express type."))


# --- Standalone SKU editing ---------------------------------------------------------------------------


class SkuAdminForm(SkuForm):
    """A SKU edited on its own page: its combination is checked against the product's saved specs."""

    class Meta(SkuForm.Meta):
        fields = ["product", *SkuForm.Meta.fields]

    def clean(self):
        cleaned_data = super().clean()
        product = cleaned_data.get("product")
        if product is None or self.has_error("spec_combination"):
            return cleaned_data
        self.apply_combination(product_spec_definitions(product=product))
        if not self.has_error("spec_combination"):
            key = combination_key(self.instance.specs)
            clash = Sku.objects.filter(product=product, spec_key=key).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("spec_combination", _("Another SKU of this product has the same combination."))
        return cleaned_data


# --- Freight templates ----------------------------------------------------------------------------------


class FreightFeeRuleFormSet(CountedInlineFormSet):
    """Every express type used needs a normal rule; a custom (regional) rule needs the normal rule of its type."""

    def validate_unique(self):
        # Replaces the generic "duplicate data" message with one on the repeated rule itself.
        destinations: set[tuple] = set()
        for form in self.kept_forms():
            data = form.cleaned_data
            destination = (
                data.get("express_type"),
                data.get("dest_country") or "",
                data.get("dest_province") or "",
                data.get("dest_city") or "",
            )
            if destination in destinations:
                form.add_error("dest_province", _("This express type already has a rule for this destination."))
            destinations.add(destination)

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = self.kept_forms()
        template = self.instance
        if not kept and template.shipping_method != FreightTemplate.ShippingMethod.FREE:
            raise ValidationError(_("Add the normal fee of at least one express type."))
        normal_types = {
            form.cleaned_data.get("express_type")
            for form in kept
            if not form.cleaned_data.get("dest_province") and not form.cleaned_data.get("dest_city")
        }
        for form in kept:
            data = form.cleaned_data
            if (data.get("dest_province") or data.get("dest_city")) and data.get("express_type") not in normal_types:
                form.add_error("express_type", _("Add the normal rule of this express type before regional rules."))


class FreightFreeConditionFormSet(CountedInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        method = self.instance.shipping_method
        kept = self.kept_forms()
        if method == FreightTemplate.ShippingMethod.CONDITION_FREE and not kept:
            raise ValidationError(_("Free shipping under conditions needs at least one condition."))
        if method != FreightTemplate.ShippingMethod.CONDITION_FREE and kept:
            raise ValidationError(_("Conditions only apply to free shipping under conditions."))


# --- Shelves ------------------------------------------------------------------------------------------


class ShelfForm(ImageChoiceFormMixin, forms.ModelForm):
    image_fields = ("banner",)
    banner_upload = image_upload_field()


class ShelfModuleForm(ImageChoiceFormMixin, forms.ModelForm):
    image_fields = ("background",)
    background_upload = image_upload_field()


class ShelfModuleGroupForm(ImageChoiceFormMixin, forms.ModelForm):
    image_fields = ("image",)
    image_upload = image_upload_field()


class ShelfModuleGroupFormSet(CountedInlineFormSet):
    """How many groups a control takes and whether each needs an image (API reference §2.5)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        control = self.instance.control
        if not control:
            return
        kept = self.kept_forms()
        minimum, maximum = ShelfModule.GROUP_LIMITS[control]
        if len(kept) < minimum or (maximum is not None and len(kept) > maximum):
            if maximum == minimum:
                message = _("Control %(control)d shows exactly %(max)d group.") % {"control": control, "max": maximum}
            elif maximum is None:
                message = _("Control %(control)d needs at least %(min)d group.") % {"control": control, "min": minimum}
            else:
                message = _("Control %(control)d shows %(min)d to %(max)d groups.") % {
                    "control": control,
                    "min": minimum,
                    "max": maximum,
                }
            raise ValidationError(message)
        image_required = ShelfModule.GROUP_IMAGE_REQUIRED[control]
        for form in kept:
            has_image = form.cleaned_data.get("image") is not None
            if image_required and not has_image:
                form.add_error("image", _("Control %(control)d needs an image for each group.") % {"control": control})
            elif not image_required and has_image:
                form.add_error("image", _("Control %(control)d shows no group images.") % {"control": control})


class ImageAssetForm(forms.ModelForm):
    class Meta:
        model = ImageAsset
        fields = ["image"]

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image and hasattr(image, "chunks") and not self.instance.pk:
            sha256 = ImageAsset.content_hash(image)
            existing = ImageAsset.objects.filter(sha256=sha256).first()
            if existing is not None:
                raise ValidationError(_("This image is already uploaded (image #%(id)d).") % {"id": existing.pk})
            self.instance.sha256 = sha256
            self.instance.size_bytes = image.size or 0
        return image
