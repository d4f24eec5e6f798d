"""What the shop offers a product (reference §4): its categories (category/get) and its freight templates
(delivery/get_freight_template; the API cannot create them, each shop starts with the seeded ones)."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.base import Request, RouteTable, ok
from sandbox.minishop.rules import param, read_number_id
from sandbox.minishop.seed import CategoryTree
from sandbox.minishop.state import ShopState


class Catalog:
    def __init__(self, shops: AppStates[ShopState], tree: CategoryTree) -> None:
        self._shops = shops
        self._tree = tree

    def routes(self) -> RouteTable:
        return {
            ("POST", "/product/category/get"): self.category_get,
            ("POST", "/product/delivery/get_freight_template"): self.freight_templates,
        }

    def category_get(self, request: Request) -> dict[str, Any]:
        """§4 category/get: the children of ``f_cat_id`` (0 = the first level); an unknown id is 9401020."""
        body = request.optional_json()
        f_cat_id = 0 if body.get("f_cat_id") is None or _is_zero(body["f_cat_id"]) else read_number_id(body, "f_cat_id")
        if f_cat_id and self._tree.get(f_cat_id) is None:
            raise param(f"f_cat_id {f_cat_id} is not a category")
        return ok(cat_list=[category.as_json() for category in self._tree.children(f_cat_id)])

    def freight_templates(self, request: Request) -> dict[str, Any]:
        """§4 delivery/get_freight_template: ``template_list[] {template_id, name, valuation_type}``."""
        request.optional_json()
        return ok(template_list=copy.deepcopy(list(self._shops.of_caller(request).templates.values())))


def _is_zero(value: Any) -> bool:
    """``f_cat_id`` 0 (the roots) as a JSON number."""
    return not isinstance(value, bool) and isinstance(value, int) and value == 0
