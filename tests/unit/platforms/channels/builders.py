"""Snapshots built directly from the selector dataclasses (no database) for the Channels payload tests.

Category ids follow the emulator's seeded tree (``channels_sync/sandbox/channels_seed.py``): 服饰内衣 1000 >
女装 1100 > T恤 1101.
"""

from dataclasses import replace

from products.selectors import (
    CategorySnapshot,
    DetailBlockSnapshot,
    FeeRuleSnapshot,
    FreightTemplateSnapshot,
    ProductSnapshot,
    PropertySnapshot,
    SkuSnapshot,
)
from products.sku_matrix import SpecDefinition, SpecValue

TEMPLATE_REMOTE_ID = "7000000001"
APPID = "wx_demo_store"


def image_url(asset_id: int) -> str:
    return f"https://mmecimage.cn/p/{APPID}/asset{asset_id}"


# Every asset id the builders use has an mmecimage link.
IMAGE_URLS = {asset_id: image_url(asset_id) for asset_id in range(1, 100)}


def sku(
    sku_id: int,
    combination: list[tuple[str, str]],
    *,
    price: int,
    original_price: int,
    stock: int,
    image_asset_id: int | None = None,
    product_code: str = "",
    barcode: str = "",
    out_sku_id: str = "",
) -> SkuSnapshot:
    """A SKU from (spec name, value name) pairs, as ``product_snapshot`` shapes it (custom spec keys)."""
    specs = [{"id": f"${name}", "vid": f"${value}", "name": name, "value": value} for name, value in combination]
    return SkuSnapshot(
        id=sku_id,
        specs=tuple(tuple(sorted(spec.items())) for spec in specs),
        spec_key=";".join(f"{s['id']}:{s['vid']}" for s in specs),
        price=price,
        original_price=original_price,
        stock=stock,
        image_asset_id=image_asset_id,
        product_code=product_code,
        barcode=barcode,
        out_sku_id=out_sku_id,
    )


def spec(name: str, *values: str) -> SpecDefinition:
    return SpecDefinition(key=f"${name}", name=name, values=tuple(SpecValue(f"${value}", value) for value in values))


TSHIRT_CATEGORY = CategorySnapshot(remote_id="1101", name="T恤", path_remote_ids=("1000", "1100", "1101"), level=3)


def tshirt(**changes) -> ProductSnapshot:
    """A colour × size product on a three-level category, shipped by express with a freight template."""
    snapshot = ProductSnapshot(
        id=1,
        out_product_id="DEMO-TSHIRT-001",
        title="纯棉圆领短袖T恤 女款 宽松百搭",
        short_title="纯棉圆领T恤",
        spu_code="TS2024",
        wechat_store_category=CategorySnapshot(
            remote_id="537020101", name="T恤", path_remote_ids=("537000002", "537020101"), level=2
        ),
        channels_category=TSHIRT_CATEGORY,
        brand_remote_id="2100000101",
        properties=(
            PropertySnapshot("10002002", "材质", "10002011", "纯棉", "wechat_store"),
            PropertySnapshot("", "材质", "", "纯棉", "channels"),
            PropertySnapshot("", "袖长", "", "短袖", "channels"),
        ),
        spec_definitions=(spec("颜色", "白色", "黑色"), spec("尺码", "M", "L")),
        skus=(
            sku(
                11,
                [("颜色", "白色"), ("尺码", "M")],
                price=5900,
                original_price=9900,
                stock=40,
                image_asset_id=16,
                product_code="TS-WH-M",
                barcode="6901234500001",
                out_sku_id="TS-WH-M",
            ),
            sku(12, [("颜色", "白色"), ("尺码", "L")], price=6900, original_price=9900, stock=50),
            sku(
                13,
                [("颜色", "黑色"), ("尺码", "M")],
                price=5900,
                original_price=5900,
                stock=0,
                product_code="TS-BK-M",
                out_sku_id="TS-BK-M",
            ),
        ),
        image_asset_ids=(11, 12, 13, 14),
        detail_blocks=(
            DetailBlockSnapshot("text", "100% 精梳棉，亲肤透气。", None),
            DetailBlockSnapshot("image", "", 15),
            DetailBlockSnapshot("text", "30℃ 以下水洗。", None),
        ),
        buy_limit=5,
        aftersale_desc="收到商品 7 天内可无理由退换。",
        is_post_free=False,
        has_receipt=True,
        is_under_guaranty=False,
        is_support_replace=True,
        seven_day_return=1,
        pay_after_use=False,
        freight_insurance=True,
        fake_one_pay_three=False,
        damage_guarantee=True,
        location_country="中国",
        location_province="广东省",
        location_city="广州市",
        location_address="",
        deliver_method=0,
        delivery_type=1,
        freight_template_id=7,
        express_fees=(),
        weight_g=220,
    )
    return replace(snapshot, **changes)


def gift_card(**changes) -> ProductSnapshot:
    """A uniform-spec product delivered to the buyer's phone (no shipping), on a two-level category, no brand."""
    snapshot = replace(
        tshirt(),
        id=2,
        out_product_id="GIFT-100",
        title="星礼卡 电子礼品卡 100元",
        short_title="",
        spu_code="",
        wechat_store_category=None,
        channels_category=CategorySnapshot(remote_id="4100", name="礼品卡", path_remote_ids=("4000", "4100"), level=2),
        brand_remote_id="",
        properties=(),
        spec_definitions=(),
        skus=(sku(21, [], price=9500, original_price=10000, stock=1000),),
        image_asset_ids=(21, 22, 23),
        detail_blocks=(),
        buy_limit=0,
        aftersale_desc="",
        seven_day_return=0,
        freight_insurance=False,
        damage_guarantee=False,
        deliver_method=1,
        freight_template_id=None,
        weight_g=None,
    )
    return replace(snapshot, **changes)


def fee(
    express_type: int, province: str = "", city: str = "", *, country: str = "", start: int, add: int
) -> FeeRuleSnapshot:
    return FeeRuleSnapshot(
        express_type=express_type,
        dest_country=country,
        dest_province=province,
        dest_city=city,
        start_standards=1,
        start_fees=start,
        add_standards=1,
        add_fees=add,
    )


EXPRESS, SURFACE_MAIL, EMS = 10000028, 10000027, 10000029


def freight_template(**changes) -> FreightTemplateSnapshot:
    """Buyer pays; express (快递) has a default and regional rules, the other express types only V1.17 rules."""
    snapshot = FreightTemplateSnapshot(
        id=7,
        name="默认运费模板",
        assumer=0,
        valuation=0,
        valuation_type="PIECE",
        send_time="SendTime_FORTYEIGHT_HOUR",
        shipping_method="NO_FREE",
        is_default=True,
        ship_from=(
            ("province", "广东省"),
            ("city", "深圳市"),
            ("county", "南山区"),
            ("address", "科技园科苑路 15 号"),
            ("contact", "李店长"),
            ("phone", "0755-86000000"),
            ("postal_code", "518057"),
        ),
        fee_rules=(
            fee(EXPRESS, start=1000, add=500),
            fee(EXPRESS, "西藏自治区", country="中国", start=2500, add=1500),
            fee(EXPRESS, "新疆维吾尔自治区", "乌鲁木齐市", country="中国", start=2000, add=1000),
            fee(EXPRESS, "新疆维吾尔自治区", country="中国", start=2500, add=1500),
            fee(SURFACE_MAIL, start=800, add=300),
            fee(EMS, "北京市", country="中国", start=3000, add=1500),
        ),
        free_conditions=(),
        not_served_areas=(("香港特别行政区", "", ""), ("台湾省", "台北市", "")),
    )
    return replace(snapshot, **changes)
