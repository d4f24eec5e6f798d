"""The category tree (reference §2.1 rows 1.7 to 1.9): children, SKU tables and properties of the seeded tree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox.core.base import Request, RouteTable
from sandbox.core.validation import invalid_args, read_id
from sandbox.wechat_store.seed import Attribute, Category, CategoryTree
from sandbox.wechat_store.state import success


class Categories:
    def __init__(self, tree: CategoryTree) -> None:
        self._tree = tree

    def routes(self) -> RouteTable:
        return {
            ("POST", "/merchant/category/getsub"): self.category_children,
            ("POST", "/merchant/category/getsku"): self.category_sku_table,
            ("POST", "/merchant/category/getproperty"): self.category_properties,
        }

    def _category(self, request: Request) -> Category:
        cate_id = read_id(request.json(), "cate_id")
        category = self._tree.get(cate_id)
        if category is None:
            raise invalid_args(f"cate_id {cate_id} is not a known category")
        return category

    def category_children(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.7: the root is ``cate_id`` 1; a leaf has no children."""
        category = self._category(request)
        return success(cate_list=[{"id": child.id, "name": child.name} for child in self._tree.children(category.id)])

    def category_sku_table(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.8; inner categories have an empty table."""
        category = self._category(request)
        return success(sku_table=_attributes_json(category.sku_table, values_key="value_list"))

    def category_properties(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.9; inner categories have no properties."""
        category = self._category(request)
        return success(properties=_attributes_json(category.properties, values_key="property_value"))


def _attributes_json(attributes: Iterable[Attribute], *, values_key: str) -> list[dict[str, Any]]:
    """A category's SKU table or properties as the manual answers them; only the key of the values differs."""
    return [
        {
            "id": attribute.id,
            "name": attribute.name,
            values_key: [{"id": value.id, "name": value.name} for value in attribute.values],
        }
        for attribute in attributes
    ]
