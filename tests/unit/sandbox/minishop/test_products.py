"""The mini-shop's spu endpoints (reference §4, seed 001): seed 001's example accepted as it is, the payload rules
with 9401020 and a precise errmsg, 9401001/9401002/9401023, the draft/online model with audit on listing, and the
add+update quota."""

import pytest

from tests.unit.sandbox.minishop.builders import (
    AUDIT_DELAY_SECONDS,
    FIRST_PRODUCT_ID,
    MiniShopApi,
    seed_body,
    tshirt_body,
)

ADD = "/product/spu/add"
UPDATE = "/product/spu/update"
GET = "/product/spu/get"
LISTING = "/product/spu/listing"
DELISTING = "/product/spu/delisting"
DELETE = "/product/spu/del"


@pytest.fixture
def minishop(server, http) -> MiniShopApi:
    api = MiniShopApi(server.url, http)
    api.configure(minishop_audit={"delay_seconds": AUDIT_DELAY_SECONDS, "outcome": "pass"})
    return api


def test_the_seed_example_request_is_accepted_as_it_is(minishop):
    answer = minishop.ok(ADD, seed_body())

    assert answer["data"]["product_id"] == FIRST_PRODUCT_ID == 23423523452345235
    assert answer["data"]["out_product_id"] == "1234566"
    draft = minishop.spu(FIRST_PRODUCT_ID)
    assert (draft["status"], draft["edit_status"]) == (0, 1)
    assert draft["cats"] == [{"cat_id": 6033, "level": 1}, {"cat_id": 6057, "level": 2}, {"cat_id": 6091, "level": 3}]
    assert draft["express_info"] == {"template_id": 5189}
    assert [(s["out_sku_id"], s["stock_num"], s["sale_price"]) for s in draft["skus"]] == [("1024", 100, 1300)]
    assert minishop.applied(endpoint=ADD)[0]["fields"]["out_product_id"] == "1234566"


def test_a_duplicate_out_product_id_is_9401001_and_adds_nothing(minishop):
    minishop.add(seed_body())

    errmsg = minishop.error(ADD, seed_body(), 9401001)

    assert errmsg == "SPU with out_product_id 1234566 already exists"
    assert len(minishop.shop()["products"]) == 1


@pytest.mark.parametrize(
    ("changes", "errmsg"),
    [
        ({"title": None}, "invalid param: title is required"),
        ({"head_img": []}, "invalid param: head_img must not be empty"),
        ({"head_img": ["ftp://x"]}, "invalid param: head_img[0] must be an http(s) image URL"),
        ({"brand_id": None}, "invalid param: brand_id is required (2100000000 for no brand)"),
        ({"brand_id": 123}, "invalid param: brand_id 123 is not a brand of this shop (2100000000 for no brand)"),
        ({"cats": [{"cat_id": 6033, "level": 1}]}, "invalid param: cats must hold levels 1 to 3 (1 given)"),
        (
            {"cats": [{"cat_id": 6033, "level": 1}, {"cat_id": 7245, "level": 2}, {"cat_id": 7262, "level": 3}]},
            "invalid param: cats[1].cat_id 7245 is not a level-2 child of 6033",
        ),
        (
            {"cats": [{"cat_id": 6033, "level": 1}, {"cat_id": 6057, "level": 3}, {"cat_id": 6091, "level": 3}]},
            "invalid param: cats[1].level must be 2",
        ),
        (
            {"cats": [{"cat_id": 6033, "level": 1}, {"cat_id": 6057, "level": 2}, {"cat_id": 999, "level": 3}]},
            "invalid param: cats[2].cat_id 999 is not a category (see category/get)",
        ),
        (
            {"express_info": {"template_id": 1}},
            "invalid param: express_info.template_id 1 is not a freight template of this shop",
        ),
        ({"express_info": {}}, "invalid param: express_info.template_id is required"),
        ({"attrs": [{"attr_key": "产地"}]}, "invalid param: attrs[0].attr_value is required"),
    ],
)
def test_the_spu_rules_answer_9401020_naming_the_field(minishop, changes, errmsg):
    assert minishop.error(ADD, seed_body(**changes), 9401020) == errmsg
    assert minishop.shop()["products"] == []


@pytest.mark.parametrize(
    ("sku_changes", "errmsg"),
    [
        ({"sale_price": 0}, "invalid param: skus[0].sale_price must be >= 1"),
        ({"out_sku_id": "X" * 33}, "invalid param: skus[0].out_sku_id is longer than 32 characters"),
        ({"sku_code": "C" * 21}, "invalid param: skus[0].sku_code is longer than 20 characters"),
        ({"out_product_id": "other"}, "invalid param: skus[0].out_product_id 'other' is not the SPU's '1234566'"),
        ({"stock_num": -1}, "invalid param: skus[0].stock_num must be >= 0"),
        ({"sku_attrs": None}, "invalid param: skus[0].sku_attrs is required"),
    ],
)
def test_the_sku_rules_answer_9401020_naming_the_field(minishop, sku_changes, errmsg):
    sku = {**seed_body()["skus"][0], **sku_changes}

    assert minishop.error(ADD, seed_body(skus=[sku]), 9401020) == errmsg


@pytest.mark.parametrize(
    ("sku_changes", "errmsg"),
    [
        ({"sale_price": 1_000_000_001}, "skus[0].sale_price 1000000001 is above 1000000000 fen"),
        ({"market_price": 1_000_000_001}, "skus[0].market_price 1000000001 is above 1000000000 fen"),
    ],
)
def test_a_sku_price_above_1000000000_fen_is_9401043(minishop, sku_changes, errmsg):
    sku = {**seed_body()["skus"][0], **sku_changes}
    at_limit = {**seed_body()["skus"][0], "sale_price": 1_000_000_000, "market_price": 1_000_000_000}

    assert minishop.error(ADD, seed_body(skus=[sku]), 9401043) == errmsg
    assert minishop.add(seed_body(skus=[at_limit])) == FIRST_PRODUCT_ID


@pytest.mark.parametrize(
    ("changes", "errmsg"),
    [
        (
            {"cats": [{"cat_id": "6033", "level": 1}, {"cat_id": 6057, "level": 2}, {"cat_id": 6091, "level": 3}]},
            "invalid param: cats[0].cat_id must be a positive number",
        ),
        (
            {"express_info": {"template_id": "5189"}},
            "invalid param: express_info.template_id must be a positive number",
        ),
    ],
)
def test_ids_seed_001_types_as_numbers_are_refused_as_strings(minishop, changes, errmsg):
    assert minishop.error(ADD, seed_body(**changes), 9401020) == errmsg


def test_a_product_id_sent_as_a_string_is_9401020(minishop):
    product_id = minishop.add(seed_body())

    errmsg = minishop.error(GET, {"product_id": str(product_id), "need_edit_spu": 1}, 9401020)
    roots = minishop.error("/product/category/get", {"f_cat_id": "0"}, 9401020)

    assert errmsg == "invalid param: product_id must be a positive number"
    assert roots == "invalid param: f_cat_id must be a positive number"


def test_skus_are_optional_on_add_but_listing_needs_one(minishop):
    product_id = minishop.add(seed_body(skus=[]))

    errmsg = minishop.error(LISTING, {"product_id": product_id}, 9401020)

    assert errmsg == f"invalid param: SPU {product_id} has no SKU to list"


def test_listing_submits_the_draft_and_a_passed_audit_puts_it_online(minishop):
    product_id = minishop.add(tshirt_body())

    minishop.listing(product_id)
    auditing = minishop.spu(product_id)
    no_online = minishop.error(GET, {"product_id": product_id, "need_edit_spu": 0}, 9401002)
    minishop.advance(AUDIT_DELAY_SECONDS)
    approved = minishop.spu(product_id)
    online = minishop.spu(product_id, draft=False)

    assert (auditing["status"], auditing["edit_status"]) == (0, 2)
    assert no_online == f"SPU {product_id} has no online data: it was never listed"
    assert (approved["status"], approved["edit_status"]) == (5, 4)
    assert online["title"] == "纯棉圆领短袖T恤"
    assert [effect["fields"]["outcome"] for effect in minishop.applied(endpoint="minishop/audit")] == ["pass"]


def test_a_draft_under_audit_is_not_editable_9401023(minishop):
    product_id = minishop.add(tshirt_body())
    minishop.listing(product_id)
    expected = f"SPU {product_id} is under audit and cannot be edited"

    update = minishop.error(UPDATE, {"product_id": product_id, **tshirt_body(title="新标题的T恤")}, 9401023)
    listing = minishop.error(LISTING, {"product_id": product_id}, 9401023)
    delete = minishop.error(DELETE, {"product_id": product_id}, 9401023)

    assert update == listing == delete == expected


def test_a_rejected_audit_keeps_the_reason_and_the_product_offline(minishop):
    minishop.configure(minishop_audit={"next": [{"outcome": "reject", "reject_reason": "主图不清晰"}]})
    product_id = minishop.add(tshirt_body())

    minishop.listing(product_id)
    minishop.advance(AUDIT_DELAY_SECONDS)
    draft = minishop.spu(product_id)

    assert (draft["status"], draft["edit_status"]) == (0, 3)
    assert draft["audit_info"]["reject_reason"] == "主图不清晰"


def test_an_update_of_a_listed_product_changes_only_the_draft_until_listed_again(minishop):
    product_id = minishop.listed(tshirt_body())

    minishop.ok(UPDATE, {"product_id": product_id, **tshirt_body(title="纯棉圆领短袖T恤 新款")})
    draft, online = minishop.spu(product_id), minishop.spu(product_id, draft=False)
    minishop.listing(product_id)
    minishop.advance(AUDIT_DELAY_SECONDS)
    relisted = minishop.spu(product_id, draft=False)

    assert (draft["title"], draft["edit_status"], draft["status"]) == ("纯棉圆领短袖T恤 新款", 1, 5)
    assert online["title"] == "纯棉圆领短袖T恤"
    assert relisted["title"] == "纯棉圆领短袖T恤 新款"
    # The update kept each SKU's id (matched by out_sku_id).
    assert [s["sku_id"] for s in relisted["skus"]] == [s["sku_id"] for s in online["skus"]]


def test_an_update_by_out_product_id_and_an_unknown_product_is_9401002(minishop):
    minishop.add(tshirt_body())

    minishop.ok(UPDATE, tshirt_body(title="按商家编码修改"))
    errmsg = minishop.error(UPDATE, {"product_id": 1, **tshirt_body()}, 9401002)

    assert minishop.shop()["products"][0]["edit_spu"]["title"] == "按商家编码修改"
    assert errmsg == "product_id 1 does not exist"


def test_delisting_and_listing_again_needs_no_new_audit(minishop):
    product_id = minishop.listed(tshirt_body())

    minishop.ok(DELISTING, {"product_id": product_id})
    delisted = minishop.spu(product_id)["status"]
    again = minishop.error(DELISTING, {"product_id": product_id}, 9401020)
    minishop.listing(product_id)

    assert delisted == 11
    assert again == f"invalid param: SPU {product_id} is not listed (status 11)"
    assert (minishop.spu(product_id)["status"], minishop.spu(product_id)["edit_status"]) == (5, 4)


def test_delete_removes_the_product(minishop):
    product_id = minishop.add(tshirt_body())

    minishop.ok(DELETE, {"product_id": product_id})

    assert minishop.error(GET, {"product_id": product_id, "need_edit_spu": 1}, 9401002)
    assert minishop.shop()["products"] == []


def test_get_list_pages_drafts_or_online_copies(minishop):
    first = minishop.listed(tshirt_body("A"))
    second = minishop.add(tshirt_body("B"))

    drafts = minishop.ok("/product/spu/get_list", {"need_edit_spu": 1, "page": 1, "page_size": 1})
    page_two = minishop.ok("/product/spu/get_list", {"need_edit_spu": 1, "page": 2, "page_size": 1})
    online = minishop.ok("/product/spu/get_list", {"need_edit_spu": 0})
    listed = minishop.ok("/product/spu/get_list", {"need_edit_spu": 1, "status": 5})

    assert ([s["product_id"] for s in drafts["spus"]], drafts["total_num"]) == ([first], 2)
    assert [s["product_id"] for s in page_two["spus"]] == [second]
    assert [s["product_id"] for s in online["spus"]] == [first]
    assert [s["product_id"] for s in listed["spus"]] == [first]


def test_the_add_and_update_quota_is_shared_and_counts_per_hour(minishop):
    minishop.configure(minishop_quota={"hour": 2, "day": 10})
    minishop.add(tshirt_body("A"))
    minishop.ok(UPDATE, tshirt_body("A", title="改过一次的T恤"))

    hour = minishop.error(ADD, tshirt_body("B"), 45011)
    minishop.advance(3601)
    minishop.add(tshirt_body("B"))

    assert hour == "add+update quota reached: 2/2 in the last hour"
    assert minishop.shop()["quota"] == {"hour_used": 1, "day_used": 3, "hour": 2, "day": 10}


def test_a_price_only_update_of_a_listed_product_does_not_count(minishop):
    product_id = minishop.listed(tshirt_body())
    minishop.configure(minishop_quota={"hour": 1})
    cheaper = tshirt_body()
    for sku in cheaper["skus"]:
        sku["sale_price"] = 4900

    minishop.ok(UPDATE, {"product_id": product_id, **cheaper})

    assert minishop.applied(endpoint=UPDATE)[0]["fields"]["counted"] is False
    assert [s["sale_price"] for s in minishop.spu(product_id)["skus"]] == [4900, 4900]


def test_ids_above_2_53_travel_as_exact_json_numbers(minishop):
    response = minishop.raw("POST", ADD, json=seed_body())

    assert b'"product_id":23423523452345235' in response.content
