"""Categories and brands (reference §3.2): the children of a category, the whole tree, one category's detail (its
attributes, sales attributes and brands) and the brand library, from the seeded data."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.channels.codes import ERR_ILLEGAL_CATEGORY, fail, read_product_id
from sandbox.channels.seed import Brand, Category, CategoryTree
from sandbox.channels.shop import Endpoint, decode_key, encode_key
from sandbox.core.base import Request, ok
from sandbox.core.validation import read_page_size, read_str

BRAND_PAGE_DEFAULT, BRAND_PAGE_MAX = 10, 100


class CategoriesAndBrands:
    def __init__(self, tree: CategoryTree, brands: dict[str, Brand]) -> None:
        self._tree = tree
        self._brands = brands

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("/category/availablesoncategories/get", self.category_children),
            # [ZSM] calls category/all with GET; the docs and WxJava POST it.
            Endpoint("/category/all", self.category_all, shop=True, get=True),
            Endpoint("/category/detail", self.category_detail, shop=True),
            Endpoint("/brand/all", self.brand_list, shop=True),
        ]

    def _category(self, body: dict[str, Any], key: str) -> Category:
        cat_id = read_product_id(body, key)
        category = self._tree.get(cat_id)
        if category is None:
            raise fail(ERR_ILLEGAL_CATEGORY, f"{key} {cat_id} is not a known category")
        return category

    def category_children(self, request: Request) -> dict[str, Any]:
        """§3.2 availablesoncategories/get: the children of ``f_cat_id`` (0 = the first level)."""
        body = request.optional_json()
        f_cat_id = "0" if body.get("f_cat_id") in (None, 0, "0") else self._category(body, "f_cat_id").cat_id
        children = self._tree.children(f_cat_id)
        return ok(
            cat_list=[{"cat_id": c.cat_id, "f_cat_id": c.f_cat_id, "name": c.name} for c in children],
            cat_list_v2=[
                {"cat_id": c.cat_id, "f_cat_id": c.f_cat_id, "name": c.name, "leaf": c.is_leaf} for c in children
            ],
        )

    def category_all(self, request: Request) -> dict[str, Any]:
        """§3.2 category/all: ``cats`` (and the same tree as ``cats_v2``), one ``cat_and_qua`` list per level."""
        levels = [
            {
                "cat_and_qua": [
                    {
                        "cat": {"cat_id": c.cat_id, "f_cat_id": c.f_cat_id, "level": c.level, "name": c.name},
                        "qua": {"qua_id": "", "need_to_apply": False, "tips": "", "mandatory": False, "name": ""},
                        "product_qua": {
                            "qua_id": "",
                            "need_to_apply": False,
                            "tips": "",
                            "mandatory": False,
                            "name": "",
                        },
                        "product_qua_list": [],
                    }
                    for c in self._tree.by_level(level)
                ]
            }
            for level in (1, 2, 3)
        ]
        return ok(cats=levels, cats_v2=copy.deepcopy(levels))

    def category_detail(self, request: Request) -> dict[str, Any]:
        """§3.2 category/detail: ``info`` and ``attr`` (product_attr_list, sale_attr_list, brand_list, deposit…)."""
        category = self._category(request.json(), "cat_id")
        return ok(
            info={"cat_id": category.cat_id, "name": category.name},
            attr={
                "shop_no_shipment": category.shop_no_shipment,
                "access_permit_required": False,
                "pre_sale": category.pre_sale,
                "seven_day_return": category.seven_day_return,
                "brand_list": [{"brand_id": brand_id} for brand_id in category.brand_ids],
                "deposit": category.deposit,
                "product_attr_list": [attr.as_json() for attr in category.product_attrs],
                "sale_attr_list": [
                    {
                        "name": name,
                        "type": "string",
                        "type_v2": "string",
                        "value": "",
                        "is_required": True,
                        "hint": "",
                        "append_allowed": True,
                    }
                    for name in category.sale_attrs
                ],
                "transactionfee_info": {"basis_point": 500, "original_basis_point": 500, "incentive_type": 0},
                "floor_price": 0,
                "is_limit_brand": False,
                "min_head_imgs": category.min_head_imgs,
                "product_qua_list": [],
            },
            product_qua_list=[],
        )

    def brand_list(self, request: Request) -> dict[str, Any]:
        """§3.2 brand/all: ``page_size`` (default 10, at most 100) and ``next_key``; ``continue_flag`` says whether
        more pages follow."""
        body = request.optional_json()
        page_size = read_page_size(body, "page_size", default=BRAND_PAGE_DEFAULT, maximum=BRAND_PAGE_MAX)
        next_key = read_str(body, "next_key", required=False, allow_empty=True)
        start = decode_key("brand", next_key) if next_key else 0
        brands = list(self._brands.values())
        page = brands[start : start + page_size]
        end = start + len(page)
        return ok(
            brands=[brand.as_json() for brand in page],
            next_key=encode_key("brand", end),
            continue_flag=end < len(brands),
        )
