"""The demo merchant login and the demo catalog of the embedded default (``manage.py seed_demo``).

Both are idempotent, so the run command seeds on every start: the login is created once, and the catalog only
while there are no products at all. Every object is validated with ``full_clean()`` before it is saved, so
the demo shows what valid data looks like. Images are drawn with Pillow, so nothing is downloaded.
"""

import hashlib
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models, transaction
from PIL import Image, ImageDraw, ImageFont

from .models import (
    Brand,
    Category,
    CategoryAttribute,
    CategoryAttributeValue,
    ExpressType,
    FreightFeeRule,
    FreightFreeCondition,
    FreightTemplate,
    ImageAsset,
    Platform,
    Product,
    ProductDetailBlock,
    ProductGroup,
    ProductImage,
    ProductPlatformCategory,
    ProductProperty,
    ProductSpec,
    Shelf,
    ShelfModule,
    ShelfModuleGroup,
    Sku,
)

# --- The login -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    # The configured demo password while it still opens the account; None once it was changed.
    password: str | None
    created: bool


def demo_user_ensure() -> DemoLogin:
    """Create the demo merchant superuser (settings.DEMO_USERNAME / DEMO_PASSWORD) unless it exists.

    An existing account is never changed: a password set by its owner stays, and is not reported.
    """
    user_model = get_user_model()
    username = settings.DEMO_USERNAME
    password = settings.DEMO_PASSWORD
    user = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).first()
    if user is None:
        user_model.objects.create_superuser(username=username, email="", password=password)
        return DemoLogin(username=username, password=password, created=True)
    return DemoLogin(username=username, password=password if user.check_password(password) else None, created=False)


def demo_login_describe() -> DemoLogin | None:
    """The demo login as it stands, without creating it: None when the account does not exist."""
    user_model = get_user_model()
    user = user_model.objects.filter(**{user_model.USERNAME_FIELD: settings.DEMO_USERNAME}).first()
    if user is None:
        return None
    password = settings.DEMO_PASSWORD if user.check_password(settings.DEMO_PASSWORD) else None
    return DemoLogin(username=settings.DEMO_USERNAME, password=password, created=False)


# --- The catalog -----------------------------------------------------------------------------------------


@dataclass
class DemoCatalog:
    products: list[Product] = field(default_factory=list)
    sku_count: int = 0
    image_count: int = 0


def demo_catalog_create() -> DemoCatalog | None:
    """Create the demo catalog if the database has no product yet; return None when it does.

    Categories, attributes, the brand, the freight template, groups and the shelf are looked up by their
    natural keys first, so an earlier import or a partly deleted demo does not make this fail.
    """
    if Product.objects.exists():
        return None
    with transaction.atomic():
        return _DemoCatalogBuilder().build()


def _clean_save(obj: models.Model) -> models.Model:
    obj.full_clean()
    obj.save()
    return obj


def _ensure(model: type[models.Model], lookup: dict, **values) -> models.Model:
    """The object matching ``lookup``, or a new validated one with ``values``."""
    existing = model.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    return _clean_save(model(**lookup, **values))


# Category trees with their spec and property tables, per platform: (remote id, name, children) for inner
# nodes; leaves have no children. The ids and names are the local emulator's seeded ones
# (channels_sync/sandbox/wechat_store_seed.py, channels_seed.py, minishop_seed.py), so the demo products publish
# and list on the demo shops as they are, and importing a shop's categories later finds the same tree.
# Tables: leaf name -> {attribute name: (remote id, [(value remote id, value name), …])}.
_TREES = {
    Platform.WECHAT_STORE: [
        ("537000002", "服饰", [("537000201", "女装", [("537020101", "T恤", [])])]),
        (
            "537000003",
            "食品",
            [("537000301", "零食", [("537030101", "坚果", [])]), ("537000302", "茶叶", [("537030202", "礼盒", [])])],
        ),
    ],
    Platform.CHANNELS: [
        ("1000", "服饰内衣", [("1100", "女装", [("1101", "T恤", [])])]),
        ("2000", "食品饮料", [("2100", "休闲零食", [("2101", "坚果炒货", []), ("2103", "饼干糕点", [])])]),
    ],
    Platform.MINISHOP: [
        ("7231", "服饰内衣", [("7245", "女装", [("7262", "T恤", [])])]),
        ("8100", "食品饮料", [("8120", "休闲零食", [("8131", "坚果炒货", []), ("8132", "饼干糕点", [])])]),
    ],
}
_SPECS = {
    Platform.WECHAT_STORE: {
        "T恤": {
            "颜色": ("10000983", [("10000995", "白色"), ("10000996", "黑色")]),
            "尺码": ("10001007", [("10001008", "S"), ("10001009", "M"), ("10001010", "L")]),
        },
    },
    Platform.CHANNELS: {
        "T恤": {
            "颜色": ("601001", [("60100101", "白色"), ("60100102", "黑色")]),
            "尺码": ("601002", [("60100201", "S"), ("60100202", "M"), ("60100203", "L")]),
        },
    },
}
_PROPERTIES = {
    Platform.WECHAT_STORE: {
        "T恤": {
            "材质": ("10002002", [("10002011", "纯棉"), ("10002013", "涤纶")]),
            "品牌": ("10002001", [("50867", "UNIQLO/优衣库"), ("50972", "无品牌")]),
        },
        "坚果": {
            "产地": ("10004002", [("10004021", "新疆"), ("10004022", "云南")]),
            "保质期": ("10004003", [("10004031", "180天"), ("10004033", "365天")]),
        },
        "礼盒": {"产地": ("10004002", [("10004023", "浙江"), ("10004024", "美国")])},
    },
    # The Channels store keys properties by name (category/detail's product_attr_list): no remote ids. Each leaf
    # holds at least the attributes its category requires (the shop refuses a product without them, 10020097);
    # free-text attributes (净含量, 保质期: a number and a unit) have no listed values.
    Platform.CHANNELS: {
        "T恤": {
            "材质": ("", [("", "纯棉"), ("", "涤纶")]),
            "袖长": ("", [("", "短袖"), ("", "长袖")]),
            "领型": ("", [("", "圆领"), ("", "V领")]),
        },
        "坚果炒货": {
            "产地": ("", [("", "新疆"), ("", "云南")]),
            "净含量": ("", []),
            "保质期": ("", []),
            "生产许可证编号": ("", []),
        },
        "饼干糕点": {
            "产地": ("", [("", "上海"), ("", "浙江")]),
            "净含量": ("", []),
            "保质期": ("", []),
            "生产许可证编号": ("", []),
            "口味": ("", [("", "黄油"), ("", "抹茶")]),
        },
    },
}
# The leaf each demo product uses, per platform.
_NUT_LEAF = {Platform.WECHAT_STORE: "坚果", Platform.CHANNELS: "坚果炒货", Platform.MINISHOP: "坚果炒货"}
_COOKIE_LEAF = {Platform.WECHAT_STORE: "礼盒", Platform.CHANNELS: "饼干糕点", Platform.MINISHOP: "饼干糕点"}


class _DemoCatalogBuilder:
    def __init__(self) -> None:
        self.catalog = DemoCatalog()
        self.leaves: dict[tuple[str, str], Category] = {}
        self._image_serial = 0

    def build(self) -> DemoCatalog:
        for platform in (Platform.WECHAT_STORE, Platform.CHANNELS, Platform.MINISHOP):
            self._category_tree(platform)
        brand = _ensure(
            Brand, {"platform": Platform.CHANNELS, "remote_id": "80001"}, name_zh="山海织造", name_en="Shanhai Weaving"
        )
        template = self._freight_template()
        tshirt = self._tshirt(brand, template)
        nuts = self._nuts(template)
        cookies = self._cookies(template)
        self._groups_and_shelf(tshirt, nuts, cookies)
        return self.catalog

    # Categories with their specs and properties.

    def _category_tree(self, platform: str) -> None:
        def add(nodes, parent):
            for remote_id, name, children in nodes:
                category = _ensure(
                    Category,
                    {"platform": platform, "remote_id": remote_id},
                    parent=parent,
                    name=name,
                    is_leaf=not children,
                )
                add(children, category)
                if not children:
                    self.leaves[(platform, name)] = category

        add(_TREES[platform], None)
        # The mini-shop keys attributes by name and has no tables of them to import.
        for leaf, table in _SPECS.get(platform, {}).items():
            self._attributes(self.leaves[(platform, leaf)], CategoryAttribute.Kind.SPEC, table)
        for leaf, table in _PROPERTIES.get(platform, {}).items():
            self._attributes(self.leaves[(platform, leaf)], CategoryAttribute.Kind.PROPERTY, table)

    @staticmethod
    def _attributes(category: Category, kind: str, table: dict) -> None:
        for name, (remote_id, values) in table.items():
            attribute = _ensure(
                CategoryAttribute, {"category": category, "kind": kind, "name": name}, remote_id=remote_id
            )
            for value_remote_id, value_name in values:
                _ensure(CategoryAttributeValue, {"attribute": attribute, "name": value_name}, remote_id=value_remote_id)

    def _attribute(self, platform: str, leaf: str, kind: str, name: str) -> CategoryAttribute:
        return CategoryAttribute.objects.get(category=self.leaves[(platform, leaf)], kind=kind, name=name)

    # Freight.

    def _freight_template(self) -> FreightTemplate:
        existing = FreightTemplate.objects.filter(name="默认运费模板（演示）").first()
        if existing is not None:
            return existing
        template = _clean_save(
            FreightTemplate(
                name="默认运费模板（演示）",
                assumer=FreightTemplate.Assumer.BUYER,
                valuation=FreightTemplate.Valuation.PER_ITEM,
                valuation_type=FreightTemplate.ValuationType.PIECE,
                send_time=FreightTemplate.SendTime.FORTY_EIGHT_HOURS,
                shipping_method=FreightTemplate.ShippingMethod.CONDITION_FREE,
                is_default=True,
                ship_from_province="广东省",
                ship_from_city="深圳市",
                ship_from_county="南山区",
                ship_from_address="科技园科苑路 15 号 3 栋 201",
                ship_from_contact="李店长",
                ship_from_phone="0755-86000000",
                ship_from_postal_code="518057",
            )
        )
        normal_fees = {
            ExpressType.SURFACE_MAIL: (800, 300),
            ExpressType.EXPRESS: (1000, 500),
            ExpressType.EMS: (2000, 800),
        }
        for express_type, (start_fees, add_fees) in normal_fees.items():
            _clean_save(
                FreightFeeRule(
                    template=template,
                    express_type=express_type,
                    start_standards=1,
                    start_fees=start_fees,
                    add_standards=1,
                    add_fees=add_fees,
                )
            )
        for province in ("新疆维吾尔自治区", "西藏自治区"):
            _clean_save(
                FreightFeeRule(
                    template=template,
                    express_type=ExpressType.EXPRESS,
                    dest_country="中国",
                    dest_province=province,
                    start_standards=1,
                    start_fees=2500,
                    add_standards=1,
                    add_fees=1500,
                )
            )
        _clean_save(FreightFreeCondition(template=template, min_amount=9900))
        return template

    # Images.

    def _image(self, label: str, color: tuple[int, int, int], size: tuple[int, int] = (640, 600)) -> ImageAsset:
        self._image_serial += 1
        data = _draw_png(label, color, size, self._image_serial)
        sha256 = hashlib.sha256(data).hexdigest()
        existing = ImageAsset.objects.filter(sha256=sha256).first()
        if existing is not None:
            return existing
        asset = ImageAsset(sha256=sha256, size_bytes=len(data))
        asset.image.save(f"demo-{self._image_serial:02d}.png", ContentFile(data), save=False)
        self.catalog.image_count += 1
        return _clean_save(asset)

    def _head_images(self, product: Product, label: str, colors: list[tuple[int, int, int]]) -> None:
        for position, color in enumerate(colors):
            asset = self._image(f"{label} {position + 1}", color)
            _clean_save(ProductImage(product=product, position=position, asset=asset))

    def _details(self, product: Product, blocks: list[str | tuple[str, tuple[int, int, int]]]) -> None:
        for position, block in enumerate(blocks):
            if isinstance(block, str):
                detail = ProductDetailBlock(product=product, position=position, kind="text", text=block)
            else:
                label, color = block
                detail = ProductDetailBlock(
                    product=product, position=position, kind="image", asset=self._image(label, color, (750, 500))
                )
            _clean_save(detail)

    def _property(self, product: Product, platform: str, leaf: str, name: str, value: str, *, custom=False) -> None:
        attribute = self._attribute(platform, leaf, CategoryAttribute.Kind.PROPERTY, name)
        if custom:
            _clean_save(ProductProperty(product=product, attribute=attribute, custom_value=value))
        else:
            listed = attribute.values.get(name=value)
            _clean_save(ProductProperty(product=product, attribute=attribute, value=listed))

    def _sku(self, product: Product, position: int, specs: list[dict], **fields) -> Sku:
        sku = _clean_save(Sku(product=product, position=position, specs=specs, **fields))
        self.catalog.sku_count += 1
        return sku

    # Products.

    def _product(self, *, categories: dict, **fields) -> Product:
        product = _clean_save(Product(state=Product.State.ACTIVE, **fields))
        for platform, category in categories.items():
            _clean_save(ProductPlatformCategory(product=product, platform=platform, category=category))
        self.catalog.products.append(product)
        return product

    def _tshirt(self, brand: Brand, template: FreightTemplate) -> Product:
        """Two category specs (colour × size) and the full matrix of 6 SKUs."""
        wechat, channels = Platform.WECHAT_STORE, Platform.CHANNELS
        product = self._product(
            out_product_id="DEMO-TSHIRT-001",
            title="纯棉圆领短袖T恤 女款 宽松百搭",
            short_title="纯棉圆领T恤",
            spu_code="TS2024",
            categories={
                wechat: self.leaves[(wechat, "T恤")],
                channels: self.leaves[(channels, "T恤")],
                Platform.MINISHOP: self.leaves[(Platform.MINISHOP, "T恤")],
            },
            brand=None,  # the demo brand is not in the Channels brand library: sent as "no brand"
            buy_limit=5,
            aftersale_desc="收到商品 7 天内可无理由退换，吊牌需完好。",
            has_receipt=True,
            is_support_replace=True,
            freight_insurance=True,
            location_province="广东省",
            location_city="广州市",
            delivery_type=Product.DeliveryType.TEMPLATE,
            freight_template=template,
            weight_g=220,
        )
        self._head_images(
            product, "T-SHIRT", [(236, 236, 230), (40, 40, 48), (214, 90, 80), (90, 140, 200), (120, 170, 110)]
        )
        self._details(
            product,
            [
                "100% 精梳棉，亲肤透气；宽松版型，多种穿搭。",
                ("T-SHIRT DETAIL", (245, 240, 225)),
                "洗涤建议：30℃ 以下水洗，不可漂白，反面熨烫。",
            ],
        )
        self._property(product, wechat, "T恤", "材质", "纯棉")
        self._property(product, channels, "T恤", "材质", "纯棉")
        self._property(product, channels, "T恤", "袖长", "短袖")
        self._property(product, channels, "T恤", "领型", "圆领")

        axes = []
        for position, spec_name in enumerate(("颜色", "尺码")):
            attribute = self._attribute(wechat, "T恤", CategoryAttribute.Kind.SPEC, spec_name)
            spec = _clean_save(ProductSpec(product=product, position=position, attribute=attribute))
            values = list(attribute.values.order_by("remote_id"))
            spec.values.set(values)
            axes.append(
                [{"id": attribute.remote_id, "vid": v.remote_id, "name": spec_name, "value": v.name} for v in values]
            )
        color_codes = {"白色": "WH", "黑色": "BK"}
        position = 0
        for color in axes[0]:
            for size in axes[1]:
                code = f"TS-{color_codes[color['value']]}-{size['value']}"
                self._sku(
                    product,
                    position,
                    [color, size],
                    price=5900 if size["value"] != "L" else 6900,
                    original_price=9900,
                    stock=40 + 10 * position,
                    product_code=code,
                    barcode=f"69012345000{position + 1:02d}",
                    out_sku_id=code,
                )
                position += 1
        return product

    def _nuts(self, template: FreightTemplate) -> Product:
        """One custom spec ("$规格") with custom values. Shipped with the freight template: the Channels store and
        the mini-shop take no express list, only a template."""
        wechat, channels = Platform.WECHAT_STORE, Platform.CHANNELS
        product = self._product(
            out_product_id="DEMO-NUTS-001",
            title="每日坚果混合装 每日一包 营养零食",
            short_title="每日坚果",
            categories={
                wechat: self.leaves[(wechat, _NUT_LEAF[wechat])],
                channels: self.leaves[(channels, _NUT_LEAF[channels])],
                Platform.MINISHOP: self.leaves[(Platform.MINISHOP, _NUT_LEAF[Platform.MINISHOP])],
            },
            seven_day_return=Product.SevenDayReturn.SUPPORTED_UNLESS_OPENED,
            location_province="云南省",
            location_city="昆明市",
            delivery_type=Product.DeliveryType.TEMPLATE,
            freight_template=template,
            weight_g=800,
        )
        self._head_images(product, "NUTS", [(196, 150, 90), (150, 100, 60), (230, 200, 140), (110, 80, 50)])
        self._details(product, ["精选 6 种坚果果干，独立小包装，开袋即食。", ("NUTS DETAIL", (250, 235, 205))])
        self._property(product, wechat, _NUT_LEAF[wechat], "产地", "云南")
        leaf = _NUT_LEAF[channels]
        self._property(product, channels, leaf, "产地", "云南")
        self._property(product, channels, leaf, "净含量", "750g", custom=True)
        self._property(product, channels, leaf, "保质期", "180天", custom=True)
        self._property(product, channels, leaf, "生产许可证编号", "SC11653010200123", custom=True)

        spec = _clean_save(ProductSpec(product=product, position=0, custom_name="规格", custom_values="30包装, 60包装"))
        for position, (value, price, original_price) in enumerate((("30包装", 8900, 12900), ("60包装", 16900, 25800))):
            code = f"NUT-{position + 1:02d}"
            self._sku(
                product,
                position,
                [{"id": spec.remote_key, "vid": "$" + value, "name": spec.name, "value": value}],
                price=price,
                original_price=original_price,
                stock=200,
                product_code=code,
                out_sku_id=code,
            )
        return product

    def _cookies(self, template: FreightTemplate) -> Product:
        """A uniform-spec product: no specs and a single SKU."""
        wechat, channels = Platform.WECHAT_STORE, Platform.CHANNELS
        product = self._product(
            out_product_id="DEMO-COOKIES-001",
            title="丹麦风味黄油曲奇礼盒 908克",
            short_title="黄油曲奇礼盒",
            categories={
                wechat: self.leaves[(wechat, _COOKIE_LEAF[wechat])],
                channels: self.leaves[(channels, _COOKIE_LEAF[channels])],
                Platform.MINISHOP: self.leaves[(Platform.MINISHOP, _COOKIE_LEAF[Platform.MINISHOP])],
            },
            location_province="上海市",
            location_city="上海市",
            delivery_type=Product.DeliveryType.TEMPLATE,
            freight_template=template,
            weight_g=1100,
        )
        # Four head images: food categories of the Channels store need at least four (§3.3).
        self._head_images(product, "COOKIES", [(70, 110, 170), (200, 170, 110), (160, 60, 60), (235, 215, 160)])
        self._details(product, ["进口黄油烘焙，酥松香浓，铁盒包装适合送礼。", ("COOKIES DETAIL", (220, 230, 245))])
        self._property(product, wechat, _COOKIE_LEAF[wechat], "产地", "浙江")
        leaf = _COOKIE_LEAF[channels]
        self._property(product, channels, leaf, "产地", "上海")
        self._property(product, channels, leaf, "净含量", "908g", custom=True)
        self._property(product, channels, leaf, "保质期", "12月", custom=True)
        self._property(product, channels, leaf, "生产许可证编号", "SC10831011500456", custom=True)
        self._property(product, channels, leaf, "口味", "黄油")
        self._sku(product, 0, [], price=6800, original_price=9800, stock=80, product_code="CK-908", out_sku_id="CK-908")
        return product

    # Groups and the shelf.

    def _groups_and_shelf(self, tshirt: Product, nuts: Product, cookies: Product) -> None:
        new_arrivals = _ensure(ProductGroup, {"name": "新品上架"})
        new_arrivals.products.add(tshirt, cookies)
        snacks = _ensure(ProductGroup, {"name": "零食专区"})
        snacks.products.add(nuts, cookies)

        if Shelf.objects.filter(name="首页货架").exists():
            return
        banner = self._image("SHOPADMIN DEMO", (220, 60, 60), (640, 120))
        shelf = _clean_save(Shelf(name="首页货架", banner=banner))
        featured = _clean_save(
            ShelfModule(shelf=shelf, position=0, control=ShelfModule.Control.GROUP_PRODUCTS, product_count=6)
        )
        _clean_save(ShelfModuleGroup(module=featured, position=0, group=new_arrivals))
        names = _clean_save(ShelfModule(shelf=shelf, position=1, control=ShelfModule.Control.GROUP_NAMES))
        for position, group in enumerate((new_arrivals, snacks)):
            _clean_save(ShelfModuleGroup(module=names, position=position, group=group))


def _draw_png(label: str, color: tuple[int, int, int], size: tuple[int, int], serial: int) -> bytes:
    """A plain picture: a coloured background, a few shapes and a label; different for each serial."""
    width, height = size
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    ink = (255, 255, 255) if sum(color) < 400 else (40, 40, 40)
    accent = tuple(255 - c for c in color)
    margin = min(width, height) // 10
    draw.rectangle([margin, margin, width - margin, height - margin], outline=ink, width=4)
    radius = min(width, height) // 6
    cx, cy = width // 2 + (serial % 5 - 2) * radius // 2, height // 2
    draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=accent)
    try:
        font = ImageFont.load_default(size=max(16, height // 10))
    except (TypeError, OSError):  # Pillow built without FreeType
        font = ImageFont.load_default()
    draw.text((margin + 12, margin + 12), label, fill=ink, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
