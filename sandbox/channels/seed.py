"""Seed data of the Channels store emulator (reference §3): the category tree with its attributes, the brand
library, the province names that freight templates may name and the ``send_time`` values.

The tree has three levels, as the old ``cats`` field requires (§3.3); the same tree serves ``cats_v2``. Every id
is a string holding a uint64, as the platform sends them. Only leaves (level 3) may be a product's category.
Food leaves need four head images instead of three (§3.3); the gift-card leaf is the only one that allows
delivery without shipping (``deliver_method`` 1 or 3), like a virtual-goods category.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ROOT_PARENT_ID = "0"
NO_BRAND_ID = "2100000000"


@dataclass(frozen=True)
class ProductAttr:
    """A product attribute (参数) of a leaf category, as ``attr.product_attr_list`` shows it.

    ``type_v2`` is one of string, select_one, select_many, integer, decimal4, integer_unit, decimal4_unit (the old
    ``type`` field only says select_one or string). ``options`` are the choices of a select type, or the units of an
    ``*_unit`` type.
    """

    name: str
    type_v2: str
    options: tuple[str, ...] = ()
    is_required: bool = False
    append_allowed: bool = False
    hint: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": "select_one" if self.type_v2.startswith("select") else "string",
            "type_v2": self.type_v2,
            "value": ";".join(self.options),
            "is_required": self.is_required,
            "hint": self.hint,
            "append_allowed": self.append_allowed,
        }


@dataclass(frozen=True)
class Category:
    cat_id: str
    name: str
    f_cat_id: str
    level: int
    children: tuple[str, ...] = ()
    product_attrs: tuple[ProductAttr, ...] = ()
    # Names of the sales attributes (sku_attrs keys) the category allows; their values are free text.
    sale_attrs: tuple[str, ...] = ()
    brand_ids: tuple[str, ...] = ()
    deposit: int = 0
    min_head_imgs: int = 3
    shop_no_shipment: bool = False
    pre_sale: bool = True
    seven_day_return: bool = True

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def product_attr(self, name: str) -> ProductAttr | None:
        return next((attr for attr in self.product_attrs if attr.name == name), None)


@dataclass(frozen=True)
class Brand:
    brand_id: str
    ch_name: str
    en_name: str

    def as_json(self) -> dict[str, str]:
        return {"brand_id": self.brand_id, "ch_name": self.ch_name, "en_name": self.en_name}


@dataclass
class CategoryTree:
    categories: dict[str, Category] = field(default_factory=dict)

    def get(self, cat_id: str) -> Category | None:
        return self.categories.get(cat_id)

    def children(self, f_cat_id: str) -> list[Category]:
        return [category for category in self.categories.values() if category.f_cat_id == f_cat_id]

    def by_level(self, level: int) -> list[Category]:
        return [category for category in self.categories.values() if category.level == level]


def _select(name: str, *options: str, required: bool = False, many: bool = False, append: bool = False) -> ProductAttr:
    return ProductAttr(name, "select_many" if many else "select_one", options, required, append)


def _unit(name: str, *units: str, required: bool = False, decimal: bool = False) -> ProductAttr:
    return ProductAttr(name, "decimal4_unit" if decimal else "integer_unit", units, required, hint="数值+单位,如 500g")


def _text(name: str, *, required: bool = False) -> ProductAttr:
    return ProductAttr(name, "string", (), required)


# --- attributes -----------------------------------------------------------------------------------------------
APPAREL_MATERIAL = _select("材质", "纯棉", "莫代尔", "涤纶", "亚麻", "真丝", required=True)
COLLAR = _select("领型", "圆领", "V领", "POLO领", "立领")
SLEEVE = _select("袖长", "短袖", "长袖", "无袖", "七分袖", required=True)
SEASON = _select("适用季节", "春季", "夏季", "秋季", "冬季", many=True)
FABRIC_WEIGHT = _unit("克重", "g")
SKIRT_LENGTH = _select("裙长", "短裙", "中长裙", "长裙", required=True)
STYLE = _text("风格")
ORIGIN = _select("产地", "新疆", "云南", "浙江", "福建", "安徽", "美国", required=True, append=True)
NET_CONTENT = _unit("净含量", "g", "kg", required=True)
SHELF_LIFE = _unit("保质期", "天", "月", required=True)
STORAGE = _text("储存条件")
LICENCE = _text("生产许可证编号", required=True)
FLAVOUR = _select("口味", "原味", "黄油", "抹茶", "巧克力", "海苔", append=True)
TEA_GRADE = _select("茶叶等级", "特级", "一级", "二级")
BOX_MATERIAL = _select("材质", "塑料", "布艺", "木质", "竹制", "金属", required=True)
CAPACITY = _unit("容量", "L", "ml", decimal=True)
LID = _select("是否带盖", "是", "否")
PIECES = ProductAttr("件数", "integer", (), False, hint="整数")
CLOTH_MATERIAL = _select("材质", "超细纤维", "纯棉", "竹纤维", required=True)
FACE_VALUE = _unit("面值", "元", required=True)
VALIDITY = _text("有效期")

# --- brand library (brand/all) ----------------------------------------------------------------------------------
BRANDS: tuple[Brand, ...] = (
    Brand("2100000101", "优衣库", "UNIQLO"),
    Brand("2100000102", "太平鸟", "PEACEBIRD"),
    Brand("2100000103", "李宁", "LI-NING"),
    Brand("2100000201", "三只松鼠", "Three Squirrels"),
    Brand("2100000202", "良品铺子", "BESTORE"),
    Brand("2100000203", "百草味", "Be&Cheery"),
    Brand("2100000204", "西湖牌", "XIHU"),
    Brand("2100000301", "天马", "TENMA"),
    Brand("2100000302", "百露", "BAILU"),
    Brand("2100000303", "禧天龙", "Citylong"),
    Brand("2100000304", "爱丽思", "IRIS OHYAMA"),
    Brand("2100000401", "星礼卡", "STAR GIFT"),
)
APPAREL_BRANDS = ("2100000101", "2100000102", "2100000103")
FOOD_BRANDS = ("2100000201", "2100000202", "2100000203")
HOME_BRANDS = ("2100000301", "2100000302", "2100000303", "2100000304")

# (cat_id, name, children) for inner nodes; leaves are Category keyword dicts.
_TREE: tuple = (
    (
        "1000",
        "服饰内衣",
        (
            (
                "1100",
                "女装",
                (
                    {
                        "cat_id": "1101",
                        "name": "T恤",
                        "product_attrs": (APPAREL_MATERIAL, COLLAR, SLEEVE, SEASON, FABRIC_WEIGHT),
                        "sale_attrs": ("颜色", "尺码"),
                        "brand_ids": APPAREL_BRANDS,
                        "deposit": 50000,
                    },
                    {
                        "cat_id": "1102",
                        "name": "连衣裙",
                        "product_attrs": (APPAREL_MATERIAL, SKIRT_LENGTH, STYLE, SEASON),
                        "sale_attrs": ("颜色", "尺码"),
                        "brand_ids": APPAREL_BRANDS,
                        "deposit": 50000,
                    },
                ),
            ),
            (
                "1200",
                "男装",
                (
                    {
                        "cat_id": "1201",
                        "name": "衬衫",
                        "product_attrs": (APPAREL_MATERIAL, COLLAR, SLEEVE),
                        "sale_attrs": ("颜色", "尺码"),
                        "brand_ids": APPAREL_BRANDS,
                        "deposit": 50000,
                    },
                ),
            ),
        ),
    ),
    (
        "2000",
        "食品饮料",
        (
            (
                "2100",
                "休闲零食",
                (
                    {
                        "cat_id": "2101",
                        "name": "坚果炒货",
                        "product_attrs": (ORIGIN, NET_CONTENT, SHELF_LIFE, STORAGE, LICENCE),
                        "sale_attrs": ("口味", "规格"),
                        "brand_ids": FOOD_BRANDS,
                        "deposit": 100000,
                        "min_head_imgs": 4,
                        "seven_day_return": False,
                    },
                    {
                        "cat_id": "2102",
                        "name": "果干蜜饯",
                        "product_attrs": (ORIGIN, NET_CONTENT, SHELF_LIFE, LICENCE),
                        "sale_attrs": ("口味", "规格"),
                        "brand_ids": FOOD_BRANDS,
                        "deposit": 100000,
                        "min_head_imgs": 4,
                        "seven_day_return": False,
                    },
                    {
                        "cat_id": "2103",
                        "name": "饼干糕点",
                        "product_attrs": (ORIGIN, NET_CONTENT, SHELF_LIFE, FLAVOUR, STORAGE, LICENCE),
                        "sale_attrs": ("口味", "规格"),
                        "brand_ids": FOOD_BRANDS,
                        "deposit": 100000,
                        "min_head_imgs": 4,
                        "seven_day_return": False,
                    },
                ),
            ),
            (
                "2200",
                "茶",
                (
                    {
                        "cat_id": "2201",
                        "name": "绿茶",
                        "product_attrs": (ORIGIN, NET_CONTENT, SHELF_LIFE, TEA_GRADE, LICENCE),
                        "sale_attrs": ("规格",),
                        "brand_ids": ("2100000204",),
                        "deposit": 100000,
                        "min_head_imgs": 4,
                        "seven_day_return": False,
                    },
                ),
            ),
        ),
    ),
    (
        "3000",
        "家居日用",
        (
            (
                "3100",
                "收纳",
                (
                    {
                        "cat_id": "3101",
                        "name": "收纳盒",
                        "product_attrs": (BOX_MATERIAL, CAPACITY, LID, PIECES),
                        "sale_attrs": ("颜色", "尺寸"),
                        "brand_ids": HOME_BRANDS,
                        "deposit": 20000,
                    },
                    {
                        "cat_id": "3102",
                        "name": "收纳袋",
                        "product_attrs": (BOX_MATERIAL, CAPACITY, PIECES),
                        "sale_attrs": ("颜色", "尺寸"),
                        "brand_ids": HOME_BRANDS,
                        "deposit": 20000,
                    },
                ),
            ),
            (
                "3200",
                "清洁用品",
                (
                    {
                        "cat_id": "3201",
                        "name": "抹布",
                        "product_attrs": (CLOTH_MATERIAL, PIECES),
                        "sale_attrs": ("颜色",),
                        "brand_ids": HOME_BRANDS,
                        "deposit": 20000,
                    },
                ),
            ),
        ),
    ),
    (
        "4000",
        "生活服务",
        (
            (
                "4100",
                "卡券",
                (
                    {
                        "cat_id": "4101",
                        "name": "电子礼品卡",
                        "product_attrs": (FACE_VALUE, VALIDITY),
                        "sale_attrs": ("面值",),
                        "brand_ids": ("2100000401",),
                        "deposit": 0,
                        "shop_no_shipment": True,
                        "pre_sale": False,
                        "seven_day_return": False,
                    },
                ),
            ),
        ),
    ),
)

# Province-level names (国标 first level) a freight template may name.
PROVINCES: tuple[str, ...] = (
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "台湾省",
    "香港特别行政区",
    "澳门特别行政区",
)

# ``send_time`` values, spelled as the platform spells them (the reference did not capture the list; these are the
# values SDKs carry).
SEND_TIMES: tuple[str, ...] = (
    "SendTime_FOUR_HOUR",
    "SendTime_EIGHT_HOUR",
    "SendTime_TWELVE_HOUR",
    "SendTime_SIXTEEN_HOUR",
    "SendTime_TWENTY_HOUR",
    "SendTime_TWENTYFOUR_HOUR",
    "SendTime_FOUTYEIGHT_HOUR",
    "SendTime_THREE_DAY",
    "SendTime_FIVE_DAY",
    "SendTime_SEVEN_DAY",
    "SendTime_TEN_DAY",
    "SendTime_TWELVE_DAY",
    "SendTime_FOUTEEN_DAY",
    "SendTime_SIXTEEN_DAY",
    "SendTime_TWENTY_DAY",
    "SendTime_TWENTYFIVE_DAY",
    "SendTime_THIRY_DAY",
    "SendTime_THIRYFIVE_DAY",
    "SendTime_FOURTYFIVE_DAY",
)


def build_category_tree() -> CategoryTree:
    tree = CategoryTree()

    def add(node: tuple | dict, parent_id: str, level: int) -> None:
        if isinstance(node, dict):
            tree.categories[node["cat_id"]] = Category(f_cat_id=parent_id, level=level, **node)
            return
        cat_id, name, children = node
        child_ids = tuple(child["cat_id"] if isinstance(child, dict) else child[0] for child in children)
        tree.categories[cat_id] = Category(cat_id, name, parent_id, level, child_ids)
        for child in children:
            add(child, cat_id, level + 1)

    for node in _TREE:
        add(node, ROOT_PARENT_ID, 1)
    return tree
