"""The Channels pre-flight finds, before sending, everything the store would refuse, all at once."""

from dataclasses import replace

from django.utils import translation

from channels_sync.platforms.channels.preflight import check_product
from channels_sync.platforms.preflight import CategoryAttributeRule, CategoryRules, PreflightFacts, Problem
from products.models import Product
from products.selectors import PropertySnapshot
from tests.unit.platforms.channels.builders import sku, tshirt

MATERIAL = CategoryAttributeRule("材质", True, ("纯棉", "莫代尔", "涤纶"))
SLEEVE = CategoryAttributeRule("袖长", True, ("短袖", "长袖"))
COLLAR = CategoryAttributeRule("领型", True, ("圆领", "V领"))
FIT = CategoryAttributeRule("版型", False, ("宽松", "修身"))
TSHIRT_RULES = CategoryRules(remote_id="1101", attributes=(MATERIAL, SLEEVE, COLLAR, FIT), min_head_images=3)


def rendered(problems: list[Problem]) -> list[tuple[str, str, str, tuple[str, ...]]]:
    with translation.override("zh-hans"):
        return [(p.field, str(p.message), p.subject, p.choices) for p in problems]


def test_a_product_that_fills_everything_has_no_problem():
    snapshot = tshirt(properties=(*tshirt().properties, PropertySnapshot("", "领型", "", "圆领", "channels")))

    assert check_product(snapshot, PreflightFacts(category=TSHIRT_RULES)) == []


def test_every_missing_required_attribute_is_listed_at_once_with_the_platforms_choices():
    snapshot = tshirt(properties=())

    problems = check_product(snapshot, PreflightFacts(category=TSHIRT_RULES))

    assert rendered(problems) == [
        ("product.properties", "类目要求填写属性“材质”。", "材质", ("纯棉", "莫代尔", "涤纶")),
        ("product.properties", "类目要求填写属性“袖长”。", "袖长", ("短袖", "长袖")),
        ("product.properties", "类目要求填写属性“领型”。", "领型", ("圆领", "V领")),
    ]


def test_properties_of_another_platforms_category_do_not_count():
    wechat_store_only = tuple(p for p in tshirt().properties if p.platform == "wechat_store")

    problems = check_product(tshirt(properties=wechat_store_only), PreflightFacts(category=TSHIRT_RULES))

    assert [p.subject for p in problems] == ["材质", "袖长", "领型"]


def test_a_category_needing_four_head_images_refuses_three():
    rules = replace(TSHIRT_RULES, attributes=(), min_head_images=4)

    problems = check_product(tshirt(image_asset_ids=(11, 12, 13)), PreflightFacts(category=rules))

    assert rendered(problems) == [("product.images", "该类目至少需要 4 张主图（商品现有 3 张）。", "", ())]


def test_title_short_title_prices_stock_and_freight_are_checked_together():
    snapshot = tshirt(
        title="T恤",
        short_title="纯棉圆领短袖T恤女款宽松百搭夏季新款上市了",
        skus=(
            sku(11, [("颜色", "白色"), ("尺码", "M")], price=0, original_price=9900, stock=1),
            sku(12, [("颜色", "白色"), ("尺码", "L")], price=6900, original_price=5900, stock=10_000_001),
        ),
        freight_template_id=None,
    )

    problems = check_product(snapshot, PreflightFacts(category=replace(TSHIRT_RULES, attributes=())))

    assert rendered(problems) == [
        ("product.title", "标题长度须为 5 到 60 个字符（当前 2 个）。", "", ()),
        ("product.short_title", "短标题最多 20 个字（现有 21 个）。", "", ()),
        ("product.skus.price", "售价必须大于 0。", "颜色：白色 / 尺码：M", ()),
        ("product.skus.original_price", "划线价不能低于售价。", "颜色：白色 / 尺码：L", ()),
        ("product.skus.stock", "库存最多为 10,000,000。", "颜色：白色 / 尺码：L", ()),
        ("product.freight_template", "请选择运费模板：视频号小店快递发货需要运费模板。", "", ()),
    ]


def test_a_template_pricing_by_weight_needs_the_weight():
    problems = check_product(
        tshirt(weight_g=None),
        PreflightFacts(category=replace(TSHIRT_RULES, attributes=()), freight_template_by_weight=True),
    )

    assert rendered(problems) == [("product.weight_g", "该运费模板按重量计费，请填写重量。", "", ())]


def test_no_shipping_needs_no_freight_template():
    snapshot = tshirt(deliver_method=Product.DeliverMethod.PHONE, freight_template_id=None)

    assert check_product(snapshot, PreflightFacts(category=replace(TSHIRT_RULES, attributes=()))) == []


def test_no_category_or_one_never_imported_is_a_problem_of_the_category():
    assert rendered(check_product(tshirt(channels_category=None), PreflightFacts())) == [
        ("product.channels_category", "请选择视频号小店类目。", "", ())
    ]
    assert rendered(check_product(tshirt(), PreflightFacts(category=None))) == [
        ("product.channels_category", "从未导入该类目的详情：请先在店铺上导入类目。", "", ())
    ]
