"""Snapshots built directly from the selector dataclasses (no database) for the payload tests."""

from dataclasses import replace

from products.selectors import (
    CategorySnapshot,
    DetailBlockSnapshot,
    FeeRuleSnapshot,
    FreightTemplateSnapshot,
    GroupSnapshot,
    ProductSnapshot,
    PropertySnapshot,
    ShelfModuleSnapshot,
    ShelfSnapshot,
    SkuSnapshot,
)
from products.sku_matrix import SpecDefinition, SpecValue

TEMPLATE_REMOTE_ID = 103312920  # the reference's sample template id (§2.2)


def image_url(asset_id: int) -> str:
    return f"http://mmbiz.qpic.cn/mmbiz/asset{asset_id}/0"


# Every asset id the builders use has an upload_img URL.
IMAGE_URLS = {asset_id: image_url(asset_id) for asset_id in range(1, 100)}


def sku(
    sku_id: int,
    combination: list[tuple[str, str, str, str]],
    *,
    price: int,
    original_price: int,
    stock: int,
    image_asset_id: int | None = None,
    product_code: str = "",
) -> SkuSnapshot:
    """A SKU from (spec id, value id, spec name, value name) pairs, as ``product_snapshot`` shapes it."""
    specs = [{"id": i, "vid": v, "name": n, "value": val} for i, v, n, val in combination]
    return SkuSnapshot(
        id=sku_id,
        specs=tuple(tuple(sorted(spec.items())) for spec in specs),
        spec_key=";".join(f"{s['id']}:{s['vid']}" for s in specs),
        price=price,
        original_price=original_price,
        stock=stock,
        image_asset_id=image_asset_id,
        product_code=product_code,
        barcode="",
        out_sku_id="",
    )


BLACK = ("1075741873", "1079742386", "颜色", "黑色")
WHITE = ("1075741873", "1079742387", "颜色", "白色")
STANDARD = ("$套装", "$标准版", "套装", "标准版")
DELUXE = ("$套装", "$豪华版", "套装", "豪华版")

COLOUR = SpecDefinition(
    key="1075741873",
    name="颜色",
    values=(SpecValue("1079742386", "黑色"), SpecValue("1079742387", "白色"), SpecValue("1079742388", "银色")),
)
KIT = SpecDefinition(key="$套装", name="套装", values=(SpecValue("$标准版", "标准版"), SpecValue("$豪华版", "豪华版")))


def camera(**changes) -> ProductSnapshot:
    """A multi-spec product: a category spec (颜色) and a custom one ($套装); sold with an express list."""
    snapshot = ProductSnapshot(
        id=1,
        out_product_id="CAM-001",
        title="富士 X-T30 微单相机 套机",
        short_title="X-T30",
        spu_code="XT30",
        wechat_store_category=CategorySnapshot(
            remote_id="537074298", name="单反相机", path_remote_ids=("537", "537074298"), level=2
        ),
        channels_category=CategorySnapshot(remote_id="6153", name="相机", path_remote_ids=("6153",), level=1),
        brand_remote_id="",
        properties=(
            PropertySnapshot("1075741879", "品牌", "1079760001", "Fujifilm/富士", "wechat_store"),
            PropertySnapshot("1075741880", "屏幕尺寸", "", "3.0英寸", "wechat_store"),
            PropertySnapshot("", "产地", "", "日本", "wechat_store"),
            PropertySnapshot("1001", "品牌", "2002", "富士", "channels"),
        ),
        spec_definitions=(COLOUR, KIT),
        skus=(
            sku(
                11,
                [BLACK, STANDARD],
                price=459900,
                original_price=529900,
                stock=20,
                image_asset_id=15,
                product_code="XT30-BK-STD",
            ),
            sku(12, [BLACK, DELUXE], price=529900, original_price=599900, stock=5, product_code="XT30-BK-DLX"),
            sku(13, [WHITE, STANDARD], price=459900, original_price=529900, stock=0),
        ),
        image_asset_ids=(11, 12, 13),
        detail_blocks=(
            DetailBlockSnapshot("text", "轻巧机身，复古外观", None),
            DetailBlockSnapshot("image", "", 14),
            DetailBlockSnapshot("text", "附赠 32G 存储卡", None),
        ),
        buy_limit=2,
        aftersale_desc="",
        is_post_free=False,
        has_receipt=True,
        is_under_guaranty=True,
        is_support_replace=False,
        seven_day_return=1,
        pay_after_use=False,
        freight_insurance=False,
        fake_one_pay_three=False,
        damage_guarantee=False,
        location_country="中国",
        location_province="广东省",
        location_city="广州市",
        location_address="天河区华景路1号",
        deliver_method=0,
        delivery_type=0,
        freight_template_id=None,
        express_fees=((10000028, 1000), (10000029, 2000)),
        weight_g=None,
    )
    return replace(snapshot, **changes)


def tee(**changes) -> ProductSnapshot:
    """A uniform-spec product (one SKU, sku_id ""), shipped with a freight template."""
    snapshot = replace(
        camera(),
        id=2,
        out_product_id="TEE-001",
        title="纯棉圆领T恤 夏季款",
        short_title="",
        spu_code="",
        wechat_store_category=CategorySnapshot(
            remote_id="537074301", name="T恤", path_remote_ids=("536", "537074301"), level=2
        ),
        channels_category=None,
        properties=(),
        spec_definitions=(),
        skus=(sku(21, [], price=9900, original_price=12900, stock=10, product_code="TEE-001-U"),),
        image_asset_ids=(21, 22, 23),
        detail_blocks=(DetailBlockSnapshot("text", "100% 棉", None),),
        buy_limit=0,
        has_receipt=False,
        is_under_guaranty=False,
        is_support_replace=True,
        location_address="",
        delivery_type=1,
        freight_template_id=7,
        express_fees=(),
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


def freight_template(**changes) -> FreightTemplateSnapshot:
    """Three express types; EMS has only a regional rule, so it cannot be sent."""
    snapshot = FreightTemplateSnapshot(
        id=7,
        name="默认运费",
        assumer=0,
        valuation=0,
        valuation_type="PIECE",
        send_time="SendTime_FORTYEIGHT_HOUR",
        shipping_method="NO_FREE",
        is_default=True,
        ship_from=(("province", "广东省"), ("city", "广州市")),
        fee_rules=(
            fee(10000028, start=1000, add=500),
            fee(10000028, "广东省", "深圳市", country="中国", start=600, add=200),
            fee(10000028, "广东省", "广州市", start=500, add=100),
            fee(10000028, "北京市", country="中国", start=1500, add=800),
            fee(10000027, start=800, add=400),
            fee(10000029, "新疆维吾尔自治区", country="中国", start=3000, add=1500),
        ),
        free_conditions=(),
        not_served_areas=(),
    )
    return replace(snapshot, **changes)


def group(**changes) -> GroupSnapshot:
    return replace(GroupSnapshot(id=3, name="新品上架", product_ids=(1, 2, 4, 5)), **changes)


def shelf(**changes) -> ShelfSnapshot:
    """Controls 1 to 4 on one shelf with a banner (asset 40)."""
    snapshot = ShelfSnapshot(
        id=9,
        name="测试货架",
        banner_asset_id=40,
        modules=(
            ShelfModuleSnapshot(control=1, product_count=4, background_asset_id=None, groups=((50, None),)),
            ShelfModuleSnapshot(
                control=2, product_count=None, background_asset_id=None, groups=((49, None), (50, None), (51, None))
            ),
            ShelfModuleSnapshot(control=3, product_count=None, background_asset_id=None, groups=((52, 41),)),
            ShelfModuleSnapshot(
                control=4, product_count=None, background_asset_id=None, groups=((49, 42), (50, 43), (52, 44))
            ),
        ),
    )
    return replace(snapshot, **changes)


def background_shelf(**changes) -> ShelfSnapshot:
    """One control 5 module: group names over a background image (asset 45), no banner."""
    snapshot = ShelfSnapshot(
        id=10,
        name="新新人类",
        banner_asset_id=None,
        modules=(
            ShelfModuleSnapshot(
                control=5,
                product_count=None,
                background_asset_id=45,
                groups=((43, None), (44, None), (45, None), (46, None)),
            ),
        ),
    )
    return replace(snapshot, **changes)


# Local group id -> remote group id. Remote ids are kept as strings by some callers; 46 shows that.
GROUP_REMOTE_IDS: dict[int, int | str] = {43: 200080093, 44: 200080118, 45: 200080119, 46: "200080135"}
GROUP_REMOTE_IDS.update({49: 49, 50: 50, 51: 51, 52: 52})
