"""The product admin: create and change a product with images, details, specs and SKUs through its own forms,
the SKU-matrix generator, and the field-level errors of the manuals' rules."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from channels_sync.models import RemoteBinding
from products.models import Platform, Product, ProductSpec, Sku
from tests import factories

pytestmark = pytest.mark.django_db

# The catalog inlines plus the sync side's third-party source declaration (channels_sync.admin).
INLINE_PREFIXES = [
    "images",
    "detail_blocks",
    "properties",
    "specs",
    "skus",
    "express_fees",
    "third_party_source",
    "open_platform_options",
]


def _management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def product_post_data(
    template,
    *,
    title="纯棉圆领T恤 夏季款",
    out_product_id="TEE-001",
    images=3,
    specs=(),
    skus=(("", "99.00", "129.00", "10"),),
):
    """POST data of the product add form. ``specs`` are (name, "v1,v2") custom specs; ``skus`` are
    (combination, price yuan, original price yuan, stock)."""
    data = {
        "title": title,
        "short_title": "T恤",
        "out_product_id": out_product_id,
        "spu_code": "",
        "state": "draft",
        "wechat_store_category": "",
        "channels_category": "",
        "brand": "",
        "deliver_method": "0",
        "delivery_type": "1",
        "freight_template": str(template.pk),
        "weight_g": "",
        "seven_day_return": "1",
        "aftersale_desc": "",
        "buy_limit": "0",
        "location_country": "中国",
        "location_province": "广东省",
        "location_city": "广州市",
        "location_address": "",
    }
    for prefix in INLINE_PREFIXES:
        data.update(_management(prefix, 0))
    data.update(_management("images", images))
    for index in range(images):
        data[f"images-{index}-position"] = str(index)
        data[f"images-{index}-asset_upload"] = factories.uploaded_png(f"head{index}.png")
    data.update(_management("detail_blocks", 1))
    data.update({"detail_blocks-0-position": "0", "detail_blocks-0-kind": "text", "detail_blocks-0-text": "100% 棉"})
    data.update(_management("specs", len(specs)))
    for index, (name, values) in enumerate(specs):
        data.update(
            {
                f"specs-{index}-position": str(index),
                f"specs-{index}-custom_name": name,
                f"specs-{index}-custom_values": values,
            }
        )
    data.update(_management("skus", len(skus)))
    for index, (combination, price, original_price, stock) in enumerate(skus):
        data.update(
            {
                f"skus-{index}-position": str(index),
                f"skus-{index}-spec_combination": combination,
                f"skus-{index}-price": price,
                f"skus-{index}-original_price": original_price,
                f"skus-{index}-stock": stock,
                f"skus-{index}-product_code": f"C{index}" if combination else "",
            }
        )
    return data


def _errors(response) -> dict:
    """Field errors of the main form and every inline, as {"form.field": [messages]} / {"prefix-N.field": …}."""
    found = {}
    context = response.context
    form = context["adminform"].form
    for field, messages in form.errors.items():
        found[f"form.{field}"] = list(messages)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        if formset.non_form_errors():
            found[f"{formset.prefix}.__all__"] = list(formset.non_form_errors())
        for index, errors in enumerate(formset.errors):
            for field, messages in errors.items():
                found[f"{formset.prefix}-{index}.{field}"] = list(messages)
    return found


@pytest.fixture
def english(admin_client):
    """Requests and assertions in English (the admin defaults to zh-Hans)."""
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def template(db):
    return factories.freight_template()


def test_product_with_skus_images_and_details_is_created_through_the_admin(admin_client, template, english):
    data = product_post_data(
        template,
        specs=[("颜色", "白色,黑色")],
        skus=[("颜色:白色", "99.00", "129.00", "10"), ("颜色:黑色", "109.50", "129.00", "5")],
    )

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert response.status_code == 302, _errors(response)
    product = Product.objects.get(out_product_id="TEE-001")
    assert product.title == "纯棉圆领T恤 夏季款"
    assert product.images.count() == 3
    assert [b.text for b in product.detail_blocks.all()] == ["100% 棉"]
    skus = list(product.skus.order_by("position"))
    assert [(s.spec_key, s.price, s.original_price, s.stock) for s in skus] == [
        ("$颜色:$白色", 9900, 12900, 10),
        ("$颜色:$黑色", 10950, 12900, 5),
    ]
    assert skus[0].specs == [{"id": "$颜色", "vid": "$白色", "name": "颜色", "value": "白色"}]


def test_product_is_changed_through_the_admin_keeping_stock(admin_client, template):
    product = factories.product(template=template)
    sku = product.skus.get()
    url = reverse("admin:products_product_change", args=[product.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = _bound_data(page)
    data["title"] = "纯棉圆领T恤 秋季款"
    data["skus-0-price"] = "88.80"

    response = admin_client.post(url, data)

    assert response.status_code == 302, _errors(response)
    product.refresh_from_db()
    sku.refresh_from_db()
    assert product.title == "纯棉圆领T恤 秋季款"
    assert (sku.price, sku.original_price, sku.stock) == (8880, 12900, 10)


def _bound_data(page) -> dict:
    """The data a browser would post back for an unchanged change form."""
    data = {}
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or name.endswith("_upload"):
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for subform in formset.forms:
            for name, field in subform.fields.items():
                value = subform[name].value()
                if value is None or name.endswith("_upload") or name == "DELETE":
                    continue
                if isinstance(value, bool):
                    if value:
                        data[subform.add_prefix(name)] = "on"
                    continue
                if isinstance(value, list):
                    data[subform.add_prefix(name)] = [str(v) for v in value]
                    continue
                data[subform.add_prefix(name)] = str(field.prepare_value(value))
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_generate_sku_rows_adds_missing_combinations_and_keeps_existing_rows(admin_client, template, english):
    data = product_post_data(
        template,
        specs=[("颜色", "白色,黑色"), ("尺码", "S,M")],
        skus=[("颜色:黑色;尺码:M", "99.00", "129.00", "7")],
    )
    data["_generate_skus"] = "1"

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert response.status_code == 200
    assert not Product.objects.exists()  # generating rows never saves
    formset = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == "skus")
    rows = [(f["spec_combination"].value(), f["price"].value(), f["stock"].value()) for f in formset.forms]
    assert rows == [
        ("颜色:黑色;尺码:M", "99.00", "7"),
        ("颜色:白色;尺码:S", "99.00", "0"),
        ("颜色:白色;尺码:M", "99.00", "0"),
        ("颜色:黑色;尺码:S", "99.00", "0"),
    ]
    assert list(formset.non_form_errors()) == [
        "Added 3 SKU rows for the missing combinations. Enter their prices and stock, then save."
    ]


def test_generated_rows_save_as_a_full_matrix(admin_client, template):
    data = product_post_data(
        template,
        specs=[("颜色", "白色,黑色"), ("尺码", "S,M")],
        skus=[("颜色:黑色;尺码:M", "99.00", "129.00", "7")],
    )
    data["_generate_skus"] = "1"
    response = admin_client.post(reverse("admin:products_product_add"), data)
    formset = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == "skus")
    generated = dict(formset.data.items())
    for key in data:
        if key.startswith("images-") and key.endswith("_upload"):
            generated[key] = factories.uploaded_png(f"again-{key}.png")
    generated.pop("_generate_skus")
    for index in range(4):
        generated[f"skus-{index}-product_code"] = f"CODE{index}"

    saved = admin_client.post(reverse("admin:products_product_add"), generated)

    assert saved.status_code == 302, _errors(saved)
    product = Product.objects.get()
    assert sorted((s.spec_key, s.stock) for s in product.skus.all()) == [
        ("$颜色:$白色;$尺码:$M", 0),
        ("$颜色:$白色;$尺码:$S", 0),
        ("$颜色:$黑色;$尺码:$M", 7),
        ("$颜色:$黑色;$尺码:$S", 0),
    ]


# A product going to a Channels shop: the Channels title rule applies to it (see channels_sync.catalog_rules).
CHANNELS_LEAF = object()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"title": "T恤", "channels_category": CHANNELS_LEAF},
            {"form.title": ["The title must be 5 to 60 characters long (it has 2)."]},
            id="title-too-short",
        ),
        pytest.param(
            {"title": "T" * 61},
            {"form.title": ["Ensure this value has at most 60 characters (it has 61)."]},
            id="title-too-long",
        ),
        pytest.param(
            {"title": "Tshirt2024", "channels_category": CHANNELS_LEAF},
            {"form.title": ["The title cannot be made of letters and digits only."]},
            id="title-only-letters-and-digits",
        ),
        pytest.param(
            {"short_title": "短" * 21},
            {"form.short_title": ["Ensure this value has at most 20 characters (it has 21)."]},
            id="short-title-too-long",
        ),
        pytest.param(
            {"out_product_id": ""},
            {"form.out_product_id": ["This field is required."]},
            id="out-product-id-required",
        ),
        pytest.param(
            {"freight_template": ""},
            {"form.freight_template": ["Choose a freight template, or use the express list."]},
            id="template-required",
        ),
        pytest.param(
            {"skus-0-price": "129.00"},
            {"skus-0.price": ["The price must be lower than the original price."]},
            id="price-not-below-original",
        ),
        pytest.param(
            {"skus-0-price": "0"},
            {"skus-0.price": ["The price must be above zero."]},
            id="price-zero",
        ),
        pytest.param(
            {"skus-0-price": "9.999"},
            {"skus-0.price": ["Enter at most two decimals (fen)."]},
            id="price-three-decimals",
        ),
        pytest.param(
            {"skus-0-stock": "-1"},
            {"skus-0.stock": ["Ensure this value is greater than or equal to 0."]},
            id="negative-stock",
        ),
        pytest.param(
            {"skus-0-stock": "10000001"},
            {"skus-0.stock": ["Ensure this value is less than or equal to 10000000."]},
            id="stock-above-platform-limit",
        ),
        pytest.param(
            {"skus-0-spec_combination": "颜色:红色"},
            {"skus-0.spec_combination": ["This product has no specs: leave the combination empty."]},
            id="combination-without-specs",
        ),
    ],
)
def test_product_rules_give_field_errors_and_save_nothing(admin_client, template, english, changes, expected):
    data = product_post_data(template)
    data.update(changes)
    if data.get("channels_category") is CHANNELS_LEAF:
        data["channels_category"] = str(factories.category(Platform.CHANNELS).pk)

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert response.status_code == 200
    assert _errors(response) == expected
    assert not Product.objects.exists()
    assert not Sku.objects.exists()


@pytest.mark.parametrize(
    ("specs", "skus", "expected"),
    [
        pytest.param(
            [("颜色", "白色,黑色"), ("尺码", "S,M")],
            [("颜色:白色", "99.00", "129.00", "1")],
            {"skus-0.spec_combination": ["Missing a value for the spec “尺码”."]},
            id="incomplete-combination",
        ),
        pytest.param(
            [("颜色", "白色,黑色")],
            [("颜色:白色", "99.00", "129.00", "1"), ("颜色:白色", "98.00", "129.00", "1")],
            {"skus-1.spec_combination": ["Another SKU (row 1) has the same combination."]},
            id="duplicate-combination",
        ),
        pytest.param(
            [("颜色", "白色,黑色")],
            [("颜色:红色", "99.00", "129.00", "1")],
            {"skus-0.spec_combination": ["“红色” is not a chosen value of the spec “颜色”."]},
            id="value-not-chosen",
        ),
        pytest.param(
            [("颜色", "白色")],
            [("尺码:S", "99.00", "129.00", "1")],
            {"skus-0.spec_combination": ["The product has no spec “尺码”."]},
            id="unknown-spec",
        ),
        pytest.param(
            [("颜色", "白色")],
            [("颜色:白色;颜色:白色", "99.00", "129.00", "1")],
            {"skus-0.spec_combination": ["The spec “颜色” appears twice."]},
            id="spec-repeated-in-combination",
        ),
        pytest.param(
            [("颜色", "")],
            [("", "99.00", "129.00", "1")],
            {"specs-0.custom_values": ["Choose or enter at least one value for this spec."]},
            id="spec-without-values",
        ),
        pytest.param(
            [("颜色", "白色"), ("颜色", "黑色")],
            [("颜色:白色", "99.00", "129.00", "1")],
            {"specs-1.__all__": ["The spec “颜色” appears twice."]},
            id="spec-repeated",
        ),
        pytest.param(
            [],
            [],
            {"skus.__all__": ["A product needs at least one SKU."]},
            id="no-sku",
        ),
        pytest.param(
            [],
            [("", "99.00", "129.00", "1"), ("", "98.00", "129.00", "1")],
            {"skus.__all__": ["A product without specs has exactly one SKU; add specs to sell variants."]},
            id="two-skus-without-specs",
        ),
    ],
)
def test_spec_combinations_must_be_complete_and_unique(admin_client, template, english, specs, skus, expected):
    data = product_post_data(template, specs=specs, skus=skus)

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert response.status_code == 200
    assert _errors(response) == expected
    assert not Product.objects.exists()


@pytest.mark.parametrize(("count", "expected_count"), [(2, 2), (10, 10)])
def test_product_needs_three_to_nine_images(admin_client, template, english, count, expected_count):
    data = product_post_data(template, images=count)

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert response.status_code == 200
    assert _errors(response) == {
        "images.__all__": [f"A product needs 3 to 9 images (it has {expected_count}); the first one is the main image."]
    }
    assert not Product.objects.exists()


def test_the_same_image_twice_is_refused(admin_client, template, english):
    data = product_post_data(template, images=3)
    same = factories.png_bytes((1, 2, 3))
    for index in range(3):
        data[f"images-{index}-asset_upload"] = SimpleUploadedFile(f"same{index}.png", same, "image/png")

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert response.status_code == 200
    assert _errors(response) == {
        "images-1.asset": ["The same image is used twice."],
        "images-2.asset": ["The same image is used twice."],
    }


def test_product_needs_a_detail_block(admin_client, template, english):
    data = product_post_data(template)
    data.update(_management("detail_blocks", 0))

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert _errors(response) == {
        "detail_blocks.__all__": ["Add at least one detail block (text or image) for the product page."]
    }


def test_image_detail_block_needs_an_image(admin_client, template, english):
    data = product_post_data(template)
    data["detail_blocks-0-kind"] = "image"
    data["detail_blocks-0-text"] = ""

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert _errors(response) == {"detail_blocks-0.asset": ["An image block needs an image."]}


def test_express_list_needs_a_fee(admin_client, template, english):
    data = product_post_data(template)
    data.update({"delivery_type": "0", "freight_template": ""})

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert _errors(response) == {
        "express_fees.__all__": ["Shipping by express list: add the fee of at least one express type."]
    }


def test_express_list_with_fees_is_saved_in_fen(admin_client, template):
    data = product_post_data(template)
    data.update({"delivery_type": "0", "freight_template": ""})
    data.update(_management("express_fees", 2))
    data.update(
        {
            "express_fees-0-express_type": "10000027",
            "express_fees-0-price": "10.00",
            "express_fees-1-express_type": "10000029",
            "express_fees-1-price": "25.50",
        }
    )

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert response.status_code == 302, _errors(response)
    fees = Product.objects.get().express_fees.values_list("express_type", "price")
    assert sorted(fees) == [(10000027, 1000), (10000029, 2550)]


def test_weight_template_needs_product_weight(admin_client, english):
    from products.models import FreightTemplate

    by_weight = factories.freight_template(name="按重量")
    FreightTemplate.objects.filter(pk=by_weight.pk).update(valuation_type=FreightTemplate.ValuationType.WEIGHT)
    data = product_post_data(by_weight)

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert _errors(response) == {"form.weight_g": ["This freight template prices by weight: enter the weight."]}


def test_duplicate_codes_across_products_are_refused(admin_client, template, english):
    factories.product(template=template, out_product_id="TEE-001")
    other = factories.product(template=template)
    Sku.objects.filter(product=other).update(product_code="C0")
    data = product_post_data(
        template,
        out_product_id="TEE-001",
        specs=[("颜色", "白色")],
        skus=[("颜色:白色", "99.00", "129.00", "1")],
    )

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert _errors(response) == {
        "form.out_product_id": ["Product with this Merchant product code already exists."],
        "skus-0.product_code": ["Another SKU already uses this product code."],
    }
    assert Product.objects.count() == 2


def test_required_category_property_is_enforced(admin_client, template, english):
    from products.models import CategoryAttribute

    leaf = factories.category(name="T恤")
    CategoryAttribute.objects.create(category=leaf, kind=CategoryAttribute.Kind.PROPERTY, name="材质", is_required=True)
    data = product_post_data(template)
    data["channels_category"] = str(leaf.pk)

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert _errors(response) == {"properties.__all__": ["The category requires these properties: 材质."]}


def test_spec_from_category_keeps_remote_ids(admin_client, template):
    leaf = factories.category(name="T恤")
    colour = factories.spec_attribute(leaf, "颜色", ["白色", "黑色"], remote_id="1075741873")
    white = colour.values.get(name="白色")
    data = product_post_data(template, specs=[], skus=[("颜色:白色", "99.00", "129.00", "3")])
    data["channels_category"] = str(leaf.pk)
    data.update(_management("specs", 1))
    data.update({"specs-0-position": "0", "specs-0-attribute": str(colour.pk), "specs-0-values": [str(white.pk)]})

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert response.status_code == 302, _errors(response)
    sku = Sku.objects.get()
    assert sku.spec_key == f"1075741873:{white.remote_id}"
    assert ProductSpec.objects.get().values.get() == white


def test_two_skus_can_trade_combinations_and_codes_in_one_edit(admin_client, template):
    data = product_post_data(
        template,
        specs=[("颜色", "白色,黑色")],
        skus=[("颜色:白色", "99.00", "129.00", "10"), ("颜色:黑色", "89.00", "129.00", "5")],
    )
    assert admin_client.post(reverse("admin:products_product_add"), data).status_code == 302
    product = Product.objects.get()
    url = reverse("admin:products_product_change", args=[product.pk])
    edit = _bound_data(admin_client.get(url))
    edit["skus-0-spec_combination"], edit["skus-1-spec_combination"] = "颜色:黑色", "颜色:白色"
    edit["skus-0-product_code"], edit["skus-1-product_code"] = "C1", "C0"

    response = admin_client.post(url, edit)

    assert response.status_code == 302, _errors(response)
    assert sorted(product.skus.values_list("spec_key", "product_code", "stock")) == [
        ("$颜色:$白色", "C0", 5),
        ("$颜色:$黑色", "C1", 10),
    ]


@pytest.mark.parametrize("title", ["T恤", "Tshirt2024"])
def test_the_channels_title_rule_spares_a_product_that_goes_to_no_channels_shop(admin_client, template, title):
    data = product_post_data(template, title=title)

    response = admin_client.post(reverse("admin:products_product_add"), data)

    assert response.status_code == 302, _errors(response)
    assert Product.objects.get().title == title


def test_the_channels_title_rule_applies_to_a_product_bound_to_a_channels_shop(admin_client, template, english):
    product = factories.product(template=template)
    channels_shop = factories.shop(platform="channels", app_id="wx_channels")
    RemoteBinding.objects.create(shop=channels_shop, target=product, remote_id="10000001")
    data = product_post_data(template, title="T恤", out_product_id=product.out_product_id, images=0)
    data.update(_management("images", 0))

    response = admin_client.post(reverse("admin:products_product_change", args=[product.pk]), data)

    assert response.status_code == 200
    assert _errors(response)["form.title"] == ["The title must be 5 to 60 characters long (it has 2)."]
