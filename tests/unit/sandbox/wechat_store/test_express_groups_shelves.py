"""Postage templates (reference §2.4), groups (§2.1 rows 4.x) and shelves (§2.5)."""

import pytest

from tests.unit.sandbox.wechat_store.builders import template_body, uniform_body

# --- postage templates ------------------------------------------------------------------------------------------


def test_express_add_get_update_list_and_delete(api):
    body = template_body()

    template_id = api.ok("/merchant/express/add", body)["template_id"]
    second_id = api.ok("/merchant/express/add", template_body("偏远地区"))["template_id"]
    fetched = api.ok("/merchant/express/getbyid", {"template_id": template_id})
    api.ok("/merchant/express/update", {"template_id": template_id, **template_body("改名了", Assumer=1)})
    listed = api.get("/merchant/express/getall")
    api.ok("/merchant/express/del", {"template_id": second_id})
    after_delete = api.get("/merchant/express/getall")

    assert (template_id, second_id) == (103312920, 103312921)
    assert fetched["template_info"] == {"Id": template_id, **body["delivery_template"]}
    assert listed["errcode"] == 0
    assert [(t["Id"], t["Name"], t["Assumer"]) for t in listed["templates_info"]] == [
        (103312920, "改名了", 1),
        (103312921, "偏远地区", 0),
    ]
    assert [t["Id"] for t in after_delete["templates_info"]] == [103312920]
    assert [(e["endpoint"], e["fields"]["template_id"]) for e in api.applied()] == [
        ("/merchant/express/add", 103312920),
        ("/merchant/express/add", 103312921),
        ("/merchant/express/update", 103312920),
        ("/merchant/express/del", 103312921),
    ]


def test_express_valuation_defaults_to_per_item(api):
    body = template_body()
    del body["delivery_template"]["Valuation"]

    template_id = api.ok("/merchant/express/add", body)["template_id"]

    assert api.ok("/merchant/express/getbyid", {"template_id": template_id})["template_info"]["Valuation"] == 0


def _template_with(mutate):
    body = template_body()
    mutate(body["delivery_template"])
    return body


@pytest.mark.parametrize(
    ("mutate", "errmsg"),
    [
        (lambda t: t.pop("Name"), "delivery_template.Name is required"),
        (lambda t: t.update(Assumer=2), "delivery_template.Assumer must be one of 0, 1"),
        (lambda t: t.update(Valuation=1), "delivery_template.Valuation must be one of 0"),
        (lambda t: t.update(TopFee=[]), "delivery_template.TopFee must not be empty"),
        (
            lambda t: t["TopFee"][0].update(Type=10000001),
            "delivery_template.TopFee[0].Type must be one of 10000027, 10000028, 10000029",
        ),
        (lambda t: t["TopFee"][1].update(Type=10000028), "delivery_template.TopFee[1].Type 10000028 is given twice"),
        (lambda t: t["TopFee"][0].pop("Normal"), "delivery_template.TopFee[0].Normal is required"),
        (
            lambda t: t["TopFee"][0]["Normal"].pop("AddFees"),
            "delivery_template.TopFee[0].Normal.AddFees is required",
        ),
        (
            lambda t: t["TopFee"][0]["Normal"].update(StartFees=-1),
            "delivery_template.TopFee[0].Normal.StartFees must be >= 0",
        ),
        (
            lambda t: t["TopFee"][0]["Custom"][0].pop("DestCountry"),
            "delivery_template.TopFee[0].Custom[0].DestCountry is required",
        ),
        (
            lambda t: t["TopFee"][0]["Custom"][0].update(AddStandards="1"),
            "delivery_template.TopFee[0].Custom[0].AddStandards must be an integer",
        ),
    ],
)
def test_express_add_validates_the_template(api, mutate, errmsg):
    answer = api.post("/merchant/express/add", _template_with(mutate))

    assert answer == {"errcode": 40097, "errmsg": f"invalid args: {errmsg}"}
    assert api.get("/merchant/express/getall")["templates_info"] == []


def test_express_calls_need_an_existing_template(api):
    for path in ("del", "getbyid"):
        assert api.post(f"/merchant/express/{path}", {"template_id": 7})["errmsg"] == (
            "invalid args: template_id 7 does not exist"
        )
    assert api.post("/merchant/express/update", {"template_id": 7, **template_body()})["errmsg"] == (
        "invalid args: template_id 7 does not exist"
    )


def test_express_getall_is_a_get(api):
    assert api.post("/merchant/express/getall", {}) == {"errcode": 43001, "errmsg": "require GET method"}


# --- groups -----------------------------------------------------------------------------------------------------


def _product(api, images):
    return api.create_product(uniform_body(images))


def test_group_lifecycle(api, images):
    first, second = _product(api, images), _product(api, images)

    group_id = api.ok("/merchant/group/add", {"group_detail": {"group_name": "新品", "product_list": [first]}})[
        "group_id"
    ]
    api.ok("/merchant/group/propertymod", {"group_id": group_id, "group_name": "夏季新品"})
    api.ok(
        "/merchant/group/productmod",
        {
            "group_id": group_id,
            "product": [{"product_id": second, "mod_action": 1}, {"product_id": first, "mod_action": 0}],
        },
    )
    detail = api.ok("/merchant/group/getbyid", {"group_id": group_id})
    every = api.get("/merchant/group/getall")

    assert group_id == 1
    assert detail["group_detail"] == {"group_id": 1, "group_name": "夏季新品", "product_list": [second]}
    assert every["groups_detail"] == [{"group_id": 1, "group_name": "夏季新品"}]
    assert [e["fields"] for e in api.applied() if e["endpoint"].startswith("/merchant/group/")] == [
        {"group_id": 1, "group_name": "新品", "product_list": [first]},
        {"group_id": 1, "group_name": "夏季新品"},
        {
            "group_id": 1,
            "product": [{"product_id": second, "mod_action": 1}, {"product_id": first, "mod_action": 0}],
        },
    ]

    api.ok("/merchant/group/del", {"group_id": group_id})
    assert api.get("/merchant/group/getall")["groups_detail"] == []


def test_group_productmod_is_idempotent_per_product(api, images):
    product_id = _product(api, images)
    group_id = api.ok("/merchant/group/add", {"group_detail": {"group_name": "茶", "product_list": [product_id]}})[
        "group_id"
    ]

    api.ok(
        "/merchant/group/productmod", {"group_id": group_id, "product": [{"product_id": product_id, "mod_action": 1}]}
    )

    assert api.ok("/merchant/group/getbyid", {"group_id": group_id})["group_detail"]["product_list"] == [product_id]


@pytest.mark.parametrize(
    ("body", "errmsg"),
    [
        ({"group_detail": {"product_list": []}}, "group_detail.group_name is required"),
        (
            {"group_detail": {"group_name": "x", "product_list": ["pDF3iYnope"]}},
            "group_detail.product_list[0] pDF3iYnope is not an existing product",
        ),
        ({}, "group_detail is required"),
    ],
)
def test_group_add_rules(api, body, errmsg):
    assert api.post("/merchant/group/add", body) == {"errcode": 40097, "errmsg": f"invalid args: {errmsg}"}


def test_group_productmod_rules_change_nothing_when_one_item_is_wrong(api, images):
    product_id = _product(api, images)
    group_id = api.ok("/merchant/group/add", {"group_detail": {"group_name": "茶", "product_list": []}})["group_id"]

    bad_action = api.post(
        "/merchant/group/productmod",
        {
            "group_id": group_id,
            "product": [{"product_id": product_id, "mod_action": 1}, {"product_id": product_id, "mod_action": 2}],
        },
    )
    missing_product = api.post(
        "/merchant/group/productmod",
        {"group_id": group_id, "product": [{"product_id": "pDF3iYnope", "mod_action": 1}]},
    )
    missing_group = api.post("/merchant/group/productmod", {"group_id": 99, "product": []})

    assert bad_action["errmsg"] == "invalid args: product[1].mod_action must be one of 0, 1"
    assert missing_product["errmsg"] == "invalid args: product[0].product_id pDF3iYnope is not an existing product"
    assert missing_group["errmsg"] == "invalid args: group_id 99 does not exist"
    assert api.ok("/merchant/group/getbyid", {"group_id": group_id})["group_detail"]["product_list"] == []


# --- shelves ----------------------------------------------------------------------------------------------------


@pytest.fixture
def groups(api, images):
    product_id = _product(api, images)
    return [
        api.ok("/merchant/group/add", {"group_detail": {"group_name": name, "product_list": [product_id]}})["group_id"]
        for name in ("新品", "热卖", "茶叶", "礼盒", "特价")
    ]


def _modules(groups, image):
    g1, g2, g3, g4, g5 = groups
    return [
        {"group_info": {"group_id": g1, "filter": {"count": 4}}, "eid": 1},
        {"group_infos": {"groups": [{"group_id": g1}, {"group_id": g2}, {"group_id": g3}, {"group_id": g4}]}, "eid": 2},
        {"group_info": {"group_id": g3, "img": image}, "eid": 3},
        {
            "group_infos": {
                "groups": [
                    {"group_id": g2, "img": image},
                    {"group_id": g3, "img": image},
                    {"group_id": g5, "img": image},
                ]
            },
            "eid": 4,
        },
    ]


def test_shelf_with_controls_one_to_four(api, images, groups):
    body = {
        "shelf_data": {"module_infos": _modules(groups, images[1])},
        "shelf_banner": images[0],
        "shelf_name": "首页",
    }

    shelf_id = api.ok("/merchant/shelf/add", body)["shelf_id"]
    fetched = api.ok("/merchant/shelf/getbyid", {"shelf_id": shelf_id})
    every = api.get("/merchant/shelf/getall")

    expected = {
        "shelf_info": body["shelf_data"],
        "shelf_banner": images[0],
        "shelf_name": "首页",
        "shelf_id": shelf_id,
    }
    assert shelf_id == 1
    assert fetched == {"errcode": 0, "errmsg": "success", **expected}
    assert every == {"errcode": 0, "errmsg": "success", "shelves": [expected]}


def test_shelf_with_control_five_alone(api, images, groups):
    body = {
        "shelf_data": {
            "module_infos": [
                {"group_infos": {"groups": [{"group_id": g} for g in groups], "img_background": images[2]}, "eid": 5}
            ]
        },
        "shelf_name": "全部分组",
    }

    shelf_id = api.ok("/merchant/shelf/add", body)["shelf_id"]

    assert api.ok("/merchant/shelf/getbyid", {"shelf_id": shelf_id})["shelf_banner"] == ""


def test_shelf_mod_and_del(api, images, groups):
    body = {"shelf_data": {"module_infos": _modules(groups, images[1])[:1]}, "shelf_banner": "", "shelf_name": "首页"}
    shelf_id = api.ok("/merchant/shelf/add", body)["shelf_id"]

    api.ok("/merchant/shelf/mod", {"shelf_id": shelf_id, **body, "shelf_name": "首页2"})
    renamed = api.ok("/merchant/shelf/getbyid", {"shelf_id": shelf_id})["shelf_name"]
    api.ok("/merchant/shelf/del", {"shelf_id": shelf_id})

    assert renamed == "首页2"
    assert api.get("/merchant/shelf/getall")["shelves"] == []
    assert api.post("/merchant/shelf/getbyid", {"shelf_id": shelf_id})["errmsg"] == (
        f"invalid args: shelf_id {shelf_id} does not exist"
    )


def test_a_group_on_a_shelf_cannot_be_deleted(api, images, groups):
    body = {"shelf_data": {"module_infos": _modules(groups, images[1])[:1]}, "shelf_name": "首页"}
    api.ok("/merchant/shelf/add", body)

    answer = api.post("/merchant/group/del", {"group_id": groups[0]})

    assert answer == {"errcode": 40097, "errmsg": f"invalid args: group_id {groups[0]} is used by shelf 1"}


FOREIGN = "http://mmbiz.qpic.cn/mmbiz/elsewhere/0"
M0 = "shelf_data.module_infos[0]"
UPLOADED = "uploaded"


def _eid5(g, i):
    return {"group_infos": {"groups": [{"group_id": g[0]}], "img_background": i}, "eid": 5}


# (modules built from the group ids g and an uploaded image i, shelf_banner, errmsg)
SHELF_RULES = [
    (lambda g, i: [{"eid": 6}], "", f"{M0}.eid must be one of 1, 2, 3, 4, 5"),
    (lambda g, i: [{"group_info": {"group_id": g[0]}, "eid": 1}], "", f"{M0}.group_info.filter is required"),
    (
        lambda g, i: [{"group_info": {"group_id": g[0], "filter": {"count": 0}}, "eid": 1}],
        "",
        f"{M0}.group_info.filter.count must be >= 1",
    ),
    (
        lambda g, i: [{"group_info": {"group_id": 999, "filter": {"count": 2}}, "eid": 1}],
        "",
        f"{M0}.group_info.group_id 999 is not an existing group",
    ),
    (
        lambda g, i: [{"group_infos": {"groups": [{"group_id": x} for x in g]}, "eid": 2}],
        "",
        f"{M0}.group_infos.groups holds at most 4 groups for eid 2",
    ),
    (lambda g, i: [{"group_info": {"group_id": g[0]}, "eid": 3}], "", f"{M0}.group_info.img must be an image URL"),
    (
        lambda g, i: [{"group_info": {"group_id": g[0], "img": FOREIGN}, "eid": 3}],
        "",
        f"{M0}.group_info.img {FOREIGN} is not an image uploaded with common/upload_img",
    ),
    (
        lambda g, i: [{"group_infos": {"groups": [{"group_id": x, "img": i} for x in g[:4]]}, "eid": 4}],
        "",
        f"{M0}.group_infos.groups holds at most 3 groups for eid 4",
    ),
    (
        lambda g, i: [{"group_infos": {"groups": [{"group_id": g[0]}]}, "eid": 4}],
        "",
        f"{M0}.group_infos.groups[0].img must be an image URL",
    ),
    (
        lambda g, i: [{"group_infos": {"groups": [{"group_id": g[0]}]}, "eid": 5}],
        "",
        f"{M0}.group_infos.img_background must be an image URL",
    ),
    (
        lambda g, i: [_modules(g, i)[0], _eid5(g, i)],
        "",
        "shelf_data.module_infos: control eid 5 cannot be combined with other controls",
    ),
    (lambda g, i: [_eid5(g, i)], UPLOADED, "shelf_banner is not allowed with control eid 5"),
    (_modules, FOREIGN, f"shelf_banner {FOREIGN} is not an image uploaded with common/upload_img"),
    (lambda g, i: [], "", "shelf_data.module_infos must not be empty"),
]


@pytest.mark.parametrize(("modules", "banner", "errmsg"), SHELF_RULES)
def test_shelf_rules(api, images, groups, modules, banner, errmsg):
    image = images[1]
    body = {
        "shelf_data": {"module_infos": modules(groups, image)},
        "shelf_banner": image if banner == UPLOADED else banner,
        "shelf_name": "首页",
    }

    answer = api.post("/merchant/shelf/add", body)

    assert answer == {"errcode": 40097, "errmsg": f"invalid args: {errmsg}"}
    assert api.get("/merchant/shelf/getall")["shelves"] == []


def test_shelf_needs_a_name(api, images, groups):
    answer = api.post("/merchant/shelf/add", {"shelf_data": {"module_infos": _modules(groups, images[1])}})

    assert answer == {"errcode": 40097, "errmsg": "invalid args: shelf_name is required"}
