"""WeChat Channels store freight templates (§3.5): a catalog freight template to the ``freight_template`` body of
the add and update calls. Pure, as ``payloads``."""

from channels_sync.platforms.errors import PayloadError
from products.selectors import FeeRuleSnapshot, FreightTemplateSnapshot

from .constants import (
    CHANNELS_EXPRESS_TYPE,
    DELIVERY_TYPE_EXPRESS,
    PLATFORM_SEND_TIMES,
    PROVINCES,
    SEND_TIMES_TO_PLATFORM,
    SHIPPING_CONDITION_FREE,
    SHIPPING_FREE,
    SHIPPING_NO_FREE,
    VALUATION_PIECE,
    JsonDict,
)

# --- Freight templates (§3.5) --------------------------------------------------------------------------------------


def freight_template_payload(snapshot: FreightTemplateSnapshot) -> JsonDict:
    """The ``merchant/addfreighttemplate`` body (§3.2, §3.5): ``{"freight_template": {...}}``.

    The reference names the fields but not every shape; the ones used here follow [WXJ]'s ``bean/freight``
    classes (assumptions marked):

    * ``name``, ``valuation_type`` (PIECE; a weight template is refused, since the catalog's fee rules count
      items), ``shipping_method`` and ``is_default`` (a boolean) as the template has them;
      ``delivery_type`` EXPRESS; ``delivery_id`` ``[]``: the catalog names no express companies (assumed to mean
      "any").
    * ``address_info`` is the ship-from address: ``province_name`` (required, 10021081), ``city_name``,
      ``county_name``, ``detail_info``, ``user_name``, ``tel_number``, ``postal_code``.
    * ``all_freight_calc_method.freight_calc_method_list``: the fee rules of 快递 (10000028). The normal rule is
      the default (``is_default`` true, no address: 10021053), each regional rule an entry with ``address_infos``
      [{province_name, city_name}], sorted by province and city. Each entry has ``first_val_amount``/
      ``first_price`` (first items and their fee) and ``second_val_amount``/``second_price`` (each further items
      and their fee), fees in fen. A FREE template costs nothing: it sends one default rule with zero fees,
      whatever fee rules the catalog keeps for V1.17.
    * ``send_time`` in the platform's spelling (see ``SEND_TIMES_TO_PLATFORM``: 48 hours is
      ``SendTime_FOUTYEIGHT_HOUR``, 72 hours ``SendTime_THREE_DAY``, same day becomes 24 hours).
    * ``all_condition_free_detail.condition_free_detail_list`` (CONDITION_FREE only, else empty): one entry per
      free condition: ``address_infos`` [{province_name, city_name}] (every province for a condition that holds
      everywhere: the list may not be empty), ``min_piece``, ``min_weight`` in kg (the catalog keeps grams),
      ``min_amount`` in fen, each only when set; ``valuation_flag``/``amount_flag`` say whether the piece/weight
      and the amount thresholds are set (0/1).
    * ``not_send_area.address_info`` (the reference's name; [WXJ] says ``address_infos``): the areas not served,
      ``{province_name, city_name, county_name}`` in the catalog's order.

    For ``updatefreighttemplate`` the client adds ``template_id``.
    """
    name = snapshot.name.strip()
    if not name:
        raise PayloadError("freight_template.name", "the template has no name")
    if snapshot.valuation_type != VALUATION_PIECE:
        raise PayloadError(
            "freight_template.valuation_type", "only per-piece templates can be sent: the fee rules count items"
        )
    if snapshot.shipping_method not in (SHIPPING_FREE, SHIPPING_CONDITION_FREE, SHIPPING_NO_FREE):
        raise PayloadError("freight_template.shipping_method", f"unknown shipping method {snapshot.shipping_method!r}")
    return {
        "freight_template": {
            "name": name,
            "valuation_type": snapshot.valuation_type,
            "send_time": _send_time(snapshot),
            "address_info": _ship_from(snapshot),
            "delivery_type": DELIVERY_TYPE_EXPRESS,
            "delivery_id": [],
            "shipping_method": snapshot.shipping_method,
            "all_condition_free_detail": {"condition_free_detail_list": _free_conditions(snapshot)},
            "all_freight_calc_method": {"freight_calc_method_list": _calc_methods(snapshot)},
            "is_default": snapshot.is_default,
            "not_send_area": {
                "address_info": [
                    {"province_name": province, "city_name": city, "county_name": county}
                    for province, city, county in snapshot.not_served_areas
                ]
            },
        }
    }


def _send_time(snapshot: FreightTemplateSnapshot) -> str:
    send_time = SEND_TIMES_TO_PLATFORM.get(snapshot.send_time, snapshot.send_time)
    if send_time not in PLATFORM_SEND_TIMES:
        # 10021082.
        raise PayloadError("freight_template.send_time", f"unknown send time {snapshot.send_time!r}")
    return send_time


def _ship_from(snapshot: FreightTemplateSnapshot) -> JsonDict:
    ship_from = dict(snapshot.ship_from)
    if not ship_from.get("province"):
        raise PayloadError("freight_template.address_info.province_name", "no ship-from province")
    return {
        "province_name": ship_from.get("province", ""),
        "city_name": ship_from.get("city", ""),
        "county_name": ship_from.get("county", ""),
        "detail_info": ship_from.get("address", ""),
        "user_name": ship_from.get("contact", ""),
        "tel_number": ship_from.get("phone", ""),
        "postal_code": ship_from.get("postal_code", ""),
    }


def _calc_method(rule: FeeRuleSnapshot) -> JsonDict:
    return {
        "first_val_amount": rule.start_standards,
        "first_price": rule.start_fees,
        "second_val_amount": rule.add_standards,
        "second_price": rule.add_fees,
    }


def _calc_methods(snapshot: FreightTemplateSnapshot) -> list[JsonDict]:
    if snapshot.shipping_method == SHIPPING_FREE:
        return [
            {"is_default": True, "first_val_amount": 1, "first_price": 0, "second_val_amount": 1, "second_price": 0}
        ]
    rules = [rule for rule in snapshot.fee_rules if rule.express_type == CHANNELS_EXPRESS_TYPE]
    normal = [rule for rule in rules if not (rule.dest_province or rule.dest_city)]
    if not normal:
        # 10021055.
        raise PayloadError(
            "freight_template.all_freight_calc_method", "no default fee rule for express (快递) shipping"
        )
    regional = sorted(
        (rule for rule in rules if rule.dest_province or rule.dest_city),
        key=lambda rule: (rule.dest_province, rule.dest_city),
    )
    methods = [{"is_default": True, **_calc_method(normal[0])}]
    methods += [
        {
            "is_default": False,
            "address_infos": [{"province_name": rule.dest_province, "city_name": rule.dest_city}],
            **_calc_method(rule),
        }
        for rule in regional
    ]
    return methods


def _kilograms(grams: int) -> int | float:
    """Grams as kilograms, an integer when whole (deterministic JSON: ``2`` rather than ``2.0``)."""
    return grams // 1000 if grams % 1000 == 0 else round(grams / 1000, 3)


def _free_conditions(snapshot: FreightTemplateSnapshot) -> list[JsonDict]:
    if snapshot.shipping_method != SHIPPING_CONDITION_FREE:
        return []
    if not snapshot.free_conditions:
        raise PayloadError(
            "freight_template.all_condition_free_detail", "conditional free shipping needs at least one condition"
        )
    conditions = []
    for index, (province, city, min_piece, min_weight_g, min_amount) in enumerate(snapshot.free_conditions):
        if min_piece is None and min_weight_g is None and min_amount is None:
            raise PayloadError(
                f"freight_template.all_condition_free_detail.condition_free_detail_list[{index}]",
                "a free-shipping condition needs a minimum number of items, weight or amount",
            )
        if province:
            address_infos = [{"province_name": province, "city_name": city}]
        else:
            address_infos = [{"province_name": name, "city_name": ""} for name in PROVINCES]
        condition: JsonDict = {"address_infos": address_infos}
        if min_piece is not None:
            condition["min_piece"] = min_piece
        if min_weight_g is not None:
            condition["min_weight"] = _kilograms(min_weight_g)
        if min_amount is not None:
            condition["min_amount"] = min_amount
        condition["valuation_flag"] = int(min_piece is not None or min_weight_g is not None)
        condition["amount_flag"] = int(min_amount is not None)
        conditions.append(condition)
    return conditions
