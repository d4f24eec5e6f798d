"""The seeded V1.17 category tree (reference §2.1 rows 1.7–1.9): categories, their SKU tables and properties.

The root has ``cate_id`` 1. Only leaves carry SKU tables and properties, and only leaves may be a product's
category. Ids are strings, as the manual's examples show. The sample ids of reference §2.2 are used:
category ``537074298`` (单反相机), property ``1075741879`` (品牌) and SKU ``1075741873:1079742386`` (颜色: 黑色).
The stock example's ``10000983:10000995;10001007:10001010`` is a T恤 colour and size (§2.3), and ``53710``
单电/微单 comes from the manual's getsub example. 茶叶 > 礼盒 has no SKU table: its products have one uniform
spec (``sku_id`` "").
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROOT_CATEGORY_ID = "1"


@dataclass(frozen=True)
class Option:
    id: str
    name: str


@dataclass(frozen=True)
class Attribute:
    """A SKU dimension (``sku_table`` row) or a property, with its allowed values."""

    id: str
    name: str
    values: tuple[Option, ...]

    def value_ids(self) -> set[str]:
        return {value.id for value in self.values}


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    parent_id: str | None
    children: tuple[str, ...] = ()
    sku_table: tuple[Attribute, ...] = ()
    properties: tuple[Attribute, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def sku_attribute(self, attribute_id: str) -> Attribute | None:
        return next((attribute for attribute in self.sku_table if attribute.id == attribute_id), None)

    def property(self, property_id: str) -> Attribute | None:
        return next((attribute for attribute in self.properties if attribute.id == property_id), None)


@dataclass
class CategoryTree:
    categories: dict[str, Category] = field(default_factory=dict)

    def get(self, cate_id: str) -> Category | None:
        return self.categories.get(cate_id)

    def children(self, cate_id: str) -> list[Category]:
        return [self.categories[child] for child in self.categories[cate_id].children]

    def leaves(self) -> list[Category]:
        return [category for category in self.categories.values() if category.is_leaf and category.parent_id]


def _attr(attribute_id: str, name: str, *values: tuple[str, str]) -> Attribute:
    return Attribute(attribute_id, name, tuple(Option(value_id, value_name) for value_id, value_name in values))


# --- SKU dimensions -------------------------------------------------------------------------------------------
CAMERA_COLOUR = _attr("1075741873", "颜色", ("1079742386", "黑色"), ("1079742387", "白色"), ("1079742388", "银色"))
CAMERA_KIT = _attr(
    "1075741874", "套餐", ("1079742390", "单机身"), ("1079742391", "18-55mm镜头套机"), ("1079742392", "双镜头套机")
)
LENS_MOUNT = _attr(
    "1075741875", "卡口", ("1079742395", "佳能EF卡口"), ("1079742396", "尼康F卡口"), ("1079742397", "索尼E卡口")
)
PHONE_COLOUR = _attr("1075742001", "颜色", ("1079743001", "曜石黑"), ("1079743002", "冰川蓝"), ("1079743003", "月光白"))
PHONE_STORAGE = _attr(
    "1075742002", "存储容量", ("1079743011", "128GB"), ("1079743012", "256GB"), ("1079743013", "512GB")
)
APPAREL_COLOUR = _attr(
    "10000983", "颜色", ("10000995", "白色"), ("10000996", "黑色"), ("10000997", "撞色"), ("10000998", "桔色")
)
APPAREL_SIZE = _attr("10001007", "尺码", ("10001008", "S"), ("10001009", "M"), ("10001010", "L"), ("10001011", "XL"))
SHIRT_SIZE = _attr("10001020", "尺码", ("10001021", "39"), ("10001022", "40"), ("10001023", "41"), ("10001024", "42"))
NUT_FLAVOUR = _attr("10003001", "口味", ("10003011", "原味"), ("10003012", "盐焗"), ("10003013", "奶油"))
NET_WEIGHT = _attr("10003002", "净含量", ("10003021", "250g"), ("10003022", "500g"), ("10003023", "1kg"))
TEA_GRADE = _attr("10003101", "等级", ("10003111", "特级"), ("10003112", "一级"))

# --- Properties -----------------------------------------------------------------------------------------------
CAMERA_BRAND = _attr(
    "1075741879",
    "品牌",
    ("1079749001", "Canon/佳能"),
    ("1079749002", "Nikon/尼康"),
    ("1079749003", "Fujifilm/富士"),
    ("1079749004", "Sony/索尼"),
)
SCREEN_SIZE = _attr(
    "1075741880", "屏幕尺寸", ("1079749011", "1.8英寸"), ("1079749012", "2.7英寸"), ("1079749013", "3.0英寸")
)
STABILISATION = _attr(
    "1075741881", "防抖性能", ("1079749021", "CCD防抖"), ("1079749022", "镜头防抖"), ("1079749023", "无防抖")
)
PIXELS = _attr("1075741882", "有效像素", ("1079749031", "2000万-2999万"), ("1079749032", "3000万以上"))
LENS_TYPE = _attr(
    "1075741883", "镜头类型", ("1079749041", "定焦镜头"), ("1079749042", "变焦镜头"), ("1079749043", "微距镜头")
)
PHONE_BRAND = _attr(
    "1075742010", "品牌", ("1079743101", "Apple/苹果"), ("1079743102", "Huawei/华为"), ("1079743103", "Xiaomi/小米")
)
NETWORK = _attr("1075742011", "网络类型", ("1079743111", "5G全网通"), ("1079743112", "4G全网通"))
APPAREL_BRAND = _attr(
    "10002001", "品牌", ("50867", "UNIQLO/优衣库"), ("50868", "ZARA"), ("50971", "太平鸟"), ("50972", "无品牌")
)
MATERIAL = _attr(
    "10002002", "材质", ("10002011", "纯棉"), ("10002012", "莫代尔"), ("10002013", "涤纶"), ("10002014", "亚麻")
)
COLLAR = _attr("10002003", "领型", ("10002021", "圆领"), ("10002022", "V领"), ("10002023", "POLO领"))
SLEEVE = _attr("10002004", "袖长", ("10002031", "短袖"), ("10002032", "长袖"), ("10002033", "无袖"))
SKIRT_LENGTH = _attr("10002005", "裙长", ("10002041", "短裙"), ("10002042", "中长裙"), ("10002043", "长裙"))
FOOD_BRAND = _attr("10004001", "品牌", ("10004011", "三只松鼠"), ("10004012", "良品铺子"), ("10004013", "百草味"))
ORIGIN = _attr(
    "10004002", "产地", ("10004021", "新疆"), ("10004022", "云南"), ("10004023", "浙江"), ("10004024", "美国")
)
SHELF_LIFE = _attr("10004003", "保质期", ("10004031", "180天"), ("10004032", "270天"), ("10004033", "365天"))

# (id, name, children) for inner nodes; (id, name, sku_table, properties) for leaves.
_TREE: tuple = (
    (
        "537000001",
        "数码",
        (
            (
                "537000101",
                "相机",
                (
                    ("537074296", "数码相机", (CAMERA_COLOUR,), (CAMERA_BRAND, SCREEN_SIZE, STABILISATION)),
                    ("537074297", "家用摄像机", (CAMERA_COLOUR,), (CAMERA_BRAND, STABILISATION)),
                    (
                        "537074298",
                        "单反相机",
                        (CAMERA_COLOUR, CAMERA_KIT),
                        (CAMERA_BRAND, PIXELS, SCREEN_SIZE, STABILISATION),
                    ),
                    ("537074299", "镜头", (LENS_MOUNT,), (CAMERA_BRAND, LENS_TYPE)),
                    ("53710", "单电/微单", (CAMERA_COLOUR, CAMERA_KIT), (CAMERA_BRAND, PIXELS, SCREEN_SIZE)),
                ),
            ),
            ("537000102", "手机", (("537010201", "智能手机", (PHONE_COLOUR, PHONE_STORAGE), (PHONE_BRAND, NETWORK)),)),
        ),
    ),
    (
        "537000002",
        "服饰",
        (
            (
                "537000201",
                "女装",
                (
                    ("537020101", "T恤", (APPAREL_COLOUR, APPAREL_SIZE), (APPAREL_BRAND, MATERIAL, COLLAR, SLEEVE)),
                    ("537020102", "连衣裙", (APPAREL_COLOUR, APPAREL_SIZE), (APPAREL_BRAND, MATERIAL, SKIRT_LENGTH)),
                ),
            ),
            (
                "537000202",
                "男装",
                (("537020201", "衬衫", (APPAREL_COLOUR, SHIRT_SIZE), (APPAREL_BRAND, MATERIAL, COLLAR, SLEEVE)),),
            ),
        ),
    ),
    (
        "537000003",
        "食品",
        (
            (
                "537000301",
                "零食",
                (
                    ("537030101", "坚果", (NUT_FLAVOUR, NET_WEIGHT), (FOOD_BRAND, ORIGIN, SHELF_LIFE)),
                    ("537030102", "果干", (NET_WEIGHT,), (FOOD_BRAND, ORIGIN, SHELF_LIFE)),
                ),
            ),
            (
                "537000302",
                "茶叶",
                (("537030201", "绿茶", (TEA_GRADE,), (ORIGIN, SHELF_LIFE)), ("537030202", "礼盒", (), (ORIGIN,))),
            ),
        ),
    ),
)


def build_category_tree() -> CategoryTree:
    tree = CategoryTree()
    tree.categories[ROOT_CATEGORY_ID] = Category(
        ROOT_CATEGORY_ID, "全部分类", None, children=tuple(node[0] for node in _TREE)
    )

    def add(node: tuple, parent_id: str) -> None:
        if len(node) == 4:
            cate_id, name, sku_table, properties = node
            tree.categories[cate_id] = Category(cate_id, name, parent_id, (), sku_table, properties)
            return
        cate_id, name, children = node
        tree.categories[cate_id] = Category(cate_id, name, parent_id, tuple(child[0] for child in children))
        for child in children:
            add(child, cate_id)

    for node in _TREE:
        add(node, ROOT_CATEGORY_ID)
    return tree
