"""The Channels store adapter (today's 微信小店, API reference §3): drafts, audit, listing, stock, freight.

Writes go to the product's draft, which the platform audits; the engine reads the product back after each
write (``Capability.DRAFT``) and waits, without failing, while an audit runs. Add and update share a per-shop quota
(200 an hour, 1000 a day, §3.3) counted here before each call, so work beyond it waits for its window.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from django.utils.translation import gettext as _

from products.selectors import FreightTemplateSnapshot, ProductSnapshot

from ..adapter import (
    AttributeNode,
    BindingState,
    BrandNode,
    Capability,
    CategoryImport,
    CategoryNode,
    DependencyPending,
    PayloadInputs,
    ProductPayload,
    RemoteProductState,
)
from ..errors import ProtocolError, RejectedError, RemoteMissingError
from ..order_types import DeliveryCompany, ParcelItem, RejectReason, RemoteAfterSale, RemoteOrder, RemoteParcel
from ..remote_catalog import RemoteCatalogPage
from ..skus import sku_keys_by_out_sku_id
from ..wechat_adapters import ProductWriteQuota, WeChatAdapter, body_without_stock
from . import catalog, freight_payloads, parsers, payloads, source_payloads
from .client import ChannelsClient, ProductDataType
from .constants import IMAGE_HOST, IMAGE_PATH_PREFIX, EditStatus, ProductStatus
from .orders import ChannelsOrders, parse_aftersale, parse_order

NO_BRAND_ID = "2100000000"
QUOTA_ERRCODE = 10020066
# While the platform audits a draft, nothing can change it (10020049): look again after this long.
AUDIT_WAIT_SECONDS = 20
# Delisting a product that is not online (§3.2).
NOT_LISTED_ERRCODE = 10020065
# Stock updates are refused while the draft is under audit (10020217, §3.4).
STOCK_UNDER_AUDIT_ERRCODE = 10020217
# A lost add is looked for among at most this many pages of products (30 a page).
FIND_MAX_PAGES = 20
MAX_CATEGORY_DEPTH = 6

STATUS_WORDS = {
    ProductStatus.INITIAL: "initial",
    ProductStatus.LISTED: "listed",
    ProductStatus.RECYCLE_BIN: "recycled",
    ProductStatus.DELETED: "deleted",
    ProductStatus.DELISTED_BY_MERCHANT: "delisted",
    ProductStatus.SOLD_OUT: "sold_out",
    ProductStatus.DELISTED_FOR_VIOLATION: "violation",
    ProductStatus.DEPOSIT_INSUFFICIENT: "deposit",
    ProductStatus.BRAND_EXPIRED: "brand_expired",
    ProductStatus.BANNED: "banned",
}
EDIT_STATUS_WORDS = {
    EditStatus.INITIAL: "",
    EditStatus.EDITING: "editing",
    EditStatus.UNDER_AUDIT: "auditing",
    EditStatus.AUDIT_FAILED: "rejected",
    EditStatus.AUDIT_PASSED: "approved",
    EditStatus.UPLOADING: "uploading",
    EditStatus.UPLOAD_FAILED: "upload_failed",
}


class ChannelsAdapter(WeChatAdapter):
    platform = "channels"
    capabilities = frozenset(
        {
            Capability.DRAFT,
            Capability.IMAGES,
            Capability.FREIGHT_TEMPLATES_PUSHED,
            Capability.ORDERS,
            Capability.AFTERSALES,
            Capability.PARCELS,
        }
    )

    client_class = ChannelsClient
    product_write_quota = ProductWriteQuota(
        "channels_product_write",
        per_hour_setting="CHANNELS_PRODUCT_WRITES_PER_HOUR",
        per_day_setting="CHANNELS_PRODUCT_WRITES_PER_DAY",
        errcode=QUOTA_ERRCODE,
    )

    # Images: uploaded as bytes, answered by a link (``WeChatAdapter.upload_image``).

    @classmethod
    def preview_image_url(cls, asset_id: int) -> str:
        """The body takes only ``mmecimage.cn/p/`` links (§3.6): a preview's stand-in is one, never sent."""
        return f"https://{IMAGE_HOST}{IMAGE_PATH_PREFIX}preview-{asset_id}"

    # Products ----------------------------------------------------------------------------------------------

    def build_payload(self, inputs: PayloadInputs) -> ProductPayload:
        brand_id = inputs.snapshot.brand_remote_id or NO_BRAND_ID
        body = payloads.product_payload(
            inputs.snapshot,
            image_urls=inputs.image_urls,
            freight_template_remote_id=inputs.freight_template_remote_id,
            brand_id=brand_id,
        )
        hash_basis = body_without_stock(body)
        if inputs.binding is None:
            return ProductPayload(body=body, hash_basis=hash_basis)
        product = (
            parsers.parse_product(inputs.remote.raw) if inputs.remote is not None and inputs.remote.exists else None
        )
        if product is not None and product.under_audit:
            raise DependencyPending(_("Waiting for the shop to finish auditing the product."), delay_seconds=30)
        update = payloads.product_update_payload(
            inputs.binding.remote_id,
            inputs.snapshot,
            image_urls=inputs.image_urls,
            freight_template_remote_id=inputs.freight_template_remote_id,
            brand_id=brand_id,
            remote_sku_ids=product.sku_ids_by_out_sku_id() if product else {},
            remote_stock_nums=product.stock_by_sku_id() if product else None,
        )
        return ProductPayload(body=update, hash_basis=hash_basis)

    def product_needs_remote_for_update(self, binding: BindingState) -> bool:
        # The shop's sku_ids, its stock (sales happen there) and whether an audit is running.
        return True

    def remote_sku_keys(self, *, snapshot: ProductSnapshot, remote: RemoteProductState | None) -> dict[int, str]:
        if remote is None or not remote.exists:
            return {}
        by_out_id = parsers.parse_product(remote.raw).sku_ids_by_out_sku_id()
        return sku_keys_by_out_sku_id(snapshot, by_out_id)

    def product_create(self, *, payload: ProductPayload, snapshot: ProductSnapshot) -> str:
        self.write_quota.acquire()
        product_id, _created = self.client.product_add(payload.body)
        return product_id

    def product_update(self, *, remote_id: str, payload: ProductPayload) -> None:
        self.write_quota.acquire()
        self.client.product_update(payload.body)

    def product_find(self, *, payload: ProductPayload, snapshot: ProductSnapshot) -> str | None:
        """A lost add is found by its out_product_id through list and get (§3.3: the platform does not enforce
        its uniqueness, so the first match wins). Never-listed drafts only show with ``status`` 0."""
        wanted = snapshot.out_product_id
        for status in (ProductStatus.INITIAL, None):
            next_key = ""
            for _page in range(FIND_MAX_PAGES):
                ids, next_key, _total = self.client.product_list(page_size=30, next_key=next_key, status=status)
                for product_id in ids:
                    product = parsers.parse_product(self.client.product_get(product_id, ProductDataType.BOTH))
                    if product.out_product_id == wanted:
                        return product_id
                if not next_key or not ids:
                    break
        return None

    def product_get(self, *, remote_id: str) -> RemoteProductState:
        try:
            answer = self.client.product_get(remote_id, ProductDataType.BOTH)
        except RemoteMissingError as error:
            # 10020052: never existed, or deleted for good. Any other rejection is not an answer about the product.
            return RemoteProductState(
                remote_id=remote_id, exists=False, missing_errcode=error.errcode, missing_errmsg=error.errmsg
            )
        product = parsers.parse_product(answer)
        return RemoteProductState(
            remote_id=remote_id,
            exists=product.status not in (ProductStatus.DELETED,),
            listed=product.listed,
            status=STATUS_WORDS.get(product.status, str(product.status or "")),
            edit_status=EDIT_STATUS_WORDS.get(product.edit_status, str(product.edit_status or "")),
            reason=product.reject_reason,
            stock_by_sku_key=product.stock_by_sku_id(),
            raw=answer,
            draft=answer.get("edit_product"),
            online=answer.get("product"),
        )

    def product_delete(self, *, remote_id: str) -> None:
        self._wait_while_auditing(remote_id)
        self.client.product_delete(remote_id)

    def product_set_listed(self, *, remote_id: str, listed: bool) -> None:
        if not listed:
            try:
                self.client.product_delisting(remote_id)
            except RejectedError as error:
                # "Not listed" is what a delist wants: the repeat of one whose answer was lost, or a product that
                # never went online.
                if error.errcode != NOT_LISTED_ERRCODE:
                    raise
            return
        product = parsers.parse_product(self.client.product_get(remote_id, ProductDataType.BOTH))
        if product.under_audit or product.edit_status == EditStatus.UPLOADING:
            raise DependencyPending(_("Waiting for the shop to finish auditing the product."), delay_seconds=30)
        if product.edit_status == EditStatus.AUDIT_FAILED:
            raise RejectedError(
                None,
                _("The shop's audit rejected the product: %(reason)s") % {"reason": product.reject_reason or "-"},
                endpoint=self.client.path("product/listing"),
            )
        self.client.product_listing(remote_id)

    def product_audit_cancel(self, *, remote_id: str) -> None:
        self.client.product_audit_cancel(remote_id)

    def _wait_while_auditing(self, remote_id: str) -> None:
        product = parsers.parse_product(self.client.product_get(remote_id, ProductDataType.BOTH))
        if product.under_audit:
            raise DependencyPending(
                _("Waiting for the shop to finish auditing the product (or cancel the audit)."),
                delay_seconds=AUDIT_WAIT_SECONDS,
            )

    # Stock ---------------------------------------------------------------------------------------------------

    def stock_read(self, *, remote_id: str, sku_key: str) -> int:
        data = self.client.stock_get(remote_id, sku_key)
        try:
            return int(data["normal_stock_num"])
        except (KeyError, TypeError, ValueError) as error:
            raise ProtocolError("stock/get answered without normal_stock_num", endpoint="stock/get") from error

    def stock_change(self, *, remote_id: str, sku_key: str, delta: int) -> None:
        body = payloads.stock_update_payload(remote_id, sku_key, delta)
        try:
            self.client.stock_update(body["product_id"], body["sku_id"], body["diff_type"], body["num"])
        except RejectedError as error:
            if error.errcode == STOCK_UNDER_AUDIT_ERRCODE:
                raise DependencyPending(
                    _("Waiting for the shop to finish auditing the product."), delay_seconds=AUDIT_WAIT_SECONDS
                ) from error
            raise

    # Freight templates -----------------------------------------------------------------------------------------

    def freight_create(self, *, snapshot: FreightTemplateSnapshot) -> str:
        return self.client.freight_add(freight_payloads.freight_template_payload(snapshot)["freight_template"])

    def freight_update(self, *, remote_id: str, snapshot: FreightTemplateSnapshot) -> None:
        self.client.freight_update(remote_id, freight_payloads.freight_template_payload(snapshot)["freight_template"])

    def freight_list(self) -> list[dict]:
        items = []
        offset = 0
        while True:
            ids = self.client.freight_list(offset=offset, limit=20)
            for template_id in ids:
                template = parsers.parse_freight_template(self.client.freight_get_detail(template_id))
                items.append(
                    {
                        "remote_id": template.template_id,
                        "name": template.name,
                        "template": {
                            "name": template.name,
                            "fee_rules": [rule.__dict__ for rule in template.fee_rules],
                        },
                    }
                )
            if len(ids) < 20:
                return items
            offset += len(ids)

    # Categories and brands ---------------------------------------------------------------------------------------

    def catalog_page(self, *, cursor: str) -> RemoteCatalogPage:
        """list/get from the cursor, then get per product (§3.2)."""
        return catalog.read_catalog_page(self.client, cursor)

    def categories_import(self) -> CategoryImport:
        """The tree from the roots (availablesoncategories), each leaf's attributes (category/detail), the brands."""
        categories: list[CategoryNode] = []
        attributes: list[AttributeNode] = []
        frontier = [(None, child, 1) for child in parsers.parse_category_children(self.client.category_children())]
        while frontier:
            parent_id, node, level = frontier.pop(0)
            children = ()
            if node.leaf is not True and level < MAX_CATEGORY_DEPTH:
                children = parsers.parse_category_children(self.client.category_children(node.cat_id))
            is_leaf = not children
            categories.append(
                CategoryNode(
                    remote_id=node.cat_id, parent_remote_id=parent_id, name=node.name, level=level, is_leaf=is_leaf
                )
            )
            if is_leaf:
                detail = parsers.parse_category_detail(self.client.category_detail(node.cat_id))
                attributes += [
                    AttributeNode(
                        category_remote_id=node.cat_id,
                        kind="property",
                        remote_id="",
                        name=attribute.name,
                        is_required=attribute.is_required,
                        values=tuple(("", value) for value in attribute.values),
                    )
                    for attribute in detail.attributes
                ]
            frontier += [(node.cat_id, child, level + 1) for child in children]
        return CategoryImport(categories=tuple(categories), attributes=tuple(attributes), brands=self._brands())

    def _brands(self) -> tuple[BrandNode, ...]:
        brands: list[BrandNode] = []
        next_key = ""
        while True:
            page = parsers.parse_brands(self.client.brand_list(page_size=30, next_key=next_key))
            brands += [BrandNode(remote_id=b.brand_id, name_zh=b.ch_name, name_en=b.en_name) for b in page.brands]
            if not page.has_more or not page.next_key:
                return tuple(brands)
            next_key = page.next_key

    # Third-party source --------------------------------------------------------------------------------------------

    def declare_third_party_source(
        self, *, snapshot: ProductSnapshot, declaration: Mapping, image_urls: Mapping[int, str]
    ) -> str:
        body = source_payloads.third_party_source_payload(snapshot, declaration, image_urls)
        return self.client.add_third_party_source(body)

    # Orders and after-sales (orders.py) --------------------------------------------------------------------

    def orders_pull(self, *, since: datetime, until: datetime) -> list[RemoteOrder]:
        """Every order updated within the span: its ids by windows of 7 days and pages of 100, then each order
        read (list/get answers ids only). An id on a window boundary comes twice and is read once."""
        orders = ChannelsOrders(self.client)
        seen: dict[str, None] = dict.fromkeys(orders.updated_order_ids(since, until))
        return [parse_order(orders.order_get(order_id)) for order_id in seen]

    def order_get(self, *, remote_order_id: str) -> RemoteOrder:
        return parse_order(ChannelsOrders(self.client).order_get(remote_order_id))

    def delivery_companies(self) -> list[DeliveryCompany]:
        return ChannelsOrders(self.client).delivery_companies()

    def order_ship(self, *, remote_order_id: str, parcels: tuple[RemoteParcel, ...]) -> None:
        """A parcel without items ships every piece left (read from the order first)."""
        orders = ChannelsOrders(self.client)
        if any(not parcel.items for parcel in parcels):
            left = _pieces_left(parse_order(orders.order_get(remote_order_id)))
            parcels = tuple(parcel if parcel.items else replace(parcel, items=left) for parcel in parcels)
        orders.delivery_send(remote_order_id, parcels)

    def order_set_delivery(
        self, *, remote_order_id: str, need_delivery: bool, company: str, track_no: str, is_others: bool
    ) -> None:
        """The V1.17-shaped shipping of a whole order: one parcel of every piece left (no logistics: virtual)."""
        parcel = RemoteParcel(
            company=company if need_delivery else "", track_no=track_no if need_delivery else "", items=()
        )
        self.order_ship(remote_order_id=remote_order_id, parcels=(parcel,))

    def aftersales_pull(self, *, since: datetime, until: datetime) -> list[RemoteAfterSale]:
        orders = ChannelsOrders(self.client)
        seen: dict[str, None] = dict.fromkeys(orders.updated_aftersale_ids(since, until))
        return [parse_aftersale(orders.aftersale_get(after_sale_id)) for after_sale_id in seen]

    def aftersale_get(self, *, remote_aftersale_id: str) -> RemoteAfterSale:
        return parse_aftersale(ChannelsOrders(self.client).aftersale_get(remote_aftersale_id))

    def aftersale_accept(self, *, remote_aftersale_id: str) -> None:
        ChannelsOrders(self.client).aftersale_accept(remote_aftersale_id)

    def aftersale_reject(self, *, remote_aftersale_id: str, reason_type: int, reason: str) -> None:
        ChannelsOrders(self.client).aftersale_reject(remote_aftersale_id, reason_type=reason_type, reason=reason)

    def aftersale_reject_reasons(self) -> list[RejectReason]:
        return ChannelsOrders(self.client).aftersale_reject_reasons()


def _pieces_left(order: RemoteOrder) -> tuple[ParcelItem, ...]:
    """Every piece of the order not shipped yet nor refunded."""
    return tuple(
        ParcelItem(item.remote_product_id, item.remote_sku_key, left)
        for item in order.items
        if (left := item.count - item.delivered_count - item.refunded_count) > 0
    )
