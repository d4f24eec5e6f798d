"""Postage templates (§2.4), groups (§2.1 rows 4.x) and shelves (§2.5) for WeChat Store V1.17."""

import pytest

from channels_sync.platforms.wechat_store.catalog_payloads import (
    freight_template_payload,
    group_payload,
    group_product_changes,
    group_productmod_payload,
    shelf_payload,
)
from channels_sync.platforms.wechat_store.parsers import (
    RemoteFreightTemplate,
    RemoteShelf,
    RemoteShelfGroup,
    RemoteShelfModule,
    parse_delivery_template,
    parse_shelf,
)
from channels_sync.platforms.wechat_store.payloads import PayloadError
from products.selectors import ShelfModuleSnapshot
from tests.unit.platforms.wechat_store.builders import (
    GROUP_REMOTE_IDS,
    IMAGE_URLS,
    background_shelf,
    fee,
    freight_template,
    group,
    image_url,
    shelf,
)

# --- Postage templates ----------------------------------------------------------------------------------------------


def test_freight_template_matches_golden(golden):
    payload = freight_template_payload(freight_template())

    golden("freight_template", payload)
    template = payload["delivery_template"]
    assert (template["Name"], template["Assumer"], template["Valuation"]) == ("默认运费", 0, 0)
    # Sorted by Type; EMS (10000029) has no default rule and is left out.
    assert [top["Type"] for top in template["TopFee"]] == [10000027, 10000028]
    assert template["TopFee"][0] == {
        "Type": 10000027,
        "Normal": {"StartStandards": 1, "StartFees": 800, "AddStandards": 1, "AddFees": 400},
        "Custom": [],
    }
    # Regional rules sorted by province, then city; an empty country is sent as 中国.
    assert [(c["DestCountry"], c["DestProvince"], c["DestCity"]) for c in template["TopFee"][1]["Custom"]] == [
        ("中国", "北京市", ""),
        ("中国", "广东省", "广州市"),
        ("中国", "广东省", "深圳市"),
    ]


def test_freight_template_read_back_gives_the_catalog_rules():
    snapshot = freight_template()
    sent = freight_template_payload(snapshot)["delivery_template"]

    parsed = parse_delivery_template({"Id": 103312920, **sent})

    assert parsed == RemoteFreightTemplate(
        remote_id=103312920,
        name="默认运费",
        assumer=0,
        valuation=0,
        fee_rules=(
            fee(10000027, start=800, add=400),
            fee(10000028, start=1000, add=500),
            fee(10000028, "北京市", country="中国", start=1500, add=800),
            fee(10000028, "广东省", "广州市", country="中国", start=500, add=100),
            fee(10000028, "广东省", "深圳市", country="中国", start=600, add=200),
        ),
    )


def test_freight_template_without_any_default_rule_is_a_payload_error():
    snapshot = freight_template(fee_rules=(fee(10000029, "新疆维吾尔自治区", start=3000, add=1500),))

    with pytest.raises(PayloadError) as caught:
        freight_template_payload(snapshot)

    assert caught.value.field == "delivery_template.TopFee"
    assert caught.value.message == "no express type has a default fee rule"


def test_freight_template_priced_by_weight_is_a_payload_error():
    with pytest.raises(PayloadError) as caught:
        freight_template_payload(freight_template(valuation=1))

    assert caught.value.field == "delivery_template.Valuation"
    assert caught.value.message == "WeChat Store only supports per-item valuation"


# --- Groups ---------------------------------------------------------------------------------------------------------------


def test_group_payload_lists_only_bound_products_sorted(golden):
    product_remote_ids = {5: "pDF3iY9cEWyMimNlKbik_NYJTzYU", 1: "pDF3iY4kpZagQfwJ_LVQBaOC-LsM", 4: ""}

    payload = group_payload(group(), product_remote_ids)

    golden("group", payload)
    assert payload == {
        "group_detail": {
            "group_name": "新品上架",
            "product_list": ["pDF3iY4kpZagQfwJ_LVQBaOC-LsM", "pDF3iY9cEWyMimNlKbik_NYJTzYU"],
        }
    }


def test_group_without_a_name_is_a_payload_error():
    with pytest.raises(PayloadError) as caught:
        group_payload(group(name=" "), {})

    assert caught.value.field == "group_detail.group_name"


def test_group_product_changes_remove_and_add_sorted_by_product_id():
    now = {"pB", "pD", "pA"}
    wanted = {"pA", "pC", "pE"}

    changes = group_product_changes(now, wanted)

    assert changes == [
        {"product_id": "pB", "mod_action": 0},
        {"product_id": "pC", "mod_action": 1},
        {"product_id": "pD", "mod_action": 0},
        {"product_id": "pE", "mod_action": 1},
    ]


def test_group_product_changes_are_empty_when_the_remote_group_is_as_wanted():
    assert group_product_changes({"pA", "pB"}, {"pB", "pA"}) == []


def test_group_productmod_body():
    changes = group_product_changes({"pDF3iY-RewlAL3k8Ilz-6sjsepp9"}, {"pDF3iY-CgqlAL3k8Ilz-6sj0UYpk"})

    assert group_productmod_payload("28", changes) == {
        "group_id": 28,
        "product": [
            {"product_id": "pDF3iY-CgqlAL3k8Ilz-6sj0UYpk", "mod_action": 1},
            {"product_id": "pDF3iY-RewlAL3k8Ilz-6sjsepp9", "mod_action": 0},
        ],
    }


# --- Shelves ---------------------------------------------------------------------------------------------------------------


def test_shelf_with_controls_1_to_4_matches_golden(golden):
    payload = shelf_payload(shelf(), GROUP_REMOTE_IDS, IMAGE_URLS)

    golden("shelf_controls_1_to_4", payload)
    assert payload == {
        "shelf_data": {
            "module_infos": [
                {"eid": 1, "group_info": {"group_id": 50, "filter": {"count": 4}}},
                {"eid": 2, "group_infos": {"groups": [{"group_id": 49}, {"group_id": 50}, {"group_id": 51}]}},
                {"eid": 3, "group_info": {"group_id": 52, "img": image_url(41)}},
                {
                    "eid": 4,
                    "group_infos": {
                        "groups": [
                            {"group_id": 49, "img": image_url(42)},
                            {"group_id": 50, "img": image_url(43)},
                            {"group_id": 52, "img": image_url(44)},
                        ]
                    },
                },
            ]
        },
        "shelf_banner": image_url(40),
        "shelf_name": "测试货架",
    }


def test_shelf_with_control_5_has_a_background_and_no_banner_key(golden):
    payload = shelf_payload(background_shelf(), GROUP_REMOTE_IDS, IMAGE_URLS)

    golden("shelf_control_5", payload)
    assert payload == {
        "shelf_data": {
            "module_infos": [
                {
                    "eid": 5,
                    "group_infos": {
                        "groups": [
                            {"group_id": 200080093},
                            {"group_id": 200080118},
                            {"group_id": 200080119},
                            {"group_id": 200080135},
                        ],
                        "img_background": image_url(45),
                    },
                }
            ]
        },
        "shelf_name": "新新人类",
    }


def test_shelf_without_banner_leaves_the_banner_key_out():
    payload = shelf_payload(shelf(banner_asset_id=None), GROUP_REMOTE_IDS, IMAGE_URLS)

    assert "shelf_banner" not in payload


def test_shelf_control_images_of_controls_1_2_and_5_groups_are_not_sent():
    module = ShelfModuleSnapshot(control=2, product_count=None, background_asset_id=None, groups=((49, 41),))

    payload = shelf_payload(shelf(modules=(module,)), GROUP_REMOTE_IDS, IMAGE_URLS)

    assert payload["shelf_data"]["module_infos"] == [{"eid": 2, "group_infos": {"groups": [{"group_id": 49}]}}]


def test_shelf_read_back_gives_the_modules_sent():
    payload = shelf_payload(shelf(), GROUP_REMOTE_IDS, IMAGE_URLS)

    parsed = parse_shelf(payload)

    assert parsed == RemoteShelf(
        shelf_id=None,
        name="测试货架",
        banner=image_url(40),
        modules=(
            RemoteShelfModule(eid=1, groups=(RemoteShelfGroup(50, ""),), product_count=4, img_background=""),
            RemoteShelfModule(
                eid=2,
                groups=(RemoteShelfGroup(49, ""), RemoteShelfGroup(50, ""), RemoteShelfGroup(51, "")),
                product_count=None,
                img_background="",
            ),
            RemoteShelfModule(
                eid=3, groups=(RemoteShelfGroup(52, image_url(41)),), product_count=None, img_background=""
            ),
            RemoteShelfModule(
                eid=4,
                groups=(
                    RemoteShelfGroup(49, image_url(42)),
                    RemoteShelfGroup(50, image_url(43)),
                    RemoteShelfGroup(52, image_url(44)),
                ),
                product_count=None,
                img_background="",
            ),
        ),
    )


def module(control, groups, *, count=None, background=None):
    return ShelfModuleSnapshot(control=control, product_count=count, background_asset_id=background, groups=groups)


@pytest.mark.parametrize(
    ("snapshot", "field", "message"),
    [
        pytest.param(shelf(name=""), "shelf_name", "the shelf has no name", id="no name"),
        pytest.param(shelf(modules=()), "shelf_data.module_infos", "the shelf has no module", id="no module"),
        pytest.param(
            shelf(modules=(*shelf().modules, *background_shelf().modules), banner_asset_id=None),
            "shelf_data.module_infos",
            "control 5 cannot be combined with other modules",
            id="control 5 combined",
        ),
        pytest.param(
            background_shelf(banner_asset_id=40),
            "shelf_banner",
            "a shelf with control 5 has no banner",
            id="control 5 with banner",
        ),
        pytest.param(
            shelf(modules=(module(1, ((50, None),)),)),
            "shelf_data.module_infos[0].group_info.filter.count",
            "control 1 needs the number of products to show",
            id="control 1 without count",
        ),
        pytest.param(
            shelf(modules=(module(1, ((50, None), (51, None)), count=4),)),
            "shelf_data.module_infos[0].group_info",
            "control 1 takes 1 group(s), not 2",
            id="control 1 with two groups",
        ),
        pytest.param(
            shelf(modules=(module(2, tuple((g, None) for g in (43, 44, 45, 46, 49))),)),
            "shelf_data.module_infos[0].group_infos.groups",
            "control 2 takes 1 to 4 group(s), not 5",
            id="control 2 with five groups",
        ),
        pytest.param(
            shelf(modules=(module(4, ((49, 41), (50, 42), (51, 43), (52, 44))),)),
            "shelf_data.module_infos[0].group_infos.groups",
            "control 4 takes 1 to 3 group(s), not 4",
            id="control 4 with four groups",
        ),
        pytest.param(
            shelf(modules=(module(5, (), background=45),), banner_asset_id=None),
            "shelf_data.module_infos[0].group_infos.groups",
            "control 5 takes at least 1 group(s), not 0",
            id="control 5 without groups",
        ),
        pytest.param(
            shelf(modules=(module(3, ((52, None),)),)),
            "shelf_data.module_infos[0].group_info.img",
            "control 3 needs an image for each group",
            id="control 3 without image",
        ),
        pytest.param(
            shelf(modules=(module(4, ((49, 42), (50, None))),)),
            "shelf_data.module_infos[0].group_infos.groups[1].img",
            "control 4 needs an image for each group",
            id="control 4 without image",
        ),
        pytest.param(
            background_shelf(modules=(module(5, ((43, None),)),)),
            "shelf_data.module_infos[0].group_infos.img_background",
            "control 5 needs a background image",
            id="control 5 without background",
        ),
        pytest.param(
            shelf(modules=(module(2, ((49, None), (77, None))),)),
            "shelf_data.module_infos[0].group_infos.groups[1].group_id",
            "group 77 is not on WeChat Store yet",
            id="group not bound",
        ),
        pytest.param(
            shelf(modules=(module(6, ((49, None),)),)),
            "shelf_data.module_infos[0].eid",
            "unknown shelf control 6",
            id="unknown control",
        ),
    ],
)
def test_shelf_payload_error_names_the_field(snapshot, field, message):
    with pytest.raises(PayloadError) as caught:
        shelf_payload(snapshot, GROUP_REMOTE_IDS, IMAGE_URLS)

    assert caught.value.field == field
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("snapshot", "missing_asset", "field"),
    [
        pytest.param(shelf(), 40, "shelf_banner", id="banner"),
        pytest.param(shelf(), 41, "shelf_data.module_infos[2].group_info.img", id="control 3 image"),
        pytest.param(shelf(), 43, "shelf_data.module_infos[3].group_infos.groups[1].img", id="control 4 image"),
        pytest.param(background_shelf(), 45, "shelf_data.module_infos[0].group_infos.img_background", id="background"),
    ],
)
def test_shelf_image_without_a_platform_url_is_a_payload_error_naming_the_asset(snapshot, missing_asset, field):
    image_urls = {asset_id: url for asset_id, url in IMAGE_URLS.items() if asset_id != missing_asset}

    with pytest.raises(PayloadError) as caught:
        shelf_payload(snapshot, GROUP_REMOTE_IDS, image_urls)

    assert caught.value.field == field
    assert caught.value.asset_id == missing_asset
