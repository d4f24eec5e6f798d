"""Seed data of the mini-shop (小商店) emulator (reference §4): the category tree and the shop's freight templates.

The tree has three levels, as ``cats[]`` requires (level 1 to 3); only level-3 nodes are leaves a product may use.
It holds the ids of seed 001's example (6033 > 6057 > 6091), so that example is accepted as it is, and the
apparel and food trees the demo catalog uses (``products/demo.py``). Ids are numbers, as ``category/get`` answers
them. The mini-shop API cannot create freight templates (§4 has only ``get_freight_template``): every shop starts
with these, among them seed 001's template 5189 and one named like the demo catalog's template, so the demo
binds to it by name.
"""

from __future__ import annotations

from dataclasses import dataclass

ROOT_PARENT_ID = 0
NO_BRAND_ID = 2100000000
VALUATION_PER_ITEM = 1
VALUATION_WEIGHT = 2
# The demo catalog's template (products/demo.py): an import binds it to the shop's template of the same name.
DEMO_TEMPLATE_NAME = "默认运费模板（演示）"


@dataclass(frozen=True)
class Category:
    cat_id: int
    f_cat_id: int
    name: str
    level: int

    def as_json(self) -> dict[str, object]:
        return {"cat_id": self.cat_id, "f_cat_id": self.f_cat_id, "name": self.name}


@dataclass(frozen=True)
class FreightTemplate:
    template_id: int
    name: str
    valuation_type: int

    def as_json(self) -> dict[str, object]:
        return {"template_id": self.template_id, "name": self.name, "valuation_type": self.valuation_type}


# (cat_id, name, children); leaves have no children.
_TREE: tuple = (
    (6033, "数码", ((6057, "游戏设备", ((6091, "游戏机", ()), (6092, "游戏手柄", ()))),)),
    (
        7231,
        "服饰内衣",
        (
            (7245, "女装", ((7262, "T恤", ()), (7263, "连衣裙", ()))),
            (7246, "男装", ((7271, "衬衫", ()),)),
        ),
    ),
    (8100, "食品饮料", ((8120, "休闲零食", ((8131, "坚果炒货", ()), (8132, "饼干糕点", ()))),)),
)

TEMPLATES: tuple[FreightTemplate, ...] = (
    FreightTemplate(5189, "全国包邮", VALUATION_PER_ITEM),
    FreightTemplate(5190, DEMO_TEMPLATE_NAME, VALUATION_PER_ITEM),
    FreightTemplate(5191, "按重量计费", VALUATION_WEIGHT),
)


class CategoryTree:
    def __init__(self) -> None:
        self.categories: dict[int, Category] = {}
        self._children: dict[int, list[Category]] = {}

    def add(self, category: Category) -> None:
        self.categories[category.cat_id] = category
        self._children.setdefault(category.f_cat_id, []).append(category)

    def get(self, cat_id: int) -> Category | None:
        return self.categories.get(cat_id)

    def children(self, f_cat_id: int) -> list[Category]:
        return list(self._children.get(f_cat_id, ()))

    def is_leaf(self, cat_id: int) -> bool:
        return cat_id in self.categories and not self._children.get(cat_id)


def build_category_tree() -> CategoryTree:
    tree = CategoryTree()

    def add(nodes: tuple, parent_id: int, level: int) -> None:
        for cat_id, name, children in nodes:
            tree.add(Category(cat_id, parent_id, name, level))
            add(children, cat_id, level + 1)

    add(_TREE, ROOT_PARENT_ID, 1)
    return tree
