"""Freight template bodies for the Channels store (API reference §3.5): golden files, PayloadErrors, read back."""

import pytest

from channels_sync.platforms.channels.constants import PROVINCES
from channels_sync.platforms.channels.freight_payloads import freight_template_payload
from channels_sync.platforms.channels.parsers import RemoteFreightTemplate, parse_freight_template
from channels_sync.platforms.channels.payloads import PayloadError
from products.selectors import FeeRuleSnapshot
from tests.unit.platforms.channels.builders import EMS, EXPRESS, SURFACE_MAIL, fee, freight_template


def test_buyer_pays_template_matches_golden(golden):
    payload = freight_template_payload(freight_template())

    golden("freight_template_no_free", payload)
    template = payload["freight_template"]
    assert template["address_info"] == {
        "province_name": "广东省",
        "city_name": "深圳市",
        "county_name": "南山区",
        "detail_info": "科技园科苑路 15 号",
        "user_name": "李店长",
        "tel_number": "0755-86000000",
        "postal_code": "518057",
    }
    assert (template["delivery_type"], template["delivery_id"], template["is_default"]) == ("EXPRESS", [], True)
    assert template["all_condition_free_detail"] == {"condition_free_detail_list": []}
    assert template["not_send_area"] == {
        "address_info": [
            {"province_name": "香港特别行政区", "city_name": "", "county_name": ""},
            {"province_name": "台湾省", "city_name": "台北市", "county_name": ""},
        ]
    }


def test_calc_methods_are_the_express_rules_default_first_then_by_province_and_city():
    methods = freight_template_payload(freight_template())["freight_template"]["all_freight_calc_method"]

    # Surface mail and EMS rules are V1.17's: the Channels store ships by 快递 only.
    assert methods["freight_calc_method_list"] == [
        {"is_default": True, "first_val_amount": 1, "first_price": 1000, "second_val_amount": 1, "second_price": 500},
        {
            "is_default": False,
            "address_infos": [{"province_name": "新疆维吾尔自治区", "city_name": ""}],
            "first_val_amount": 1,
            "first_price": 2500,
            "second_val_amount": 1,
            "second_price": 1500,
        },
        {
            "is_default": False,
            "address_infos": [{"province_name": "新疆维吾尔自治区", "city_name": "乌鲁木齐市"}],
            "first_val_amount": 1,
            "first_price": 2000,
            "second_val_amount": 1,
            "second_price": 1000,
        },
        {
            "is_default": False,
            "address_infos": [{"province_name": "西藏自治区", "city_name": ""}],
            "first_val_amount": 1,
            "first_price": 2500,
            "second_val_amount": 1,
            "second_price": 1500,
        },
    ]


def test_conditional_free_shipping_sends_each_condition_with_its_flags(golden):
    snapshot = freight_template(
        shipping_method="CONDITION_FREE",
        free_conditions=(
            ("", "", None, None, 9900),
            ("广东省", "广州市", 2, None, None),
            ("浙江省", "", None, 1500, 5000),
            ("江苏省", "", None, 2000, None),
        ),
    )

    payload = freight_template_payload(snapshot)

    golden("freight_template_condition_free", payload)
    everywhere = [{"province_name": province, "city_name": ""} for province in PROVINCES]
    assert len(everywhere) == 34
    assert payload["freight_template"]["all_condition_free_detail"]["condition_free_detail_list"] == [
        {"address_infos": everywhere, "min_amount": 9900, "valuation_flag": 0, "amount_flag": 1},
        {
            "address_infos": [{"province_name": "广东省", "city_name": "广州市"}],
            "min_piece": 2,
            "valuation_flag": 1,
            "amount_flag": 0,
        },
        {
            "address_infos": [{"province_name": "浙江省", "city_name": ""}],
            "min_weight": 1.5,
            "min_amount": 5000,
            "valuation_flag": 1,
            "amount_flag": 1,
        },
        {
            "address_infos": [{"province_name": "江苏省", "city_name": ""}],
            "min_weight": 2,
            "valuation_flag": 1,
            "amount_flag": 0,
        },
    ]


@pytest.mark.parametrize(
    ("catalog", "platform"),
    [
        ("SendTime_FOUR_HOUR", "SendTime_FOUR_HOUR"),
        ("SendTime_TODAY", "SendTime_TWENTYFOUR_HOUR"),
        ("SendTime_TWENTYFOUR_HOUR", "SendTime_TWENTYFOUR_HOUR"),
        ("SendTime_FORTYEIGHT_HOUR", "SendTime_FOUTYEIGHT_HOUR"),
        ("SendTime_SEVENTYTWO_HOUR", "SendTime_THREE_DAY"),
        ("SendTime_FIVE_DAY", "SendTime_FIVE_DAY"),
    ],
)
def test_send_time_is_sent_in_the_platforms_spelling(catalog, platform):
    template = freight_template_payload(freight_template(send_time=catalog))["freight_template"]

    assert template["send_time"] == platform


def test_free_shipping_sends_one_default_rule_without_fees_whatever_the_v117_rules():
    snapshot = freight_template(
        shipping_method="FREE", assumer=1, fee_rules=(), free_conditions=(("", "", 1, None, None),)
    )

    template = freight_template_payload(snapshot)["freight_template"]

    assert template["all_freight_calc_method"] == {
        "freight_calc_method_list": [
            {"is_default": True, "first_val_amount": 1, "first_price": 0, "second_val_amount": 1, "second_price": 0}
        ]
    }
    # Conditions only mean something for CONDITION_FREE.
    assert template["all_condition_free_detail"] == {"condition_free_detail_list": []}


@pytest.mark.parametrize(
    ("snapshot", "field", "message"),
    [
        pytest.param(freight_template(name=" "), "freight_template.name", "the template has no name", id="no name"),
        pytest.param(
            freight_template(valuation_type="WEIGHT"),
            "freight_template.valuation_type",
            "only per-piece templates can be sent: the fee rules count items",
            id="weight template",
        ),
        pytest.param(
            freight_template(send_time="SendTime_SOON"),
            "freight_template.send_time",
            "unknown send time 'SendTime_SOON'",
            id="unknown send time",
        ),
        pytest.param(
            freight_template(shipping_method="SOMETIMES"),
            "freight_template.shipping_method",
            "unknown shipping method 'SOMETIMES'",
            id="unknown shipping method",
        ),
        pytest.param(
            freight_template(ship_from=(("province", ""), ("city", "深圳市"))),
            "freight_template.address_info.province_name",
            "no ship-from province",
            id="no ship-from province",
        ),
        pytest.param(
            freight_template(fee_rules=(fee(SURFACE_MAIL, start=800, add=300), fee(EMS, start=2000, add=800))),
            "freight_template.all_freight_calc_method",
            "no default fee rule for express (快递) shipping",
            id="no express rule",
        ),
        pytest.param(
            freight_template(fee_rules=(fee(EXPRESS, "北京市", start=800, add=300),)),
            "freight_template.all_freight_calc_method",
            "no default fee rule for express (快递) shipping",
            id="only regional express rules",
        ),
        pytest.param(
            freight_template(shipping_method="CONDITION_FREE"),
            "freight_template.all_condition_free_detail",
            "conditional free shipping needs at least one condition",
            id="condition free without condition",
        ),
        pytest.param(
            freight_template(shipping_method="CONDITION_FREE", free_conditions=(("广东省", "", None, None, None),)),
            "freight_template.all_condition_free_detail.condition_free_detail_list[0]",
            "a free-shipping condition needs a minimum number of items, weight or amount",
            id="condition without threshold",
        ),
    ],
)
def test_payload_error_names_the_field(snapshot, field, message):
    with pytest.raises(PayloadError) as caught:
        freight_template_payload(snapshot)

    assert (caught.value.field, caught.value.message) == (field, message)


# --- Reading templates back -------------------------------------------------------------------------------------------


def test_a_built_template_reads_back_to_its_snapshot_values():
    snapshot = freight_template(
        shipping_method="CONDITION_FREE", free_conditions=(("", "", None, None, 9900), ("浙江省", "", 3, 1500, None))
    )
    body = freight_template_payload(snapshot)["freight_template"]

    template = parse_freight_template({**body, "template_id": "7000000001", "create_time": 1700000000})

    assert template.template_id == "7000000001"
    assert (template.name, template.valuation_type, template.send_time) == (
        snapshot.name,
        snapshot.valuation_type,
        snapshot.send_time,
    )
    assert (template.shipping_method, template.is_default, template.delivery_type) == (
        "CONDITION_FREE",
        True,
        "EXPRESS",
    )
    assert template.ship_from == snapshot.ship_from
    express_rules = (rule for rule in snapshot.fee_rules if rule.express_type == EXPRESS)
    assert template.fee_rules == tuple(sorted(express_rules, key=lambda rule: (rule.dest_province, rule.dest_city)))
    assert template.free_conditions == snapshot.free_conditions
    assert template.not_served_areas == snapshot.not_served_areas
    assert (template.create_time, template.update_time) == (1700000000, None)


def test_a_template_in_the_documented_example_shape_reads_with_numbers_as_flags_and_address_info_names():
    # [ZSM]'s example: is_default 0, not_send_area.address_info, the calc method's addresses as address_info.
    template = parse_freight_template(
        {
            "template_id": "12345",
            "name": "偏远地区另计",
            "valuation_type": "PIECE",
            "send_time": "SendTime_TWENTYFOUR_HOUR",
            "address_info": {"province_name": "浙江省", "city_name": "杭州市"},
            "delivery_type": "EXPRESS",
            "delivery_id": ["SF", "ZTO"],
            "shipping_method": "NO_FREE",
            "all_condition_free_detail": {"condition_free_detail_list": []},
            "all_freight_calc_method": {
                "freight_calc_method_list": [
                    {
                        "is_default": 0,
                        "address_info": [
                            {"province_name": "青海省"},
                            {"province_name": "甘肃省", "city_name": "兰州市"},
                        ],
                        "first_val_amount": 1,
                        "first_price": 1200,
                        "second_val_amount": 2,
                        "second_price": 600,
                    },
                    {
                        "is_default": 1,
                        "first_val_amount": 1,
                        "first_price": 800,
                        "second_val_amount": 1,
                        "second_price": 400,
                    },
                ]
            },
            "is_default": 0,
            "not_send_area": {"address_info": [{"province_name": "西藏自治区"}]},
            "create_time": "1700000000",
            "update_time": 1700000600,
        }
    )

    assert template == RemoteFreightTemplate(
        template_id="12345",
        name="偏远地区另计",
        valuation_type="PIECE",
        send_time="SendTime_TWENTYFOUR_HOUR",
        delivery_type="EXPRESS",
        delivery_ids=("SF", "ZTO"),
        shipping_method="NO_FREE",
        is_default=False,
        ship_from=(
            ("province", "浙江省"),
            ("city", "杭州市"),
            ("county", ""),
            ("address", ""),
            ("contact", ""),
            ("phone", ""),
            ("postal_code", ""),
        ),
        fee_rules=(
            FeeRuleSnapshot(EXPRESS, "", "", "", 1, 800, 1, 400),
            FeeRuleSnapshot(EXPRESS, "中国", "甘肃省", "兰州市", 1, 1200, 2, 600),
            FeeRuleSnapshot(EXPRESS, "中国", "青海省", "", 1, 1200, 2, 600),
        ),
        free_conditions=(),
        not_served_areas=(("西藏自治区", "", ""),),
        create_time=1700000000,
        update_time=1700000600,
    )


def test_a_condition_naming_every_province_reads_back_as_everywhere_and_a_partial_one_as_its_first_region():
    everywhere = [{"province_name": province} for province in PROVINCES]
    template = parse_freight_template(
        {
            "send_time": "SendTime_FIVE_DAY",
            "all_condition_free_detail": {
                "condition_free_detail_list": [
                    {"address_infos": everywhere, "min_piece": 3},
                    {"address_infos": everywhere[:2], "min_amount": 100},
                    {"min_amount": 200},
                ]
            },
        }
    )

    assert template.free_conditions == (
        ("", "", 3, None, None),
        ("北京市", "", None, None, 100),
        ("", "", None, None, 200),
    )
    assert template.send_time == "SendTime_FIVE_DAY"


def test_not_send_area_under_address_infos_reads_too():
    template = parse_freight_template({"not_send_area": {"address_infos": [{"province_name": "西藏自治区"}]}})

    assert template.not_served_areas == (("西藏自治区", "", ""),)
    assert template.fee_rules == ()
    assert template.is_default is False
