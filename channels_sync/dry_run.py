"""*Dry run (send nothing)*: for each product and shop, what the pre-flight finds and the exact payload the publish job
would send, built by the same pure builders (``previews.product_payload_preview``). Reads only: no job, no call."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from products.models import Product
from products.selectors import product_snapshot

from .comparison import Comparison, product_comparison
from .models import Shop
from .preflight import ProblemRow, ProductFacts, preflight
from .previews import PayloadPreview, product_payload_preview
from .rejections import fault_url

# A readable payload stops here; the whole of it stays under the technical details.
MAX_FIELDS = 400


@dataclass(frozen=True)
class DryRunRow:
    product: Product
    shop: Shop
    problems: tuple[ProblemRow, ...]
    preview: PayloadPreview
    # What would be sent, field by field with the platform's Chinese labels (the comparison page's local column);
    # not ``supported`` for a platform without a field mapping, whose payload is listed by its paths instead.
    readable: Comparison

    @property
    def blocking(self) -> bool:
        return any(row.problem.blocking for row in self.problems)

    @property
    def fields(self) -> list[tuple[str, str]]:
        return payload_fields(self.preview.body)[:MAX_FIELDS] if self.preview.body is not None else []

    @property
    def raw(self) -> str:
        return json.dumps(self.preview.body, ensure_ascii=False, indent=2) if self.preview.body is not None else ""


def dry_run(*, products: Iterable[Product], shops: Iterable[Shop]) -> list[DryRunRow]:
    shops = list(shops)
    rows = []
    for product in products:
        snapshot = product_snapshot(product_id=product.pk)
        facts = ProductFacts(product)
        for shop in shops:
            problems = preflight(product=product, shop=shop, snapshot=snapshot, facts=facts)
            preview = product_payload_preview(product=product, shop=shop)
            rows.append(
                DryRunRow(
                    product=product,
                    shop=shop,
                    problems=tuple(ProblemRow(p, fault_url(p.field, shop=shop, target=product)) for p in problems),
                    preview=preview,
                    readable=_readable(product, shop, preview),
                )
            )
    return rows


def _readable(product: Product, shop: Shop, preview: PayloadPreview) -> Comparison:
    if preview.body is None:
        return Comparison(supported=False)
    return product_comparison(
        shop=shop,
        local=preview.body,
        draft=None,
        online=None,
        local_images=preview.image_assets,
        local_freight_template=product.freight_template.name if product.freight_template_id else "",
        sku_labels=preview.sku_labels,
    )


def payload_fields(body, prefix: str = "") -> list[tuple[str, str]]:
    """The payload as (path, value) lines: ``skus[0].sale_price`` → ``1000``, in the payload's own order."""
    if isinstance(body, dict):
        lines = []
        for key, value in body.items():
            lines += payload_fields(value, f"{prefix}.{key}" if prefix else str(key))
        return lines or [(prefix, "{}")]
    if isinstance(body, list):
        lines = []
        for index, value in enumerate(body):
            lines += payload_fields(value, f"{prefix}[{index}]")
        return lines or [(prefix, "[]")]
    if isinstance(body, bool):
        return [(prefix, "true" if body else "false")]
    return [(prefix, "null" if body is None else str(body))]
