"""Snapshots for the mini-shop payload tests, built from the selector dataclasses (no database).

Category ids follow the emulator's seeded tree (``channels_sync/sandbox/minishop_seed.py``): 服饰内衣 7231 > 女装
7245 > T恤 7262, and seed 001's 6033 > 6057 > 6091. Template 5190 is the seeded "默认运费模板（演示）".
"""

from dataclasses import replace

from products.selectors import CategorySnapshot, DetailBlockSnapshot, ProductSnapshot, PropertySnapshot
from tests.unit.platforms.channels import builders as channels_builders
from tests.unit.platforms.channels.builders import sku

TEMPLATE_REMOTE_ID = "5190"
APPID = "wx_demo_minishop"
TSHIRT_CATEGORY = CategorySnapshot(remote_id="7262", name="T恤", path_remote_ids=("7231", "7245", "7262"), level=3)
CONSOLE_CATEGORY = CategorySnapshot(remote_id="6091", name="游戏机", path_remote_ids=("6033", "6057", "6091"), level=3)


def image_url(asset_id: int) -> str:
    return f"https://mmbiz.qpic.cn/mini_shop/{APPID}/asset{asset_id}"


IMAGE_URLS = {asset_id: image_url(asset_id) for asset_id in range(1, 100)}


def tshirt(**changes) -> ProductSnapshot:
    """The Channels builders' T-shirt (three SKUs, a freight template) on the mini-shop's T恤."""
    return replace(channels_builders.tshirt(), **{"minishop_category": TSHIRT_CATEGORY, **changes})


SEED_HEAD_IMG = (
    "http://img10.360buyimg.com/n1/s450x450_jfs/t1/85865/39/13611/488083/5e590a40E4bdf69c0/55c9bf645ea2b727.jpg"
)
SEED_THUMB_IMG = (
    "http://img10.360buyimg.com/n1/s450x450_jfs/t1/100778/17/13648/424215/5e590a40E2d68e774/e171d222a0c9b763.jpg"
)
# Seed 001's pictures as the shop's URLs of the console's assets: 1 the head image (also the detail), 2 the SKU's.
SEED_IMAGE_URLS = {1: SEED_HEAD_IMG, 2: SEED_THUMB_IMG}


def seed_console() -> ProductSnapshot:
    """The product of seed 001's example request, as the catalog would hold it."""
    return replace(
        channels_builders.tshirt(),
        id=3,
        out_product_id="1234566",
        title="任天堂 Nintendo Switch 国行续航增强版 NS家用体感游戏机掌机 便携掌上游戏机 红蓝主机",
        short_title=(
            "JD自营更放心】【国行Switch,更安心的保修服务,更快的国行服务器】一台主机三种模式,游戏掌机,随时随地,"
            "一起趣玩。"
        ),
        spu_code="国行续航增强版",
        channels_category=None,
        minishop_category=CONSOLE_CATEGORY,
        brand_remote_id="",
        properties=(
            PropertySnapshot("", "商品毛重", "", "380g", "minishop"),
            PropertySnapshot("", "商品产地", "", "中国大陆", "minishop"),
        ),
        spec_definitions=(
            channels_builders.spec("选择颜色", "红蓝主机"),
            channels_builders.spec("选择套装", "主机+保护套"),
        ),
        skus=(
            sku(
                31,
                [("选择颜色", "红蓝主机"), ("选择套装", "主机+保护套")],
                price=1300,
                original_price=1500,
                stock=100,
                image_asset_id=2,
                product_code="A24525252",
                barcode="13251454",
                out_sku_id="1024",
            ),
        ),
        image_asset_ids=(1,),
        detail_blocks=(DetailBlockSnapshot("image", "", 1),),
    )
