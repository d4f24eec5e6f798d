"""The demo login and catalog: idempotent, valid, and a full SKU matrix."""

import itertools
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from products.demo import demo_catalog_create, demo_login_describe, demo_user_ensure
from products.models import Platform, Product, ProductImage, ProductSpec, Shelf, Sku

pytestmark = pytest.mark.django_db


def catalog_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in apps.get_app_config("products").get_models()}


def test_seeding_twice_creates_the_catalog_once():
    first = demo_catalog_create()
    counts = catalog_counts()

    second = demo_catalog_create()

    assert first is not None
    assert len(first.products) == 3
    assert first.sku_count == 9
    assert second is None
    assert catalog_counts() == counts


def test_no_catalog_is_added_beside_existing_products():
    demo_catalog_create()
    Product.objects.exclude(out_product_id="DEMO-NUTS-001").delete()

    assert demo_catalog_create() is None
    assert list(Product.objects.values_list("out_product_id", flat=True)) == ["DEMO-NUTS-001"]


def test_reseeding_after_the_products_were_deleted_reuses_the_rest():
    demo_catalog_create()
    Product.objects.all().delete()
    before = catalog_counts()

    again = demo_catalog_create()

    # Categories, brand, template, groups, shelf and images are found again instead of duplicated.
    assert again is not None
    assert again.image_count == 0
    after = catalog_counts()
    for model in ("Category", "CategoryAttribute", "Brand", "FreightTemplate", "ProductGroup", "Shelf", "ImageAsset"):
        assert after[model] == before[model], model
    assert after["Product"] == 3


def test_every_demo_object_passes_full_clean():
    demo_catalog_create()

    checked = 0
    for model in apps.get_app_config("products").get_models():
        for obj in model.objects.all():
            obj.full_clean()
            checked += 1

    assert checked > 50


def test_the_matrix_product_has_all_six_combinations():
    demo_catalog_create()
    product = Product.objects.get(out_product_id="DEMO-TSHIRT-001")

    skus = list(product.skus.all())
    specs = list(product.specs.order_by("position"))

    assert len(skus) == 6
    assert len({sku.spec_key for sku in skus}) == 6
    assert [spec.name for spec in specs] == ["颜色", "尺码"]
    expected = {
        ";".join(
            f"{spec.attribute.remote_id}:{value.remote_id}" for spec, value in zip(specs, combination, strict=True)
        )
        for combination in itertools.product(*(spec.values.all() for spec in specs))
    }
    assert {sku.spec_key for sku in skus} == expected
    assert all(sku.price < sku.original_price for sku in skus)
    assert [[s["name"] for s in sku.specs] for sku in skus] == [["颜色", "尺码"]] * 6


def test_custom_spec_and_uniform_spec_products():
    demo_catalog_create()

    nuts = Product.objects.get(out_product_id="DEMO-NUTS-001")
    spec = nuts.specs.get()
    assert spec.remote_key == "$规格"
    assert sorted(nuts.skus.values_list("spec_key", flat=True)) == ["$规格:$30包装", "$规格:$60包装"]
    # The Channels store and the mini-shop ship by freight template only: every demo product has one.
    assert (nuts.delivery_type, nuts.freight_template.name) == (Product.DeliveryType.TEMPLATE, "默认运费模板（演示）")
    assert nuts.express_fees.count() == 0

    cookies = Product.objects.get(out_product_id="DEMO-COOKIES-001")
    assert not ProductSpec.objects.filter(product=cookies).exists()
    assert list(cookies.skus.values_list("specs", "spec_key")) == [([], "")]


def test_products_have_three_to_five_distinct_head_images():
    demo_catalog_create()

    for product in Product.objects.all():
        images = ProductImage.objects.filter(product=product)
        assert 3 <= images.count() <= 5, product
        assert images.values("asset").distinct().count() == images.count()
        assert product.detail_blocks.filter(kind="text").exists()
        assert product.detail_blocks.filter(kind="image").exists()
    assert Sku.objects.exclude(product_code="").count() == Sku.objects.count()


def test_images_are_stored_by_content_hash():
    demo_catalog_create()

    for image in ProductImage.objects.select_related("asset"):
        asset = image.asset
        assert asset.image.name == f"images/{asset.sha256[:2]}/{asset.sha256}.png"
        assert (asset.width, asset.height) == (640, 600)
        assert asset.size_bytes == asset.image.size


def test_the_shelf_has_a_banner_and_two_modules():
    demo_catalog_create()

    shelf = Shelf.objects.get()
    assert shelf.banner is not None
    assert [(m.control, m.groups.count()) for m in shelf.modules.all()] == [(1, 1), (2, 2)]


def test_demo_user_is_created_once_and_never_changed(settings):
    first = demo_user_ensure()
    user = get_user_model().objects.get(username=settings.DEMO_USERNAME)
    assert first.created
    assert user.is_superuser
    assert user.is_staff

    user.set_password("changed-by-the-merchant")
    user.save()
    second = demo_user_ensure()

    assert not second.created
    assert second.password is None
    assert get_user_model().objects.filter(username=settings.DEMO_USERNAME).count() == 1
    user.refresh_from_db()
    assert user.check_password("changed-by-the-merchant")
    assert demo_login_describe() == second


def test_seed_demo_command_prints_the_login(settings):
    settings.DEBUG = True  # pytest-django turns DEBUG off; the embedded default has it on
    out = StringIO()
    call_command("seed_demo", stdout=out)
    again = StringIO()
    call_command("seed_demo", stdout=again)

    assert f"{settings.DEMO_USERNAME} / {settings.DEMO_PASSWORD}" in out.getvalue()
    assert "http://127.0.0.1:8000/admin/" in out.getvalue()
    assert "3 products, 9 SKUs" in out.getvalue()
    assert f"{settings.DEMO_USERNAME} / {settings.DEMO_PASSWORD}" in again.getvalue()
    assert "nothing added" in again.getvalue()


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not get_user_model().objects.exists()
    assert not Product.objects.exists()


def test_the_demo_categories_are_the_emulators_with_the_same_names_and_parents():
    """The demo shops run on the emulator: a demo category it does not know (or names differently) makes a demo
    product fail there, and a later "Import categories" rename it."""
    from products.models import Category, Platform
    from sandbox.channels import seed as channels_seed
    from sandbox.minishop import seed as minishop_seed
    from sandbox.wechat_store import seed as wechat_store_seed

    demo_catalog_create()
    trees = {
        Platform.WECHAT_STORE: {
            c.id: (c.name, c.parent_id if c.parent_id != "1" else None)
            for c in wechat_store_seed.build_category_tree().categories.values()
        },
        Platform.CHANNELS: {
            c.cat_id: (c.name, c.f_cat_id if c.f_cat_id != "0" else None)
            for c in channels_seed.build_category_tree().categories.values()
        },
        Platform.MINISHOP: {
            str(c.cat_id): (c.name, str(c.f_cat_id) if c.f_cat_id else None)
            for c in minishop_seed.build_category_tree().categories.values()
        },
    }

    for category in Category.objects.select_related("parent"):
        parent = category.parent.remote_id if category.parent else None
        assert trees[category.platform].get(category.remote_id) == (category.name, parent), category


def test_every_demo_product_meets_its_channels_categorys_head_image_and_attribute_rules():
    from sandbox.channels.seed import build_category_tree

    demo_catalog_create()
    tree = build_category_tree()

    for product in Product.objects.all():
        channels_category = product.categories_by_platform()[Platform.CHANNELS]
        category = tree.get(channels_category.remote_id)
        given = set(
            product.properties.filter(attribute__category=channels_category).values_list("attribute__name", flat=True)
        )
        assert product.images.count() >= category.min_head_imgs, product
        assert {attr.name for attr in category.product_attrs if attr.is_required} <= given, product
        assert product.delivery_type == Product.DeliveryType.TEMPLATE, product
