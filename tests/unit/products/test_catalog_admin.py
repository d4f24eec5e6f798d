"""Every catalog admin page renders; freight-template, shelf and cache rules give field-level errors."""

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from products.models import (
    Brand,
    CategoryAttribute,
    FreightTemplate,
    ProductGroup,
    Shelf,
    ShelfModule,
    ShelfModuleGroup,
    Sku,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def catalog(db):
    """One object of every catalog model."""
    template = factories.freight_template()
    product = factories.product(template=template)
    leaf = factories.category(name="T恤")
    factories.spec_attribute(leaf, "颜色", ["白色"])
    Brand.objects.create(remote_id="9001", name_zh="示例", name_en="Example")
    group = ProductGroup.objects.create(name="新品")
    group.products.add(product)
    shelf = Shelf.objects.create(name="首页")
    module = ShelfModule.objects.create(shelf=shelf, control=ShelfModule.Control.GROUP_PRODUCTS, product_count=4)
    ShelfModuleGroup.objects.create(module=module, group=group)
    return {"product": product, "template": template, "group": group, "shelf": shelf, "module": module}


def _catalog_models():
    return [model for model in admin.site._registry if model._meta.app_label == "products"]


@pytest.mark.parametrize("model", _catalog_models(), ids=lambda m: m._meta.model_name)
def test_every_catalog_admin_page_renders_for_a_superuser(admin_client, catalog, model):
    opts = model._meta
    changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    obj = model.objects.first()
    change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))

    assert (changelist.status_code, add.status_code, change.status_code) == (200, 200, 200)


def test_product_changelist_shows_money_and_stock_in_readable_units(admin_client, catalog, english):
    product = catalog["product"]
    Sku.objects.filter(product=product).update(stock=12345)

    response = admin_client.get(reverse("admin:products_product_changelist"))

    content = response.content.decode()
    assert "¥99.00" in content
    assert "12,345" in content


def test_product_changelist_query_count_does_not_grow_with_products(admin_client, catalog):
    url = reverse("admin:products_product_changelist")
    admin_client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as one_product:
        admin_client.get(url)
    for _ in range(5):
        factories.product(template=catalog["template"])
    with CaptureQueriesContext(connection) as six_products:
        response = admin_client.get(url)

    assert response.status_code == 200
    assert len(six_products) == len(one_product)


def test_admin_is_in_chinese_by_default(admin_client, catalog):
    response = admin_client.get(reverse("admin:products_product_changelist"))

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"


# --- Freight templates ------------------------------------------------------------------------------


def _template_data(**changes):
    data = {
        "name": "江浙沪包邮",
        "assumer": "0",
        "valuation": "0",
        "valuation_type": "PIECE",
        "send_time": "SendTime_FORTYEIGHT_HOUR",
        "shipping_method": "NO_FREE",
        "ship_from_province": "浙江省",
        "ship_from_city": "杭州市",
        "ship_from_county": "",
        "ship_from_address": "",
        "ship_from_contact": "",
        "ship_from_phone": "",
        "ship_from_postal_code": "",
    }
    for prefix in ("fee_rules", "free_conditions", "not_served_areas"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update({"fee_rules-TOTAL_FORMS": "1"})
    data.update(_fee_rule(0, "10000028", "", "10.00"))
    data.update(changes)
    return data


def _fee_rule(index, express_type, province, start_fee, city=""):
    return {
        f"fee_rules-{index}-express_type": express_type,
        f"fee_rules-{index}-dest_country": "中国" if province else "",
        f"fee_rules-{index}-dest_province": province,
        f"fee_rules-{index}-dest_city": city,
        f"fee_rules-{index}-start_standards": "1",
        f"fee_rules-{index}-start_fees": start_fee,
        f"fee_rules-{index}-add_standards": "1",
        f"fee_rules-{index}-add_fees": "5.00",
    }


def _form_errors(response) -> dict:
    found = {f"form.{k}": list(v) for k, v in response.context["adminform"].form.errors.items()}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        if formset.non_form_errors():
            found[f"{formset.prefix}.__all__"] = list(formset.non_form_errors())
        for index, errors in enumerate(formset.errors):
            for field, messages in errors.items():
                found[f"{formset.prefix}-{index}.{field}"] = list(messages)
    return found


def test_freight_template_with_regional_fees_is_saved_in_fen(admin_client, english):
    data = _template_data(**{"fee_rules-TOTAL_FORMS": "2"}, **_fee_rule(1, "10000028", "广东省", "12.50", "广州市"))

    response = admin_client.post(reverse("admin:products_freighttemplate_add"), data)

    assert response.status_code == 302, _form_errors(response)
    template = FreightTemplate.objects.get(name="江浙沪包邮")
    assert sorted(template.fee_rules.values_list("dest_province", "dest_city", "start_fees", "add_fees")) == [
        ("", "", 1000, 500),
        ("广东省", "广州市", 1250, 500),
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"valuation": "1"},
            {"form.valuation": ["WeChat Store V1.17 only supports per-item valuation."]},
            id="valuation-not-per-item",
        ),
        pytest.param(
            {"valuation_type": "WEIGHT"},
            {"form.valuation_type": ["The Channels valuation type must match the valuation (per item)."]},
            id="valuation-types-disagree",
        ),
        pytest.param(
            {"assumer": "1"},
            {"form.shipping_method": ["When the seller pays, the shipping method must be free shipping."]},
            id="seller-pays-but-not-free",
        ),
        pytest.param(
            {"shipping_method": "FREE"},
            {"form.assumer": ["Free shipping means the seller pays."]},
            id="free-but-buyer-pays",
        ),
        pytest.param(
            {"ship_from_province": ""},
            {"form.ship_from_province": ["The Channels store requires a ship-from province."]},
            id="no-ship-from",
        ),
        pytest.param(
            {"fee_rules-TOTAL_FORMS": "0"},
            {"fee_rules.__all__": ["Add the normal fee of at least one express type."]},
            id="no-fee-rule",
        ),
        pytest.param(
            {"fee_rules-TOTAL_FORMS": "2", **_fee_rule(1, "10000029", "广东省", "12.00")},
            {"fee_rules-1.express_type": ["Add the normal rule of this express type before regional rules."]},
            id="regional-rule-without-normal-rule",
        ),
        pytest.param(
            {"fee_rules-TOTAL_FORMS": "2", **_fee_rule(1, "10000028", "", "12.00")},
            {"fee_rules-1.dest_province": ["This express type already has a rule for this destination."]},
            id="two-normal-rules",
        ),
        pytest.param(
            {"fee_rules-0-start_standards": "0"},
            {"fee_rules-0.start_standards": ["Ensure this value is greater than or equal to 1."]},
            id="zero-items",
        ),
        pytest.param(
            {"fee_rules-0-dest_city": "广州市"},
            {"fee_rules-0.dest_province": ["A destination city needs its province."]},
            id="city-without-province",
        ),
        pytest.param(
            {"shipping_method": "CONDITION_FREE"},
            {"free_conditions.__all__": ["Free shipping under conditions needs at least one condition."]},
            id="condition-free-without-condition",
        ),
        pytest.param(
            {
                "shipping_method": "CONDITION_FREE",
                "free_conditions-TOTAL_FORMS": "1",
                "free_conditions-0-province": "浙江省",
            },
            {"free_conditions-0.__all__": ["Set a minimum number of items, a minimum weight or a minimum amount."]},
            id="condition-without-minimum",
        ),
        pytest.param(
            {"free_conditions-TOTAL_FORMS": "1", "free_conditions-0-min_piece": "2"},
            {"free_conditions.__all__": ["Conditions only apply to free shipping under conditions."]},
            id="condition-without-condition-free",
        ),
    ],
)
def test_freight_template_rules(admin_client, english, changes, expected):
    response = admin_client.post(reverse("admin:products_freighttemplate_add"), _template_data(**changes))

    assert response.status_code == 200
    assert _form_errors(response) == expected
    assert not FreightTemplate.objects.exists()


# --- Shelves ----------------------------------------------------------------------------------------


def _module_data(shelf, control, groups, **changes):
    data = {
        "shelf": str(shelf.pk),
        "position": "0",
        "control": str(control),
        "product_count": "",
        "background": "",
        "groups-TOTAL_FORMS": str(len(groups)),
        "groups-INITIAL_FORMS": "0",
    }
    for index, (group, with_image) in enumerate(groups):
        data[f"groups-{index}-position"] = str(index)
        data[f"groups-{index}-group"] = str(group.pk)
        if with_image:
            data[f"groups-{index}-image_upload"] = factories.uploaded_png(f"g{index}.png")
    data.update(changes)
    return data


@pytest.fixture
def groups(db):
    return [ProductGroup.objects.create(name=f"分组{i}") for i in range(5)]


@pytest.mark.parametrize(
    ("control", "group_images", "changes", "expected"),
    [
        pytest.param(1, [False], {}, {"form.product_count": ["Control 1 needs the number of products to show."]}),
        pytest.param(
            1, [False, False], {"product_count": "4"}, {"groups.__all__": ["Control 1 shows exactly 1 group."]}
        ),
        pytest.param(
            2, [False] * 5, {}, {"groups.__all__": ["Control 2 shows 1 to 4 groups."]}, id="control-2-five-groups"
        ),
        pytest.param(
            2, [True], {}, {"groups-0.image": ["Control 2 shows no group images."]}, id="control-2-with-image"
        ),
        pytest.param(
            3, [False], {}, {"groups-0.image": ["Control 3 needs an image for each group."]}, id="control-3-no-image"
        ),
        pytest.param(
            4, [True] * 4, {}, {"groups.__all__": ["Control 4 shows 1 to 3 groups."]}, id="control-4-four-groups"
        ),
        pytest.param(5, [False], {}, {"form.background": ["Control 5 needs a background image."]}, id="control-5-bg"),
        pytest.param(
            2, [False], {"product_count": "3"}, {"form.product_count": ["Only control 1 shows a number of products."]}
        ),
        pytest.param(5, [], {"background_upload": "bg"}, {"groups.__all__": ["Control 5 needs at least 1 group."]}),
    ],
)
def test_shelf_module_rules(admin_client, english, groups, control, group_images, changes, expected):
    shelf = Shelf.objects.create(name="首页")
    if changes.get("background_upload") == "bg":
        changes["background_upload"] = factories.uploaded_png("bg.png")
    data = _module_data(shelf, control, list(zip(groups, group_images, strict=False)), **changes)

    response = admin_client.post(reverse("admin:products_shelfmodule_add"), data)

    assert response.status_code == 200
    assert _form_errors(response) == expected
    assert not ShelfModule.objects.exists()


def test_control_4_module_with_images_is_saved(admin_client, groups):
    shelf = Shelf.objects.create(name="首页")

    response = admin_client.post(
        reverse("admin:products_shelfmodule_add"), _module_data(shelf, 4, [(groups[0], True), (groups[1], True)])
    )

    assert response.status_code == 302
    module = ShelfModule.objects.get()
    assert [(g.group.name, g.image is not None) for g in module.groups.all()] == [("分组0", True), ("分组1", True)]


def test_control_5_is_not_combinable(admin_client, english, groups):
    shelf = Shelf.objects.create(name="首页")
    ShelfModule.objects.create(shelf=shelf, control=2)
    data = _module_data(shelf, 5, [(groups[0], False)], background_upload=factories.uploaded_png("bg.png"))

    response = admin_client.post(reverse("admin:products_shelfmodule_add"), data)

    assert _form_errors(response) == {
        "form.control": ["Control 5 cannot be combined with other modules on the same shelf."]
    }


def test_no_other_module_beside_control_5(admin_client, english, groups):
    shelf = Shelf.objects.create(name="首页")
    ShelfModule.objects.create(shelf=shelf, control=5, background=factories.image_asset())

    response = admin_client.post(
        reverse("admin:products_shelfmodule_add"), _module_data(shelf, 2, [(groups[0], False)])
    )

    assert _form_errors(response) == {
        "form.control": ["This shelf has a control 5 module, which cannot be combined with others."]
    }


def test_control_5_shelf_has_no_banner(admin_client, english):
    shelf = Shelf.objects.create(name="首页")
    ShelfModule.objects.create(shelf=shelf, control=5, background=factories.image_asset())
    data = {"name": "首页", "banner_upload": factories.uploaded_png("banner.png"), "modules-TOTAL_FORMS": "1"}
    data.update(
        {"modules-INITIAL_FORMS": "1", "modules-0-id": str(shelf.modules.get().pk), "modules-0-shelf": str(shelf.pk)}
    )

    response = admin_client.post(reverse("admin:products_shelf_change", args=[shelf.pk]), data)

    assert _form_errors(response) == {"form.banner": ["A shelf with a control 5 module has no banner."]}
    shelf.refresh_from_db()
    assert shelf.banner is None


# --- Caches, SKUs, images ----------------------------------------------------------------------------


def test_category_cannot_be_its_own_ancestor(admin_client, english):
    root = factories.category(name="服饰", is_leaf=False)
    child = factories.category(name="女装", parent=root, level=2, is_leaf=False)
    data = {
        "platform": root.platform,
        "remote_id": root.remote_id,
        "parent": str(child.pk),
        "name": "服饰",
        "is_leaf": "",
        "attributes-TOTAL_FORMS": "0",
        "attributes-INITIAL_FORMS": "0",
    }

    response = admin_client.post(reverse("admin:products_category_change", args=[root.pk]), data)

    assert _form_errors(response) == {"form.parent": ["A category cannot be its own ancestor."]}


def test_product_property_value_must_belong_to_its_property(admin_client, english):
    from products.models import CategoryAttributeValue, ProductProperty

    leaf = factories.category(name="T恤")
    material = CategoryAttribute.objects.create(category=leaf, kind="property", name="材质")
    cotton = CategoryAttributeValue.objects.create(attribute=material, name="棉")
    other = CategoryAttribute.objects.create(category=leaf, kind="property", name="产地")
    product = factories.product()
    factories.product_category_set(product, leaf)

    prop = ProductProperty(product=product, attribute=other, value=cotton)
    with pytest.raises(Exception) as raised:  # noqa: PT011
        prop.full_clean()
    assert raised.value.message_dict == {"value": ["This value belongs to another property."]}


def test_standalone_sku_form_checks_the_saved_specs(admin_client, english):
    product = factories.product()
    factories.custom_spec(product, "颜色", "白色,黑色")
    sku = product.skus.get()
    sku.specs = [{"id": "$颜色", "vid": "$白色", "name": "颜色", "value": "白色"}]
    sku.save()
    data = {
        "product": str(product.pk),
        "position": "1",
        "spec_combination": "颜色:白色",
        "price": "10.00",
        "original_price": "20.00",
        "stock": "3",
        "product_code": "",
        "barcode": "",
        "out_sku_id": "",
    }

    clash = admin_client.post(reverse("admin:products_sku_add"), data)
    data["spec_combination"] = "颜色:黑色"
    saved = admin_client.post(reverse("admin:products_sku_add"), data)

    assert clash.context["adminform"].form.errors == {
        "spec_combination": ["Another SKU of this product has the same combination."]
    }
    assert saved.status_code == 302
    assert product.skus.filter(spec_key="$颜色:$黑色", price=1000, stock=3).exists()


def test_uploading_the_same_image_twice_is_refused(admin_client, english):
    image = factories.png_bytes((9, 9, 9))
    first = admin_client.post(reverse("admin:products_imageasset_add"), {"image": SimpleUploadedFile("a.png", image)})
    second = admin_client.post(reverse("admin:products_imageasset_add"), {"image": SimpleUploadedFile("b.png", image)})

    from products.models import ImageAsset

    asset = ImageAsset.objects.get()
    assert first.status_code == 302
    assert (asset.width, asset.height) == (64, 60)
    assert second.context["adminform"].form.errors == {
        "image": [f"This image is already uploaded (image #{asset.pk})."]
    }


def test_property_choices_name_their_category_and_platform(admin_client, english):
    channels = factories.category(platform="channels", name="T恤")
    wechat = factories.category(platform="wechat_store", name="T恤")
    for category in (channels, wechat):
        CategoryAttribute.objects.create(category=category, kind=CategoryAttribute.Kind.PROPERTY, name="材质")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "材质", "app_label": "products", "model_name": "productproperty", "field_name": "attribute"},
    )

    assert sorted(r["text"] for r in response.json()["results"]) == [
        "材质 (T恤 · WeChat Channels store)",
        "材质 (T恤 · WeChat Store (V1.17))",
    ]


def test_an_image_is_labelled_by_its_number_and_size_not_its_file_hash(english):
    asset = factories.image_asset()

    assert str(asset) == f"Image {asset.pk} (64×60)"
    assert asset.sha256 not in str(asset)
