"""The add/update rules of reference §3.3 and §3.8, each with its exact errcode, checked on add and (for a sample)
on update. Nothing is stored when a body is refused."""

import pytest

from tests.unit.sandbox.channels.builders import (
    CHANNELS_TEST_APP,
    FOOD,
    GIFT_CARD,
    NUTS,
    SNACKS,
    cats,
    gift_card_body,
    template_body,
    tshirt_body,
)

ADD = "/channels/ec/product/add"


def _set(path, value):
    """A body mutation: set (or, with ``...``, delete) the value at a dotted path ("skus.0.sale_price")."""

    def mutate(body, env):
        *parents, last = path.split(".")
        target = body
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        key = int(last) if last.isdigit() else last
        resolved = value(body, env) if callable(value) else value
        if resolved is ...:
            del target[key]
        else:
            target[key] = resolved

    return mutate


def _sku(**fields):
    return lambda body, env: [{**body["skus"][0], **fields}]


def _duplicate_skus(body, env):
    return [body["skus"][0], {**body["skus"][0], "out_sku_id": "another"}]


def _many_sizes(count):
    def skus(body, env):
        return [
            {"sale_price": 100, "stock_num": 1, "sku_attrs": [{"attr_key": "尺码", "attr_value": f"S{index}"}]}
            for index in range(count)
        ]

    return skus


RULES = [
    # title (10020020 empty, 10020042 short, 10020021 long, 10020045 characters)
    ("title missing", _set("title", ...), 10020020, "title is empty"),
    ("title blank", _set("title", "   "), 10020020, "title is empty"),
    ("title short", _set("title", "T恤 短袖"), 10020042, "title is too short: 4 effective characters, at least 5"),
    ("title long", _set("title", "纯" * 61), 10020021, "title is too long: 61 effective characters, at most 60"),
    ("title only latin", _set("title", "Classic Cotton Tee"), 10020045, "title must not be only letters, digits"),
    ("title bad char", _set("title", "正宗纯棉T恤√"), 10020045, "title holds the character '√', which is not allowed"),
    ("short_title long", _set("short_title", "短" * 21), 10020051, "short_title must be at most 20 characters"),
    ("out_product_id long", _set("out_product_id", "x" * 129), 10020036, "out_product_id must be at most 128"),
    # head images (10020022 none/too few, 10020023 too many/duplicate, 10020035 not an upload link)
    ("head_imgs missing", _set("head_imgs", ...), 10020022, "head_imgs is empty"),
    ("head_imgs empty", _set("head_imgs", []), 10020022, "head_imgs is empty"),
    ("head_imgs two", _set("head_imgs", lambda b, env: env["images"][:2]), 10020022, "needs at least 3"),
    ("head_imgs ten", _set("head_imgs", lambda b, env: env["images"][:1] * 10), 10020023, "at most 9"),
    (
        "head_imgs duplicate",
        _set("head_imgs", lambda b, env: [*env["images"][:3], env["images"][1]]),
        10020023,
        "head_imgs[3] repeats head_imgs[1]",
    ),
    (
        "head image elsewhere",
        _set("head_imgs.0", "http://img.example.com/a.jpg"),
        10020035,
        "head_imgs[0] must be an https://mmecimage.cn/p/ link from image upload (resp_type=1)",
    ),
    (
        "head image never uploaded",
        _set("head_imgs.0", "https://mmecimage.cn/p/wx_demo_channels/unknown"),
        10020035,
        "was not uploaded by this shop",
    ),
    (
        "head image of another shop",
        _set("head_imgs.0", lambda b, env: env["foreign_image"]),
        10020035,
        "was not uploaded by this shop",
    ),
    ("desc image", _set("desc_info.imgs", ["https://x.cn/a.png"]), 10020035, "desc_info.imgs[0] must be"),
    ("thumb image", _set("skus.0.thumb_img", "https://x.cn/a.png"), 10020035, "skus[0].thumb_img must be"),
    ("qualifications", _set("qualifications", ["q"] * 6), 10020027, "qualifications holds at most 5 items"),
    # categories (10020017 illegal, 10020011 old tree not 3 levels)
    ("no category", _set("cats_v2", ...), 10020017, "cats_v2 (or cats) is required"),
    ("not a leaf", _set("cats_v2", cats("1000", "1100")), 10020017, "cats_v2 must end with a leaf category"),
    ("unknown category", _set("cats_v2", cats("1000", "1100", "9999")), 10020017, "9999 is not a known category"),
    ("broken path", _set("cats_v2", cats("1000", "2100", "2101")), 10020017, "2100 is not a child of category 1000"),
    ("old cats two levels", _set("cats", cats("1000", "1100")), 10020011, "cats must hold exactly 3 levels, not 2"),
    # attributes (10020096 duplicate, 10020097 missing required, 10020098 bad value)
    (
        "attr twice",
        _set("attrs.1", {"attr_key": "材质", "attr_value": "莫代尔"}),
        10020096,
        "attrs[1].attr_key 材质 is given twice",
    ),
    ("required attr missing", _set("attrs", lambda b, env: b["attrs"][1:]), 10020097, "attrs misses 材质, required"),
    ("select_one value", _set("attrs.0.attr_value", "羊毛"), 10020098, "must be one of 纯棉, 莫代尔, 涤纶, 亚麻, 真丝"),
    ("select_many value", _set("attrs.2.attr_value", "春季;冬装"), 10020098, "holds 冬装; options are"),
    ("unit value", _set("attrs.3.attr_value", "230斤"), 10020098, "must be a number followed by one of the units g"),
    ("unknown attr", _set("attrs.3", {"attr_key": "产地", "attr_value": "新疆"}), 10020098, "产地 is not an attribute"),
    # brand, delivery, after-sale
    ("brand", _set("brand_id", "2100099999"), 10020088, "brand_id 2100099999 is not in the brand library"),
    (
        "no template",
        _set("express_info", ...),
        10020019,
        "express_info.template_id is required when deliver_method is 0",
    ),
    ("unknown template", _set("express_info.template_id", "404"), 10020019, "template_id 404 is not a freight"),
    (
        "weight",
        _set("express_info", lambda b, env: {"template_id": env["weight_template"]}),
        10020068,
        "express_info.weight is required",
    ),
    ("deliver_method 2", _set("deliver_method", 2), 10020051, "deliver_method must be one of 0, 1, 3"),
    ("no shipping", _set("deliver_method", 1), 10020069, "category 1101 does not allow deliver_method 1"),
    ("aftersale_desc", _set("aftersale_desc", "退" * 201), 10020095, "aftersale_desc must be at most 200 characters"),
    (
        "seven_day_return",
        _set("extra_service.seven_day_return", 3),
        10020051,
        "seven_day_return must be one of 0, 1, 2",
    ),
    # SKUs
    ("no skus", _set("skus", []), 10020013, "skus holds 0 SKUs; it must hold 1 to 500"),
    ("501 skus", _set("skus", _many_sizes(501)), 10020013, "skus holds 501 SKUs"),
    ("101 values of a key", _set("skus", _many_sizes(101)), 10020031, "sku_attrs key 尺码 has more than 100 values"),
    ("sale_price 0", _set("skus.0.sale_price", 0), 10020039, "skus[0].sale_price must be > 0"),
    ("sale_price high", _set("skus.0.sale_price", 1_000_000_001), 10020028, "sale_price must be at most 1000000000"),
    ("market below sale", _set("skus.0.market_price", 5800), 10020040, "skus[0].sale_price 5900 is above market_price"),
    ("stock high", _set("skus.0.stock_num", 10_000_001), 10020051, "skus[0].stock_num must be at most 10000000"),
    ("stock negative", _set("skus.0.stock_num", -1), 10020051, "skus[0].stock_num must be >= 0"),
    ("sku_code long", _set("skus.0.sku_code", "C" * 21), 10020029, "skus[0].sku_code must be at most 20"),
    ("out_sku_id long", _set("skus.0.out_sku_id", "s" * 129), 10020037, "skus[0].out_sku_id must be at most 128"),
    ("out_sku_id twice", _set("skus.1.out_sku_id", "tee-white-m"), 10020030, "skus[1].out_sku_id tee-white-m is used"),
    (
        "sales attribute",
        _set("skus.0.sku_attrs.0.attr_key", "材质"),
        10020012,
        "skus[0].sku_attrs[0].attr_key 材质 is not a sales attribute of category 1101",
    ),
    ("same combination", _set("skus", _duplicate_skus), 10020051, "skus[1].sku_attrs repeat the sku_attrs of skus[0]"),
    ("sale_price type", _set("skus.0.sale_price", "59"), 10020051, "skus[0].sale_price must be an integer"),
    ("listing flag", _set("listing", 2), 10020051, "listing must be one of 0, 1"),
]


@pytest.fixture
def env(channels, channel_images, template_id):
    weight = template_body("按重量计费", valuation_type="WEIGHT")
    return {
        "images": channel_images,
        "template_id": template_id,
        "weight_template": channels.ok("/channels/ec/merchant/addfreighttemplate", weight)["template_id"],
        "foreign_image": channels.image(9, appid=CHANNELS_TEST_APP[0]),
    }


@pytest.mark.parametrize(("mutate", "errcode", "errmsg"), [case[1:] for case in RULES], ids=[c[0] for c in RULES])
def test_add_rule(channels, env, mutate, errcode, errmsg):
    body = tshirt_body(env["images"], env["template_id"])
    mutate(body, env)

    answer = channels.error(ADD, body, errcode)

    assert errmsg in answer
    assert channels.shop()["products"] == []
    assert channels.applied(endpoint=ADD) == []


@pytest.mark.parametrize(
    ("mutate", "errcode"),
    [
        (_set("title", "短T恤"), 10020042),
        (_set("skus.0.market_price", 100), 10020040),
        (_set("attrs", []), 10020097),
        (_set("head_imgs", []), 10020022),
    ],
)
def test_update_applies_the_same_rules(channels, env, mutate, errcode):
    body = tshirt_body(env["images"], env["template_id"])
    product_id = channels.add(body)
    channels.advance(60)
    mutate(body, env)

    channels.error("/channels/ec/product/update", {"product_id": product_id, **body}, errcode)

    assert channels.draft(product_id)["edit_status"] == 4


def test_food_needs_four_head_images_and_its_attributes(channels, env):
    nuts = {
        "title": "每日坚果混合装 500g",
        "head_imgs": env["images"][:3],
        "cats_v2": cats(FOOD, SNACKS, NUTS),
        "attrs": [
            {"attr_key": "产地", "attr_value": "内蒙古"},  # append_allowed: a value outside the options
            {"attr_key": "净含量", "attr_value": "500g"},
            {"attr_key": "保质期", "attr_value": "180天"},
            {"attr_key": "生产许可证编号", "attr_value": "SC11634011200012"},
        ],
        "express_info": {"template_id": env["template_id"]},
        "skus": [{"sale_price": 4990, "stock_num": 20, "sku_attrs": [{"attr_key": "口味", "attr_value": "原味"}]}],
    }

    three = channels.error(ADD, nuts, 10020022)
    channels.add({**nuts, "head_imgs": env["images"][:4]})

    assert three == "head_imgs holds 3 images; category 2101 needs at least 4"


def test_delivery_methods_without_shipping(channels, env):
    card = gift_card_body(env["images"])

    channels.add(card)
    channels.add({**card, "deliver_method": 3, "deliver_acct_type": [1, 3]})
    no_accounts = channels.error(ADD, {**card, "deliver_method": 3}, 10020051)
    bad_account = channels.error(ADD, {**card, "deliver_method": 3, "deliver_acct_type": [5]}, 10020051)

    assert no_accounts == "invalid args: deliver_acct_type is required"
    assert bad_account == "invalid args: deliver_acct_type[0] must be one of 1, 2, 3, 4"
    assert GIFT_CARD in [cat["cat_id"] for cat in card["cats_v2"]]


def test_a_weight_template_accepts_a_weight(channels, env):
    body = tshirt_body(
        env["images"], env["template_id"], express_info={"template_id": env["weight_template"], "weight": 230}
    )

    product_id = channels.add(body)

    assert channels.draft(product_id)["express_info"] == {"template_id": env["weight_template"], "weight": 230}


def test_the_no_brand_id_and_market_price_equal_to_sale_price_are_accepted(channels, env):
    body = tshirt_body(env["images"], env["template_id"], brand_id="2100000000")
    body["skus"][0]["market_price"] = body["skus"][0]["sale_price"]
    body["skus"][1].pop("market_price")

    channels.add(body)


def test_bodies_that_are_not_json_objects(channels):
    empty = channels.raw("POST", ADD, data=b"").json()
    broken = channels.raw("POST", ADD, data=b"{title", headers={"Content-Type": "application/json"}).json()

    assert empty == {"errcode": 44002, "errmsg": "empty post data"}
    assert broken == {"errcode": 47001, "errmsg": "data format error: the body is not valid JSON"}
