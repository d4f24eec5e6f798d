"""Admin of the catalog: configuration only. Rules live in models and ``products.forms``."""

import contextlib

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from . import forms
from .admin_inlines import (
    ProductDetailBlockInline,
    ProductExpressFeeInline,
    ProductImageInline,
    ProductPropertyInline,
    ProductSpecInline,
    SkuInline,
    thumbnail,
)
from .autocomplete import PreloadedAutocompleteAdminMixin
from .extensions import extended_admin
from .models import (
    Brand,
    Category,
    CategoryAttribute,
    CategoryAttributeValue,
    FreightFeeRule,
    FreightFreeCondition,
    FreightNotServedArea,
    FreightTemplate,
    ImageAsset,
    Product,
    ProductGroup,
    ProductSpec,
    Shelf,
    ShelfModule,
    ShelfModuleGroup,
    Sku,
)
from .money import format_fen
from .pagination import EstimatedCountPaginator
from .sku_matrix import CombinationError, format_combination, missing_combinations, parse_combination

GENERATE_SKUS_BUTTON = "_generate_skus"


class UsedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """The related objects some row uses, found with EXISTS on the foreign key's index.

    Django's RelatedOnlyFieldListFilter collects them with DISTINCT over the whole changelist (over the 500,000
    row SKU-product join for the SKU list's brand filter); here each related row is probed once instead. For a
    path through a relation (``product__brand``) the probe is on the model that holds the key (Product).
    """

    def field_choices(self, field, request, model_admin):
        related = field.related_model._default_manager.filter(
            Exists(field.model._default_manager.filter(**{field.name: OuterRef("pk")}))
        )
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            related = related.order_by(*ordering)
        return [(obj.pk, self.choice_label(obj)) for obj in related]

    def choice_label(self, obj) -> str:
        return str(obj)


def search_terms(search_term: str) -> list[str]:
    """The terms of an admin search as Django splits them: by spaces, quoted phrases kept whole."""
    terms = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            terms.append(bit)
    return terms


# pg_trgm indexes need three characters to narrow a LIKE; a shorter term would read a whole SKU code index.
TRIGRAM_MIN_LENGTH = 3


def icontains_any(fields: list[str], term: str) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": term})
    return condition


def sku_code_match(term: str) -> Q:
    """SKU codes containing the term; a term shorter than a trigram must be the whole code (an index lookup)."""
    if len(term) < TRIGRAM_MIN_LENGTH:
        return Q(product_code=term) | Q(barcode=term) | Q(out_sku_id=term)
    return icontains_any(["product_code", "barcode", "out_sku_id"], term)


def product_search(term: str, product_fields: list[str]) -> Q:
    """Products whose own fields contain the term, or one of whose SKUs' codes does (sku_code_match).

    A term of three characters or more: a UNION of two searches, each of one table with its trigram indexes,
    rather than an OR across the SKU join (which needs DISTINCT and tests every product against the SKUs). A
    shorter term no index can narrow: the product's fields are tested row by row in the page's order, so the
    first page stops after its rows, and the SKUs' whole codes are looked up in their unique indexes.
    """
    by_sku = Sku.objects.filter(sku_code_match(term)).order_by().values("product_id")
    if len(term) < TRIGRAM_MIN_LENGTH:
        return icontains_any(product_fields, term) | Q(pk__in=by_sku)
    own = Product.objects.filter(icontains_any(product_fields, term)).order_by().values("pk")
    return Q(pk__in=own.union(by_sku))


# --- Images ---------------------------------------------------------------------------------------


@admin.register(ImageAsset)
class ImageAssetAdmin(admin.ModelAdmin):
    form = forms.ImageAssetForm
    list_display = ["preview", "__str__", "width", "height", "size_display", "created_at"]
    search_fields = ["sha256", "image"]
    readonly_fields = ["preview_large", "sha256", "width", "height", "size_bytes", "created_at"]
    date_hierarchy = "created_at"

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return thumbnail(obj)

    @admin.display(description=_("preview"))
    def preview_large(self, obj):
        return thumbnail(obj, size=240)

    @admin.display(description=_("size"), ordering="size_bytes")
    def size_display(self, obj):
        return f"{obj.size_bytes / 1024:.1f} KB"


# --- Category caches --------------------------------------------------------------------------------


class CategoryAttributeInline(admin.TabularInline):
    model = CategoryAttribute
    fields = ["kind", "remote_id", "name", "is_required"]
    extra = 0
    show_change_link = True


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "path", "platform", "remote_id", "level", "is_leaf", "imported_at"]
    list_filter = ["platform", "is_leaf", "level"]
    search_fields = ["name", "remote_id"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["level", "imported_at"]
    inlines = [CategoryAttributeInline]
    list_select_related = ["parent__parent"]

    @admin.display(description=_("path"))
    def path(self, obj):
        return obj.path_display()


class CategoryAttributeValueInline(admin.TabularInline):
    model = CategoryAttributeValue
    fields = ["remote_id", "name"]
    extra = 1


@admin.register(CategoryAttribute)
class CategoryAttributeAdmin(admin.ModelAdmin):
    # The count annotation groups the query, and Django drops Meta.ordering from grouped queries: the
    # autocomplete view (which has no ChangeList ordering) would page an unordered list.
    ordering = CategoryAttribute._meta.ordering
    list_display = ["name", "kind", "category", "remote_id", "is_required", "value_count"]
    list_filter = ["kind", "category__platform", "is_required"]
    search_fields = ["name", "remote_id", "category__name"]
    autocomplete_fields = ["category"]
    inlines = [CategoryAttributeValueInline]
    list_select_related = ["category"]

    def get_queryset(self, request):
        # The category is part of every label, the autocomplete's included. The ordering is explicit: with the
        # count's GROUP BY the model's default ordering does not apply, and the autocomplete pages by it.
        return (
            super()
            .get_queryset(request)
            .select_related("category")
            .annotate(value_total=Count("values"))
            .order_by(*CategoryAttribute._meta.ordering, "pk")
        )

    @admin.display(description=_("values"), ordering="value_total")
    def value_count(self, obj):
        return obj.value_total


@admin.register(CategoryAttributeValue)
class CategoryAttributeValueAdmin(admin.ModelAdmin):
    list_display = ["name", "attribute", "remote_id"]
    list_filter = ["attribute__kind", "attribute__category__platform"]
    search_fields = ["name", "remote_id", "attribute__name"]
    autocomplete_fields = ["attribute"]
    list_select_related = ["attribute__category"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "platform", "remote_id"]
    list_filter = ["platform"]
    search_fields = ["name_zh", "name_en", "remote_id"]


# --- Freight templates ------------------------------------------------------------------------------------


class FreightFeeRuleInline(admin.TabularInline):
    model = FreightFeeRule
    formset = forms.FreightFeeRuleFormSet
    extra = 0
    fields = [
        "express_type",
        "dest_country",
        "dest_province",
        "dest_city",
        "start_standards",
        "start_fees",
        "add_standards",
        "add_fees",
    ]


class FreightFreeConditionInline(admin.TabularInline):
    model = FreightFreeCondition
    formset = forms.FreightFreeConditionFormSet
    extra = 0


class FreightNotServedAreaInline(admin.TabularInline):
    model = FreightNotServedArea
    extra = 0


class FreightTemplateAdmin(admin.ModelAdmin):
    # The count annotation groups the query, and Django drops Meta.ordering from grouped queries: the
    # autocomplete view (which has no ChangeList ordering) would page an unordered list.
    ordering = FreightTemplate._meta.ordering
    list_display = ["name", "assumer", "valuation_type", "shipping_method", "send_time", "is_default", "product_count"]
    list_filter = ["assumer", "valuation_type", "shipping_method", "is_default"]
    search_fields = ["name"]
    inlines = [FreightFeeRuleInline, FreightFreeConditionInline, FreightNotServedAreaInline]
    fieldsets = [
        (None, {"fields": ["name", "assumer", "is_default"]}),
        (_("WeChat Store"), {"fields": ["valuation"]}),
        (_("Channels store"), {"fields": ["valuation_type", "send_time", "shipping_method"]}),
        (
            _("Ship from"),
            {
                "fields": [
                    ("ship_from_province", "ship_from_city", "ship_from_county"),
                    "ship_from_address",
                    ("ship_from_contact", "ship_from_phone", "ship_from_postal_code"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description=_("products"), ordering="product_total")
    def product_count(self, obj):
        return obj.product_total


# --- Products -----------------------------------------------------------------------------------------


class ProductAdmin(PreloadedAutocompleteAdminMixin, admin.ModelAdmin):
    form = forms.ProductAdminForm
    change_form_template = "admin/products/product/change_form.html"
    list_display = [
        "main_image_preview",
        "title",
        "out_product_id",
        "state",
        "price_range",
        "stock_display",
        "sku_count",
        "updated_at",
    ]
    list_display_links = ["main_image_preview", "title"]
    list_filter = [
        "state",
        ("brand", UsedRelatedFieldListFilter),
        ("freight_template", UsedRelatedFieldListFilter),
        # One filter for every platform's categories: a label carries its platform (Category.__str__, stored path).
        ("platform_categories__category", UsedRelatedFieldListFilter),
    ]
    # The product's own fields; a term also matches the SKUs' codes, see get_search_results.
    search_fields = ["title", "short_title", "out_product_id"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # Facet counts are one COUNT per filter choice over the matching rows: thousands of categories, 500,000 SKUs.
    show_facets = admin.ShowFacets.NEVER
    autocomplete_fields = [
        "brand",
        "freight_template",
    ]
    readonly_fields = ["created_at", "updated_at"]
    # No date hierarchy: its bounds are a MIN/MAX over every row the search or filters match.
    list_per_page = 50
    inlines = [
        ProductImageInline,
        ProductDetailBlockInline,
        ProductPropertyInline,
        ProductSpecInline,
        SkuInline,
        ProductExpressFeeInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "short_title", "out_product_id", "spu_code", "state"]}),
        (
            _("Categories and brand"),
            {"fields": [*forms.CATEGORY_FIELD_NAMES, "brand"]},
        ),
        (
            _("Delivery"),
            {"fields": ["deliver_method", "delivery_type", "freight_template", "weight_g", "is_post_free"]},
        ),
        (
            _("After-sale"),
            {
                "fields": [
                    ("has_receipt", "is_under_guaranty", "is_support_replace"),
                    "seven_day_return",
                    ("pay_after_use", "freight_insurance", "fake_one_pay_three", "damage_guarantee"),
                    "aftersale_desc",
                    "buy_limit",
                ]
            },
        ),
        (
            _("Location"),
            {"fields": [("location_country", "location_province", "location_city"), "location_address"]},
        ),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        # Correlated subqueries, not a join: a join on the SKUs would be carried into the counts and the search
        # and multiply their rows. PostgreSQL evaluates them for the page's rows only (after the LIMIT); the
        # sortable total is a column (Product.total_stock), so sorting by it reads an index.
        skus = Sku.objects.filter(product=OuterRef("pk")).order_by().values("product")
        return (
            super()
            .get_queryset(request)
            .annotate(
                min_price=Subquery(skus.annotate(value=Min("price")).values("value")),
                max_price=Subquery(skus.annotate(value=Max("price")).values("value")),
                sku_total=Coalesce(Subquery(skus.annotate(value=Count("pk")).values("value")), 0),
            )
            .prefetch_related("images__asset")
        )

    def get_object(self, request, object_id, from_field=None):
        # The change form: without the list's prefetched thumbnails (the images inline reads the rows it shows),
        # with the brand and freight template its autocompletes show (products.autocomplete).
        queryset = self.get_queryset(request).prefetch_related(None).select_related("brand", "freight_template")
        field = Product._meta.pk if from_field is None else Product._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (Product.DoesNotExist, ValidationError, ValueError):
            return None

    def get_search_results(self, request, queryset, search_term):
        """Every term matches the product's fields or one of its SKUs' codes (product_search): no join, so no
        DISTINCT, and each table is searched with its trigram indexes on PostgreSQL (migration 0004)."""
        for term in search_terms(search_term):
            queryset = queryset.filter(product_search(term, self.search_fields))
        return queryset, False

    @admin.display(description=_("image"))
    def main_image_preview(self, obj):
        images = list(obj.images.all())
        return thumbnail(images[0].asset if images else None)

    @admin.display(description=_("price"), ordering="min_price")
    def price_range(self, obj):
        if obj.min_price is None:
            return "-"
        if obj.min_price == obj.max_price:
            return format_fen(obj.min_price)
        return f"{format_fen(obj.min_price)} – {format_fen(obj.max_price)}"

    @admin.display(description=_("stock"), ordering="total_stock")
    def stock_display(self, obj):
        return f"{obj.total_stock:,}"

    @admin.display(description=_("SKUs"), ordering="sku_total")
    def sku_count(self, obj):
        return obj.sku_total

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        by_model = {formset.model: index for index, formset in enumerate(formsets)}
        if ProductSpec not in by_model or Sku not in by_model:
            return formsets, inline_instances
        spec_formset = formsets[by_model[ProductSpec]]
        sku_index = by_model[Sku]
        if request.method == "POST" and GENERATE_SKUS_BUTTON in request.POST and spec_formset.is_valid():
            formsets[sku_index] = self._sku_formset_with_generated_rows(
                request, obj, formsets[sku_index], inline_instances[sku_index], spec_formset
            )
        formsets[sku_index].spec_formset = spec_formset
        return formsets, inline_instances

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and GENERATE_SKUS_BUTTON in request.POST:
            self._present_generated_rows(request, context)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def _present_generated_rows(self, request, context) -> None:
        """The generator's page is a form being edited, not a failed save.

        The SKU formset refuses to save with a "generated" error (forms.SkuFormSet.clean); here that error
        becomes an information message, the "please correct the errors" banner only stays for real errors, and
        images uploaded with the request are kept as chosen.
        """
        inline_formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
        for formset in inline_formsets:
            for form in formset.forms:
                if isinstance(form, forms.ImageChoiceFormMixin):
                    form.keep_uploaded_images()
            if getattr(formset, "generated_rows", None) is None:
                continue
            errors = formset.non_form_errors().as_data()
            for error in errors:
                if error.code == "generated":
                    messages.info(request, " ".join(error.messages))
            formset._non_form_errors = formset.error_class(
                [e for e in errors if e.code != "generated"], error_class="nonform", renderer=formset.renderer
            )
        context["errors"] = helpers.AdminErrorList(context["adminform"].form, inline_formsets)

    def _sku_formset_with_generated_rows(self, request, obj, sku_formset, inline, spec_formset):
        """The SKU formset re-bound with one new row per missing combination; existing rows stay as typed."""
        definitions = spec_formset.spec_definitions()
        prefix = sku_formset.prefix
        data: QueryDict = request.POST.copy()
        total = int(data.get(f"{prefix}-TOTAL_FORMS", "0") or 0)
        existing = []
        first_row = None
        for index in range(total):
            if data.get(f"{prefix}-{index}-DELETE"):
                continue
            # A row that does not parse yet keeps its own error; it cannot block the generator.
            with contextlib.suppress(CombinationError):
                existing.append(parse_combination(data.get(f"{prefix}-{index}-spec_combination", ""), definitions))
            if first_row is None:
                first_row = index
        missing = missing_combinations(definitions, existing)
        for offset, specs in enumerate(missing):
            index = total + offset
            data[f"{prefix}-{index}-spec_combination"] = format_combination(specs)
            data[f"{prefix}-{index}-position"] = str(index)
            data[f"{prefix}-{index}-stock"] = "0"
            for field in ("price", "original_price"):
                # New rows start from the first row's prices, which most variants share.
                first_value = data.get(f"{prefix}-{first_row}-{field}", "") if first_row is not None else ""
                data[f"{prefix}-{index}-{field}"] = first_value
        data[f"{prefix}-TOTAL_FORMS"] = str(total + len(missing))
        kwargs = self.get_formset_kwargs(request, obj, inline, prefix)
        kwargs["data"] = data
        formset = type(sku_formset)(**kwargs)
        formset.generated_rows = len(missing)
        return formset


@admin.register(Sku)
class SkuAdmin(admin.ModelAdmin):
    form = forms.SkuAdminForm
    list_display = ["product", "combination", "price_display", "original_price_display", "stock", "product_code"]
    list_filter = [("product__brand", UsedRelatedFieldListFilter), "product__state"]
    # The SKU's own codes; a term also matches its product's title and code (get_search_results).
    search_fields = ["product_code", "barcode", "out_sku_id"]
    product_search_fields = ["title", "out_product_id"]
    autocomplete_fields = ["product", "image"]
    list_select_related = ["product"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # Facet counts are one COUNT per filter choice over the matching rows: thousands of categories, 500,000 SKUs.
    show_facets = admin.ShowFacets.NEVER
    actions = []

    def get_search_results(self, request, queryset, search_term):
        """Every term matches the SKU's codes or its product's title or code: a UNION of the two searches, each
        on its own table's (trigram) indexes, instead of an OR across the SKU-product join."""
        for term in search_terms(search_term):
            products = Product.objects.filter(icontains_any(self.product_search_fields, term)).values("pk")
            if len(term) < TRIGRAM_MIN_LENGTH:
                # As in product_search: no index narrows a short term, so the page's order decides.
                queryset = queryset.filter(sku_code_match(term) | Q(product_id__in=products))
                continue
            by_product = Sku.objects.filter(product_id__in=products).order_by().values("pk")
            own = Sku.objects.filter(sku_code_match(term)).order_by().values("pk")
            queryset = queryset.filter(pk__in=own.union(by_product))
        return queryset, False

    fields = forms.SkuAdminForm.Meta.fields

    @admin.display(description=_("spec combination"))
    def combination(self, obj):
        return obj.spec_label or _("uniform spec")

    @admin.display(description=_("price"), ordering="price")
    def price_display(self, obj):
        return format_fen(obj.price)

    @admin.display(description=_("original price"), ordering="original_price")
    def original_price_display(self, obj):
        return format_fen(obj.original_price)

    def has_delete_permission(self, request, obj=None):
        # A product always keeps at least one SKU; remove SKUs on the product's page.
        if obj is not None and not obj.product.skus.exclude(pk=obj.pk).exists():
            return False
        return super().has_delete_permission(request, obj)


# --- Groups and shelves --------------------------------------------------------------------------------


class ProductGroupAdmin(admin.ModelAdmin):
    # The count annotation groups the query, and Django drops Meta.ordering from grouped queries: the
    # autocomplete view (which has no ChangeList ordering) would page an unordered list.
    ordering = ProductGroup._meta.ordering
    list_display = ["name", "product_count", "updated_at"]
    search_fields = ["name"]
    autocomplete_fields = ["products"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description=_("products"), ordering="product_total")
    def product_count(self, obj):
        return obj.product_total


class ShelfModuleInline(admin.TabularInline):
    """Modules are listed here and edited on their own page, where their groups are checked together."""

    model = ShelfModule
    fields = ["position", "control", "product_count", "group_names"]
    readonly_fields = ["position", "control", "product_count", "group_names"]
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # View-only here: the module page validates a module together with its groups.
        return False

    @admin.display(description=_("product groups"))
    def group_names(self, obj):
        return "、".join(g.group.name for g in obj.groups.select_related("group")) or "-"


class ShelfAdmin(admin.ModelAdmin):
    # The count annotation groups the query, and Django drops Meta.ordering from grouped queries: the
    # autocomplete view (which has no ChangeList ordering) would page an unordered list.
    ordering = Shelf._meta.ordering
    form = forms.ShelfForm
    list_display = ["name", "module_count", "updated_at"]
    search_fields = ["name"]
    autocomplete_fields = ["banner"]
    inlines = [ShelfModuleInline]
    fields = ["name", "banner", "banner_upload", "add_module_link"]
    readonly_fields = ["add_module_link"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(module_total=Count("modules"))

    @admin.display(description=_("modules"), ordering="module_total")
    def module_count(self, obj):
        return obj.module_total

    @admin.display(description=_("add a module"))
    def add_module_link(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the shelf first, then add its modules.")
        url = reverse("admin:products_shelfmodule_add") + f"?shelf={obj.pk}&position={obj.modules.count()}"
        return format_html('<a class="addlink" href="{}">{}</a>', url, _("Add a module"))


class ShelfModuleGroupInline(PreloadedAutocompleteAdminMixin, admin.TabularInline):
    model = ShelfModuleGroup
    form = forms.ShelfModuleGroupForm
    formset = forms.ShelfModuleGroupFormSet
    fields = ["position", "group", "image", "image_upload"]
    autocomplete_fields = ["group", "image"]
    extra = 0


@admin.register(ShelfModule)
class ShelfModuleAdmin(admin.ModelAdmin):
    form = forms.ShelfModuleForm
    list_display = ["shelf", "position", "control", "product_count"]
    list_filter = ["control", "shelf"]
    search_fields = ["shelf__name"]
    autocomplete_fields = ["shelf", "background"]
    fields = ["shelf", "position", "control", "product_count", "background", "background_upload"]
    inlines = [ShelfModuleGroupInline]
    list_select_related = ["shelf"]


# The admins other apps extend (products.extensions): registered composed with the panels contributed to them.
for _model, _admin_class in [
    (FreightTemplate, FreightTemplateAdmin),
    (Product, ProductAdmin),
    (ProductGroup, ProductGroupAdmin),
    (Shelf, ShelfAdmin),
]:
    admin.site.register(_model, extended_admin(_model, _admin_class))
