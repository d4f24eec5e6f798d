"""Extension points of the catalog for the apps built on it.

The catalog imports none of the apps that extend it (the sync engine, the platforms): they register here when
Django is ready (``AppConfig.ready``), and the catalog's forms and admin run what was registered.

- product form rules: ``rule(product, cleaned_data) -> {field name: [messages]}``, run by the product form after
  its own checks, with the categories being submitted already set on the product
  (``Product.categories_by_platform``);
- admin panels: mixins a catalog admin (product, freight template, group, shelf) is composed with
  (``extended_admin``), each adding its part of the change page and list (``extra_list_display``), its actions
  (``extra_actions``), inlines, URLs and save hooks. The catalog registers its admins composed with the panels
  registered by then: the apps that contribute panels do it in their ``ready()``, which runs before the admin's
  (``django.contrib.admin`` comes last in ``INSTALLED_APPS``).
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

ProductFormRule = Callable[[Any, Mapping[str, Any]], Mapping[str, list]]

_product_form_rules: list[ProductFormRule] = []
_admin_panels: dict[str, list[type]] = {}
# The models whose admin class was composed already: a panel registered later would be silently missing.
_composed: set[str] = set()


def register_product_form_rule(rule: ProductFormRule) -> ProductFormRule:
    if rule not in _product_form_rules:
        _product_form_rules.append(rule)
    return rule


def product_form_rules() -> tuple[ProductFormRule, ...]:
    return tuple(_product_form_rules)


def register_admin_panel(model, panel: type) -> type:
    label = model._meta.label_lower
    if label in _composed:
        raise ImproperlyConfigured(
            f"The admin of {label} is registered already: register {panel.__name__} in an AppConfig.ready() that "
            "runs before django.contrib.admin's."
        )
    panels = _admin_panels.setdefault(label, [])
    if panel not in panels:
        panels.append(panel)
    return panel


def extended_admin(model, base: type) -> type:
    """``base`` composed with the panels registered for ``model``: theirs first in the class order, their list
    columns and actions after the base's."""
    label = model._meta.label_lower
    _composed.add(label)
    panels = _admin_panels.get(label, [])
    if not panels:
        return base
    attrs = {
        "__module__": base.__module__,
        "__doc__": base.__doc__,
        "list_display": [*base.list_display, *(name for panel in panels for name in panel.extra_list_display)],
        "actions": [*(base.actions or []), *(action for panel in panels for action in panel.extra_actions)],
    }
    return type(base.__name__, (*panels, base), attrs)
