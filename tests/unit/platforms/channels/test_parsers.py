"""Reading Channels store answers (API reference §3.1, §3.2): products with both layers, categories, brands."""

import pytest

from channels_sync.platforms.channels.constants import EditStatus, ProductStatus
from channels_sync.platforms.channels.parsers import (
    BrandPage,
    RemoteBrand,
    RemoteCategory,
    RemoteCategoryAttribute,
    RemoteCategoryDetail,
    RemoteProduct,
    RemoteSku,
    ResponseShapeError,
    parse_brands,
    parse_category_children,
    parse_category_detail,
    parse_product,
)


def remote_sku(sku_id, out_sku_id, stock_num, **extra):
    return {
        "sku_id": sku_id,
        "out_sku_id": out_sku_id,
        "stock_num": stock_num,
        "sale_price": 5900,
        "market_price": 9900,
        "sku_attrs": [{"attr_key": "颜色", "attr_value": "白色"}],
        **extra,
    }


ONLINE = {
    "product_id": "10000000123",
    "out_product_id": "DEMO-TSHIRT-001",
    "title": "纯棉圆领短袖T恤 女款",
    "status": 5,
    "edit_status": 4,
    "skus": [remote_sku("3000000011", "TS-WH-M", 38), remote_sku(3000000012, "1-12", 50)],
}
DRAFT = {
    "product_id": "10000000123",
    "out_product_id": "DEMO-TSHIRT-001",
    "title": "纯棉圆领短袖T恤 女款 宽松百搭",
    "status": 5,
    "edit_status": 3,
    "audit_info": {"submit_time": 1700000000, "audit_time": 1700000600, "reject_reason": "主图含有违规文字"},
    "skus": [
        remote_sku("3000000011", "TS-WH-M", 40),
        remote_sku("3000000012", "1-12", 50),
        remote_sku("3000000013", "TS-BK-M", 0),
    ],
}


def test_a_listed_product_with_a_rejected_draft_shows_both_layers():
    product = parse_product({"product": ONLINE, "edit_product": DRAFT})

    assert product == RemoteProduct(
        product_id="10000000123",
        out_product_id="DEMO-TSHIRT-001",
        status=5,
        edit_status=3,
        reject_reason="主图含有违规文字",
        online_title="纯棉圆领短袖T恤 女款",
        draft_title="纯棉圆领短袖T恤 女款 宽松百搭",
        online_skus=(
            RemoteSku("3000000011", "TS-WH-M", 38, 5900, 9900, (("颜色", "白色"),)),
            RemoteSku("3000000012", "1-12", 50, 5900, 9900, (("颜色", "白色"),)),
        ),
        draft_skus=(
            RemoteSku("3000000011", "TS-WH-M", 40, 5900, 9900, (("颜色", "白色"),)),
            RemoteSku("3000000012", "1-12", 50, 5900, 9900, (("颜色", "白色"),)),
            RemoteSku("3000000013", "TS-BK-M", 0, 5900, 9900, (("颜色", "白色"),)),
        ),
    )
    assert product.listed is True
    assert product.under_audit is False
    assert product.edit_status == EditStatus.AUDIT_FAILED
    # Stock sells from the online copy; sku ids cover the draft's new SKU too.
    assert product.stock_by_sku_id() == {"3000000011": 38, "3000000012": 50}
    assert product.sku_ids_by_out_sku_id() == {
        "TS-WH-M": "3000000011",
        "1-12": "3000000012",
        "TS-BK-M": "3000000013",
    }


def test_a_never_listed_product_has_only_its_draft():
    draft = {**DRAFT, "status": 0, "edit_status": 2}
    del draft["audit_info"]

    product = parse_product({"edit_product": draft})

    assert (product.status, product.edit_status, product.reject_reason) == (0, 2, "")
    assert product.under_audit is True
    assert product.listed is False
    assert (product.online_title, product.online_skus) == (None, ())
    assert product.skus == product.draft_skus
    assert product.stock_by_sku_id() == {"3000000011": 40, "3000000012": 50, "3000000013": 0}


def test_the_online_copy_alone_gives_both_statuses():
    product = parse_product({"product": {**ONLINE, "status": "11"}})

    assert (product.status, product.edit_status) == (ProductStatus.DELISTED_BY_MERCHANT, 4)
    assert product.draft_title is None


def test_each_status_is_read_from_its_own_copy_first():
    product = parse_product(
        {"product": {**ONLINE, "status": 5, "edit_status": 4}, "edit_product": {**DRAFT, "status": 0, "edit_status": 1}}
    )

    assert (product.status, product.edit_status) == (5, 1)


def test_ids_sent_as_numbers_are_read_as_strings_and_absent_skus_as_none():
    product = parse_product({"edit_product": {"product_id": 10000000123, "title": "x"}})

    assert product.product_id == "10000000123"
    assert (product.out_product_id, product.status, product.edit_status) == ("", None, None)
    assert product.skus == ()


@pytest.mark.parametrize(
    ("answer", "field", "message"),
    [
        pytest.param({}, "product", "the answer has neither product nor edit_product", id="no copy"),
        pytest.param({"edit_product": {"title": "x"}}, "edit_product.product_id", "is missing", id="no product id"),
        pytest.param({"product": []}, "product", "must be an object", id="product not an object"),
        pytest.param({"product": {**ONLINE, "skus": {}}}, "product.skus", "must be an array", id="skus not an array"),
        pytest.param(
            {"product": {**ONLINE, "skus": [{"out_sku_id": "x"}]}},
            "product.skus[0].sku_id",
            "is missing",
            id="sku without id",
        ),
        pytest.param(
            {"product": {**ONLINE, "status": "listed"}},
            "product.status",
            "must be an integer",
            id="status not a number",
        ),
        pytest.param(
            {"edit_product": {**DRAFT, "audit_info": "rejected"}},
            "edit_product.audit_info",
            "must be an object",
            id="audit info not an object",
        ),
    ],
)
def test_a_product_answer_of_the_wrong_shape_is_a_response_shape_error(answer, field, message):
    with pytest.raises(ResponseShapeError) as caught:
        parse_product(answer)

    assert (caught.value.field, caught.value.message) == (field, message)


# --- Categories ---------------------------------------------------------------------------------------------------


def test_category_children_prefer_cat_list_v2_for_its_leaf_flag():
    answer = {
        "cat_list": [{"cat_id": "1101", "f_cat_id": "1100", "name": "T恤"}],
        "cat_list_v2": [
            {"cat_id": "1101", "f_cat_id": "1100", "name": "T恤", "leaf": True},
            {"cat_id": 1102, "f_cat_id": 1100, "name": "连衣裙", "leaf": 1},
            {"cat_id": "1199", "f_cat_id": "1100", "name": "其他", "leaf": False},
        ],
    }

    assert parse_category_children(answer) == (
        RemoteCategory("1101", "1100", "T恤", True),
        RemoteCategory("1102", "1100", "连衣裙", True),
        RemoteCategory("1199", "1100", "其他", False),
    )


def test_category_children_from_cat_list_do_not_know_leaves():
    answer = {"cat_list": [{"cat_id": "1000", "f_cat_id": "0", "name": "服饰内衣"}]}

    assert parse_category_children(answer) == (RemoteCategory("1000", "0", "服饰内衣", None),)
    assert parse_category_children({}) == ()


def test_category_detail_reads_attributes_with_their_options():
    answer = {
        "info": {"cat_id": "1101", "name": "T恤"},
        "attr": {
            "product_attr_list": [
                {
                    "name": "材质",
                    "type": "select_one",
                    "type_v2": "select_one",
                    "value": "纯棉;莫代尔",
                    "is_required": True,
                },
                {"name": "风格", "type": "string", "value": "", "is_required": 0},
                {"name": "适用季节", "type": "select_many", "value": ["春季", "夏季"]},
            ],
            "sale_attr_list": [{"name": "颜色"}],
            "deposit": 50000,
        },
    }

    assert parse_category_detail(answer) == RemoteCategoryDetail(
        cat_id="1101",
        name="T恤",
        attributes=(
            RemoteCategoryAttribute("材质", "select_one", "select_one", True, ("纯棉", "莫代尔")),
            RemoteCategoryAttribute("风格", "string", "", False, ()),
            RemoteCategoryAttribute("适用季节", "select_many", "", False, ("春季", "夏季")),
        ),
    )


def test_category_detail_without_attributes_has_none():
    assert parse_category_detail({"info": {"cat_id": 1101, "name": "T恤"}}).attributes == ()


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        pytest.param({}, "info", id="no info"),
        pytest.param({"info": {"name": "T恤"}}, "info.cat_id", id="no cat id"),
        pytest.param(
            {"info": {"cat_id": "1"}, "attr": {"product_attr_list": [{"name": "x", "value": 3}]}},
            "attr.product_attr_list[0].value",
            id="value not text",
        ),
        pytest.param(
            {"info": {"cat_id": "1"}, "attr": {"product_attr_list": [{"name": "x", "is_required": "yes"}]}},
            "attr.product_attr_list[0].is_required",
            id="is_required not a flag",
        ),
    ],
)
def test_a_category_detail_of_the_wrong_shape_is_a_response_shape_error(answer, field):
    with pytest.raises(ResponseShapeError) as caught:
        parse_category_detail(answer)

    assert caught.value.field == field


# --- Brands ----------------------------------------------------------------------------------------------------------


def test_brands_page_with_more_to_come():
    answer = {
        "brands": [
            {"brand_id": "2100000101", "ch_name": "优衣库", "en_name": "UNIQLO"},
            {"brand_id": 2100000102, "ch_name": "太平鸟"},
        ],
        "next_key": "k2",
        "continue_flag": True,
    }

    assert parse_brands(answer) == BrandPage(
        brands=(RemoteBrand("2100000101", "优衣库", "UNIQLO"), RemoteBrand("2100000102", "太平鸟", "")),
        next_key="k2",
        has_more=True,
    )


def test_last_brands_page():
    assert parse_brands({"brands": [], "next_key": "", "continue_flag": 0}) == BrandPage((), "", False)
    assert parse_brands({}) == BrandPage((), "", False)


def test_a_brand_without_id_is_a_response_shape_error():
    with pytest.raises(ResponseShapeError) as caught:
        parse_brands({"brands": [{"ch_name": "优衣库"}]})

    assert caught.value.field == "brands[0].brand_id"
