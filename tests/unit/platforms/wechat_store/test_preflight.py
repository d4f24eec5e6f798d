"""The V1.17 pre-flight: name, category, main image, prices below the original price, delivery."""

from django.utils import translation

from channels_sync.platforms.preflight import PreflightFacts
from channels_sync.platforms.wechat_store.preflight import check_product
from products.models import Product
from tests.unit.platforms.channels.builders import sku, tshirt


def rendered(problems):
    with translation.override("zh-hans"):
        return [(p.field, str(p.message), p.subject) for p in problems]


def test_a_complete_product_has_no_problem():
    snapshot = tshirt(skus=(sku(11, [("颜色", "白色")], price=5900, original_price=9900, stock=1),))

    assert check_product(snapshot, PreflightFacts()) == []


def test_a_price_equal_to_the_original_price_is_refused_as_v117_would():
    snapshot = tshirt(skus=(sku(13, [("颜色", "黑色"), ("尺码", "M")], price=5900, original_price=5900, stock=0),))

    assert rendered(check_product(snapshot, PreflightFacts())) == [
        ("product.skus.price", "售价必须大于 0 且低于原价。", "颜色：黑色 / 尺码：M")
    ]


def test_missing_category_image_skus_and_express_fees_are_all_listed():
    snapshot = tshirt(
        wechat_store_category=None,
        image_asset_ids=(),
        skus=(),
        delivery_type=Product.DeliveryType.EXPRESS,
        freight_template_id=None,
        express_fees=(),
    )

    assert rendered(check_product(snapshot, PreflightFacts())) == [
        ("product.wechat_store_category", "请选择微信小店（V1.17）类目。", ""),
        ("product.images", "请至少添加一张主图（第一张为商品主图）。", ""),
        ("product.skus", "商品没有 SKU：请根据规格生成。", ""),
        ("product.express_fees", "请添加快递运费，或改用运费模板。", ""),
    ]
