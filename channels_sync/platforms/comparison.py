"""What a field-by-field comparison reads of a platform's product body, shared by every platform's ``comparison``.

A platform's package may hold ``comparison.py`` with ``fields(body) -> list[Field]``: the fields a merchant reads
of a product body of that platform (what would be sent, the shop's draft, its online copy; the three share one
shape on the platforms that have them), each with its Chinese label. Pure: the body in, the fields out. The
neutral service that lines the three copies up and marks what differs is ``channels_sync.comparison``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Field:
    """One field of a body: ``key`` lines it up across the copies (``"title"``, ``"sku:<out_sku_id>:price"``),
    ``label`` is what the merchant reads. The value is ``text``, or ``images`` (URLs, shown as thumbnails), or
    ``category_ids`` (the category path's remote ids, shown by name where the category was imported)."""

    key: str
    label: Any  # a lazily translated string, or a str built from one
    text: str = ""
    images: tuple[str, ...] = ()
    category_ids: tuple[str, ...] = ()

    @property
    def value(self) -> tuple:
        return (self.text, self.images, self.category_ids)


def yuan(fen: Any) -> str:
    """An amount in fen as the merchant reads it: "¥12.90"; what is not a number is shown as it is."""
    try:
        return f"¥{Decimal(int(fen)) / 100:.2f}"
    except (TypeError, ValueError):
        return "" if fen is None else str(fen)


def sku_field(
    key: str, name: Any, *, price: Any, original_price: Any, stock: Any, code: Any = "", image: Any = ""
) -> Field:
    """One SKU as one row: what sells it (price and original price in fen, stock, code) and its picture."""
    parts = [
        _("price %(price)s") % {"price": yuan(price)},
        _("original price %(price)s") % {"price": yuan(original_price)},
        _("stock %(stock)s") % {"stock": text(stock)},
    ]
    if text(code):
        parts.append(_("code %(code)s") % {"code": text(code)})
    return Field(f"sku:{key}", _("SKU %(sku)s") % {"sku": name}, text=" · ".join(parts), images=urls([image]))


def yuan_amount(amount: Any) -> str:
    """An amount the body holds in yuan already (Tencent Ads, the open platform): "¥53.10"."""
    try:
        return f"¥{Decimal(str(amount)):.2f}"
    except (ArithmeticError, ValueError):
        return "" if amount is None else str(amount)


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def pairs(items: Iterable[Mapping], key: str, value: str, *, separator: str = "：") -> str:
    """Key/value pairs of a body ("颜色：红、尺码：M"), in the body's order."""
    return "、".join(f"{text(item.get(key))}{separator}{text(item.get(value))}" for item in items or () if item)


def urls(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple(text(value) for value in values or () if text(value))


def dicts(value: Any) -> list[Mapping]:
    """A body's list of objects, leaving out what is not an object (a copy read from a shop is not trusted)."""
    return [item for item in value or () if isinstance(item, Mapping)] if isinstance(value, list) else []
