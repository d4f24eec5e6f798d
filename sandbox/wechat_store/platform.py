"""The legacy WeChat Store merchant API, manual V1.17 (reference §2): every row of the §2.1 table, with state.

Each app id has its own isolated store. Handlers run under the sandbox lock (see ``server.py``) and record every
state change they apply in the applied-effects log.
"""

from __future__ import annotations

import copy
import html
import math
from dataclasses import dataclass, field
from typing import Any

from sandbox.core.apps import AppConfig
from sandbox.core.base import ApiError, Platform, Request, RouteTable, app_states, forget_app_states
from sandbox.core.context import ALPHANUMERIC
from sandbox.core.control import CONTROL_PREFIX, sandbox_app
from sandbox.core.push import deliver
from sandbox.core.services import Services
from sandbox.core.tokens import WeChatTokenAuth
from sandbox.core.validation import (
    invalid_args,
    multipart_media,
    read_dict,
    read_id,
    read_int,
    read_list,
    read_str,
)
from sandbox.wechat_store.rules import (
    DELIVERY_COMPANIES,
    ProductDraft,
    ProductRules,
    SkuKey,
    parse_sku_key,
    validate_delivery_template,
    validate_shelf,
)
from sandbox.wechat_store.seed import Category, CategoryTree, build_category_tree

# Product ids look like the manual's "pDF3iYwktviE3BzU3BKiSWWi9Nkw": a per-account prefix and 22 url-safe chars.
PRODUCT_ID_PREFIX = "pDF3iY"
PRODUCT_ID_RANDOM_LENGTH = 22
# getbystatus / modproductstatus (§2.1 rows 1.5, 1.6).
STATUS_ON_SHELF = 1
STATUS_OFF_SHELF = 2
# §2.6. The manual never defines 6, but example payloads show it; the sandbox uses it for closed orders.
ORDER_AWAITING_SHIPMENT = 2
ORDER_SHIPPED = 3
ORDER_CLOSED = 6
# The first postage template gets the reference's sample id (§2.2); later ones count up.
FIRST_TEMPLATE_ID = 103312920
IMAGE_URL_TEMPLATE = "http://mmbiz.qpic.cn/mmbiz/{key}/0"
IMAGE_KEY_LENGTH = 86
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "bmp")
FROZEN_AFTER_LISTING = ("name", "category_id", "property")

# Common WeChat codes for upload_img (reference §1.3 family): invalid file type, empty media data.
ERR_INVALID_FILE_TYPE = 40005
ERR_EMPTY_MEDIA = 44001

DEFAULT_BUYER = {
    "buyer_nick": "测试买家",
    "receiver_name": "张三",
    "receiver_province": "广东省",
    "receiver_city": "广州市",
    "receiver_zone": "海珠区",
    "receiver_address": "新港中路397号 T.I.T创意园",
    "receiver_mobile": "13800138000",
    "receiver_phone": "",
}
# The order-paid push's nonce: digits, as WeChat's pushes carry.
PUSH_NONCE_LENGTH = 16
PRODUCT_FIELDS = ("product_id", "product_name", "product_price", "product_sku", "product_count", "product_img")


def success(**extra: Any) -> dict[str, Any]:
    return {"errcode": 0, "errmsg": "success", **extra}


def render_detail_html(detail: list[dict[str, str]]) -> str:
    """``detail`` blocks as the HTML the manual's get example returns (§2.1 row 1.4)."""
    parts = []
    for block in detail:
        if "img" in block:
            src = html.escape(block["img"], quote=True)
            parts.append(
                '<div class="item_pic_wrp" style="margin-bottom:8px;font-size:0;">'
                f'<img class="item_pic" style="width:100%;" alt="" src="{src}" ></div>'
            )
        else:
            parts.append(f'<p style="margin-bottom:11px;margin-top:11px;">{html.escape(block["text"])}</p>')
    return "".join(parts)


def cdata(value: str) -> str:
    # "]]>" cannot appear inside one CDATA section, so it is split across two.
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class StoredProduct:
    product_id: str
    product_base: dict[str, Any]
    sku_list: list[dict[str, Any]]
    attrext: dict[str, Any]
    delivery_info: dict[str, Any] | None
    sku_keys: list[SkuKey]
    status: int = STATUS_OFF_SHELF
    # §2.2 update rule: once listed, name, category and property are frozen for good.
    ever_listed: bool = False

    def replace(self, draft: ProductDraft) -> None:
        self.product_base = draft.product_base
        self.sku_list = draft.sku_list
        self.attrext = draft.attrext
        self.delivery_info = draft.delivery_info
        self.sku_keys = draft.sku_keys

    def find_sku(self, key: SkuKey) -> dict[str, Any] | None:
        for sku, sku_key in zip(self.sku_list, self.sku_keys, strict=True):
            if sku_key == key:
                return sku
        return None

    def info(self) -> dict[str, Any]:
        """``product_info`` of §2.1 row 1.4: the body as stored, with ``detail_html`` instead of ``detail``."""
        base = {key: value for key, value in self.product_base.items() if key != "detail"}
        base["detail_html"] = render_detail_html(self.product_base.get("detail", []))
        info: dict[str, Any] = {
            "product_id": self.product_id,
            "product_base": copy.deepcopy(base),
            "sku_list": copy.deepcopy(self.sku_list),
            "attrext": copy.deepcopy(self.attrext),
        }
        if self.delivery_info is not None:
            info["delivery_info"] = copy.deepcopy(self.delivery_info)
        return info

    def stock(self) -> dict[str, int]:
        return {sku["sku_id"]: sku["quantity"] for sku in self.sku_list}


@dataclass
class Group:
    group_id: int
    group_name: str
    product_list: list[str]


@dataclass
class Shelf:
    shelf_id: int
    shelf_data: dict[str, Any]
    shelf_banner: str
    shelf_name: str
    group_ids: set[int]

    def as_json(self) -> dict[str, Any]:
        return {
            "shelf_info": copy.deepcopy(self.shelf_data),
            "shelf_banner": self.shelf_banner,
            "shelf_name": self.shelf_name,
            "shelf_id": self.shelf_id,
        }


@dataclass
class StoreState:
    """One app's store."""

    images: dict[str, dict[str, Any]] = field(default_factory=dict)
    products: dict[str, StoredProduct] = field(default_factory=dict)
    templates: dict[int, dict[str, Any]] = field(default_factory=dict)
    groups: dict[int, Group] = field(default_factory=dict)
    shelves: dict[int, Shelf] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_template_id: int = FIRST_TEMPLATE_ID
    next_group_id: int = 1
    next_shelf_id: int = 1


@dataclass(frozen=True)
class Push:
    """A server push to deliver to the app's callback URL, signed by the caller (``push.py``)."""

    body: bytes
    content_type: str


@dataclass(frozen=True)
class GeneratedOrder:
    order: dict[str, Any]
    push: Push


class WeChatStore(Platform):
    """V1.17 ``/merchant/...`` endpoints (reference §2.1), authenticated with WeChat access tokens (§1)."""

    name = "wechat_store"

    def __init__(self, services: Services, tree: CategoryTree | None = None) -> None:
        self._ctx = services.ctx
        self._auth = WeChatTokenAuth(services.tokens)
        self.tree = tree or build_category_tree()
        self._states: dict[str, StoreState] = {}

    # --- Platform interface -------------------------------------------------------------------------------------

    def routes(self) -> RouteTable:
        return {
            ("POST", "/merchant/create"): self.product_create,
            ("POST", "/merchant/del"): self.product_delete,
            ("POST", "/merchant/update"): self.product_update,
            # The manual says GET, wechatpy POSTs JSON: both are accepted (§2.1 row 1.4, Conflict).
            ("GET", "/merchant/get"): self.product_get,
            ("POST", "/merchant/get"): self.product_get,
            ("POST", "/merchant/getbystatus"): self.product_get_by_status,
            ("POST", "/merchant/modproductstatus"): self.product_set_status,
            ("POST", "/merchant/category/getsub"): self.category_children,
            ("POST", "/merchant/category/getsku"): self.category_sku_table,
            ("POST", "/merchant/category/getproperty"): self.category_properties,
            ("POST", "/merchant/stock/add"): self.stock_add,
            ("POST", "/merchant/stock/reduce"): self.stock_reduce,
            ("POST", "/merchant/express/add"): self.express_add,
            ("POST", "/merchant/express/del"): self.express_delete,
            ("POST", "/merchant/express/update"): self.express_update,
            ("POST", "/merchant/express/getbyid"): self.express_get,
            ("GET", "/merchant/express/getall"): self.express_list,
            ("POST", "/merchant/group/add"): self.group_add,
            ("POST", "/merchant/group/del"): self.group_delete,
            ("POST", "/merchant/group/propertymod"): self.group_rename,
            ("POST", "/merchant/group/productmod"): self.group_change_products,
            ("GET", "/merchant/group/getall"): self.group_list,
            ("POST", "/merchant/group/getbyid"): self.group_get,
            ("POST", "/merchant/shelf/add"): self.shelf_add,
            ("POST", "/merchant/shelf/del"): self.shelf_delete,
            ("POST", "/merchant/shelf/mod"): self.shelf_modify,
            ("GET", "/merchant/shelf/getall"): self.shelf_list,
            ("POST", "/merchant/shelf/getbyid"): self.shelf_get,
            ("POST", "/merchant/order/getbyid"): self.order_get,
            # [GOM] says GET with a JSON body, the SDKs POST: both are accepted (§2.1 row 6.3, Conflict).
            ("POST", "/merchant/order/getbyfilter"): self.order_filter,
            ("GET", "/merchant/order/getbyfilter"): self.order_filter,
            ("POST", "/merchant/order/setdelivery"): self.order_set_delivery,
            ("POST", "/merchant/order/close"): self.order_close,
            ("POST", "/merchant/common/upload_img"): self.upload_image,
        }

    def control_routes(self) -> RouteTable:
        return {("POST", CONTROL_PREFIX + "orders/generate"): self.orders_generate}

    def authenticate(self, request: Request) -> str:
        return self._auth(request)

    def reset(self, appid: str | None) -> None:
        forget_app_states(self._states, appid)

    def export_state(self) -> dict[str, StoreState]:
        return self._states

    def import_state(self, state: Any) -> None:
        self._states = app_states(state, StoreState)

    def snapshot(self, appid: str) -> dict[str, Any]:
        state = self._states.get(appid) or StoreState()
        return {
            "products": [
                {
                    "product_id": product.product_id,
                    "name": product.product_base["name"],
                    "status": product.status,
                    "ever_listed": product.ever_listed,
                    "stock": product.stock(),
                    "product_info": product.info(),
                }
                for product in state.products.values()
            ],
            "orders": copy.deepcopy(list(state.orders.values())),
            "templates": [{"Id": template_id, **copy.deepcopy(t)} for template_id, t in state.templates.items()],
            "groups": [
                {"group_id": g.group_id, "group_name": g.group_name, "product_list": list(g.product_list)}
                for g in state.groups.values()
            ],
            "shelves": [shelf.as_json() for shelf in state.shelves.values()],
            "images": list(state.images),
        }

    # --- helpers ------------------------------------------------------------------------------------------------

    def _state(self, appid: str) -> StoreState:
        return self._states.setdefault(appid, StoreState())

    def _state_for(self, request: Request) -> StoreState:
        """The store of the app the call's access token belongs to."""
        assert request.appid is not None  # every route here is authenticated
        return self._state(request.appid)

    def _record(self, request: Request, **fields: Any) -> None:
        assert request.appid is not None  # every route here is authenticated
        self._ctx.applied.record(platform=self.name, endpoint=request.path, appid=request.appid, **fields)

    @staticmethod
    def _product(state: StoreState, body: dict[str, Any]) -> StoredProduct:
        product_id = read_str(body, "product_id")
        product = state.products.get(product_id)
        if product is None:
            raise invalid_args(f"product_id {product_id} does not exist")
        return product

    def _new_product_id(self, state: StoreState) -> str:
        while True:
            product_id = PRODUCT_ID_PREFIX + self._ctx.ids.chars(PRODUCT_ID_RANDOM_LENGTH)
            if product_id not in state.products:
                return product_id

    def _rules(self, state: StoreState) -> ProductRules:
        return ProductRules(self.tree, state.images, state.templates)

    @staticmethod
    def _sku_summary(product: StoredProduct) -> list[dict[str, Any]]:
        return [{"sku_id": sku["sku_id"], "quantity": sku["quantity"]} for sku in product.sku_list]

    # --- 1. products --------------------------------------------------------------------------------------------

    def product_create(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.1, body §2.2. Answers ``product_id``; the product starts off the shelf (status 2)."""
        state = self._state_for(request)
        draft = self._rules(state).validate(request.json())
        product = StoredProduct(
            product_id=self._new_product_id(state),
            product_base=draft.product_base,
            sku_list=draft.sku_list,
            attrext=draft.attrext,
            delivery_info=draft.delivery_info,
            sku_keys=draft.sku_keys,
        )
        state.products[product.product_id] = product
        self._record(
            request, product_id=product.product_id, name=product.product_base["name"], skus=self._sku_summary(product)
        )
        return success(product_id=product.product_id)

    def product_delete(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.2. The product also leaves every group that held it."""
        state = self._state_for(request)
        product = self._product(state, request.json())
        del state.products[product.product_id]
        for group in state.groups.values():
            if product.product_id in group.product_list:
                group.product_list.remove(product.product_id)
        self._record(request, product_id=product.product_id)
        return success()

    def product_update(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.3: the whole body replaces the product, SKU quantities included. After the product has
        been listed once, ``name``, ``category_id`` and ``property`` may not change (§2.2 update rule)."""
        state = self._state_for(request)
        body = request.json()
        product = self._product(state, body)
        draft = self._rules(state).validate(body)
        if product.ever_listed:
            for key in FROZEN_AFTER_LISTING:
                if _comparable(key, draft.product_base.get(key)) != _comparable(key, product.product_base.get(key)):
                    raise invalid_args(f"product_base.{key} cannot change after the product has been listed")
        product.replace(draft)
        self._record(
            request, product_id=product.product_id, name=product.product_base["name"], skus=self._sku_summary(product)
        )
        return success()

    def product_get(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.4: ``?product_id=`` (GET) or a JSON body (POST)."""
        state = self._state_for(request)
        body = dict(request.query) if request.method == "GET" and not request.body.strip() else request.json()
        return success(product_info=self._product(state, body).info())

    def product_get_by_status(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.5: status 0 all, 1 on shelf, 2 off shelf."""
        state = self._state_for(request)
        status = read_int(request.json(), "status", choices=(0, STATUS_ON_SHELF, STATUS_OFF_SHELF))
        return success(
            products_info=[
                {**product.info(), "status": product.status}
                for product in state.products.values()
                if status == 0 or product.status == status
            ]
        )

    def product_set_status(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.6: status 0 takes the product off the shelf, 1 lists it."""
        state = self._state_for(request)
        body = request.json()
        product = self._product(state, body)
        listed = read_int(body, "status", choices=(0, 1)) == 1
        product.status = STATUS_ON_SHELF if listed else STATUS_OFF_SHELF
        product.ever_listed = product.ever_listed or listed
        self._record(request, product_id=product.product_id, status=int(listed))
        return success()

    # --- 1.7-1.9 categories -------------------------------------------------------------------------------------

    def _category(self, request: Request) -> Category:
        cate_id = read_id(request.json(), "cate_id")
        category = self.tree.get(cate_id)
        if category is None:
            raise invalid_args(f"cate_id {cate_id} is not a known category")
        return category

    def category_children(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.7: the root is ``cate_id`` 1; a leaf has no children."""
        category = self._category(request)
        return success(cate_list=[{"id": child.id, "name": child.name} for child in self.tree.children(category.id)])

    def category_sku_table(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.8; inner categories have an empty table."""
        category = self._category(request)
        return success(
            sku_table=[
                {
                    "id": attribute.id,
                    "name": attribute.name,
                    "value_list": [{"id": value.id, "name": value.name} for value in attribute.values],
                }
                for attribute in category.sku_table
            ]
        )

    def category_properties(self, request: Request) -> dict[str, Any]:
        """§2.1 row 1.9; inner categories have no properties."""
        category = self._category(request)
        return success(
            properties=[
                {
                    "id": attribute.id,
                    "name": attribute.name,
                    "property_value": [{"id": value.id, "name": value.name} for value in attribute.values],
                }
                for attribute in category.properties
            ]
        )

    # --- 2. stock -----------------------------------------------------------------------------------------------

    def stock_add(self, request: Request) -> dict[str, Any]:
        """§2.3: ``quantity`` is a positive delta added to one SKU ("" for a uniform-spec product)."""
        return self._change_stock(request, sign=1)

    def stock_reduce(self, request: Request) -> dict[str, Any]:
        """§2.3: the delta is taken away; stock never goes below zero."""
        return self._change_stock(request, sign=-1)

    def _change_stock(self, request: Request, *, sign: int) -> dict[str, Any]:
        state = self._state_for(request)
        body = request.json()
        product = self._product(state, body)
        if "sku_info" not in body:
            raise invalid_args('sku_info is required ("" for a uniform-spec product)')
        sku_info = read_str(body, "sku_info", allow_empty=True)
        sku = product.find_sku(parse_sku_key(sku_info, "sku_info"))
        if sku is None:
            raise invalid_args(f'sku_info "{sku_info}" is not a sku of product {product.product_id}')
        quantity = read_int(body, "quantity", minimum=1)
        if sign < 0 and sku["quantity"] < quantity:
            raise invalid_args(f'quantity {quantity} exceeds the stock {sku["quantity"]} of sku "{sku["sku_id"]}"')
        sku["quantity"] += sign * quantity
        self._record(
            request,
            product_id=product.product_id,
            sku_info=sku["sku_id"],
            quantity=quantity,
            stock_after=sku["quantity"],
        )
        return success()

    # --- 3. postage templates -----------------------------------------------------------------------------------

    @staticmethod
    def _template_id(state: StoreState, body: dict[str, Any]) -> int:
        template_id = read_int(body, "template_id")
        if template_id not in state.templates:
            raise invalid_args(f"template_id {template_id} does not exist")
        return template_id

    def express_add(self, request: Request) -> dict[str, Any]:
        """§2.4; answers an integer ``template_id``."""
        state = self._state_for(request)
        template = validate_delivery_template(request.json())
        template_id = state.next_template_id
        state.next_template_id += 1
        state.templates[template_id] = template
        self._record(request, template_id=template_id, name=template["Name"])
        return success(template_id=template_id)

    def express_delete(self, request: Request) -> dict[str, Any]:
        """§2.1 row 3.2."""
        state = self._state_for(request)
        template_id = self._template_id(state, request.json())
        del state.templates[template_id]
        self._record(request, template_id=template_id)
        return success()

    def express_update(self, request: Request) -> dict[str, Any]:
        """§2.1 row 3.3: ``template_id`` and a whole new ``delivery_template``."""
        state = self._state_for(request)
        body = request.json()
        template_id = self._template_id(state, body)
        state.templates[template_id] = validate_delivery_template(body)
        self._record(request, template_id=template_id, name=state.templates[template_id]["Name"])
        return success()

    def express_get(self, request: Request) -> dict[str, Any]:
        """§2.1 row 3.4: the template with ``Id`` added."""
        state = self._state_for(request)
        template_id = self._template_id(state, request.json())
        return success(template_info={"Id": template_id, **copy.deepcopy(state.templates[template_id])})

    def express_list(self, request: Request) -> dict[str, Any]:
        """§2.1 row 3.5 (GET): ``templates_info``, each with ``Id``."""
        state = self._state_for(request)
        return success(
            templates_info=[{"Id": template_id, **copy.deepcopy(t)} for template_id, t in state.templates.items()]
        )

    # --- 4. groups ----------------------------------------------------------------------------------------------

    @staticmethod
    def _group(state: StoreState, body: dict[str, Any]) -> Group:
        group_id = read_int(body, "group_id")
        group = state.groups.get(group_id)
        if group is None:
            raise invalid_args(f"group_id {group_id} does not exist")
        return group

    @staticmethod
    def _existing_products(state: StoreState, product_ids: list[Any], path: str) -> list[str]:
        found: list[str] = []
        for index, product_id in enumerate(product_ids):
            if not isinstance(product_id, str) or product_id not in state.products:
                raise invalid_args(f"{path}[{index}] {product_id} is not an existing product")
            if product_id not in found:
                found.append(product_id)
        return found

    def group_add(self, request: Request) -> dict[str, Any]:
        """§2.1 row 4.1: ``group_detail`` {group_name, product_list}; answers an integer ``group_id``."""
        state = self._state_for(request)
        detail = read_dict(request.json(), "group_detail")
        name = read_str(detail, "group_name", prefix="group_detail")
        products = self._existing_products(
            state,
            read_list(detail, "product_list", prefix="group_detail", required=False, allow_empty=True),
            "group_detail.product_list",
        )
        group = Group(state.next_group_id, name, products)
        state.next_group_id += 1
        state.groups[group.group_id] = group
        self._record(request, group_id=group.group_id, group_name=name, product_list=list(products))
        return success(group_id=group.group_id)

    def group_delete(self, request: Request) -> dict[str, Any]:
        """§2.1 row 4.2. A group that a shelf shows cannot go: the shelf would point at nothing."""
        state = self._state_for(request)
        group = self._group(state, request.json())
        shelves = sorted(shelf.shelf_id for shelf in state.shelves.values() if group.group_id in shelf.group_ids)
        if shelves:
            raise invalid_args(f"group_id {group.group_id} is used by shelf {shelves[0]}")
        del state.groups[group.group_id]
        self._record(request, group_id=group.group_id)
        return success()

    def group_rename(self, request: Request) -> dict[str, Any]:
        """§2.1 row 4.3: ``group_id`` and the new ``group_name``."""
        state = self._state_for(request)
        body = request.json()
        group = self._group(state, body)
        group.group_name = read_str(body, "group_name")
        self._record(request, group_id=group.group_id, group_name=group.group_name)
        return success()

    def group_change_products(self, request: Request) -> dict[str, Any]:
        """§2.1 row 4.4: ``product[]`` of {product_id, mod_action 0 remove / 1 add}; all checked before any
        change. Adding a member or removing a non-member changes nothing."""
        state = self._state_for(request)
        body = request.json()
        group = self._group(state, body)
        changes: list[tuple[str, int]] = []
        for index, item in enumerate(read_list(body, "product")):
            path = f"product[{index}]"
            if not isinstance(item, dict):
                raise invalid_args(f"{path} must be an object")
            product_id = read_str(item, "product_id", prefix=path)
            if product_id not in state.products:
                raise invalid_args(f"{path}.product_id {product_id} is not an existing product")
            changes.append((product_id, read_int(item, "mod_action", prefix=path, choices=(0, 1))))
        for product_id, action in changes:
            if action == 1 and product_id not in group.product_list:
                group.product_list.append(product_id)
            elif action == 0 and product_id in group.product_list:
                group.product_list.remove(product_id)
        self._record(
            request,
            group_id=group.group_id,
            product=[{"product_id": product_id, "mod_action": action} for product_id, action in changes],
        )
        return success()

    def group_list(self, request: Request) -> dict[str, Any]:
        """§2.1 row 4.5 (GET)."""
        state = self._state_for(request)
        return success(
            groups_detail=[{"group_id": g.group_id, "group_name": g.group_name} for g in state.groups.values()]
        )

    def group_get(self, request: Request) -> dict[str, Any]:
        """§2.1 row 4.6."""
        group = self._group(self._state_for(request), request.json())
        return success(
            group_detail={
                "group_id": group.group_id,
                "group_name": group.group_name,
                "product_list": list(group.product_list),
            }
        )

    # --- 5. shelves ---------------------------------------------------------------------------------------------

    @staticmethod
    def _shelf(state: StoreState, body: dict[str, Any]) -> Shelf:
        shelf_id = read_int(body, "shelf_id")
        shelf = state.shelves.get(shelf_id)
        if shelf is None:
            raise invalid_args(f"shelf_id {shelf_id} does not exist")
        return shelf

    def shelf_add(self, request: Request) -> dict[str, Any]:
        """§2.1 row 5.1, controls §2.5; answers an integer ``shelf_id``."""
        state = self._state_for(request)
        draft = validate_shelf(request.json(), group_ids=state.groups, images=state.images)
        shelf = Shelf(state.next_shelf_id, draft.shelf_data, draft.shelf_banner, draft.shelf_name, draft.group_ids)
        state.next_shelf_id += 1
        state.shelves[shelf.shelf_id] = shelf
        self._record(request, shelf_id=shelf.shelf_id, shelf_name=shelf.shelf_name)
        return success(shelf_id=shelf.shelf_id)

    def shelf_delete(self, request: Request) -> dict[str, Any]:
        """§2.1 row 5.2."""
        state = self._state_for(request)
        shelf = self._shelf(state, request.json())
        del state.shelves[shelf.shelf_id]
        self._record(request, shelf_id=shelf.shelf_id)
        return success()

    def shelf_modify(self, request: Request) -> dict[str, Any]:
        """§2.1 row 5.3: ``shelf_id`` plus a whole new shelf (same rules as add)."""
        state = self._state_for(request)
        body = request.json()
        shelf = self._shelf(state, body)
        draft = validate_shelf(body, group_ids=state.groups, images=state.images)
        shelf.shelf_data, shelf.shelf_banner = draft.shelf_data, draft.shelf_banner
        shelf.shelf_name, shelf.group_ids = draft.shelf_name, draft.group_ids
        self._record(request, shelf_id=shelf.shelf_id, shelf_name=shelf.shelf_name)
        return success()

    def shelf_list(self, request: Request) -> dict[str, Any]:
        """§2.1 row 5.4 (GET)."""
        state = self._state_for(request)
        return success(shelves=[shelf.as_json() for shelf in state.shelves.values()])

    def shelf_get(self, request: Request) -> dict[str, Any]:
        """§2.1 row 5.5: the shelf's fields at the top level."""
        return success(**self._shelf(self._state_for(request), request.json()).as_json())

    # --- 6. orders ----------------------------------------------------------------------------------------------

    @staticmethod
    def _order(state: StoreState, body: dict[str, Any]) -> dict[str, Any]:
        order_id = read_str(body, "order_id")
        order = state.orders.get(order_id)
        if order is None:
            raise invalid_args(f"order_id {order_id} does not exist")
        return order

    def order_get(self, request: Request) -> dict[str, Any]:
        """§2.1 row 6.2: ``order`` with the §2.6 fields."""
        return success(order=copy.deepcopy(self._order(self._state_for(request), request.json())))

    def order_filter(self, request: Request) -> dict[str, Any]:
        """§2.1 row 6.3: optional ``status`` and ``begintime``/``endtime`` (unix seconds, inclusive). A GET may
        carry them in the query string instead of a body."""
        state = self._state_for(request)
        if request.method == "GET" and not request.body.strip():
            filters: dict[str, Any] = {}
            for key in ("status", "begintime", "endtime"):
                if key in request.query:
                    if not request.query[key].isdigit():
                        raise invalid_args(f"{key} must be an integer")
                    filters[key] = int(request.query[key])
        else:
            filters = request.optional_json()
        # Unknown status values are tolerated (§2.6 Uncertain): they simply match no order or the closed ones.
        status = read_int(filters, "status") if filters.get("status") is not None else None
        begin = read_int(filters, "begintime", minimum=0) if filters.get("begintime") is not None else None
        end = read_int(filters, "endtime", minimum=0) if filters.get("endtime") is not None else None
        orders = sorted(state.orders.values(), key=lambda order: (order["order_create_time"], order["order_id"]))
        return success(
            order_list=[
                copy.deepcopy(order)
                for order in orders
                if (status is None or order["order_status"] == status)
                and (begin is None or order["order_create_time"] >= begin)
                and (end is None or order["order_create_time"] <= end)
            ]
        )

    def order_set_delivery(self, request: Request) -> dict[str, Any]:
        """§2.1 row 6.4, rules §2.6: only an order awaiting shipment (2) ships, and becomes shipped (3).
        ``need_delivery`` defaults to 1, which requires ``delivery_company`` and ``delivery_track_no``; the company
        must be a §2.6 id unless ``is_others`` is 1."""
        state = self._state_for(request)
        body = request.json()
        order = self._order(state, body)
        need_delivery = read_int(body, "need_delivery", default=1, choices=(0, 1))
        is_others = read_int(body, "is_others", default=0, choices=(0, 1))
        company = track_no = ""
        if need_delivery:
            company = read_str(body, "delivery_company")
            track_no = read_str(body, "delivery_track_no")
            if not is_others and company not in DELIVERY_COMPANIES:
                raise invalid_args(f"delivery_company {company} is not a known company id (set is_others to 1)")
        if order["order_status"] != ORDER_AWAITING_SHIPMENT:
            raise invalid_args(f"order {order['order_id']} has status {order['order_status']}; only 2 can ship")
        order.update(order_status=ORDER_SHIPPED, delivery_company=company, delivery_id=track_no)
        self._record(
            request,
            order_id=order["order_id"],
            need_delivery=need_delivery,
            delivery_company=company,
            delivery_track_no=track_no,
            is_others=is_others,
        )
        return success()

    def order_close(self, request: Request) -> dict[str, Any]:
        """§2.1 row 6.5: an order awaiting shipment is closed (status 6, see ORDER_CLOSED). Stock is not given
        back: the manual says nothing about it, and the sync engine must not count on it."""
        state = self._state_for(request)
        order = self._order(state, request.json())
        if order["order_status"] != ORDER_AWAITING_SHIPMENT:
            raise invalid_args(f"order {order['order_id']} has status {order['order_status']}; only 2 can close")
        order["order_status"] = ORDER_CLOSED
        self._record(request, order_id=order["order_id"])
        return success()

    # --- 7. images ----------------------------------------------------------------------------------------------

    def upload_image(self, request: Request) -> dict[str, Any]:
        """§2.7: raw image bytes as the body and ``filename`` (with its extension) in the query. A multipart
        field ``media`` is tolerated (wechatpy's other uploader). Answers ``image_url``."""
        state = self._state_for(request)
        filename = request.query.get("filename", "")
        data = request.body
        if request.content_type.startswith("multipart/form-data"):
            part_name, data = multipart_media(request)
            filename = filename or part_name
        if not filename:
            raise invalid_args("filename is required in the query string")
        extension = filename.rpartition(".")[2].lower() if "." in filename else ""
        if extension not in IMAGE_EXTENSIONS:
            raise ApiError(
                ERR_INVALID_FILE_TYPE, f"invalid file type: filename must end with .{', .'.join(IMAGE_EXTENSIONS)}"
            )
        if not data:
            raise ApiError(ERR_EMPTY_MEDIA, "empty media data")
        image_url = IMAGE_URL_TEMPLATE.format(key=self._ctx.ids.chars(IMAGE_KEY_LENGTH, ALPHANUMERIC))
        state.images[image_url] = {"filename": filename, "size": len(data)}
        self._record(request, image_url=image_url, filename=filename, size=len(data))
        return success(image_url=image_url)

    # --- sandbox control: order generation ----------------------------------------------------------------------

    def orders_generate(self, request: Request) -> dict[str, Any]:
        """``POST /__sandbox__/orders/generate``: a paid order against a listed product (``appid``, ``product_id``,
        ``sku_info``, ``count``, optional buyer/receiver fields, ``create_time``, ``express_price``), then the
        order-paid push if an event URL is configured. Runs without the lock held (a control route): the push is
        delivered after the lock is released, so a receiver that calls back cannot deadlock with it."""
        body = request.json()
        app = sandbox_app(self._ctx.apps, body.get("appid"))
        read_str(body, "product_id")
        with self._ctx.lock:
            generated = self.generate_order(app, body)
            event_url = self._ctx.event_url
            timestamp = str(int(self._ctx.now()))
            nonce = self._ctx.ids.chars(PUSH_NONCE_LENGTH, "0123456789")
        push = None
        if event_url:
            push = deliver(
                event_url,
                generated.push.body,
                generated.push.content_type,
                token=app.push_token,
                timestamp=timestamp,
                nonce=nonce,
            ).as_json()
        return {"order": generated.order, "push": push}

    def generate_order(self, app: AppConfig, params: dict[str, Any]) -> GeneratedOrder:
        """A paid order (status 2) for ``count`` of one SKU of a listed product; takes the stock. Called by
        :meth:`orders_generate` with the lock held. Returns the order and its §2.6 push."""
        state = self._state(app.appid)
        product = self._product(state, params)
        if product.status != STATUS_ON_SHELF:
            raise invalid_args(f"product {product.product_id} is not on the shelf")
        sku_info = read_str(params, "sku_info", required=False, allow_empty=True)
        sku = product.find_sku(parse_sku_key(sku_info, "sku_info"))
        if sku is None:
            raise invalid_args(f'sku_info "{sku_info}" is not a sku of product {product.product_id}')
        count = read_int(params, "count", default=1, minimum=1)
        if sku["quantity"] < count:
            raise invalid_args(f'count {count} exceeds the stock {sku["quantity"]} of sku "{sku["sku_id"]}"')
        express_price = read_int(params, "express_price", default=self._express_price(state, product, count), minimum=0)
        now = int(self._ctx.now())
        create_time = read_int(params, "create_time", default=now, minimum=0)
        buyer = {key: read_str(params, key, required=False) or default for key, default in DEFAULT_BUYER.items()}
        buyer_openid = read_str(params, "buyer_openid", required=False) or "oDF3iY" + self._ctx.ids.chars(22)
        line = {
            "product_id": product.product_id,
            "product_name": product.product_base["name"],
            "product_price": sku["price"],
            "product_sku": sku["sku_id"],
            "product_count": count,
            "product_img": sku.get("icon_url") or product.product_base["main_img"],
        }
        order_id = self._ctx.ids.digits(19)
        while order_id in state.orders:
            order_id = self._ctx.ids.digits(19)
        order = {
            "order_id": order_id,
            "order_status": ORDER_AWAITING_SHIPMENT,
            "order_total_price": sku["price"] * count + express_price,
            "order_create_time": create_time,
            "order_express_price": express_price,
            "buyer_openid": buyer_openid,
            "buyer_nick": buyer["buyer_nick"],
            **{key: buyer[key] for key in DEFAULT_BUYER if key.startswith("receiver_")},
            **line,
            "delivery_id": "",
            "delivery_company": "",
            "trans_id": "42000" + self._ctx.ids.digits(23),
            "products": [dict(line)],
        }
        sku["quantity"] -= count
        state.orders[order_id] = order
        self._ctx.applied.record(
            platform=self.name,
            endpoint="/__sandbox__/orders/generate",
            appid=app.appid,
            order_id=order_id,
            product_id=product.product_id,
            sku_info=sku["sku_id"],
            quantity=count,
            stock_after=sku["quantity"],
        )
        return GeneratedOrder(copy.deepcopy(order), self._order_paid_push(app, order, now))

    def _express_price(self, state: StoreState, product: StoredProduct, count: int) -> int:
        """The postage of an order: 0 when post-free, else the first express price or the template's first
        normal fee (start fee plus an add fee per started block of ``AddStandards`` items)."""
        if product.attrext.get("isPostFree") == 1 or product.delivery_info is None:
            return 0
        if product.delivery_info["delivery_type"] == 0:
            return product.delivery_info["express"][0]["price"]
        template = state.templates.get(product.delivery_info["template_id"])
        if template is None:  # deleted since the product was saved
            return 0
        normal = template["TopFee"][0]["Normal"]
        extra_items = max(0, count - normal["StartStandards"])
        blocks = math.ceil(extra_items / normal["AddStandards"]) if normal["AddStandards"] else 0
        return normal["StartFees"] + blocks * normal["AddFees"]

    @staticmethod
    def _order_paid_push(app: AppConfig, order: dict[str, Any], now: int) -> Push:
        """§2.6 order-paid push (manual §6.1), XML like every WeChat server push."""
        xml = (
            "<xml>"
            f"<ToUserName>{cdata(app.original_id)}</ToUserName>"
            f"<FromUserName>{cdata(order['buyer_openid'])}</FromUserName>"
            f"<CreateTime>{now}</CreateTime>"
            f"<MsgType>{cdata('event')}</MsgType>"
            f"<Event>{cdata('merchant_order')}</Event>"
            f"<OrderId>{cdata(order['order_id'])}</OrderId>"
            f"<OrderStatus>{order['order_status']}</OrderStatus>"
            f"<ProductId>{cdata(order['product_id'])}</ProductId>"
            f"<SkuInfo>{cdata(order['product_sku'])}</SkuInfo>"
            "</xml>"
        )
        return Push(body=xml.encode("utf-8"), content_type="text/xml; charset=utf-8")


def _comparable(key: str, value: Any) -> Any:
    """Property order does not matter when comparing the frozen fields; everything else compares as is."""
    if key == "property" and isinstance(value, list):
        return sorted((item.get("id"), item.get("vid")) for item in value if isinstance(item, dict))
    return value or None
