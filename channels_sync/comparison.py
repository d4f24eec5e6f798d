"""The local / draft / online page of a product in a shop, field by field: what would be sent (the payload preview),
the shop's draft and its online copy, lined up by the platform's field mapping (``platforms/<p>/comparison.py``,
found through the registry), each row marked where the copies differ.

Images are shown as thumbnails of the catalog's own pictures (a shop's image URL is matched to the image uploaded
for it); categories by their imported names; the freight template by its name in the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from products.models import Category, FreightTemplate, ImageAsset

from .models import RemoteBinding, RemoteImage, Shop
from .platforms.comparison import Field
from .platforms.registry import PLATFORMS


@dataclass(frozen=True)
class Thumbnail:
    """An image of a copy: the catalog's picture when it is known (``src``), else a label."""

    src: str
    label: str


@dataclass(frozen=True)
class Cell:
    """One copy's value of a field; ``present`` is False where the copy does not exist (no draft read, not online)."""

    present: bool
    text: str = ""
    thumbnails: tuple[Thumbnail, ...] = ()


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    local: Cell
    draft: Cell
    online: Cell
    differs: bool


@dataclass(frozen=True)
class Comparison:
    """``supported`` is False for a platform without a field mapping: the page shows the raw copies only."""

    supported: bool
    rows: tuple[Row, ...] = ()
    has_draft: bool = False
    has_online: bool = False
    # The headings of the shop's copies the platform gives (its comparison module's ``COPIES``), "" for a copy it
    # has not: a draft and an online copy (Channels, the mini-shop), only the product as the shop holds it (V1.17),
    # or none (the page then shows only what would be sent).
    draft_label: str = ""
    online_label: str = ""

    @property
    def remote_columns(self) -> bool:
        return bool(self.draft_label or self.online_label)

    @property
    def differences(self) -> int:
        return sum(row.differs for row in self.rows)


def product_comparison(
    *,
    shop: Shop,
    local: dict | None,
    draft: dict | None,
    online: dict | None,
    local_images: dict[str, int] | None = None,
    local_freight_template: str = "",
    sku_labels: dict[str, str] | None = None,
) -> Comparison:
    """The three copies of a product in ``shop``, field by field; a copy that is ``None`` is absent.
    ``local_images`` maps the image URLs (or placeholders) of the local copy to the catalog's image asset ids;
    ``local_freight_template`` is the name of the product's freight template (the local copy's, whatever remote id
    it was given); ``sku_labels`` names a SKU row by the SKU's specs where the body holds only their ids (by the
    row's key after ``sku:``)."""
    entry = PLATFORMS.get(shop.platform)
    module = entry.module("comparison") if entry is not None else None
    if module is None:
        return Comparison(supported=False)
    copies = [module.fields(body) if body is not None else None for body in (local, draft, online)]
    resolve = _Resolver(shop, [field for copy in copies if copy for field in copy], local_images or {})
    order: dict[str, object] = {}
    by_copy = []
    for copy in copies:
        indexed = {field.key: field for field in copy} if copy is not None else None
        by_copy.append(indexed)
        for field in copy or ():
            order.setdefault(field.key, field.label)
    rows = []
    for key, label in order.items():
        fields = [indexed.get(key) if indexed is not None else None for indexed in by_copy]
        present = [(field, indexed) for field, indexed in zip(fields, by_copy, strict=True) if indexed is not None]
        values = {field.value if field else ("", (), ()) for field, _indexed in present}
        cells = [
            resolve.cell(field) if field else Cell(present=indexed is not None)
            for field, indexed in zip(fields, by_copy, strict=True)
        ]
        if key == "freight_template" and fields[0] is not None and local_freight_template:
            cells[0] = Cell(present=True, text=local_freight_template)
        if all(not cell.text and not cell.thumbnails for cell in cells):
            continue  # a field no copy fills (no purchase limit anywhere): nothing to compare
        if key.startswith("sku:") and key[4:] in (sku_labels or {}):
            label = _("SKU %(sku)s") % {"sku": sku_labels[key[4:]]}
        rows.append(
            Row(key=key, label=str(label), local=cells[0], draft=cells[1], online=cells[2], differs=len(values) > 1)
        )
    return Comparison(
        supported=True,
        rows=tuple(rows),
        has_draft=draft is not None,
        has_online=online is not None,
        draft_label=str(module.COPIES.get("draft", "")),
        online_label=str(module.COPIES.get("online", "")),
    )


class _Resolver:
    """Reads at once what the copies' ids name: the uploaded images, the categories, the freight templates."""

    def __init__(self, shop: Shop, fields: list[Field], local_images: dict[str, int]):
        image_urls = {url for field in fields for url in field.images} - set(local_images)
        asset_ids = dict(local_images)
        if image_urls:
            asset_ids.update(
                RemoteImage.objects.filter(shop=shop, remote_url__in=image_urls).values_list("remote_url", "asset_id")
            )
        assets = ImageAsset.objects.in_bulk(set(asset_ids.values())) if asset_ids else {}
        self.images = {url: assets[pk] for url, pk in asset_ids.items() if pk in assets}
        category_ids = {cat for field in fields for cat in field.category_ids}
        self.categories = (
            dict(
                Category.objects.filter(platform=shop.platform, remote_id__in=category_ids).values_list(
                    "remote_id", "name"
                )
            )
            if category_ids
            else {}
        )
        template_ids = {field.text for field in fields if field.key == "freight_template" and field.text}
        self.templates = {}
        if template_ids:
            bindings = RemoteBinding.objects.filter(
                shop=shop,
                content_type=ContentType.objects.get_for_model(FreightTemplate),
                remote_id__in=template_ids,
            ).values_list("remote_id", "object_id")
            names = dict(FreightTemplate.objects.filter(pk__in=[pk for _r, pk in bindings]).values_list("pk", "name"))
            self.templates = {remote_id: names.get(pk, remote_id) for remote_id, pk in bindings}

    def cell(self, field: Field) -> Cell:
        if field.category_ids:
            return Cell(present=True, text=" › ".join(self.categories.get(cat, cat) for cat in field.category_ids))
        if field.key == "freight_template" and field.text:
            return Cell(present=True, text=self.templates.get(field.text, field.text))
        return Cell(present=True, text=field.text, thumbnails=tuple(self._thumbnail(url) for url in field.images))

    def _thumbnail(self, url: str) -> Thumbnail:
        asset = self.images.get(url)
        if asset is not None:
            return Thumbnail(src=asset.image.url, label=f"{asset.width}×{asset.height}")
        return Thumbnail(src="", label=_("an image the catalog does not hold"))
