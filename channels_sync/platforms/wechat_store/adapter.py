"""The WeChat Store V1.17 adapter: the engine's operations as ``/merchant/...`` calls (API reference §2)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from products.selectors import FreightTemplateSnapshot, GroupSnapshot, ProductSnapshot, ShelfSnapshot

from ..adapter import (
    AttributeNode,
    BindingState,
    Capability,
    CategoryImport,
    CategoryNode,
    PayloadInputs,
    ProductPayload,
    RemoteProductState,
)
from ..errors import RejectedError
from ..order_types import RemoteOrder, RemoteOrderItem
from ..remote_catalog import RemoteCatalogPage
from ..wechat_adapters import UPLOAD_TIMEOUTS, WeChatAdapter
from . import catalog, catalog_payloads, parsers, payloads
from .client import ROOT_CATEGORY_ID, ProductFilter, ProductListing, WeChatStoreClient

# The fields a listed product keeps (``constants.FROZEN_AFTER_LISTING``), as the merchant calls them.
FROZEN_FIELD_LABELS = {
    "name": gettext_lazy("Title"),
    "category_id": gettext_lazy("Category"),
    "property": gettext_lazy("Attributes"),
}

# Category import walks the tree with one call per node; a platform tree deeper than this is not a product tree.
MAX_CATEGORY_DEPTH = 6


class WeChatStoreAdapter(WeChatAdapter):
    platform = "wechat_store"
    capabilities = frozenset({Capability.IMAGES, Capability.FREIGHT_TEMPLATES_PUSHED, Capability.ORDERS})

    client_class = WeChatStoreClient

    # Images ------------------------------------------------------------------------------------------------

    def upload_image(self, *, filename: str, data: bytes, width: int, height: int) -> str:
        return self.client.upload_image(filename, data, timeouts=UPLOAD_TIMEOUTS)

    # Products ----------------------------------------------------------------------------------------------

    def build_payload(self, inputs: PayloadInputs) -> ProductPayload:
        if inputs.binding is None:
            body = payloads.product_payload(
                inputs.snapshot,
                image_urls=inputs.image_urls,
                freight_template_remote_id=inputs.freight_template_remote_id,
            )
            return ProductPayload(body=body, hash_basis=_without_quantities(body))
        remote_product = (
            parsers.parse_product_info(inputs.remote.raw)
            if inputs.remote is not None and inputs.remote.exists
            else None
        )
        update = payloads.product_update_payload(
            inputs.binding.remote_id,
            inputs.snapshot,
            image_urls=inputs.image_urls,
            freight_template_remote_id=inputs.freight_template_remote_id,
            listed_once=inputs.binding.listed_once,
            remote_frozen=remote_product.frozen_fields() if remote_product else None,
            remote_quantities=remote_product.sku_quantities if remote_product else None,
        )
        warnings = tuple(
            _("%(field)s cannot change once the product has been listed (manual 1.3): the shop keeps its own.")
            % {"field": FROZEN_FIELD_LABELS.get(field, field)}
            for field in update.frozen_fields_differing
        )
        hash_body = payloads.product_payload(
            inputs.snapshot, image_urls=inputs.image_urls, freight_template_remote_id=inputs.freight_template_remote_id
        )
        return ProductPayload(body=update.body, warnings=warnings, hash_basis=_without_quantities(hash_body))

    def product_needs_remote_for_update(self, binding: BindingState) -> bool:
        # Quantities always come from the remote copy (sales happen there); frozen fields too once listed.
        return True

    def product_create(self, *, payload: ProductPayload, snapshot: ProductSnapshot) -> str:
        return self.client.product_create(payload.body)

    def product_update(self, *, remote_id: str, payload: ProductPayload) -> None:
        body = dict(payload.body)
        body.pop("product_id", None)
        self.client.product_update(remote_id, body)

    def product_find(self, *, payload: ProductPayload, snapshot: ProductSnapshot) -> str | None:
        """V1.17 has no merchant product id: a lost create is recognised by its fingerprint (name, SKUs, codes)."""
        wanted = parsers.product_fingerprint(payload.body)
        for info in self.client.product_get_by_status(ProductFilter.ALL):
            if parsers.remote_product_fingerprint(info) == wanted:
                return str(info["product_id"])
        return None

    def product_get(self, *, remote_id: str) -> RemoteProductState:
        try:
            info = self.client.product_get(remote_id)
        except RejectedError as error:
            # The manual publishes no "not found" code: a product the shop refuses to describe is gone.
            return RemoteProductState(
                remote_id=remote_id, exists=False, missing_errcode=error.errcode, missing_errmsg=error.errmsg
            )
        product = parsers.parse_product_info(info)
        listed = None if product.status is None else product.status == ProductFilter.ON_SHELF
        return RemoteProductState(
            remote_id=remote_id,
            exists=True,
            listed=listed,
            stock_by_sku_key=product.sku_quantities,
            raw=info,
            # The store has no draft: what it holds is what it sells, read back into the shape of a create body
            # (``detail_html`` as ``detail`` blocks) for the comparison page.
            online=catalog.parse_catalog_product(info).shop_copy,
        )

    def product_delete(self, *, remote_id: str) -> None:
        self.client.product_delete(remote_id)

    def product_set_listed(self, *, remote_id: str, listed: bool) -> None:
        self.client.product_set_status(remote_id, ProductListing.LIST if listed else ProductListing.DELIST)

    # Stock ---------------------------------------------------------------------------------------------------

    def stock_read_all(self, *, remote_id: str) -> Mapping[str, int]:
        """merchant/get carries every SKU's quantity: one read serves a whole stock push."""
        return parsers.parse_product_info(self.client.product_get(remote_id)).sku_quantities

    def stock_read(self, *, remote_id: str, sku_key: str) -> int:
        quantities = self.stock_read_all(remote_id=remote_id)
        if sku_key not in quantities:
            raise RejectedError(None, f"the shop's product has no SKU {sku_key or '(uniform)'}", endpoint="")
        return quantities[sku_key]

    def stock_change(self, *, remote_id: str, sku_key: str, delta: int) -> None:
        operation, body = payloads.stock_change_payload(remote_id, sku_key, delta)
        if operation == "add":
            self.client.stock_add(body["product_id"], body["sku_info"], body["quantity"])
        else:
            self.client.stock_reduce(body["product_id"], body["sku_info"], body["quantity"])

    # Freight templates ------------------------------------------------------------------------------------------

    def freight_create(self, *, snapshot: FreightTemplateSnapshot) -> str:
        body = catalog_payloads.freight_template_payload(snapshot)
        return str(self.client.express_add(body["delivery_template"]))

    def freight_update(self, *, remote_id: str, snapshot: FreightTemplateSnapshot) -> None:
        body = catalog_payloads.freight_template_payload(snapshot)
        self.client.express_update(int(remote_id), body["delivery_template"])

    def freight_delete(self, *, remote_id: str) -> None:
        self.client.express_delete(int(remote_id))

    def freight_list(self) -> list[dict]:
        items = []
        for info in self.client.express_get_all():
            template = parsers.parse_delivery_template(info)
            items.append(
                {
                    "remote_id": str(template.remote_id),
                    "name": template.name,
                    "template": {
                        "name": template.name,
                        "assumer": template.assumer,
                        "valuation": template.valuation,
                        "fee_rules": [rule.__dict__ for rule in template.fee_rules],
                    },
                }
            )
        return items

    # Groups --------------------------------------------------------------------------------------------------

    def group_create(self, *, snapshot: GroupSnapshot, product_remote_ids: Mapping[int, str]) -> str:
        body = catalog_payloads.group_payload(snapshot, product_remote_ids)["group_detail"]
        return str(self.client.group_add(body["group_name"], body["product_list"]))

    def group_update(self, *, remote_id: str, snapshot: GroupSnapshot, product_remote_ids: Mapping[int, str]) -> None:
        group = parsers.parse_group_detail(self.client.group_get_by_id(int(remote_id)))
        if group.name != snapshot.name:
            self.client.group_rename(int(remote_id), snapshot.name)
        wanted = set(catalog_payloads.group_payload(snapshot, product_remote_ids)["group_detail"]["product_list"])
        now = set(group.product_ids or ())
        if wanted != now:
            self.client.group_modify_products(int(remote_id), add=sorted(wanted - now), remove=sorted(now - wanted))

    def group_delete(self, *, remote_id: str) -> None:
        self.client.group_delete(int(remote_id))

    def group_list(self) -> list[dict]:
        items = []
        for summary in self.client.group_get_all():
            group = parsers.parse_group_detail(summary)
            detail = parsers.parse_group_detail(self.client.group_get_by_id(group.group_id))
            items.append(
                {"remote_id": str(group.group_id), "name": group.name, "product_remote_ids": detail.product_ids or ()}
            )
        return items

    # Shelves --------------------------------------------------------------------------------------------------

    def shelf_create(
        self, *, snapshot: ShelfSnapshot, group_remote_ids: Mapping[int, str], image_urls: Mapping[int, str]
    ) -> str:
        body = catalog_payloads.shelf_payload(snapshot, group_remote_ids, image_urls)
        return str(self.client.shelf_add(**_shelf_arguments(body)))

    def shelf_update(
        self,
        *,
        remote_id: str,
        snapshot: ShelfSnapshot,
        group_remote_ids: Mapping[int, str],
        image_urls: Mapping[int, str],
    ) -> None:
        body = catalog_payloads.shelf_payload(snapshot, group_remote_ids, image_urls)
        self.client.shelf_update(int(remote_id), **_shelf_arguments(body))

    def shelf_delete(self, *, remote_id: str) -> None:
        self.client.shelf_delete(int(remote_id))

    def shelf_list(self) -> list[dict]:
        return [
            {"remote_id": str(shelf.shelf_id), "name": shelf.name}
            for shelf in (parsers.parse_shelf(info) for info in self.client.shelf_get_all())
        ]

    # Categories -----------------------------------------------------------------------------------------------

    def catalog_page(self, *, cursor: str) -> RemoteCatalogPage:
        """getbystatus answers every product at once: one page (§2.1 row 1.5)."""
        return catalog.read_catalog_page(self.client, cursor)

    def categories_import(self) -> CategoryImport:
        """Walk the tree from the root (manual 1.7), then read each leaf's SKU table and properties (1.8, 1.9).

        Breadth first, so every category comes after its parent.
        """
        categories: list[CategoryNode] = []
        attributes: list[AttributeNode] = []
        root = str(ROOT_CATEGORY_ID)
        # (parent remote id or None, remote id, name, level)
        frontier: list[tuple[str | None, str, str, int]] = [
            (None, child.id, child.name, 1) for child in parsers.parse_category_list(self.client.category_get_sub(root))
        ]
        while frontier:
            parent_id, cate_id, name, level = frontier.pop(0)
            children = ()
            if level < MAX_CATEGORY_DEPTH:
                children = parsers.parse_category_list(self.client.category_get_sub(cate_id))
            is_leaf = not children
            categories.append(
                CategoryNode(remote_id=cate_id, parent_remote_id=parent_id, name=name, level=level, is_leaf=is_leaf)
            )
            if is_leaf:
                attributes += _attribute_nodes(cate_id, "spec", self.client.category_get_sku(cate_id))
                attributes += _attribute_nodes(cate_id, "property", self.client.category_get_property(cate_id))
            frontier += [(cate_id, child.id, child.name, level + 1) for child in children]
        return CategoryImport(categories=tuple(categories), attributes=tuple(attributes))

    # Orders --------------------------------------------------------------------------------------------------

    def orders_pull(self, *, since: datetime, until: datetime) -> list[RemoteOrder]:
        orders = self.client.order_get_by_filter(begin_time=int(since.timestamp()), end_time=int(until.timestamp()))
        return [_remote_order(parsers.parse_order(order), order) for order in orders]

    def order_get(self, *, remote_order_id: str) -> RemoteOrder:
        order = self.client.order_get_by_id(remote_order_id)
        return _remote_order(parsers.parse_order(order), order)

    def order_set_delivery(
        self, *, remote_order_id: str, need_delivery: bool, company: str, track_no: str, is_others: bool
    ) -> None:
        self.client.order_set_delivery(
            remote_order_id,
            need_delivery=need_delivery,
            delivery_company=company,
            delivery_track_no=track_no,
            is_others=is_others,
        )

    def order_close(self, *, remote_order_id: str) -> None:
        self.client.order_close(remote_order_id)


def _without_quantities(body: dict) -> dict:
    """The body with SKU quantities blanked: stock travels as deltas, so it must not make a product "changed"."""
    return {**body, "sku_list": [{**sku, "quantity": 0} for sku in body.get("sku_list", [])]}


def _attribute_nodes(category_id: str, kind: str, table) -> list[AttributeNode]:
    parsed = parsers.parse_sku_table(table) if kind == "spec" else parsers.parse_properties(table)
    return [
        AttributeNode(
            category_remote_id=category_id,
            kind=kind,
            remote_id=attribute.id,
            name=attribute.name,
            is_required=False,
            values=tuple((value.id, value.name) for value in attribute.values),
        )
        for attribute in parsed
    ]


def _shelf_arguments(body: dict) -> dict:
    return {
        "shelf_name": body["shelf_name"],
        "module_infos": body["shelf_data"]["module_infos"],
        "shelf_banner": body.get("shelf_banner"),
    }


def _remote_order(order: parsers.RemoteOrder, raw: Mapping) -> RemoteOrder:
    items = order.items or (order.main_item,)
    return RemoteOrder(
        remote_order_id=order.order_id,
        status=order.order_status,
        total_price=order.order_total_price,
        express_price=order.order_express_price,
        created_at=datetime.fromtimestamp(order.order_create_time, tz=UTC) if order.order_create_time else None,
        buyer_openid=order.buyer_openid,
        buyer_nick=order.buyer_nick,
        receiver_name=order.receiver_name,
        receiver_province=order.receiver_province,
        receiver_city=order.receiver_city,
        receiver_zone=order.receiver_zone or "",
        receiver_address=order.receiver_address,
        receiver_mobile=order.receiver_mobile,
        receiver_phone=order.receiver_phone,
        delivery_company=order.delivery_company,
        delivery_track_no=order.delivery_id,
        trans_id=order.trans_id,
        items=tuple(
            RemoteOrderItem(
                remote_product_id=item.product_id,
                remote_sku_key=item.product_sku,
                product_name=item.product_name,
                price=item.product_price,
                count=item.product_count,
                image_url=item.product_img,
            )
            for item in items
        ),
        raw=raw,
    )
