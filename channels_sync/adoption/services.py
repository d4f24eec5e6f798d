"""Adopting a shop's existing products: the preview, the merchant's choices and the import (issue 13).

The preview and the import run as jobs of the shop (``handlers.py``), each with the :class:`CatalogImport` as
target. The preview reads every page of the shop's products and keeps one row per remote product with what the
matching proposes. The import matches again against the catalog as it is now, so that a second run finds every
product it created or bound already bound and changes nothing, then per row creates the local product or binds it,
recording the binding with the hash of the body a publish would send: an adopted product that says what the shop
holds is not sent again, and one that differs keeps the shop's copy as its last pushed body, with the
differences shown on the row.

Network calls (reading pages, fetching pictures) happen outside transactions; each row is written in its own.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from channels_sync.engine.bindings import binding_for, binding_get, binding_record_success, binding_state
from channels_sync.engine.context import JobContext
from channels_sync.engine.outbox import sync_job_enqueue
from channels_sync.models import (
    CatalogImport,
    CatalogImportRow,
    RemoteBinding,
    RemoteImage,
    RemoteSkuStock,
    Shop,
    SyncJob,
    payload_hash,
)
from channels_sync.platforms.adapter import FREIGHT_TEMPLATE_CAPABILITIES, Capability
from channels_sync.platforms.errors import PayloadError, PlatformError
from channels_sync.platforms.remote_catalog import (
    RemoteCatalogProduct,
    RemoteCatalogStatus,
    remote_product_from_json,
    remote_product_to_json,
)
from channels_sync.selectors import product_options_for
from products.models import (
    Brand,
    Category,
    CategoryAttribute,
    CategoryAttributeValue,
    FreightTemplate,
    ImageAsset,
    Platform,
    Product,
    ProductDetailBlock,
    ProductExpressFee,
    ProductImage,
    ProductPlatformCategory,
    ProductProperty,
    ProductSpec,
    Sku,
)
from products.selectors import product_snapshot
from products.services import image_asset_get_or_create

from .comparison import payload_differences, projection
from .creation import ProductPlan, product_plan
from .matching import (
    AdoptionChoice,
    AdoptionChoiceError,
    AdoptionStep,
    MatchDecision,
    match_remote_catalog,
    plan_adoption,
)
from .selectors import local_catalog_snapshots, shop_product_bindings

logger = logging.getLogger("channels_sync.adoption")

# The platforms whose API reads a shop's products (issue 13: V1.17 getbystatus, Channels list/get, mini-shop
# get_list).
ADOPTABLE_PLATFORMS = (Platform.WECHAT_STORE, Platform.CHANNELS, Platform.MINISHOP)
# A shop answering pages without end stops here: 2000 pages of 30 products is far beyond any shop's catalog.
PREVIEW_MAX_PAGES = 2000


# The product fields a platform reader may fill (``RemoteCatalogProduct.product_fields``).
PRODUCT_FIELDS = frozenset(
    {
        "short_title",
        "aftersale_desc",
        "deliver_method",
        "delivery_type",
        "buy_limit",
        "weight_g",
        "seven_day_return",
        "pay_after_use",
        "freight_insurance",
        "fake_one_pay_three",
        "damage_guarantee",
        "is_post_free",
        "has_receipt",
        "is_under_guaranty",
        "is_support_replace",
        "location_country",
        "location_province",
        "location_city",
        "location_address",
    }
)


class CatalogImportError(ValueError):
    """A request the import cannot take; the message is for the merchant."""


# --- Starting, choosing, running (admin) -------------------------------------------------------------------------


def catalog_import_start(*, shop: Shop, user=None) -> CatalogImport:
    """Start a preview: read the shop's products in a job, then show what an import would do."""
    if shop.platform not in ADOPTABLE_PLATFORMS:
        raise CatalogImportError(_("This platform's API cannot list a shop's products."))
    with transaction.atomic():
        catalog_import = CatalogImport.objects.create(shop=shop, created_by=user)
        sync_job_enqueue(shop=shop, kind=SyncJob.Kind.CATALOG_PREVIEW, target=catalog_import, created_by=user)
    return catalog_import


def catalog_import_choose(*, catalog_import: CatalogImport, choices: Mapping[int, tuple[str, int | None]]) -> int:
    """Keep the merchant's choice per row (row id -> (choice, product id to bind to)). A bind must name one of the
    row's candidates, and two rows may not be bound to one product. Returns how many rows changed."""
    if catalog_import.state not in (CatalogImport.State.PREVIEWED, CatalogImport.State.DONE):
        raise CatalogImportError(_("Choices can only be made on a preview that is ready."))
    rows = {row.pk: row for row in catalog_import.rows.all()}
    claimed: dict[int, int] = {}
    for row in rows.values():
        choice, product_id = choices.get(row.pk, (row.choice, row.chosen_product_id))
        if choice == CatalogImportRow.Choice.BIND:
            allowed = _bindable_ids(row)
            if product_id not in allowed:
                raise CatalogImportError(
                    _("%(remote)s cannot be bound to product %(product)s.")
                    % {"remote": row.remote_id, "product": product_id}
                )
            other = claimed.setdefault(product_id, row.pk)
            if other != row.pk:
                raise CatalogImportError(
                    _("Product %(product)s is chosen for two remote products.") % {"product": product_id}
                )
    changed = 0
    with transaction.atomic():
        for row_id, (choice, product_id) in choices.items():
            row = rows.get(row_id)
            if row is None:
                continue
            product_id = product_id if choice == CatalogImportRow.Choice.BIND else None
            if (row.choice, row.chosen_product_id) != (choice, product_id):
                CatalogImportRow.objects.filter(pk=row.pk).update(choice=choice, chosen_product_id=product_id)
                changed += 1
    return changed


def catalog_import_run(*, catalog_import: CatalogImport, user=None) -> SyncJob:
    """Import the previewed rows as chosen, in a job of the shop."""
    with transaction.atomic():
        locked = CatalogImport.objects.select_for_update().get(pk=catalog_import.pk)
        if locked.state not in (CatalogImport.State.PREVIEWED, CatalogImport.State.DONE):
            raise CatalogImportError(_("Only a ready preview can be imported."))
        CatalogImport.objects.filter(pk=locked.pk).update(state=CatalogImport.State.IMPORTING, error="")
        return sync_job_enqueue(shop=locked.shop, kind=SyncJob.Kind.CATALOG_IMPORT, target=locked, created_by=user)


def _bindable_ids(row: CatalogImportRow) -> set[int]:
    return {candidate["id"] for candidate in row.candidates if candidate.get("bindable", True)}


# --- The preview (job) ---------------------------------------------------------------------------------------------


def catalog_import_read(*, ctx: JobContext, catalog_import: CatalogImport) -> dict:
    """Read every page of the shop's products, match them with the catalog and keep one row per product."""
    products: dict[str, RemoteCatalogProduct] = {}
    cursor: str | None = ""
    pages = 0
    while cursor is not None and pages < PREVIEW_MAX_PAGES:
        page = ctx.adapter.catalog_page(cursor=cursor)
        pages += 1
        for product in page.products:
            # A product that moved while the pages were read may show twice: the first reading stands.
            products.setdefault(product.remote_id, product)
        cursor = page.next_cursor
        CatalogImport.objects.filter(pk=catalog_import.pk).update(pages_read=pages)
    decisions = match_remote_catalog(
        remote_products=list(products.values()),
        local_products=local_catalog_snapshots(),
        bound=shop_product_bindings(shop_id=ctx.shop.pk),
    )
    with transaction.atomic():
        CatalogImportRow.objects.filter(catalog_import=catalog_import).delete()
        CatalogImportRow.objects.bulk_create(
            _preview_row(catalog_import, position, decision, products[decision.remote_id])
            for position, decision in enumerate(decisions)
        )
        CatalogImport.objects.filter(pk=catalog_import.pk).update(
            state=CatalogImport.State.PREVIEWED, rows_done=0, finished_at=None
        )
    counts = {action: sum(1 for d in decisions if d.action == action) for action in CatalogImportRow.Action.values}
    return {"pages": pages, "products": len(decisions), **counts}


def _preview_row(
    catalog_import: CatalogImport, position: int, decision: MatchDecision, remote: RemoteCatalogProduct
) -> CatalogImportRow:
    bindable = set(decision.bindable_product_ids)
    pairing = decision.pairing
    return CatalogImportRow(
        catalog_import=catalog_import,
        position=position,
        remote_id=remote.remote_id,
        title=remote.title[:200],
        action=decision.action,
        reason=decision.reason or "",
        matched_product_id=decision.local_product_id,
        candidates=[
            {
                "id": candidate.local_product_id,
                "matched_by": list(candidate.matched_by),
                "bindable": candidate.local_product_id in bindable,
                "remote_only": list(candidate.pairing.remote_only),
                "local_only": list(candidate.pairing.local_only),
            }
            for candidate in decision.candidates
        ],
        remote=remote_product_to_json(remote),
        warnings=[_("Already bound: nothing will change.")] if decision.already_bound else [],
        differences=[{"remote_only": list(pairing.remote_only), "local_only": list(pairing.local_only)}]
        if pairing is not None and not pairing.complete
        else [],
    )


# --- The import (job) ----------------------------------------------------------------------------------------------


def catalog_import_execute(*, ctx: JobContext, catalog_import: CatalogImport) -> dict:
    """Import the rows not done yet, as the merchant chose (a row without a choice takes its proposal; a conflict
    without one is skipped). Each row ends created, bound, unchanged, skipped or failed with its reason."""
    rows = list(catalog_import.rows.filter(result=CatalogImportRow.Result.PENDING).order_by("position"))
    remotes = {row.remote_id: remote_product_from_json(row.remote) for row in rows}
    decisions = {
        decision.remote_id: decision
        for decision in match_remote_catalog(
            remote_products=list(remotes.values()),
            local_products=local_catalog_snapshots(),
            bound=shop_product_bindings(shop_id=ctx.shop.pk),
        )
    }
    claimed: set[int] = set()
    results: dict[str, int] = {}
    for row in rows:
        result = _import_row(ctx, row, remotes[row.remote_id], decisions[row.remote_id], claimed)
        results[result] = results.get(result, 0) + 1
        CatalogImport.objects.filter(pk=catalog_import.pk).update(rows_done=_rows_done(catalog_import))
    CatalogImport.objects.filter(pk=catalog_import.pk).update(
        state=CatalogImport.State.DONE, finished_at=timezone.now(), rows_done=_rows_done(catalog_import)
    )
    return results


def _rows_done(catalog_import: CatalogImport) -> int:
    return catalog_import.rows.exclude(result=CatalogImportRow.Result.PENDING).count()


def _import_row(
    ctx: JobContext, row: CatalogImportRow, remote: RemoteCatalogProduct, decision: MatchDecision, claimed: set[int]
) -> str:
    chosen = {row.remote_id: (AdoptionChoice(row.choice), row.chosen_product_id)} if row.choice else {}
    fields: dict = {}
    try:
        (step,) = plan_adoption([decision], chosen)
        if step.choice == AdoptionChoice.BIND and not step.already_bound:
            if step.local_product_id in claimed:
                raise AdoptionChoiceError(
                    row.remote_id, f"local product {step.local_product_id} is taken by another row"
                )
            claimed.add(step.local_product_id)
        result, fields = _apply_step(ctx, step, remote)
    except (AdoptionChoiceError, PlatformError, PayloadError) as error:
        result = CatalogImportRow.Result.FAILED
        fields = {"error": str(error)[:2000]}
        logger.warning(
            "adoption.row.failed",
            extra={"shop_id": ctx.shop.pk, "remote_id": row.remote_id, "error": type(error).__name__},
        )
    CatalogImportRow.objects.filter(pk=row.pk).update(result=result, **fields)
    return result


def _apply_step(ctx: JobContext, step: AdoptionStep, remote: RemoteCatalogProduct) -> tuple[str, dict]:
    if step.already_bound:
        return CatalogImportRow.Result.UNCHANGED, {"product_id": step.local_product_id}
    if step.choice == AdoptionChoice.SKIP:
        return CatalogImportRow.Result.SKIPPED, {}
    if step.choice == AdoptionChoice.CREATE:
        product, pairs, warnings = product_create_from_remote(ctx=ctx, remote=remote)
        differences, more = product_bind_to_remote(ctx=ctx, product=product, remote=remote, sku_pairs=pairs)
        return CatalogImportRow.Result.CREATED, {
            "product_id": product.pk,
            "warnings": warnings + more,
            "differences": differences,
        }
    product = Product.objects.get(pk=step.local_product_id)
    _complete_category(product, remote)
    _map_pictures_by_content(ctx, product, remote)
    differences, warnings = product_bind_to_remote(ctx=ctx, product=product, remote=remote, sku_pairs=step.sku_pairs)
    return CatalogImportRow.Result.BOUND, {"product_id": product.pk, "warnings": warnings, "differences": differences}


# --- Creating the local product -----------------------------------------------------------------------------------


def product_create_from_remote(
    *, ctx: JobContext, remote: RemoteCatalogProduct
) -> tuple[Product, tuple[tuple[int, str], ...], list[str]]:
    """A new local product holding what the shop holds of ``remote``: SKUs, specs, properties, prices, stock,
    pictures (fetched into the media library, and known as the shop's own links), freight template and category.
    Returns the product, its SKU ids paired with the remote SKU ids, and warnings for the merchant."""
    spec_names, value_names = _spec_tables(remote)
    plan = product_plan(
        remote, taken_codes=_taken_codes(plan_codes(remote)), spec_names=spec_names, value_names=value_names
    )
    warnings = list(plan.warnings)
    assets = _fetch_pictures(ctx, _plan_picture_urls(plan), warnings)
    category = _category(remote)
    template_id = _freight_template_id(ctx.shop, remote.freight_template_id)
    with transaction.atomic():
        product = Product(
            out_product_id=_free_out_product_id(plan.out_product_id, remote.remote_id, warnings),
            title=plan.title,
            spu_code=plan.spu_code[:64],
            state=Product.State.ACTIVE if remote.status == RemoteCatalogStatus.LISTED else Product.State.DRAFT,
        )
        for name, value in remote.product_fields.items():
            if name in PRODUCT_FIELDS:
                setattr(product, name, value)
        brand = (
            Brand.objects.filter(platform=remote.platform, remote_id=remote.brand_id).first()
            if remote.brand_id
            else None
        )
        if brand is not None:
            product.brand = brand
        elif remote.brand_id:
            warnings.append(
                _("The brand %(brand)s is not imported: import the shop's categories.") % {"brand": remote.brand_id}
            )
        if category is None and remote.category_ids:
            warnings.append(
                _("The category %(category)s is not imported: import the shop's categories, then set it.")
                % {"category": remote.category_ids[-1]}
            )
        if template_id is not None:
            product.freight_template_id = template_id
            product.delivery_type = Product.DeliveryType.TEMPLATE
        elif remote.freight_template_id:
            warnings.append(
                _("The freight template %(template)s is not imported: import the shop's freight templates.")
                % {"template": remote.freight_template_id}
            )
        product.save()
        if category is not None:
            ProductPlatformCategory.objects.create(product=product, platform=remote.platform, category=category)
        ProductExpressFee.objects.bulk_create(
            ProductExpressFee(product=product, express_type=express_type, price=price)
            for express_type, price in remote.product_fields.get("express_fees", ())
        )
        _create_pictures(product, plan, remote, assets)
        _create_specs(product, plan)
        pairs = _create_skus(product, plan, assets, own_icons=remote.platform == Platform.WECHAT_STORE)
        if category is not None:
            warnings += _create_properties(product, category, remote)
        RemoteImage.objects.bulk_create(
            [RemoteImage(shop=ctx.shop, asset=asset, remote_url=url) for url, asset in assets.items()],
            ignore_conflicts=True,
        )
    return product, pairs, warnings


def plan_codes(remote: RemoteCatalogProduct) -> set[str]:
    return {code for sku in remote.skus for code in (sku.product_code, sku.barcode, sku.out_sku_id) if code}


def _taken_codes(codes: Iterable[str]) -> set[str]:
    """Which of ``codes`` other SKUs already use (as a SKU code, barcode or merchant SKU code)."""
    codes = list(codes)
    if not codes:
        return set()
    rows = Sku.objects.filter(Q(product_code__in=codes) | Q(barcode__in=codes) | Q(out_sku_id__in=codes))
    taken = set()
    for product_code, barcode, out_sku_id in rows.values_list("product_code", "barcode", "out_sku_id"):
        taken.update(value for value in (product_code, barcode, out_sku_id) if value)
    return taken


def _spec_tables(remote: RemoteCatalogProduct) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Names of the V1.17 category specs the product uses, from the imported spec tables."""
    keys = {spec.key for sku in remote.skus for spec in sku.specs if spec.key and not spec.key.startswith("$")}
    if not keys:
        return {}, {}
    attributes = CategoryAttribute.objects.filter(
        category__platform=remote.platform, kind=CategoryAttribute.Kind.SPEC, remote_id__in=keys
    )
    spec_names = dict(attributes.values_list("remote_id", "name"))
    values = CategoryAttributeValue.objects.filter(attribute__in=attributes).values_list(
        "attribute__remote_id", "remote_id", "name"
    )
    return spec_names, {(key, vid): name for key, vid, name in values}


def _plan_picture_urls(plan: ProductPlan) -> list[str]:
    urls = [*plan.image_urls, *plan.detail_image_urls, *(sku.image_url for sku in plan.skus if sku.image_url)]
    return list(dict.fromkeys(urls))


def _fetch_pictures(ctx: JobContext, urls: Iterable[str], warnings: list[str]) -> dict[str, ImageAsset]:
    """The pictures behind ``urls`` in the media library (one asset per content); a picture that cannot be
    fetched is left out with a warning."""
    assets = {}
    for url in urls:
        try:
            data = ctx.adapter.image_download(url=url)
        except PlatformError as error:
            warnings.append(
                _("The picture %(url)s could not be fetched: %(error)s") % {"url": url, "error": error.errmsg}
            )
            continue
        name = "adopted-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16] + ".png"
        assets[url] = image_asset_get_or_create(uploaded_file=SimpleUploadedFile(name, data))
    return assets


def _category(remote: RemoteCatalogProduct) -> Category | None:
    if not remote.category_ids:
        return None
    return Category.objects.filter(platform=remote.platform, remote_id=remote.category_ids[-1]).first()


def _freight_template_id(shop: Shop, remote_template_id: str) -> int | None:
    """The local template bound to the shop's template ``remote_template_id`` (imported or pushed before)."""
    if not remote_template_id:
        return None
    content_type = ContentType.objects.get_for_model(FreightTemplate)
    row = RemoteBinding.objects.filter(
        shop=shop, content_type=content_type, remote_id=str(remote_template_id), is_deleted=False
    ).first()
    return row.object_id if row is not None else None


def _free_out_product_id(out_product_id: str, remote_id: str, warnings: list[str]) -> str:
    if not Product.objects.filter(out_product_id=out_product_id).exists():
        return out_product_id
    free = f"{out_product_id}-{remote_id}"[:128]
    warnings.append(
        _("Another product already has the code %(code)s: this one became %(free)s.")
        % {"code": out_product_id, "free": free}
    )
    return free


def _create_pictures(
    product: Product, plan: ProductPlan, remote: RemoteCatalogProduct, assets: Mapping[str, ImageAsset]
) -> None:
    head = [assets[url] for url in plan.image_urls if url in assets]
    ProductImage.objects.bulk_create(
        [ProductImage(product=product, position=i, asset=asset) for i, asset in enumerate(dict.fromkeys(head))]
    )
    blocks = []
    for kind, value in _detail_blocks(remote):
        if kind == "text":
            blocks.append(ProductDetailBlock(product=product, kind=ProductDetailBlock.Kind.TEXT, text=value[:2000]))
        elif value in assets:
            blocks.append(ProductDetailBlock(product=product, kind=ProductDetailBlock.Kind.IMAGE, asset=assets[value]))
    for position, block in enumerate(blocks):
        block.position = position
    ProductDetailBlock.objects.bulk_create(blocks)


def _detail_blocks(remote: RemoteCatalogProduct) -> list[tuple[str, str]]:
    """The detail in order: V1.17 keeps text and pictures interleaved; the other platforms keep a text and a
    list of pictures."""
    if remote.platform == Platform.WECHAT_STORE:
        detail = remote.shop_copy.get("product_base", {}).get("detail", [])
        return [("image", block["img"]) if "img" in block else ("text", block["text"]) for block in detail]
    texts = [("text", remote.detail_text)] if remote.detail_text.strip() else []
    return texts + [("image", url) for url in remote.detail_image_urls]


def _create_specs(product: Product, plan: ProductPlan) -> None:
    for position, spec in enumerate(plan.specs):
        if spec.is_custom:
            ProductSpec.objects.create(
                product=product,
                position=position,
                custom_name=spec.name[:30],
                custom_values=", ".join(name for _key, name in spec.values),
            )
            continue
        attribute = CategoryAttribute.objects.filter(
            kind=CategoryAttribute.Kind.SPEC, remote_id=spec.key, category__platform=Platform.WECHAT_STORE
        ).first()
        created = ProductSpec.objects.create(product=product, position=position, attribute=attribute)
        created.values.set(
            CategoryAttributeValue.objects.filter(attribute=attribute, remote_id__in=[key for key, _ in spec.values])
        )


def _create_skus(
    product: Product, plan: ProductPlan, assets: Mapping[str, ImageAsset], *, own_icons: bool
) -> tuple[tuple[int, str], ...]:
    """The SKUs, paired with the remote SKU ids. A SKU showing the main picture has no picture of its own where
    the platform sends the main one for a SKU without (Channels, mini-shop); V1.17 sends its own or none."""
    main = plan.image_urls[0] if plan.image_urls else ""
    pairs = []
    for position, sku_plan in enumerate(plan.skus):
        own = sku_plan.image_url and (own_icons or sku_plan.image_url != main)
        sku = Sku.objects.create(
            product=product,
            position=position,
            specs=list(sku_plan.specs),
            price=sku_plan.price,
            original_price=sku_plan.original_price,
            stock=sku_plan.stock,
            image=assets.get(sku_plan.image_url) if own else None,
            product_code=sku_plan.product_code or None,
            barcode=sku_plan.barcode or None,
            out_sku_id=sku_plan.out_sku_id or None,
        )
        pairs.append((sku.pk, sku_plan.remote_sku_id))
    return tuple(pairs)


def _create_properties(product: Product, category: Category, remote: RemoteCatalogProduct) -> list[str]:
    """The product's properties on its category: V1.17 names them by (id, vid), the others by (name, value)."""
    warnings = []
    by_id = remote.platform == Platform.WECHAT_STORE
    attributes = CategoryAttribute.objects.filter(category=category, kind=CategoryAttribute.Kind.PROPERTY)
    seen = set()
    for key, value in remote.properties:
        attribute = attributes.filter(remote_id=key).first() if by_id else attributes.filter(name=key).first()
        if attribute is None or attribute.pk in seen:
            warnings.append(_("The property %(name)s is not one of the category's: left out.") % {"name": key})
            continue
        seen.add(attribute.pk)
        known = (
            attribute.values.filter(remote_id=value).first() if by_id else attribute.values.filter(name=value).first()
        )
        ProductProperty.objects.create(
            product=product,
            attribute=attribute,
            value=known,
            custom_value="" if known is not None else value.removeprefix("$")[:100],
        )
    return warnings


# --- Binding ------------------------------------------------------------------------------------------------------


def _complete_category(product: Product, remote: RemoteCatalogProduct) -> None:
    """A bound product without a category on the shop's platform takes the shop's (when imported): the one its
    products are published in."""
    if ProductPlatformCategory.objects.filter(product=product, platform=remote.platform).exists():
        return
    category = _category(remote)
    if category is not None:
        ProductPlatformCategory.objects.create(product=product, platform=remote.platform, category=category)


def _map_pictures_by_content(ctx: JobContext, product: Product, remote: RemoteCatalogProduct) -> None:
    """The shop's links of pictures the local product already has (same bytes): known as uploaded, so a publish
    sends the shop's own links instead of uploading the pictures again."""
    assets = {asset.sha256: asset for asset in _product_assets(product)}
    known = set(RemoteImage.objects.filter(shop=ctx.shop, asset__in=assets.values()).values_list("asset_id", flat=True))
    urls = [*remote.image_urls, *remote.detail_image_urls, *(sku.image_url for sku in remote.skus if sku.image_url)]
    for url in dict.fromkeys(urls):
        if len(known) == len(assets):
            return
        try:
            data = ctx.adapter.image_download(url=url)
        except PlatformError:
            continue
        asset = assets.get(hashlib.sha256(data).hexdigest())
        if asset is not None and asset.pk not in known:
            RemoteImage.objects.get_or_create(shop=ctx.shop, asset=asset, defaults={"remote_url": url})
            known.add(asset.pk)


def _product_assets(product: Product) -> list[ImageAsset]:
    ids = set(product.images.values_list("asset_id", flat=True))
    ids |= set(product.detail_blocks.exclude(asset=None).values_list("asset_id", flat=True))
    ids |= set(product.skus.exclude(image=None).values_list("image_id", flat=True))
    return list(ImageAsset.objects.filter(pk__in=ids))


def product_bind_to_remote(
    *, ctx: JobContext, product: Product, remote: RemoteCatalogProduct, sku_pairs: Iterable[tuple[int, str]]
) -> tuple[list[dict], list[str]]:
    """Bind ``product`` to the shop's ``remote`` product: the binding, the SKUs' remote ids and stock baselines
    (the shop's figures, so the next stock push brings the shop to the local stock), and the last pushed body.

    When the body a publish would send says what the shop holds, its hash is recorded and a publish sends
    nothing; otherwise the shop's copy (on the body's fields) is recorded and the differences returned."""
    warnings: list[str] = []
    remote_skus = {sku.remote_sku_id: sku for sku in remote.skus}
    now = timezone.now()
    with transaction.atomic():
        binding = binding_for(ctx.shop, product)
        binding_record_success(
            binding,
            remote_id=remote.remote_id,
            remote_status=str(remote.status),
            listed_once=remote.status != RemoteCatalogStatus.DRAFT,
            is_deleted=False,
        )
        for sku_id, remote_sku_id in sku_pairs:
            remote_sku = remote_skus[remote_sku_id]
            RemoteSkuStock.objects.update_or_create(
                shop=ctx.shop,
                sku_id=sku_id,
                defaults={
                    "remote_sku_key": remote_sku_id,
                    "synced_stock": remote_sku.stock,
                    "remote_stock": remote_sku.stock,
                    "remote_stock_read_at": now,
                },
            )
    try:
        body, basis = _publish_body(ctx, product, binding)
    except PayloadError as error:
        warnings.append(_("A publish could not be built yet: %(error)s") % {"error": error})
        return [], warnings
    differences = payload_differences(remote.shop_copy, body)
    if not differences:
        binding_record_success(binding, last_pushed_hash=payload_hash(basis), last_pushed_payload=body)
        return [], warnings
    held = projection(remote.shop_copy, body)
    binding_record_success(binding, last_pushed_hash=payload_hash(held), last_pushed_payload=held)
    return [{"path": d.path, "remote": d.remote, "local": d.local} for d in differences], warnings


def _publish_body(ctx: JobContext, product: Product, binding) -> tuple[dict, dict]:
    """The body and hash basis a publish of the bound product would build (as ``handle_product_publish`` does)."""
    snapshot = product_snapshot(product_id=product.pk)
    asset_ids = snapshot.all_image_asset_ids() if Capability.IMAGES in ctx.adapter.capabilities else ()
    urls = dict(RemoteImage.objects.filter(shop=ctx.shop, asset_id__in=asset_ids).values_list("asset_id", "remote_url"))
    template_remote_id = None
    if (
        snapshot.freight_template_id
        and snapshot.delivery_type == Product.DeliveryType.TEMPLATE
        and ctx.adapter.capabilities & FREIGHT_TEMPLATE_CAPABILITIES
    ):
        template_binding = binding_get(ctx.shop, FreightTemplate, snapshot.freight_template_id)
        template_remote_id = template_binding.remote_id if template_binding is not None else None
    payload = ctx.adapter.product_payload(
        snapshot=snapshot,
        image_urls=urls,
        freight_template_remote_id=template_remote_id,
        binding=binding_state(binding),
        remote=None,
        product_options=product_options_for(ctx.shop, product),
    )
    return payload.body, payload.hash_basis
