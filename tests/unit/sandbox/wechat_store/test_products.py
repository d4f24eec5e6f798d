"""Products (reference §2.1 rows 1.1–1.6, body §2.2): create, get, update, status, delete and the manual's rules."""

import copy
import re

import pytest

from tests.unit.sandbox.client import TEST_APP
from tests.unit.sandbox.wechat_store.builders import (
    APPAREL_BRAND,
    BLACK,
    COLOUR,
    COTTON,
    DSLR,
    MATERIAL,
    MODAL,
    SIZE,
    SIZE_L,
    SIZE_M,
    TSHIRT,
    UNIQLO,
    WHITE,
    template_body,
    tshirt_body,
    uniform_body,
)

PRODUCT_ID = re.compile(r"^pDF3iY[A-Za-z0-9_-]{22}$")


def _expected_detail_html(detail_image):
    return (
        '<p style="margin-bottom:11px;margin-top:11px;">夏季新款 &lt;纯棉&gt;</p>'
        '<div class="item_pic_wrp" style="margin-bottom:8px;font-size:0;">'
        f'<img class="item_pic" style="width:100%;" alt="" src="{detail_image}" ></div>'
    )


def test_create_answers_a_product_id_and_get_returns_the_product_with_detail_html(api, images):
    body = tshirt_body(images)

    product_id = api.create_product(body)
    by_query = api.get("/merchant/get", {"product_id": product_id})
    by_body = api.post("/merchant/get", {"product_id": product_id})

    assert PRODUCT_ID.match(product_id)
    expected_base = {key: value for key, value in body["product_base"].items() if key != "detail"}
    expected_base["detail_html"] = _expected_detail_html(images[2])
    assert by_query == {
        "errcode": 0,
        "errmsg": "success",
        "product_info": {
            "product_id": product_id,
            "product_base": expected_base,
            "sku_list": body["sku_list"],
            "attrext": body["attrext"],
            "delivery_info": body["delivery_info"],
        },
    }
    assert by_body == by_query


def test_create_records_the_applied_effect(api, images):
    product_id = api.create_product(tshirt_body(images))

    [effect] = api.applied(endpoint="/merchant/create")

    assert effect["appid"] == "wx_demo_store"
    assert effect["platform"] == "wechat_store"
    assert effect["response_dropped"] is False
    assert effect["fields"] == {
        "product_id": product_id,
        "name": "纯棉圆领T恤",
        "skus": [
            {"sku_id": f"{COLOUR}:{WHITE};{SIZE}:{SIZE_M}", "quantity": 10},
            {"sku_id": f"{COLOUR}:{WHITE};{SIZE}:{SIZE_L}", "quantity": 10},
            {"sku_id": f"{COLOUR}:{BLACK};{SIZE}:{SIZE_M}", "quantity": 10},
            {"sku_id": f"{COLOUR}:{BLACK};{SIZE}:{SIZE_L}", "quantity": 10},
        ],
    }


def test_uniform_spec_product_without_delivery_info_when_post_free(api, images):
    product_id = api.create_product(uniform_body(images))

    info = api.get("/merchant/get", {"product_id": product_id})["product_info"]

    assert info["sku_list"] == [{"sku_id": "", "price": 19900, "ori_price": 25900, "quantity": 5}]
    assert "delivery_info" not in info
    assert info["product_base"]["detail_html"] == '<p style="margin-bottom:11px;margin-top:11px;">明前特级</p>'


def test_custom_properties_and_skus_are_accepted(api, images):
    body = tshirt_body(images)
    body["product_base"]["property"] = [{"id": "$产地", "vid": "$广州"}, {"id": MATERIAL, "vid": "$天丝"}]
    body["product_base"]["sku_info"] = [{"id": "$颜色", "vid": ["$雾霾蓝", "$奶白"]}]
    body["sku_list"] = [
        {"sku_id": "$颜色:$雾霾蓝", "price": 100, "ori_price": 200, "quantity": 1},
        {"sku_id": "$颜色:$奶白", "price": 100, "ori_price": 200, "quantity": 2},
    ]

    product_id = api.create_product(body)

    state = api.state()["products"][0]
    assert state["product_id"] == product_id
    assert state["stock"] == {"$颜色:$雾霾蓝": 1, "$颜色:$奶白": 2}


def test_delivery_by_an_existing_template_is_accepted(api, images):
    template_id = api.ok("/merchant/express/add", template_body())["template_id"]

    product_id = api.create_product(tshirt_body(images, delivery_info={"delivery_type": 1, "template_id": template_id}))

    info = api.get("/merchant/get", {"product_id": product_id})["product_info"]
    assert info["delivery_info"] == {"delivery_type": 1, "template_id": 103312920}


def _set(path, value):
    """A body mutation: set the value at a dotted path ("product_base.name", "sku_list.0.price")."""

    def mutate(body):
        *parents, last = path.split(".")
        target = body
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


_DELETE = object()
FOREIGN_IMAGE = "http://mmbiz.qpic.cn/mmbiz/notuploadedbythisapp/0"
WHITE_M = f"{COLOUR}:{WHITE};{SIZE}:{SIZE_M}"


@pytest.mark.parametrize(
    ("mutate", "errmsg"),
    [
        (_set("product_base.name", _DELETE), "product_base.name is required"),
        (_set("product_base.name", "  "), "product_base.name must not be empty"),
        (_set("product_base.main_img", _DELETE), "product_base.main_img must be an image URL"),
        (
            _set("product_base.main_img", FOREIGN_IMAGE),
            f"product_base.main_img {FOREIGN_IMAGE} is not an image uploaded with common/upload_img",
        ),
        (_set("product_base.img", []), "product_base.img must not be empty"),
        (
            _set("product_base.img.1", FOREIGN_IMAGE),
            f"product_base.img[1] {FOREIGN_IMAGE} is not an image uploaded with common/upload_img",
        ),
        (_set("product_base.detail", _DELETE), "product_base.detail is required"),
        (
            _set("product_base.detail.1", {"img": FOREIGN_IMAGE}),
            f"product_base.detail[1].img {FOREIGN_IMAGE} is not an image uploaded with common/upload_img",
        ),
        (
            _set("product_base.detail.0", {"video": "x"}),
            'product_base.detail[0] must be {"text": ...} or {"img": url}',
        ),
        (
            _set("sku_list.0.icon_url", FOREIGN_IMAGE),
            f"sku_list[0].icon_url {FOREIGN_IMAGE} is not an image uploaded with common/upload_img",
        ),
        (_set("product_base.category_id", ["537000201"]), "product_base.category_id 537000201 is not a leaf category"),
        (_set("product_base.category_id", ["1"]), "product_base.category_id 1 is not a known category"),
        (_set("product_base.category_id", ["999"]), "product_base.category_id 999 is not a known category"),
        (
            _set("product_base.category_id", ["537000002", TSHIRT]),
            "product_base.category_id must hold exactly one category id string",
        ),
        (
            _set("product_base.property.0", {"id": "1075741879", "vid": "1079749001"}),
            f"product_base.property[0].id 1075741879 is not a property of category {TSHIRT}",
        ),
        (
            _set("product_base.property.0", {"id": APPAREL_BRAND, "vid": "10002011"}),
            f"product_base.property[0].vid 10002011 is not a value of property {APPAREL_BRAND}",
        ),
        (
            _set("product_base.property.1", {"id": APPAREL_BRAND, "vid": UNIQLO}),
            f"product_base.property[1].id {APPAREL_BRAND} is given twice",
        ),
        (
            _set("product_base.sku_info.0", {"id": "1075741873", "vid": ["1079742386"]}),
            f"product_base.sku_info[0].id 1075741873 is not in the sku table of category {TSHIRT}",
        ),
        (
            _set("product_base.sku_info.1", {"id": SIZE, "vid": [SIZE_M, "10000995"]}),
            f"product_base.sku_info[1].vid 10000995 is not a value of sku {SIZE}",
        ),
        (
            _set("sku_list.0.sku_id", f"{COLOUR}:{WHITE}"),
            "sku_list[0].sku_id must hold 2 id:vid pair(s), one per sku_info entry",
        ),
        (_set("sku_list.0.sku_id", ""), "sku_list[0].sku_id must hold 2 id:vid pair(s), one per sku_info entry"),
        (
            _set("sku_list.0.sku_id", f"{COLOUR}:10000997;{SIZE}:{SIZE_M}"),
            f"sku_list[0].sku_id uses {COLOUR}:10000997, a value not in product_base.sku_info",
        ),
        (
            _set("sku_list.0.sku_id", f"{COLOUR}:{WHITE};10002002:10002011"),
            "sku_list[0].sku_id uses 10002002, which is not in product_base.sku_info",
        ),
        (
            _set("sku_list.0.sku_id", f"{COLOUR}:{WHITE};{COLOUR}:{BLACK}"),
            f'sku_list[0].sku_id "{COLOUR}:{WHITE};{COLOUR}:{BLACK}" names the same sku id twice',
        ),
        (
            _set("sku_list.0.sku_id", f"{COLOUR}={WHITE};{SIZE}={SIZE_M}"),
            f'sku_list[0].sku_id "{COLOUR}={WHITE};{SIZE}={SIZE_M}" must look like "id1:vid1;id2:vid2"',
        ),
        # The same combination in another order is the same SKU.
        (_set("sku_list.1.sku_id", f"{SIZE}:{SIZE_M};{COLOUR}:{WHITE}"), "sku_list holds the same sku_id twice"),
        (_set("sku_list.0.price", 12900), "sku_list[0].price must be lower than ori_price"),
        (_set("sku_list.0.price", 13000), "sku_list[0].price must be lower than ori_price"),
        (_set("sku_list.0.price", "99.00"), "sku_list[0].price must be an integer"),
        (_set("sku_list.0.quantity", -1), "sku_list[0].quantity must be >= 0"),
        (_set("sku_list", []), "sku_list must not be empty"),
        (_set("attrext.isPostFree", 2), "attrext.isPostFree must be one of 0, 1"),
        (_set("delivery_info", _DELETE), "delivery_info is required unless attrext.isPostFree is 1"),
        (
            _set("delivery_info.express.0", {"id": 10000030, "price": 600}),
            "delivery_info.express[0].id must be one of 10000027, 10000028, 10000029",
        ),
        (_set("delivery_info.express", []), "delivery_info.express must not be empty"),
        (
            _set("delivery_info.express.1", {"id": 10000027, "price": 100}),
            "delivery_info.express[1].id 10000027 is given twice",
        ),
        (
            _set("delivery_info", {"delivery_type": 1, "template_id": 103312920}),
            "delivery_info.template_id 103312920 is not an existing postage template",
        ),
        (_set("delivery_info.delivery_type", 2), "delivery_info.delivery_type must be one of 0, 1"),
    ],
)
def test_create_rejects_bodies_that_break_the_manual_rules(api, images, mutate, errmsg):
    body = tshirt_body(images)
    mutate(body)

    answer = api.post("/merchant/create", body)

    assert answer == {"errcode": 40097, "errmsg": f"invalid args: {errmsg}"}
    assert api.state()["products"] == []
    assert api.applied(endpoint="/merchant/create") == []


def test_uniform_spec_rules(api, images):
    body = uniform_body(images)
    body["sku_list"][0]["sku_id"] = f"{COLOUR}:{WHITE}"
    twice = uniform_body(images)
    twice["sku_list"].append(dict(twice["sku_list"][0]))

    assert api.post("/merchant/create", body)["errmsg"] == (
        'invalid args: sku_list[0].sku_id must be "" because product_base.sku_info is empty'
    )
    assert api.post("/merchant/create", twice)["errmsg"] == "invalid args: sku_list holds the same sku_id twice"


def test_images_of_another_app_are_not_accepted(api, images):
    foreign = api.upload(appid=TEST_APP[0])
    body = tshirt_body([foreign, images[1], images[2]])

    answer = api.post("/merchant/create", body)

    assert answer["errmsg"] == (
        f"invalid args: product_base.main_img {foreign} is not an image uploaded with common/upload_img"
    )


def test_malformed_and_empty_bodies(api):
    bad_json = api.raw("POST", "/merchant/create", data=b"{not json", headers={"Content-Type": "application/json"})
    empty = api.raw("POST", "/merchant/create", data=b"")
    array = api.post("/merchant/create", [1, 2])

    assert bad_json.json() == {"errcode": 47001, "errmsg": "data format error: the body is not valid JSON"}
    assert empty.json() == {"errcode": 44002, "errmsg": "empty post data"}
    assert array == {"errcode": 47001, "errmsg": "data format error: the body must be a JSON object"}


def test_get_by_status_and_listing(api, images):
    listed = api.create_product(tshirt_body(images))
    unlisted = api.create_product(uniform_body(images))
    api.list_product(listed)

    every = api.post("/merchant/getbystatus", {"status": 0})["products_info"]
    on_shelf = api.post("/merchant/getbystatus", {"status": 1})["products_info"]
    off_shelf = api.post("/merchant/getbystatus", {"status": 2})["products_info"]

    assert [(p["product_id"], p["status"]) for p in every] == [(listed, 1), (unlisted, 2)]
    assert [p["product_id"] for p in on_shelf] == [listed]
    assert [p["product_id"] for p in off_shelf] == [unlisted]
    assert on_shelf[0]["product_base"]["name"] == "纯棉圆领T恤"
    assert set(on_shelf[0]) == {"product_id", "product_base", "sku_list", "attrext", "delivery_info", "status"}


def test_get_by_status_and_set_status_validate_status(api, images):
    product_id = api.create_product(uniform_body(images))

    assert api.post("/merchant/getbystatus", {"status": 3})["errmsg"] == "invalid args: status must be one of 0, 1, 2"
    assert api.post("/merchant/modproductstatus", {"product_id": product_id, "status": 2})["errmsg"] == (
        "invalid args: status must be one of 0, 1"
    )
    assert api.post("/merchant/modproductstatus", {"product_id": "pDF3iYnope", "status": 1})["errmsg"] == (
        "invalid args: product_id pDF3iYnope does not exist"
    )


def test_delisting_puts_the_product_off_the_shelf(api, images):
    product_id = api.create_product(uniform_body(images))
    api.list_product(product_id)

    api.ok("/merchant/modproductstatus", {"product_id": product_id, "status": 0})

    [product] = api.state()["products"]
    assert (product["status"], product["ever_listed"]) == (2, True)
    assert [e["fields"] for e in api.applied(endpoint="/merchant/modproductstatus")] == [
        {"product_id": product_id, "status": 1},
        {"product_id": product_id, "status": 0},
    ]


def test_update_before_listing_may_change_everything(api, images):
    product_id = api.create_product(tshirt_body(images))
    body = tshirt_body(images, product_id=product_id)
    body["product_base"]["name"] = "莫代尔T恤"
    body["product_base"]["category_id"] = ["537020102"]
    body["product_base"]["property"] = [{"id": MATERIAL, "vid": MODAL}]
    body["sku_list"][0]["quantity"] = 3

    api.ok("/merchant/update", body)

    info = api.get("/merchant/get", {"product_id": product_id})["product_info"]
    assert info["product_base"]["name"] == "莫代尔T恤"
    assert info["product_base"]["category_id"] == ["537020102"]
    assert info["product_base"]["property"] == [{"id": MATERIAL, "vid": MODAL}]
    assert info["sku_list"][0]["quantity"] == 3
    [effect] = api.applied(endpoint="/merchant/update")
    assert effect["fields"]["product_id"] == product_id
    assert effect["fields"]["name"] == "莫代尔T恤"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("name", "莫代尔T恤"),
        ("category_id", ["537020102"]),
        ("property", [{"id": MATERIAL, "vid": MODAL}]),
    ],
)
def test_update_after_listing_may_not_change_name_category_or_property(api, images, key, value):
    product_id = api.create_product(tshirt_body(images))
    api.list_product(product_id)
    api.ok("/merchant/modproductstatus", {"product_id": product_id, "status": 0})  # delisted: still frozen
    body = tshirt_body(images, product_id=product_id)
    body["product_base"][key] = value

    answer = api.post("/merchant/update", body)

    assert answer == {
        "errcode": 40097,
        "errmsg": f"invalid args: product_base.{key} cannot change after the product has been listed",
    }
    info = api.get("/merchant/get", {"product_id": product_id})["product_info"]
    assert info["product_base"][key] == tshirt_body(images)["product_base"][key]
    assert api.applied(endpoint="/merchant/update") == []


def test_update_after_listing_may_change_other_fields_and_property_order(api, images):
    product_id = api.create_product(tshirt_body(images))
    api.list_product(product_id)
    body = tshirt_body(images, product_id=product_id)
    body["product_base"]["property"] = [{"id": MATERIAL, "vid": COTTON}, {"id": APPAREL_BRAND, "vid": UNIQLO}]
    body["sku_list"][0]["price"] = 8900
    body["product_base"]["buy_limit"] = 2

    api.ok("/merchant/update", body)

    info = api.get("/merchant/get", {"product_id": product_id})["product_info"]
    assert info["sku_list"][0]["price"] == 8900
    assert info["product_base"]["buy_limit"] == 2


def test_update_applies_the_same_rules_as_create(api, images):
    product_id = api.create_product(tshirt_body(images))
    body = tshirt_body(images, product_id=product_id)
    body["sku_list"][0]["price"] = 99999

    answer = api.post("/merchant/update", body)

    assert answer["errmsg"] == "invalid args: sku_list[0].price must be lower than ori_price"
    info = api.get("/merchant/get", {"product_id": product_id})["product_info"]
    assert info["sku_list"][0]["price"] == 9900


def test_delete_removes_the_product_and_its_group_memberships(api, images):
    product_id = api.create_product(uniform_body(images))
    group_id = api.ok("/merchant/group/add", {"group_detail": {"group_name": "茶", "product_list": [product_id]}})[
        "group_id"
    ]

    api.ok("/merchant/del", {"product_id": product_id})

    assert api.post("/merchant/get", {"product_id": product_id})["errmsg"] == (
        f"invalid args: product_id {product_id} does not exist"
    )
    assert api.post("/merchant/group/getbyid", {"group_id": group_id})["group_detail"]["product_list"] == []
    assert api.post("/merchant/del", {"product_id": product_id})["errcode"] == 40097
    assert [e["fields"] for e in api.applied(endpoint="/merchant/del")] == [{"product_id": product_id}]


def test_get_requires_an_existing_product_id(api):
    assert api.get("/merchant/get", {"product_id": "pDF3iYmissing"})["errmsg"] == (
        "invalid args: product_id pDF3iYmissing does not exist"
    )
    assert api.post("/merchant/get", {})["errmsg"] == "invalid args: product_id is required"


def test_the_sample_category_of_the_reference_takes_a_product(api, images):
    body = copy.deepcopy(tshirt_body(images))
    body["product_base"].update(
        category_id=[DSLR],
        property=[{"id": "1075741879", "vid": "1079749003"}],
        sku_info=[{"id": "1075741873", "vid": ["1079742386"]}],
    )
    body["sku_list"] = [{"sku_id": "1075741873:1079742386", "price": 359900, "ori_price": 399900, "quantity": 2}]

    product_id = api.create_product(body)

    assert api.state()["products"][0]["stock"] == {"1075741873:1079742386": 2}
    assert PRODUCT_ID.match(product_id)
