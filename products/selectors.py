"""Reads of the catalog."""

from .models import CategoryAttributeValue, Product, ProductSpec
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
    specs = ProductSpec.objects.filter(product=product).select_related("attribute").prefetch_related("values")
    return [
        spec_definition_from_parts(
            attribute=spec.attribute,
            custom_name=spec.custom_name,
            values=sorted(spec.values.all(), key=lambda v: v.pk),
            custom_values=spec.custom_value_names(),
        )
        for spec in specs
    ]
