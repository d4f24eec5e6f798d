"""WeChat Store V1.17 postage templates (§2.4), groups (§2.1 rows 4.1–4.6) and shelves (§2.5): catalog snapshots
to request bodies. Pure, as ``payloads``."""

from collections.abc import Mapping, Sequence, Set
from typing import Any

from products.selectors import (
    FeeRuleSnapshot,
    FreightTemplateSnapshot,
    GroupSnapshot,
    ShelfModuleSnapshot,
    ShelfSnapshot,
)

from ..errors import PayloadError
from .constants import (
    DEFAULT_COUNTRY,
    SHELF_CONTROL_BACKGROUND,
    SHELF_GROUP_LIMITS,
    VALUATION_PER_ITEM,
    JsonDict,
)
from .payloads import _image_url, _remote_int

# --- Postage templates (§2.4) ------------------------------------------------------------------------------------


def freight_template_payload(snapshot: FreightTemplateSnapshot) -> JsonDict:
    """The ``express/add`` body (§2.1 row 3.1, §2.4): ``{"delivery_template": {Name, Assumer, Valuation, TopFee}}``.

    One ``TopFee`` entry per express type, sorted by ``Type``: its normal rule (the one without a destination)
    as ``Normal`` and its regional rules as ``Custom``, sorted by province, then city. An express type without a
    normal rule is skipped with its regional rules (the manual requires ``Normal``). An empty ``DestCountry`` is
    sent as 中国. For ``express/update`` the caller adds ``template_id``.
    """
    if snapshot.valuation != VALUATION_PER_ITEM:
        raise PayloadError("delivery_template.Valuation", "WeChat Store only supports per-item valuation")
    by_type: dict[int, list[FeeRuleSnapshot]] = {}
    for rule in snapshot.fee_rules:
        by_type.setdefault(rule.express_type, []).append(rule)
    top_fee = []
    for express_type in sorted(by_type):
        rules = by_type[express_type]
        normal = sorted((r for r in rules if not (r.dest_province or r.dest_city)), key=lambda r: r.dest_country)
        if not normal:
            continue
        custom = sorted(
            (r for r in rules if r.dest_province or r.dest_city),
            key=lambda r: (r.dest_province, r.dest_city, r.dest_country),
        )
        top_fee.append(
            {
                "Type": express_type,
                "Normal": _fees(normal[0]),
                "Custom": [
                    {
                        **_fees(rule),
                        "DestCountry": rule.dest_country or DEFAULT_COUNTRY,
                        "DestProvince": rule.dest_province,
                        "DestCity": rule.dest_city,
                    }
                    for rule in custom
                ],
            }
        )
    if not top_fee:
        raise PayloadError("delivery_template.TopFee", "no express type has a default fee rule")
    return {
        "delivery_template": {
            "Name": snapshot.name,
            "Assumer": snapshot.assumer,
            "Valuation": snapshot.valuation,
            "TopFee": top_fee,
        }
    }


def _fees(rule: FeeRuleSnapshot) -> JsonDict:
    return {
        "StartStandards": rule.start_standards,
        "StartFees": rule.start_fees,
        "AddStandards": rule.add_standards,
        "AddFees": rule.add_fees,
    }


# --- Groups (§2.1 rows 4.1–4.6) -----------------------------------------------------------------------------------


def group_payload(snapshot: GroupSnapshot, product_remote_ids: Mapping[int, str]) -> JsonDict:
    """The ``group/add`` body (§2.1 row 4.1): ``{"group_detail": {"group_name", "product_list"}}``.

    ``product_list`` holds the remote ids of the group's products that are on WeChat Store
    (``product_remote_ids``: local product id -> remote product id), sorted; the others are left out.
    """
    name = snapshot.name.strip()
    if not name:
        raise PayloadError("group_detail.group_name", "the group has no name")
    product_list = sorted({product_remote_ids[pid] for pid in snapshot.product_ids if product_remote_ids.get(pid)})
    return {"group_detail": {"group_name": name, "product_list": product_list}}


def group_product_changes(remote_product_ids_now: Set[str], wanted: Set[str]) -> list[JsonDict]:
    """The ``product`` list of ``group/productmod`` (§2.1 row 4.4) turning the remote group into ``wanted``.

    ``mod_action`` 0 removes, 1 adds; sorted by product id. Empty when nothing changes.
    """
    changes = [{"product_id": pid, "mod_action": 0} for pid in remote_product_ids_now - wanted]
    changes += [{"product_id": pid, "mod_action": 1} for pid in wanted - remote_product_ids_now]
    return sorted(changes, key=lambda change: (change["product_id"], change["mod_action"]))


def group_productmod_payload(remote_group_id: int | str, changes: Sequence[Mapping[str, Any]]) -> JsonDict:
    """The ``group/productmod`` body (§2.1 row 4.4): ``{"group_id", "product": [{product_id, mod_action}]}``."""
    return {
        "group_id": _remote_int(remote_group_id, "group_id"),
        "product": [{"product_id": c["product_id"], "mod_action": c["mod_action"]} for c in changes],
    }


# --- Shelves (§2.5) ------------------------------------------------------------------------------------------------


def shelf_payload(
    snapshot: ShelfSnapshot, group_remote_ids: Mapping[int, int | str], image_urls: Mapping[int, str]
) -> JsonDict:
    """The ``shelf/add`` body (§2.1 row 5.1, §2.5): ``shelf_data.module_infos``, ``shelf_banner``, ``shelf_name``.

    Modules keep the shelf's order, each shaped as the §2.5 table says for its control (eid 1–5), groups in
    their order. ``shelf_banner`` is left out when the shelf has no banner: the manual asks for an upload_img
    URL "or the call fails", so an empty string is not a safe way to say "none", and a control 5 shelf has no
    banner at all ("仅控件1-4有banner，控件5没有banner"). A control 5 shelf with a banner, or with other modules,
    is a PayloadError. For ``shelf/mod`` the caller adds ``shelf_id``.
    """
    name = snapshot.name.strip()
    if not name:
        raise PayloadError("shelf_name", "the shelf has no name")
    if not snapshot.modules:
        raise PayloadError("shelf_data.module_infos", "the shelf has no module")
    has_background = any(module.control == SHELF_CONTROL_BACKGROUND for module in snapshot.modules)
    if has_background and len(snapshot.modules) > 1:
        raise PayloadError("shelf_data.module_infos", "control 5 cannot be combined with other modules")
    module_infos = [
        _shelf_module(module, f"shelf_data.module_infos[{index}]", group_remote_ids, image_urls)
        for index, module in enumerate(snapshot.modules)
    ]
    body: JsonDict = {"shelf_data": {"module_infos": module_infos}, "shelf_name": name}
    if snapshot.banner_asset_id is not None:
        if has_background:
            raise PayloadError("shelf_banner", "a shelf with control 5 has no banner")
        body["shelf_banner"] = _image_url(image_urls, snapshot.banner_asset_id, "shelf_banner")
    return body


def _shelf_module(
    module: ShelfModuleSnapshot, path: str, group_remote_ids: Mapping[int, int | str], image_urls: Mapping[int, str]
) -> JsonDict:
    control = module.control
    if control not in SHELF_GROUP_LIMITS:
        raise PayloadError(f"{path}.eid", f"unknown shelf control {control}")
    low, high = SHELF_GROUP_LIMITS[control]
    single = control in (1, 3)
    groups_path = f"{path}.group_info" if single else f"{path}.group_infos.groups"
    count = len(module.groups)
    if count < low or (high is not None and count > high):
        limit = f"{low}" if low == high else f"{low} to {high}" if high is not None else f"at least {low}"
        raise PayloadError(groups_path, f"control {control} takes {limit} group(s), not {count}")

    def group(index: int, group_id: int, image_asset_id: int | None) -> JsonDict:
        field = groups_path if single else f"{groups_path}[{index}]"
        remote_id = group_remote_ids.get(group_id)
        if remote_id is None or remote_id == "":
            raise PayloadError(f"{field}.group_id", f"group {group_id} is not on WeChat Store yet")
        entry: JsonDict = {"group_id": _remote_int(remote_id, f"{field}.group_id")}
        if control in (3, 4):
            if image_asset_id is None:
                raise PayloadError(f"{field}.img", f"control {control} needs an image for each group")
            entry["img"] = _image_url(image_urls, image_asset_id, f"{field}.img")
        return entry

    groups = [group(index, group_id, image) for index, (group_id, image) in enumerate(module.groups)]
    if control == 1:
        if not module.product_count:
            raise PayloadError(f"{path}.group_info.filter.count", "control 1 needs the number of products to show")
        return {"eid": 1, "group_info": {**groups[0], "filter": {"count": module.product_count}}}
    if control == 3:
        return {"eid": 3, "group_info": groups[0]}
    if control == SHELF_CONTROL_BACKGROUND:
        if module.background_asset_id is None:
            raise PayloadError(f"{path}.group_infos.img_background", "control 5 needs a background image")
        background = _image_url(image_urls, module.background_asset_id, f"{path}.group_infos.img_background")
        return {"eid": 5, "group_infos": {"groups": groups, "img_background": background}}
    return {"eid": control, "group_infos": {"groups": groups}}
