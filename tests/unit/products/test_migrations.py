"""Migration 0004 moves every product's category per platform from its three columns to ProductPlatformCategory
rows, and back: a database holding products with categories on every platform keeps them both ways."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("products", "0003_product_minishop_category")]
AFTER = [("products", "0004_product_platform_category")]
PLATFORMS = ("wechat_store", "channels", "minishop")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_categories_on_every_platform_move_to_rows_and_back():
    # Given products at 0003: one with a category on every platform, one with only a Channels one, one with none.
    apps = _migrate(BEFORE)
    Category = apps.get_model("products", "Category")
    Product = apps.get_model("products", "Product")
    leaves = {
        platform: Category.objects.create(platform=platform, remote_id=f"{platform}-1", name="T恤")
        for platform in PLATFORMS
    }
    everywhere = Product.objects.create(
        out_product_id="EVERY",
        title="纯棉圆领T恤 夏季款",
        wechat_store_category=leaves["wechat_store"],
        channels_category=leaves["channels"],
        minishop_category=leaves["minishop"],
    )
    channels_only = Product.objects.create(
        out_product_id="CHANNELS", title="纯棉圆领T恤 冬季款", channels_category=leaves["channels"]
    )
    nowhere = Product.objects.create(out_product_id="NONE", title="纯棉圆领T恤 秋季款")

    # When migrated forward
    apps = _migrate(AFTER)
    rows = apps.get_model("products", "ProductPlatformCategory").objects.order_by("product_id", "platform")

    # Then each set column is one row, and nothing else
    assert list(rows.values_list("product_id", "platform", "category_id")) == [
        (everywhere.pk, "channels", leaves["channels"].pk),
        (everywhere.pk, "minishop", leaves["minishop"].pk),
        (everywhere.pk, "wechat_store", leaves["wechat_store"].pk),
        (channels_only.pk, "channels", leaves["channels"].pk),
    ]

    # When migrated back
    apps = _migrate(BEFORE)
    Product = apps.get_model("products", "Product")

    # Then the columns hold the same values as before
    assert list(
        Product.objects.order_by("pk").values_list(
            "pk", "wechat_store_category_id", "channels_category_id", "minishop_category_id"
        )
    ) == [
        (everywhere.pk, leaves["wechat_store"].pk, leaves["channels"].pk, leaves["minishop"].pk),
        (channels_only.pk, None, leaves["channels"].pk, None),
        (nowhere.pk, None, None, None),
    ]
