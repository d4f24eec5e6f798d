"""Channels store products (reference §3.2): add, get with its three data types, list, update, auditfree, delete,
listing and delisting, ids, out_product_id and SKU identity."""

import re

import pytest

from tests.unit.sandbox.channels.builders import (
    APPAREL,
    CHANNELS_APP,
    CHANNELS_TEST_APP,
    NO_BRAND,
    TSHIRT,
    UNIQLO,
    WOMEN,
    cats,
    gift_card_body,
    tshirt_body,
)

UINT64 = re.compile(r"^[1-9][0-9]{0,19}$")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
ADD = "/channels/ec/product/add"
GET = "/channels/ec/product/get"
LIST = "/channels/ec/product/list/get"


@pytest.fixture
def body(channel_images, template_id):
    return tshirt_body(channel_images, template_id)


def test_add_answers_a_uint64_string_id_and_the_create_time(channels, body):
    answer = channels.ok(ADD, body)

    product_id = answer["data"]["product_id"]
    assert isinstance(product_id, str)
    assert UINT64.match(product_id)
    assert int(product_id) < 2**64
    assert DATETIME.match(answer["data"]["create_time"])


def test_get_data_type_2_returns_the_draft_as_sent_with_ids_states_and_stock(channels, body, template_id):
    product_id = channels.add(body)

    answer = channels.product(product_id, 2)

    assert "product" not in answer
    draft = answer["edit_product"]
    skus = draft.pop("skus")
    assert [UINT64.match(sku.pop("sku_id")) is not None for sku in skus] == [True, True]
    assert skus == body["skus"]
    assert draft.pop("audit_info")["reject_reason"] == ""
    assert DATETIME.match(draft.pop("create_time"))
    assert isinstance(draft.pop("edit_time"), int)
    assert draft == {
        **{key: value for key, value in body.items() if key != "skus"},
        "product_id": product_id,
        "deliver_method": 0,
        "min_price": 5900,
        "status": 0,
        "edit_status": 2,
        "product_type": 1,
    }
    assert draft["express_info"] == {"template_id": template_id}


def test_get_data_type_1_and_3_show_the_online_copy_only_when_there_is_one(channels, body):
    product_id = channels.add(body)

    before = {data_type: channels.product(product_id, data_type) for data_type in (1, 2, 3)}
    channels.advance(60)
    channels.listing(product_id)
    listed = {data_type: channels.product(product_id, data_type) for data_type in (1, 2, 3)}
    channels.ok("/channels/ec/product/delisting", {"product_id": product_id})
    delisted = {data_type: channels.product(product_id, data_type) for data_type in (1, 3)}

    assert [set(before[data_type]) - {"errcode", "errmsg"} for data_type in (1, 2, 3)] == [
        set(),
        {"edit_product"},
        {"edit_product"},
    ]
    assert set(listed[1]) - {"errcode", "errmsg"} == {"product"}
    assert set(listed[3]) - {"errcode", "errmsg"} == {"product", "edit_product"}
    online = listed[3]["product"]
    assert (online["status"], online["edit_status"], online["title"]) == (5, 4, body["title"])
    assert "audit_info" not in online
    assert DATETIME.match(online["update_time"])
    # Delisted: data_type 1 still shows the online copy, data_type 3 only when listed (WxJava SpuGetResponse).
    assert delisted[1]["product"]["status"] == 11
    assert "product" not in delisted[3]


def test_get_defaults_to_the_online_copy_and_checks_its_fields(channels, body):
    product_id = channels.listed(body)

    default = channels.ok(GET, {"product_id": product_id})

    assert set(default) == {"errcode", "errmsg", "product"}
    assert channels.error(GET, {"product_id": product_id, "data_type": 4}, 10020051) == (
        "invalid args: data_type must be one of 1, 2, 3"
    )
    assert channels.error(GET, {}, 10020051) == "invalid args: product_id is required"
    assert channels.error(GET, {"product_id": "123"}, 10020052) == "product_id 123 does not exist"


def test_product_ids_may_be_sent_as_numbers(channels, body):
    product_id = channels.add(body)

    assert channels.ok(GET, {"product_id": int(product_id), "data_type": 2})["edit_product"]["product_id"] == product_id


def test_add_records_the_applied_effect_and_the_initial_stock_flow(channels, body):
    product_id = channels.add(body)

    [effect] = channels.applied(endpoint=ADD)
    sku_ids = channels.sku_ids(product_id)
    flow = channels.shop()["stock_flow"]

    assert (effect["platform"], effect["appid"], effect["response_dropped"]) == ("channels", CHANNELS_APP[0], False)
    assert effect["fields"] == {
        "product_id": product_id,
        "out_product_id": "local-tee-001",
        "title": body["title"],
        "listing": 0,
        "skus": [
            {"sku_id": sku_ids[0], "out_sku_id": "tee-white-m", "stock_num": 100},
            {"sku_id": sku_ids[1], "out_sku_id": "tee-black-l", "stock_num": 50},
        ],
    }
    assert [(e["sku_id"], e["diff_type"], e["num"], e["stock_before"], e["stock_after"]) for e in flow] == [
        (sku_ids[0], 3, 100, 0, 100),
        (sku_ids[1], 3, 50, 0, 50),
    ]


def test_optional_fields_have_defaults_and_a_virtual_product_needs_no_template(channels, channel_images):
    product_id = channels.add(gift_card_body(channel_images))

    draft = channels.draft(product_id)

    assert (draft["deliver_method"], draft["brand_id"], draft["out_product_id"]) == (1, NO_BRAND, "")
    assert "express_info" not in draft


def test_the_old_cats_field_is_accepted(channels, body):
    body.pop("cats_v2")
    body["cats"] = [{"cat_id": int(APPAREL)}, {"cat_id": WOMEN}, {"cat_id": TSHIRT}]

    product_id = channels.add(body)

    assert channels.draft(product_id)["cats"] == cats(APPAREL, WOMEN, TSHIRT)


def test_list_pages_with_next_key_and_hides_never_listed_drafts_and_the_recycle_bin(channels, body):
    listed = [channels.listed({**body, "out_product_id": f"listed-{index}"}) for index in range(3)]
    draft = channels.add(body)
    recycled = channels.listed(body)
    channels.ok("/channels/ec/product/delisting", {"product_id": recycled})
    channels.ok("/channels/ec/product/delete", {"product_id": recycled})

    first = channels.ok(LIST, {"page_size": 2})
    second = channels.ok(LIST, {"page_size": 2, "next_key": first["next_key"]})
    third = channels.ok(LIST, {"page_size": 2, "next_key": second["next_key"]})
    drafts = channels.ok(LIST, {"status": 0})
    bin_ = channels.ok(LIST, {"status": 6})
    on_sale = channels.ok(LIST, {"status": 5, "page_size": 30})

    assert (first["product_ids"], first["total_num"]) == (listed[:2], 3)
    assert (second["product_ids"], second["total_num"]) == (listed[2:], 3)
    assert third["product_ids"] == []
    assert isinstance(first["next_key"], str)
    assert drafts["product_ids"] == [draft]
    assert bin_["product_ids"] == [recycled]
    assert on_sale["product_ids"] == listed


def test_list_rules(channels):
    assert channels.ok(LIST)["product_ids"] == []
    assert channels.error(LIST, {"page_size": 31}, 10020051) == "invalid args: page_size must be at most 30"
    assert channels.error(LIST, {"next_key": "nonsense"}, 10020051).startswith("invalid args: next_key 'nonsense'")


def test_a_lost_add_is_found_by_out_product_id_through_list_and_get(channels, body):
    """The platform does not enforce out_product_id uniqueness: both products exist, and list + get find them."""
    first = channels.add(body)
    second = channels.add(body)

    never_listed = channels.ok(LIST, {"status": 0})["product_ids"]
    matches = [pid for pid in never_listed if channels.draft(pid)["out_product_id"] == "local-tee-001"]

    assert first != second
    assert matches == [first, second]


def test_update_replaces_the_draft_keeps_sku_ids_and_submits_it(channels, body):
    product_id = channels.add(body)
    channels.advance(60)
    white_m, black_l = channels.sku_ids(product_id)
    changed = tshirt_body(channels.shop()["images"], body["express_info"]["template_id"])
    changed["title"] = "纯棉圆领短袖T恤 升级款"
    changed["skus"][0]["sku_id"] = white_m  # by sku_id
    changed["skus"][1].pop("stock_num")  # matched by out_sku_id; stock kept
    changed["skus"].append(
        {
            "out_sku_id": "tee-white-l",
            "sale_price": 5900,
            "stock_num": 7,
            "sku_attrs": [{"attr_key": "颜色", "attr_value": "白色"}],
        }
    )

    answer = channels.ok("/channels/ec/product/update", {"product_id": product_id, **changed})

    draft = channels.draft(product_id)
    assert answer["data"]["product_id"] == product_id
    assert DATETIME.match(answer["data"]["update_time"])
    assert (draft["title"], draft["edit_status"]) == ("纯棉圆领短袖T恤 升级款", 2)
    assert [sku["sku_id"] for sku in draft["skus"]][:2] == [white_m, black_l]
    assert [sku["stock_num"] for sku in draft["skus"]] == [100, 50, 7]
    assert draft["out_product_id"] == "local-tee-001"


def test_update_rules_on_ids(channels, body, channel_images):
    product_id = channels.add(body)
    channels.advance(60)
    other = channels.add(gift_card_body(channel_images))
    foreign_sku = channels.sku_ids(other)[0]
    update = "/channels/ec/product/update"

    wrong_sku = {**body, "product_id": product_id, "skus": [{**body["skus"][0], "sku_id": foreign_sku}]}
    new_out_id = {**body, "product_id": product_id, "out_product_id": "another"}
    new_sku_without_stock = {**body, "product_id": product_id, "skus": [{"sale_price": 100}]}

    assert channels.error(update, wrong_sku, 10020034) == f"skus[0].sku_id {foreign_sku} is not a SKU of this product"
    assert channels.error(update, new_out_id, 10020051) == "invalid args: out_product_id cannot change after add"
    assert channels.error(update, new_sku_without_stock, 10020051) == "invalid args: skus[0].stock_num is required"
    assert channels.error(update, {**body, "product_id": "1"}, 10020052) == "product_id 1 does not exist"
    assert channels.error(ADD, {**body, "skus": [{**body["skus"][0], "sku_id": "123"}]}, 10020034)


def test_update_of_a_listed_product_goes_online_when_its_audit_passes(channels, body):
    product_id = channels.listed(body)

    channels.ok("/channels/ec/product/update", {"product_id": product_id, **body, "title": "纯棉圆领短袖T恤 第二版"})
    during = channels.product(product_id)
    channels.advance(60)
    after = channels.product(product_id)

    assert (during["product"]["title"], during["product"]["status"]) == (body["title"], 5)
    assert (during["edit_product"]["title"], during["edit_product"]["edit_status"]) == ("纯棉圆领短袖T恤 第二版", 2)
    assert (after["product"]["title"], after["product"]["status"], after["product"]["edit_status"]) == (
        "纯棉圆领短袖T恤 第二版",
        5,
        4,
    )


def test_auditfree_changes_the_online_copy_at_once(channels, body):
    product_id = channels.listed(body)
    white_m, black_l = channels.sku_ids(product_id)

    channels.ok(
        "/channels/ec/product/auditfree",
        {
            "product_id": product_id,
            "skus": [
                {"sku_id": white_m, "sale_price": 4900, "stock_info": {"stock_num": 80}, "sku_code": "W-M-2"},
                {"sku_id": black_l, "is_delete": True},
            ],
            "extra_service": {"seven_day_return": 2},
        },
    )

    answer = channels.product(product_id)
    online = answer["product"]
    assert [(s["sku_id"], s["sale_price"], s["stock_num"], s["sku_code"]) for s in online["skus"]] == [
        (white_m, 4900, 80, "W-M-2")
    ]
    assert online["extra_service"] == {"seven_day_return": 2}
    assert (online["status"], online["edit_status"]) == (5, 4)
    # The draft was the online copy, so it follows.
    assert answer["edit_product"]["skus"] == online["skus"]
    assert channels.shop()["quota"]["hour_used"] == 1  # only the add


def test_auditfree_rules(channels, body):
    unlisted = channels.add(body)
    product_id = channels.listed(body)
    white_m, black_l = channels.sku_ids(product_id)
    auditfree = "/channels/ec/product/auditfree"

    assert channels.error(auditfree, {"product_id": unlisted, "skus": []}, 10020065).endswith("needs a listed product")
    assert channels.error(auditfree, {"product_id": product_id, "skus": [{"sku_id": "9"}]}, 10020034)
    assert channels.error(
        auditfree, {"product_id": product_id, "skus": [{"sku_id": white_m, "sale_price": 0}]}, 10020039
    )
    assert channels.error(
        auditfree, {"product_id": product_id, "skus": [{"sku_id": white_m, "sale_price": 9901}]}, 10020040
    )
    every_sku_deleted = {
        "product_id": product_id,
        "skus": [{"sku_id": s, "is_delete": True} for s in (white_m, black_l)],
    }
    assert channels.error(auditfree, every_sku_deleted, 10020038)
    assert channels.error(auditfree, {"product_id": product_id, "express_info": {"template_id": "1"}}, 10020019)


def test_delete_moves_to_the_recycle_bin_then_removes_for_good(channels, body):
    product_id = channels.add(body)
    channels.advance(60)

    channels.ok("/channels/ec/product/delete", {"product_id": product_id})
    in_bin = channels.draft(product_id)
    update_in_bin = channels.error("/channels/ec/product/update", {"product_id": product_id, **body}, 10020008)
    listing_in_bin = channels.error("/channels/ec/product/listing", {"product_id": product_id}, 10020008)
    channels.ok("/channels/ec/product/delete", {"product_id": product_id})

    assert in_bin["status"] == 6
    assert update_in_bin == listing_in_bin == f"product {product_id} is in the recycle bin"
    assert channels.error(GET, {"product_id": product_id}, 10020052)
    assert [e["fields"]["status"] for e in channels.applied(endpoint="/channels/ec/product/delete")] == [6, 9]


def test_delisting_needs_a_listed_product(channels, body):
    product_id = channels.add(body)

    assert channels.error("/channels/ec/product/delisting", {"product_id": product_id}, 10020065) == (
        f"product {product_id} is not listed (status 0)"
    )


def test_listing_an_already_listed_product_changes_nothing(channels, body):
    product_id = channels.listed(body)
    effects = len(channels.applied())

    channels.listing(product_id)

    assert len(channels.applied()) == effects


def test_listing_without_skus(channels, body):
    no_skus = {key: value for key, value in body.items() if key != "skus"}
    product_id = channels.add(no_skus)
    channels.advance(60)

    assert channels.error("/channels/ec/product/listing", {"product_id": product_id}, 10020038) == (
        f"product {product_id} has no SKU to list"
    )
    assert channels.error(ADD, {**no_skus, "listing": 1}, 10020038) == "listing: 1 needs at least one SKU"


def test_each_app_has_its_own_shop_and_any_app_may_call_it(channels, body, channel_images):
    product_id = channels.add(body)

    other = channels.call(GET, {"product_id": product_id}, appid=CHANNELS_TEST_APP[0])
    legacy_app = channels.call(LIST, {"status": 0}, appid="wx_demo_store")

    assert other["errcode"] == 10020052
    assert legacy_app == {"errcode": 0, "errmsg": "ok", "product_ids": [], "next_key": "", "total_num": 0}
    assert channels.shop(CHANNELS_TEST_APP[0])["products"] == []
    assert body["brand_id"] == UNIQLO
