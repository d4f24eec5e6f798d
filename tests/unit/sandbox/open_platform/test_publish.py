"""The emulated publishProduct (API reference §6, seed 004) over HTTP: the seed's example as it is, form-only
bodies, tokens, every required field and enum, the JSON-string fields, state per merchant, faults and reset."""

import json
from urllib.parse import urlencode

import pytest

from sandbox.open_platform.platform import PUBLISH_PATH
from tests.unit.platforms.open_platform.seed_examples import SEED_004_REQUEST, seed_form

FORM = "application/x-www-form-urlencoded"
DEMO_TOKEN, DEMO_MERCHANT = "demo-open-token", "open_demo_merchant"
JOINT_TOKEN, JOINT_MERCHANT = "test-open-token", "open_test_merchant"
EXAMPLE_MERCHANT = "open_example_merchant"


@pytest.fixture
def publish(server, http):
    def call(form: dict, *, content_type: str = FORM, status: int = 200) -> dict:
        response = http.post(
            server.url + PUBLISH_PATH,
            data=urlencode(form).encode("utf-8"),
            headers={"Content-Type": content_type},
            timeout=10,
        )
        assert response.status_code == status, response.text
        return response.json()

    return call


def refused(answer: dict) -> str:
    assert answer["success"] is False, answer
    assert answer["code"] == 400, answer
    return answer["message"]


def skus(**changes) -> str:
    items = json.loads(SEED_004_REQUEST["skuList"])
    items[0].update(changes)
    return json.dumps([{k: v for k, v in items[0].items() if v is not None}], ensure_ascii=False)


def test_the_seed_example_request_is_accepted_as_it_is(publish, sandbox):
    answer = publish(seed_form())

    assert answer == {"success": True, "code": 200, "message": "操作成功"}
    (product,) = sandbox.open_platform.snapshot(EXAMPLE_MERCHANT)["products"]
    assert product["supplierSpu"] == "SPU12345"
    assert product["skus"] == {"SKU12345": {"quantity": 100, "agreementPrice": 100}}
    assert product["product"]["salesChannelList"][0]["salesRegionList"] == ["区域1", "区域2"]


def test_a_known_supplier_spu_is_an_update_of_the_same_product(publish, sandbox, api):
    publish(seed_form(token=DEMO_TOKEN))
    publish(seed_form(token=DEMO_TOKEN, spuName="新名称", skuList=skus(quantity=7)))

    (product,) = sandbox.open_platform.snapshot(DEMO_MERCHANT)["products"]
    assert (product["spuName"], product["publishes"], product["skus"]["SKU12345"]["quantity"]) == ("新名称", 2, 7)
    applied = api.control("GET", "applied", params={"appid": DEMO_MERCHANT})["applied"]
    assert [(a["endpoint"], a["fields"]["created"], a["fields"]["skus"][0]["quantity"]) for a in applied] == [
        (PUBLISH_PATH, True, 100),
        (PUBLISH_PATH, False, 7),
    ]
    assert applied[0]["platform"] == "open_platform"


def test_state_is_kept_per_merchant(publish, sandbox):
    publish(seed_form(token=DEMO_TOKEN))

    assert len(sandbox.open_platform.snapshot(DEMO_MERCHANT)["products"]) == 1
    assert sandbox.open_platform.snapshot(JOINT_MERCHANT)["products"] == []
    assert sandbox.open_platform.snapshot("wx_demo_store") is None


def test_a_json_body_is_refused(server, http, sandbox):
    response = http.post(server.url + PUBLISH_PATH, json=SEED_004_REQUEST, timeout=10)

    assert response.status_code == 400
    assert response.json()["code"] == 400
    assert "application/x-www-form-urlencoded" in response.json()["message"]
    assert sandbox.open_platform.snapshot(EXAMPLE_MERCHANT)["products"] == []


def test_get_is_refused(server, http):
    answer = http.get(server.url + PUBLISH_PATH, timeout=10).json()

    assert (answer["success"], answer["code"]) == (False, 405)


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_missing_or_unknown_token_is_401(publish, token, sandbox):
    answer = publish(seed_form(token=token))

    assert (answer["success"], answer["code"]) == (False, 401)
    assert sandbox.open_platform.snapshot(EXAMPLE_MERCHANT)["products"] == []


@pytest.mark.parametrize(
    "field",
    [
        "supplierSpu",
        "spuName",
        "spuImage",
        "categoryId",
        "brandName",
        "keyword",
        "description",
        "pcIntroduction",
        "salesWay",
        "settlementWay",
        "deliveryWay",
        "deliveryTimeliness",
        "salesChannelList",
        "mediaList",
        "attributeList",
        "skuList",
    ],
)
def test_every_required_field_is_required(publish, field):
    assert refused(publish(seed_form(**{field: None}))) == f"参数错误: {field} is required"
    assert refused(publish(seed_form(**{field: " "}))) == f"参数错误: {field} must not be empty"


def test_optional_fields_may_be_left_out(publish):
    assert publish(seed_form(appIntroduction=None, timePeriodType=None))["success"] is True


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"salesWay": "RETAIL"}, "salesWay must be one of DIRECT_SELLING, CONSIGNMENT, DIRECT_SELLING_OR_CONSIGNMENT"),
        ({"settlementWay": "x"}, "settlementWay must be one of PROPORTIONAL, SETTLEMENT_PRICE"),
        ({"deliveryWay": "x"}, "deliveryWay must be one of FACTORY_DELIVERY, JD_DELIVERY, THIRD_PART_DELIVERY"),
        ({"timePeriodType": "WEEK"}, "timePeriodType must be one of HOUR, DAY"),
        ({"categoryId": "-1"}, "categoryId must be a positive integer"),
        ({"categoryId": "99999"}, "categoryId 99999 is not a known category"),
        # A Long in ASCII digits: "²" passes str.isdigit() (and once crashed int()), "１" is a full-width digit.
        ({"categoryId": "²"}, "categoryId must be a positive integer"),
        ({"categoryId": "１"}, "categoryId must be a positive integer"),
        ({"categoryId": "0"}, "categoryId must be a positive integer"),
        ({"categoryId": "9223372036854775808"}, "categoryId must be a positive integer"),
        ({"deliveryTimeliness": "٢٤"}, "deliveryTimeliness must be a number > 0"),
        ({"deliveryTimeliness": "1e1"}, "deliveryTimeliness must be a number > 0"),
        ({"deliveryTimeliness": "24\n"}, "deliveryTimeliness must be a number > 0"),
        ({"categoryId": "1\n"}, "categoryId must be a positive integer"),
        ({"deliveryTimeliness": "0"}, "deliveryTimeliness must be a number > 0"),
        ({"deliveryTimeliness": "soon"}, "deliveryTimeliness must be a number > 0"),
        ({"mediaList": "[{"}, "mediaList is not a valid JSON string"),
        ({"mediaList": "{}"}, "mediaList must be a JSON array"),
        ({"skuList": "[]"}, "skuList must not be empty"),
        (
            {"mediaList": '[{"mediaType":"GIF","mediaUrl":"u","mediaName":"n"}]'},
            "mediaList[0].mediaType must be one of MAIN_PICTURE, CAROUSEL_PICTURE, VIDEO_PICTURE, VIDEO",
        ),
        ({"mediaList": '[{"mediaType":"VIDEO","mediaName":"n"}]'}, "mediaList[0].mediaUrl is required"),
        ({"attributeList": '[{"attributeName":"颜色"}]'}, "attributeList[0].attributeValue is required"),
        (
            {"salesChannelList": '[{"salesChannel":"C","displayTimeStart":"2023-10-01","displayTimeEnd":"x"}]'},
            "salesChannelList[0].displayTimeStart must be a time written yyyy-MM-dd HH:mm:ss",
        ),
        (
            {
                "salesChannelList": '[{"salesChannel":"C","displayTimeStart":"2023-10-02 00:00:00",'
                '"displayTimeEnd":"2023-10-01 00:00:00","sevenDaysForReturn":1,"salesRegionList":["a"]}]'
            },
            "salesChannelList[0].displayTimeEnd must not be before displayTimeStart",
        ),
        (
            {
                "salesChannelList": '[{"salesChannel":"C","displayTimeStart":"2023-10-01 00:00:00",'
                '"displayTimeEnd":"2023-10-01 00:00:00","sevenDaysForReturn":true,"salesRegionList":["a"]}]'
            },
            "salesChannelList[0].sevenDaysForReturn must be 0 or 1",
        ),
        (
            {
                "salesChannelList": '[{"salesChannel":"C","displayTimeStart":"2023-10-01 00:00:00",'
                '"displayTimeEnd":"2023-10-01 00:00:00","sevenDaysForReturn":0,"salesRegionList":[]}]'
            },
            "salesChannelList[0].salesRegionList must not be empty",
        ),
        ({"skuList": skus(saleUnit=None)}, "skuList[0].saleUnit is required"),
        ({"skuList": skus(agreementPrice=0)}, "skuList[0].agreementPrice must be > 0"),
        ({"skuList": skus(referencePrice="120")}, "skuList[0].referencePrice must be a number"),
        ({"skuList": skus(agreementPrice=float("nan"))}, "skuList[0].agreementPrice must be a number"),
        ({"skuList": skus(minDeliveryQuantity=1.5)}, "skuList[0].minDeliveryQuantity must be a whole number"),
        ({"skuList": skus(quantity=-1)}, "skuList[0].quantity must be >= 0"),
        ({"skuList": skus(skuSpecs=[])}, "skuList[0].skuSpecs must not be empty"),
        ({"skuList": skus(skuSpecs=[{"specsCode": "S"}])}, "skuList[0].skuSpecs[0].specsName is required"),
        (
            {"skuList": skus(checkPriceMsgList=[{"outCheckPrice": 1, "attachment": "a"}])},
            "skuList[0].checkPriceMsgList[0].outCheckPriceUrl is required",
        ),
    ],
)
def test_each_rule_names_the_field(publish, changes, message, sandbox):
    assert refused(publish(seed_form(**changes))) == f"参数错误: {message}"
    assert sandbox.open_platform.snapshot(EXAMPLE_MERCHANT)["products"] == []


def test_two_skus_with_the_same_supplier_sku_are_refused(publish):
    item = json.loads(SEED_004_REQUEST["skuList"])[0]

    message = refused(publish(seed_form(skuList=json.dumps([item, item], ensure_ascii=False))))

    assert message == "参数错误: skuList supplierSku SKU12345 is given twice"


def test_a_field_given_twice_is_refused(server, http):
    body = urlencode(list(seed_form().items()) + [("spuName", "again")]).encode()

    answer = http.post(server.url + PUBLISH_PATH, data=body, headers={"Content-Type": FORM}, timeout=10).json()

    assert refused(answer) == "参数错误: spuName is given more than once"


def test_joint_operation_merchants_must_send_price_checks(publish):
    form = seed_form(token=JOINT_TOKEN, skuList=skus(checkPriceMsgList=None))

    assert refused(publish(form)) == "参数错误: skuList[0].checkPriceMsgList is required"
    assert publish(seed_form(token=DEMO_TOKEN, skuList=skus(checkPriceMsgList=None)))["success"] is True
    assert publish(seed_form(token=JOINT_TOKEN))["success"] is True


def test_tokens_can_be_added_through_the_config(publish, api, sandbox):
    api.control("POST", "config", {"open_platform_tokens": {"new-token": {"merchant": "m2", "joint_operation": True}}})

    assert publish(seed_form(token="new-token"))["success"] is True
    assert len(sandbox.open_platform.snapshot("m2")["products"]) == 1


def test_a_bad_token_config_changes_nothing(api, server, http):
    response = http.post(
        server.url + "/__sandbox__/config", json={"open_platform_tokens": {"t": {"merchant": ""}}}, timeout=10
    )

    assert response.status_code == 400


def test_faults_answer_in_the_platform_shape(publish, api, sandbox):
    api.control("POST", "faults", {"errcode_minus_one_next": 1, "paths": [PUBLISH_PATH]})
    assert publish(seed_form()) == {"success": False, "code": 500, "message": "系统错误 (system error)"}

    api.control("POST", "faults", {"errcode_next": 1, "errcode": 429, "errmsg": "请求过于频繁"})
    assert publish(seed_form()) == {"success": False, "code": 429, "message": "请求过于频繁"}
    assert sandbox.open_platform.snapshot(EXAMPLE_MERCHANT)["products"] == []


def test_a_dropped_answer_still_applies_the_publish(server, http, api, sandbox):
    api.control("POST", "faults", {"drop_response_next": 1, "drop_mode": "504", "paths": [PUBLISH_PATH]})

    response = http.post(
        server.url + PUBLISH_PATH, data=urlencode(seed_form()), headers={"Content-Type": FORM}, timeout=10
    )

    assert response.status_code == 504
    assert len(sandbox.open_platform.snapshot(EXAMPLE_MERCHANT)["products"]) == 1
    (effect,) = api.control("GET", "applied", params={"appid": EXAMPLE_MERCHANT})["applied"]
    assert effect["response_dropped"] is True


def test_a_full_reset_forgets_every_merchant(publish, api, sandbox):
    publish(seed_form(token=DEMO_TOKEN))

    api.control("POST", "reset", {})

    assert sandbox.open_platform.snapshot(DEMO_MERCHANT)["products"] == []
    assert api.control("GET", "applied", params={"appid": DEMO_MERCHANT})["applied"] == []


def test_reset_of_one_merchant_keeps_the_others(publish, sandbox):
    publish(seed_form(token=DEMO_TOKEN))
    publish(seed_form(token=JOINT_TOKEN))

    with sandbox.ctx.lock:
        sandbox.open_platform.reset(DEMO_MERCHANT)

    assert sandbox.open_platform.snapshot(DEMO_MERCHANT)["products"] == []
    assert len(sandbox.open_platform.snapshot(JOINT_MERCHANT)["products"]) == 1
