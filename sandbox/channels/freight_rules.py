"""The Channels store's freight template rules (reference §3.5): ``freight_template`` of addfreighttemplate and
updatefreighttemplate. The platform sends enums as strings; numbers are accepted too (README, "Freight templates")."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.channels.codes import (
    ERR_BAD_AREA,
    ERR_DEFAULT_RULE_ADDRESS,
    ERR_DEFAULT_RULE_MISSING,
    ERR_NATIONWIDE_NO_SHIP,
    ERR_NO_SHIP_FROM,
    ERR_SEND_TIME,
    ERR_TOO_MANY_CALC_RULES,
    ERR_TOO_MANY_CONDITIONS,
    ERR_TOO_MANY_EXPRESS,
    fail,
)
from sandbox.channels.seed import PROVINCES, SEND_TIMES
from sandbox.core.validation import (
    check_number,
    invalid_args,
    join_path,
    read_choice,
    read_dict,
    read_int,
    read_list,
    read_str,
)

EXPRESS_COMPANIES_MAX = 10
CONDITION_RULES_MAX = 20
CALC_RULES_MAX = 50
VALUATION_TYPES = {"PIECE": "PIECE", "WEIGHT": "WEIGHT", 1: "PIECE", 2: "WEIGHT"}
DELIVERY_TYPES = {"EXPRESS": "EXPRESS", 1: "EXPRESS"}
SHIPPING_METHODS = {"FREE": "FREE", "CONDITION_FREE": "CONDITION_FREE", "NO_FREE": "NO_FREE"} | {
    1: "FREE",
    2: "CONDITION_FREE",
    3: "NO_FREE",
}
CALC_FIELDS = ("first_val_amount", "first_price", "second_val_amount", "second_price")


def _flag(data: dict[str, Any], key: str, path: str) -> bool:
    """A boolean the platform shows both as true/false and as 0/1 (§3.5 Conflict)."""
    value = data.get(key, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise invalid_args(f"{path} must be a boolean (or 0/1)")


def _address(value: Any, path: str, *, required: bool) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid_args(f"{path} must be an object")
    province = value.get("province_name")
    if province is None or province == "":
        if required:
            raise fail(ERR_NO_SHIP_FROM, f"{path}.province_name is required (the ship-from address)")
        raise invalid_args(f"{path}.province_name is required")
    if province not in PROVINCES:
        raise fail(ERR_BAD_AREA, f"{path}.province_name {province!r} is not a province")
    for key in ("city_name", "county_name", "detail_info"):
        read_str(value, key, prefix=path, required=False, allow_empty=True)
    return value


def _addresses(data: dict[str, Any], key: str, path: str) -> list[dict[str, Any]]:
    items = read_list(data, key, prefix=path, required=False, allow_empty=True)
    return [_address(item, f"{join_path(path, key)}[{index}]", required=False) for index, item in enumerate(items)]


def validate_freight_template(body: dict[str, Any]) -> dict[str, Any]:
    """§3.5 ``freight_template``. Returns the stored copy: enums as strings, ``is_default`` as booleans."""
    template = copy.deepcopy(read_dict(body, "freight_template"))
    prefix = "freight_template"
    read_str(template, "name", prefix=prefix)
    template["valuation_type"] = read_choice(template, "valuation_type", VALUATION_TYPES, prefix=prefix)
    send_time = template.get("send_time")
    if send_time not in SEND_TIMES:
        raise fail(ERR_SEND_TIME, f"{prefix}.send_time {send_time!r} is not a known send_time")
    if template.get("address_info") is None:
        raise fail(ERR_NO_SHIP_FROM, f"{prefix}.address_info (the ship-from address) is required")
    _address(template["address_info"], f"{prefix}.address_info", required=True)
    template["delivery_type"] = read_choice(template, "delivery_type", DELIVERY_TYPES, prefix=prefix, default="EXPRESS")
    delivery_ids = read_list(template, "delivery_id", prefix=prefix, required=False, allow_empty=True)
    if not all(isinstance(item, str) and item for item in delivery_ids):
        raise invalid_args(f"{prefix}.delivery_id must be a list of express company ids")
    if len(delivery_ids) > EXPRESS_COMPANIES_MAX:
        raise fail(ERR_TOO_MANY_EXPRESS, f"{prefix}.delivery_id names more than {EXPRESS_COMPANIES_MAX} companies")
    template["delivery_id"] = delivery_ids
    method = template["shipping_method"] = read_choice(template, "shipping_method", SHIPPING_METHODS, prefix=prefix)
    template["all_condition_free_detail"] = _condition_free(template, prefix, required=method == "CONDITION_FREE")
    template["all_freight_calc_method"] = _calc_methods(template, prefix, required=method != "FREE")
    area = read_dict(template, "not_send_area", prefix=prefix, required=False)
    area_path = f"{prefix}.not_send_area"
    excluded = _addresses(area, "address_info", area_path)
    provinces = {item["province_name"] for item in excluded if not item.get("city_name")}
    if provinces >= set(PROVINCES):
        raise fail(ERR_NATIONWIDE_NO_SHIP, f"{area_path} may not exclude the whole country")
    template["not_send_area"] = {"address_info": excluded}
    template["is_default"] = _flag(template, "is_default", f"{prefix}.is_default")
    return template


def _condition_free(template: dict[str, Any], prefix: str, *, required: bool) -> dict[str, Any]:
    detail = read_dict(template, "all_condition_free_detail", prefix=prefix, required=False)
    path = f"{prefix}.all_condition_free_detail"
    rules = read_list(detail, "condition_free_detail_list", prefix=path, required=required, allow_empty=not required)
    if len(rules) > CONDITION_RULES_MAX:
        raise fail(ERR_TOO_MANY_CONDITIONS, f"{path} holds more than {CONDITION_RULES_MAX} rules")
    for index, rule in enumerate(rules):
        rule_path = f"{path}.condition_free_detail_list[{index}]"
        if not isinstance(rule, dict):
            raise invalid_args(f"{rule_path} must be an object")
        if not _addresses(rule, "address_infos", rule_path):
            raise invalid_args(f"{rule_path}.address_infos must not be empty")
        limits = [rule.get(key) for key in ("min_piece", "min_weight", "min_amount")]
        for key, value in zip(("min_piece", "min_weight", "min_amount"), limits, strict=True):
            if value is not None:
                check_number(value, f"{rule_path}.{key}")
        if not any(limits):
            raise invalid_args(f"{rule_path} needs min_piece, min_weight or min_amount")
    return {"condition_free_detail_list": rules}


def _calc_methods(template: dict[str, Any], prefix: str, *, required: bool) -> dict[str, Any]:
    """Pricing rules: exactly one default rule (no address), the others each for their addresses."""
    methods = read_dict(template, "all_freight_calc_method", prefix=prefix, required=False)
    path = f"{prefix}.all_freight_calc_method"
    rules = read_list(methods, "freight_calc_method_list", prefix=path, required=False, allow_empty=True)
    if len(rules) > CALC_RULES_MAX:
        raise fail(ERR_TOO_MANY_CALC_RULES, f"{path} holds more than {CALC_RULES_MAX} rules")
    defaults = 0
    for index, rule in enumerate(rules):
        rule_path = f"{path}.freight_calc_method_list[{index}]"
        if not isinstance(rule, dict):
            raise invalid_args(f"{rule_path} must be an object")
        rule["is_default"] = _flag(rule, "is_default", f"{rule_path}.is_default")
        for key in CALC_FIELDS:
            read_int(rule, key, prefix=rule_path, minimum=0)
        read_str(rule, "delivery_id", prefix=rule_path, required=False, allow_empty=True)
        addresses = _addresses(rule, "address_infos", rule_path)
        if rule["is_default"]:
            defaults += 1
            if addresses:
                raise fail(ERR_DEFAULT_RULE_ADDRESS, f"{rule_path} is the default rule and may not name addresses")
        elif not addresses:
            raise invalid_args(f"{rule_path}.address_infos must not be empty (only the default rule has none)")
    if required and defaults == 0:
        raise fail(ERR_DEFAULT_RULE_MISSING, f"{path} needs a default rule (is_default true)")
    if defaults > 1:
        raise invalid_args(f"{path} holds {defaults} default rules; only one is allowed")
    return {"freight_calc_method_list": rules}
