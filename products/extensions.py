"""Extension points of the catalog for the apps built on it.

The catalog imports none of the apps that extend it (the sync engine, the platforms): they register here when
Django is ready (``AppConfig.ready``), and the catalog's forms and admin run what was registered.

- product form rules: ``rule(product, cleaned_data) -> {field name: [messages]}``, run by the product form after
  its own checks, with the categories being submitted already set on the product
  (``Product.categories_by_platform``);
- product admin panels: mixins the product admin is composed of (``product_admin_class``), each adding its
  actions, its readonly fields or its part of the change page.
"""

from collections.abc import Callable, Mapping
from typing import Any

ProductFormRule = Callable[[Any, Mapping[str, Any]], Mapping[str, list]]

_product_form_rules: list[ProductFormRule] = []
_product_admin_panels: list[type] = []


def register_product_form_rule(rule: ProductFormRule) -> ProductFormRule:
    if rule not in _product_form_rules:
        _product_form_rules.append(rule)
    return rule


def product_form_rules() -> tuple[ProductFormRule, ...]:
    return tuple(_product_form_rules)


def register_product_admin_panel(panel: type) -> type:
    if panel not in _product_admin_panels:
        _product_admin_panels.append(panel)
    return panel


def product_admin_panels() -> tuple[type, ...]:
    return tuple(_product_admin_panels)
