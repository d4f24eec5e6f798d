"""Reads of the catalog: choices for forms and plain snapshots for the sync engine."""

from dataclasses import dataclass

from django.db.models import Prefetch

from .inline_rows import Inline, inline_rows_fetch
from .models import (
    Category,
    CategoryAttributeValue,
    FreightTemplate,
    Platform,
    Product,
    ProductGroup,
    ProductSpec,
    Shelf,
    ShelfModule,
    ShelfModuleGroup,
)
from .sku_matrix import SpecDefinition, SpecValue, custom_key


def spec_definition_from_parts(
    *, attribute, custom_name: str, values: list[CategoryAttributeValue], custom_values: list[str]
) -> SpecDefinition:
    """A spec as the SKU matrix sees it, from a spec's attribute (or custom name) and its chosen values."""
    if attribute is not None:
        name = attribute.name
        key = attribute.remote_id or custom_key(name)
    else:
        name = custom_name.strip()
        key = custom_key(name)
    spec_values = [SpecValue(vid=v.remote_id or custom_key(v.name), name=v.name) for v in values]
    known = {v.name for v in spec_values}
    spec_values += [SpecValue(vid=custom_key(n), name=n) for n in custom_values if n not in known]
    return SpecDefinition(key=key, name=name, values=tuple(spec_values))


def product_spec_definitions(*, product: Product) -> list[SpecDefinition]:
    """The saved specs of a product, in order."""
    return spec_definitions_of(
        ProductSpec.objects.filter(product=product).select_related("attribute").prefetch_related("values")
    )


def spec_definitions_of(specs) -> list[SpecDefinition]:
    """The spec definitions of spec rows whose attribute and values are loaded."""
    return [
        spec_definition_from_parts(
            attribute=spec.attribute,
            custom_name=spec.custom_name,
            values=sorted(spec.values.all(), key=lambda v: v.pk),
            custom_values=spec.custom_value_names(),
        )
        for spec in specs
    ]


# --- Snapshots for the sync engine ----------------------------------------------------------------------
# Plain, frozen copies of catalog objects: payload builders read these and never the ORM, so a payload is a
# pure function of a snapshot (and of the platform URLs of its images).


@dataclass(frozen=True)
class CategorySnapshot:
    remote_id: str
    name: str
    path_remote_ids: tuple[str, ...]  # from the root down to this category
    level: int


@dataclass(frozen=True)
class PropertySnapshot:
    attribute_remote_id: str
    attribute_name: str
    value_remote_id: str  # "" for a custom value
    value_name: str
    platform: str


@dataclass(frozen=True)
class SkuSnapshot:
    id: int
    specs: tuple[tuple[tuple[str, str], ...], ...]  # ((("id", …), ("vid", …), ("name", …), ("value", …)), …)
    spec_key: str
    price: int
    original_price: int
    stock: int
    image_asset_id: int | None
    product_code: str
    barcode: str
    out_sku_id: str

    def spec_dicts(self) -> list[dict[str, str]]:
        return [dict(pairs) for pairs in self.specs]


@dataclass(frozen=True)
class DetailBlockSnapshot:
    kind: str  # "text" or "image"
    text: str
    image_asset_id: int | None


@dataclass(frozen=True)
class ProductSnapshot:
    id: int
    out_product_id: str
    title: str
    short_title: str
    spu_code: str
    wechat_store_category: CategorySnapshot | None
    channels_category: CategorySnapshot | None
    brand_remote_id: str  # "" for no brand
    properties: tuple[PropertySnapshot, ...]
    spec_definitions: tuple[SpecDefinition, ...]
    skus: tuple[SkuSnapshot, ...]
    image_asset_ids: tuple[int, ...]  # head images in order; the first is the main image
    detail_blocks: tuple[DetailBlockSnapshot, ...]
    buy_limit: int
    aftersale_desc: str
    is_post_free: bool
    has_receipt: bool
    is_under_guaranty: bool
    is_support_replace: bool
    seven_day_return: int
    pay_after_use: bool
    freight_insurance: bool
    fake_one_pay_three: bool
    damage_guarantee: bool
    location_country: str
    location_province: str
    location_city: str
    location_address: str
    deliver_method: int
    delivery_type: int
    freight_template_id: int | None
    express_fees: tuple[tuple[int, int], ...]  # (express type, fee in fen)
    weight_g: int | None
    # Last, with a default, so snapshots built without it (tests, benchmarks) stay valid.
    minishop_category: CategorySnapshot | None = None
    brand_name: str = ""  # the brand's Chinese name, "" for no brand

    def all_image_asset_ids(self) -> tuple[int, ...]:
        """Every image the product's payloads refer to, each once, in a stable order."""
        ids = list(self.image_asset_ids)
        ids += [b.image_asset_id for b in self.detail_blocks if b.image_asset_id is not None]
        ids += [s.image_asset_id for s in self.skus if s.image_asset_id is not None]
        return tuple(dict.fromkeys(ids))


def _category_snapshot(category: Category | None) -> CategorySnapshot | None:
    if category is None:
        return None
    chain = category.ancestors(include_self=True)
    return CategorySnapshot(
        remote_id=category.remote_id,
        name=category.name,
        path_remote_ids=tuple(c.remote_id for c in chain),
        level=category.level,
    )


def product_snapshot(*, product_id: int) -> ProductSnapshot:
    """Everything a platform payload needs of one product, read in a fixed number of queries."""
    product = product_for_snapshot(product_id=product_id)
    if product is None:
        raise Product.DoesNotExist(f"product {product_id} does not exist")
    return snapshot_of(product)


def categories_load_ancestors(categories: list[Category]) -> None:
    """Load the ancestors of ``categories`` that are not loaded yet (``select_related`` stops at a fixed depth): one
    query per missing level for all of them, instead of one per ancestor as ``Category.ancestors`` walks up."""
    tops = list(categories)
    loaded: dict[int, Category] = {}
    while True:
        # The highest loaded node of each chain whose parent is still to read.
        tops = [_loaded_top(node) for node in tops]
        # (A top whose parent is loaded closes a cycle: nothing to read above it.)
        waiting = [node for node in tops if node.parent_id is not None and not Category.parent.is_cached(node)]
        if not waiting:
            return
        missing = {node.parent_id for node in waiting} - loaded.keys()
        if missing:
            loaded.update(Category.objects.in_bulk(missing))
        for node in waiting:
            if node.parent_id not in loaded:
                return  # a parent that no longer exists: ancestors() stops there too
            node.parent = loaded[node.parent_id]


def _loaded_top(node: Category) -> Category:
    seen = {node.pk}
    while node.parent_id is not None and Category.parent.is_cached(node) and node.parent_id not in seen:
        node = node.parent
        seen.add(node.pk)
    return node


# The child rows a snapshot reads, read inline in the product's query (``inline_rows``): one statement on
# PostgreSQL, whatever the number of SKUs, images or specs.
SNAPSHOT_INLINES = (
    # Three levels of each category joined; deeper trees are read by ``categories_load_ancestors``.
    Inline("platform_categories", joined=("category", "category__parent", "category__parent__parent")),
    Inline("images", order_by=("position", "pk")),
    Inline("detail_blocks", order_by=("position", "pk")),
    Inline("express_fees"),
    Inline("skus", order_by=("position", "pk")),
    Inline("properties", joined=("attribute", "attribute__category", "value")),
    Inline("specs", joined=("attribute",), order_by=("position", "pk"), nested=(Inline("values"),)),
)


def product_for_snapshot(*, product_id: int) -> Product | None:
    """The product with every part :func:`snapshot_of` reads, in one statement on PostgreSQL (one per part
    elsewhere); None once deleted. A job that needs the product row and its snapshot reads both at once."""
    # The freight template too (a join, no query of its own): the pre-flight asks how it prices.
    queryset = Product.objects.select_related("brand", "freight_template").filter(pk=product_id)
    rows = inline_rows_fetch(queryset, SNAPSHOT_INLINES)
    if not rows:
        return None
    product = rows[0]
    # Trees deeper than the three levels joined above: their remaining ancestors in one query per level.
    categories_load_ancestors([row.category for row in product.platform_categories.all()])
    return product


def snapshot_of(product: Product) -> ProductSnapshot:
    """The snapshot of a product read by :func:`product_for_snapshot` (its parts already prefetched)."""
    categories = {row.platform: row.category for row in product.platform_categories.all()}
    return ProductSnapshot(
        id=product.pk,
        out_product_id=product.out_product_id,
        title=product.title,
        short_title=product.short_title,
        spu_code=product.spu_code,
        wechat_store_category=_category_snapshot(categories.get(Platform.WECHAT_STORE)),
        channels_category=_category_snapshot(categories.get(Platform.CHANNELS)),
        brand_remote_id=product.brand.remote_id if product.brand_id else "",
        brand_name=product.brand.name_zh if product.brand_id else "",
        properties=tuple(
            PropertySnapshot(
                attribute_remote_id=p.attribute.remote_id,
                attribute_name=p.attribute.name,
                value_remote_id=p.value.remote_id if p.value_id else "",
                value_name=p.value_name,
                platform=p.attribute.category.platform,
            )
            for p in product.properties.all()
        ),
        spec_definitions=tuple(spec_definitions_of(product.specs.all())),
        skus=tuple(
            SkuSnapshot(
                id=s.pk,
                specs=tuple(tuple(sorted(spec.items())) for spec in s.specs),
                spec_key=s.spec_key,
                price=s.price,
                original_price=s.original_price,
                stock=s.stock,
                image_asset_id=s.image_id,
                product_code=s.product_code or "",
                barcode=s.barcode or "",
                out_sku_id=s.out_sku_id or "",
            )
            for s in product.skus.all()
        ),
        image_asset_ids=tuple(i.asset_id for i in sorted(product.images.all(), key=lambda i: (i.position, i.pk))),
        detail_blocks=tuple(
            DetailBlockSnapshot(kind=b.kind, text=b.text, image_asset_id=b.asset_id)
            for b in sorted(product.detail_blocks.all(), key=lambda b: (b.position, b.pk))
        ),
        buy_limit=product.buy_limit,
        aftersale_desc=product.aftersale_desc,
        is_post_free=product.is_post_free,
        has_receipt=product.has_receipt,
        is_under_guaranty=product.is_under_guaranty,
        is_support_replace=product.is_support_replace,
        seven_day_return=product.seven_day_return,
        pay_after_use=product.pay_after_use,
        freight_insurance=product.freight_insurance,
        fake_one_pay_three=product.fake_one_pay_three,
        damage_guarantee=product.damage_guarantee,
        location_country=product.location_country,
        location_province=product.location_province,
        location_city=product.location_city,
        location_address=product.location_address,
        deliver_method=product.deliver_method,
        delivery_type=product.delivery_type,
        freight_template_id=product.freight_template_id,
        express_fees=tuple(sorted((f.express_type, f.price) for f in product.express_fees.all())),
        weight_g=product.weight_g,
        minishop_category=_category_snapshot(categories.get(Platform.MINISHOP)),
    )


@dataclass(frozen=True)
class FeeRuleSnapshot:
    express_type: int
    dest_country: str
    dest_province: str
    dest_city: str
    start_standards: int
    start_fees: int
    add_standards: int
    add_fees: int


@dataclass(frozen=True)
class FreightTemplateSnapshot:
    id: int
    name: str
    assumer: int
    valuation: int
    valuation_type: str
    send_time: str
    shipping_method: str
    is_default: bool
    ship_from: tuple[tuple[str, str], ...]  # (("province", …), ("city", …), …)
    fee_rules: tuple[FeeRuleSnapshot, ...]
    free_conditions: tuple[tuple[str, str, int | None, int | None, int | None], ...]  # province, city, piece, g, fen
    not_served_areas: tuple[tuple[str, str, str], ...]


def freight_template_snapshot(*, template_id: int) -> FreightTemplateSnapshot:
    template = FreightTemplate.objects.prefetch_related("fee_rules", "free_conditions", "not_served_areas").get(
        pk=template_id
    )
    return FreightTemplateSnapshot(
        id=template.pk,
        name=template.name,
        assumer=template.assumer,
        valuation=template.valuation,
        valuation_type=template.valuation_type,
        send_time=template.send_time,
        shipping_method=template.shipping_method,
        is_default=template.is_default,
        ship_from=(
            ("province", template.ship_from_province),
            ("city", template.ship_from_city),
            ("county", template.ship_from_county),
            ("address", template.ship_from_address),
            ("contact", template.ship_from_contact),
            ("phone", template.ship_from_phone),
            ("postal_code", template.ship_from_postal_code),
        ),
        fee_rules=tuple(
            FeeRuleSnapshot(
                express_type=r.express_type,
                dest_country=r.dest_country,
                dest_province=r.dest_province,
                dest_city=r.dest_city,
                start_standards=r.start_standards,
                start_fees=r.start_fees,
                add_standards=r.add_standards,
                add_fees=r.add_fees,
            )
            for r in sorted(
                template.fee_rules.all(), key=lambda r: (r.express_type, r.dest_province, r.dest_city, r.pk)
            )
        ),
        free_conditions=tuple(
            (c.province, c.city, c.min_piece, c.min_weight_g, c.min_amount)
            for c in sorted(template.free_conditions.all(), key=lambda c: c.pk)
        ),
        not_served_areas=tuple(
            (a.province, a.city, a.county) for a in sorted(template.not_served_areas.all(), key=lambda a: a.pk)
        ),
    )


@dataclass(frozen=True)
class GroupSnapshot:
    id: int
    name: str
    product_ids: tuple[int, ...]


def group_snapshot(*, group_id: int) -> GroupSnapshot:
    group = ProductGroup.objects.prefetch_related("products").get(pk=group_id)
    return GroupSnapshot(id=group.pk, name=group.name, product_ids=tuple(sorted(p.pk for p in group.products.all())))


@dataclass(frozen=True)
class ShelfModuleSnapshot:
    control: int
    product_count: int | None
    background_asset_id: int | None
    groups: tuple[tuple[int, int | None], ...]  # (group id, image asset id) in order


@dataclass(frozen=True)
class ShelfSnapshot:
    id: int
    name: str
    banner_asset_id: int | None
    modules: tuple[ShelfModuleSnapshot, ...]

    def all_image_asset_ids(self) -> tuple[int, ...]:
        ids = [self.banner_asset_id] + [m.background_asset_id for m in self.modules]
        ids += [image for m in self.modules for _, image in m.groups]
        return tuple(dict.fromkeys(i for i in ids if i is not None))

    def group_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(g for m in self.modules for g, _ in m.groups))


def shelf_snapshot(*, shelf_id: int) -> ShelfSnapshot:
    shelf = Shelf.objects.prefetch_related(
        Prefetch("modules", queryset=ShelfModule.objects.order_by("position", "pk")),
        Prefetch("modules__groups", queryset=ShelfModuleGroup.objects.order_by("position", "pk")),
    ).get(pk=shelf_id)
    return ShelfSnapshot(
        id=shelf.pk,
        name=shelf.name,
        banner_asset_id=shelf.banner_id,
        modules=tuple(
            ShelfModuleSnapshot(
                control=m.control,
                product_count=m.product_count,
                background_asset_id=m.background_id,
                groups=tuple((g.group_id, g.image_id) for g in m.groups.all()),
            )
            for m in shelf.modules.all()
        ),
    )
