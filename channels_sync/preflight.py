"""The neutral pre-flight: ``preflight(product=…, shop=…)`` lists what the shop's platform will refuse of a product,
before anything is sent.

It gathers the facts the rules need (the product's category of that platform with its imported properties, the
freight template's valuation) and hands them, with the product's snapshot, to the platform's pure rules
(``channels_sync/platforms/<platform>/preflight.py``). ``preflight`` reads only; ``products_publish_enqueue`` is
*Publish*: it queues a job only for the products and shops whose pre-flight finds nothing blocking.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from channels_sync.engine.outbox import sync_job_enqueue
from channels_sync.models import Shop, SyncJob
from channels_sync.platforms.preflight import CategoryAttributeRule, CategoryRules, PreflightFacts, Problem
from channels_sync.platforms.registry import platform_entry
from channels_sync.rejections import fault_url
from products.models import Category, CategoryAttribute, FreightTemplate, Product
from products.selectors import ProductSnapshot, product_for_snapshot, product_snapshot, snapshot_of


def preflight(
    *,
    product: Product,
    shop: Shop,
    snapshot: ProductSnapshot | None = None,
    facts: ProductFacts | None = None,
) -> list[Problem]:
    """Every problem ``shop``'s platform would answer with a rejection of ``product``; ``[]`` when none is known.
    ``snapshot`` and ``facts`` spare reading the product again when the caller checks it for several shops."""
    snapshot = snapshot or product_snapshot(product_id=product.pk)
    facts = facts or ProductFacts(product)
    check_product = platform_entry(shop.platform).module("preflight").check_product
    return check_product(snapshot, facts.for_platform(shop.platform))


class ProductFacts:
    """What the rules need of a product beyond its snapshot, read once however many shops are checked: its
    categories, whether its freight template prices by weight, and each category's imported rules."""

    def __init__(self, product: Product, *, categories: dict | None = None, by_weight: bool | None = None):
        self.product = product
        self._by_platform: dict[str, PreflightFacts] = {}
        self._categories = categories
        self._by_weight = by_weight

    def for_platform(self, platform: str) -> PreflightFacts:
        if platform not in self._by_platform:
            self._by_platform[platform] = self._read(platform)
        return self._by_platform[platform]

    def _read(self, platform: str) -> PreflightFacts:
        if self._categories is None:
            # The platforms with a category tree of their own have a row in the product × platform category table.
            self._categories = self.product.categories_by_platform()
        if self._by_weight is None:
            self._by_weight = self.product.freight_template_id is not None and (
                FreightTemplate.objects.filter(
                    pk=self.product.freight_template_id, valuation_type=FreightTemplate.ValuationType.WEIGHT
                ).exists()
            )
        category = self._categories.get(platform)
        return PreflightFacts(
            category=category_rules(category=category) if category is not None else None,
            freight_template_by_weight=self._by_weight,
        )


@dataclass(frozen=True)
class ProblemRow:
    """A problem as the product page lists it: with the admin URL of its field."""

    problem: Problem
    url: str


@dataclass(frozen=True)
class ShopCheck:
    shop: Shop
    rows: tuple[ProblemRow, ...]

    @property
    def blocking(self) -> bool:
        return any(row.problem.blocking for row in self.rows)


def product_preflight_checks(*, product: Product) -> list[ShopCheck]:
    """The pre-flight of ``product`` for every enabled shop, in the shops' order, each problem linked to its field."""
    # One read of the product for its snapshot and its categories (prefetched with it).
    loaded = product_for_snapshot(product_id=product.pk)
    snapshot = snapshot_of(loaded)
    facts = ProductFacts(
        product,
        categories={row.platform: row.category for row in loaded.platform_categories.all()},
        by_weight=loaded.freight_template is not None
        and loaded.freight_template.valuation_type == FreightTemplate.ValuationType.WEIGHT,
    )
    checks = []
    for shop in Shop.objects.filter(is_enabled=True).order_by("name", "pk"):
        problems = preflight(product=product, shop=shop, snapshot=snapshot, facts=facts)
        rows = tuple(ProblemRow(p, fault_url(p.field, shop=shop, target=product)) for p in problems)
        checks.append(ShopCheck(shop=shop, rows=rows))
    return checks


@dataclass(frozen=True)
class Refusal:
    """A product *Publish* did not send to a shop, and why."""

    product: Product
    shop: Shop
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class PublishOutcome:
    queued: int
    refused: tuple[Refusal, ...]
    # (shop, product, job) per publish queued (or folded into a queued one), in the order asked.
    jobs: tuple[tuple[Shop, Product, SyncJob], ...] = ()


def products_publish_enqueue(*, shops: Iterable[Shop], products: Iterable[Product], user=None) -> PublishOutcome:
    """*Publish*: one publish job per product and shop, except where the pre-flight finds a blocking problem; those
    are refused with their problems, nothing is queued for them."""
    shops = list(shops)
    jobs: list[tuple[Shop, Product, SyncJob]] = []
    refused: list[Refusal] = []
    for product in products:
        snapshot = product_snapshot(product_id=product.pk)
        facts = ProductFacts(product)
        for shop in shops:
            blocking = tuple(
                p for p in preflight(product=product, shop=shop, snapshot=snapshot, facts=facts) if p.blocking
            )
            if blocking:
                refused.append(Refusal(product=product, shop=shop, problems=blocking))
                continue
            job = sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product, created_by=user)
            jobs.append((shop, product, job))
    return PublishOutcome(queued=len(jobs), refused=tuple(refused), jobs=tuple(jobs))


def category_rules(*, category: Category | None) -> CategoryRules | None:
    """The imported properties of a category; ``None`` for no category, or one entered by hand and never imported
    (its requirements are unknown, so nothing is claimed about them)."""
    if category is None or category.imported_at is None:
        return None
    attributes = (
        CategoryAttribute.objects.filter(category_id=category.pk, kind=CategoryAttribute.Kind.PROPERTY)
        .prefetch_related("values")
        .order_by("pk")
    )
    return CategoryRules(
        remote_id=category.remote_id,
        attributes=tuple(
            CategoryAttributeRule(
                name=attribute.name,
                is_required=attribute.is_required,
                choices=tuple(value.name for value in sorted(attribute.values.all(), key=lambda v: v.pk)),
            )
            for attribute in attributes
        ),
    )
