"""Spec combinations of SKUs: parse, format and generate the full matrix. Pure functions, no database.

A SKU's combination is stored as a list of ``{"id", "vid", "name", "value"}`` dicts in the order of the
product's specs; ``id``/``vid`` are the category's remote ids, or ``"$name"`` for custom specs and values
(API reference §2.2). People type and read combinations by name: ``颜色:白色;尺码:M``.
"""

import itertools
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import CUSTOM_SPEC_PREFIX, SKUS_MAX

_PAIR_SEPARATORS = re.compile(r"[;；/]")
_NAME_VALUE_SEPARATORS = re.compile(r"[:：]")


@dataclass(frozen=True)
class SpecValue:
    vid: str
    name: str


@dataclass(frozen=True)
class SpecDefinition:
    """A spec of a product with the values chosen for it, in order."""

    key: str
    name: str
    values: tuple[SpecValue, ...] = field(default_factory=tuple)

    def value_named(self, name: str) -> SpecValue | None:
        for value in self.values:
            if value.name == name:
                return value
        return None


class CombinationError(ValueError):
    """A combination that does not fit the product's specs; the message is for the merchant."""


def custom_key(name: str) -> str:
    return CUSTOM_SPEC_PREFIX + name


# How a combination reads to a person; parse_combination also accepts the ":" and ";" a merchant may type.
COMBINATION_PAIR_FORMAT = "{name}：{value}"
COMBINATION_SEPARATOR = " / "


def format_combination(specs: list[dict]) -> str:
    """``[{"name": "颜色", "value": "白色"}, …]`` -> ``"颜色：白色 / 尺码：M"``."""
    return COMBINATION_SEPARATOR.join(COMBINATION_PAIR_FORMAT.format(name=s["name"], value=s["value"]) for s in specs)


def combination_key(specs: list[dict]) -> str:
    """The V1.17 sku_id of a combination: ``"id1:vid1;id2:vid2"``, ``""`` for a uniform spec."""
    return ";".join(f"{s['id']}:{s['vid']}" for s in specs)


def parse_combination(text: str, definitions: list[SpecDefinition]) -> list[dict]:
    """Read a combination typed by a person and return it in the product's spec order.

    Raises CombinationError when a spec is unknown, repeated or missing, or a value was not chosen for its spec.
    """
    text = (text or "").strip()
    if not definitions:
        if text:
            raise CombinationError(_("This product has no specs: leave the combination empty."))
        return []
    if not text:
        raise CombinationError(
            _("Enter one value for each spec, e.g. %(example)s.") % {"example": _example(definitions)}
        )
    chosen: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in _PAIR_SEPARATORS.split(text))):
        parts = _NAME_VALUE_SEPARATORS.split(pair, maxsplit=1)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise CombinationError(
                _("Write each pair as spec:value, e.g. %(example)s.") % {"example": _example(definitions)}
            )
        spec_name, value_name = parts[0].strip(), parts[1].strip()
        if spec_name in chosen:
            raise CombinationError(_("The spec “%(spec)s” appears twice.") % {"spec": spec_name})
        chosen[spec_name] = value_name
    known = {d.name for d in definitions}
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise CombinationError(_("The product has no spec “%(spec)s”.") % {"spec": unknown[0]})
    result = []
    for definition in definitions:
        if definition.name not in chosen:
            raise CombinationError(_("Missing a value for the spec “%(spec)s”.") % {"spec": definition.name})
        value = definition.value_named(chosen[definition.name])
        if value is None:
            raise CombinationError(
                _("“%(value)s” is not a chosen value of the spec “%(spec)s”.")
                % {"value": chosen[definition.name], "spec": definition.name}
            )
        result.append({"id": definition.key, "vid": value.vid, "name": definition.name, "value": value.name})
    return result


def full_matrix(definitions: list[SpecDefinition]) -> list[list[dict]]:
    """Every combination of the chosen values, in spec and value order ([[]] for a product without specs)."""
    if not definitions:
        return [[]]
    rows = []
    for values in itertools.product(*(d.values for d in definitions)):
        rows.append(
            [
                {"id": d.key, "vid": v.vid, "name": d.name, "value": v.name}
                for d, v in zip(definitions, values, strict=True)
            ]
        )
    return rows


def missing_combinations(definitions: list[SpecDefinition], existing: list[list[dict]]) -> list[list[dict]]:
    """The combinations of the full matrix that no existing SKU has, in matrix order."""
    taken = {combination_key(specs) for specs in existing}
    return [row for row in full_matrix(definitions) if combination_key(row) not in taken]


def matrix_size(definitions: list[SpecDefinition]) -> int:
    size = 1
    for definition in definitions:
        size *= max(len(definition.values), 1)
    return size


def check_matrix_size(definitions: list[SpecDefinition]) -> None:
    if matrix_size(definitions) > SKUS_MAX:
        raise CombinationError(
            _("These specs make %(count)d combinations; a product has at most %(max)d SKUs.")
            % {"count": matrix_size(definitions), "max": SKUS_MAX}
        )


def _example(definitions: list[SpecDefinition]) -> str:
    return COMBINATION_SEPARATOR.join(
        COMBINATION_PAIR_FORMAT.format(name=d.name, value=d.values[0].name if d.values else "…") for d in definitions
    )
