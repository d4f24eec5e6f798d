"""The mini-shop adapter (小商店, API reference §4, seed 001): drafts, audit on listing, stock deltas, categories and
the shop's own freight templates.

add and update write the product's draft; listing submits the draft for audit and the platform lists it when the
audit passes. The engine reads the product back after each write (``Capability.DRAFT``) and writes wait, without
failing, while an audit runs (9401023 "not editable"). An update of a listed product is submitted again, so the
change reaches buyers once audited. Add and update share a per-shop quota (200 an hour, 1000 a day, §4) counted
here before each call, so work beyond it waits for its window; an update of a listed product that changes only SKU
prices or stock is not counted (§4).

Freight templates cannot be created or changed through the API (§4 has only ``get_freight_template``): the
shop's templates are bound to the local ones of the same name by Shops › Import freight templates
(``Capability.FREIGHT_TEMPLATES_IMPORTED``: a product whose template is not bound fails with what to do).
Pushing a template to a mini-shop binds the shop's template of the same name, or is refused with the same advice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.utils.translation import gettext as _

from products.selectors import FreightTemplateSnapshot, ProductSnapshot

from ..adapter import (
    BindingState,
    Capability,
    CategoryImport,
    CategoryNode,
    DependencyPending,
    NotSupported,
    PayloadInputs,
    ProductPayload,
    RemoteProductState,
)
from ..errors import RejectedError
from ..order_types import DeliveryCompany, RemoteOrder, RemoteParcel
from ..remote_catalog import RemoteCatalogPage
from ..skus import sku_keys_by_out_sku_id
from ..wechat_adapters import ProductWriteQuota, WeChatAdapter, body_without_stock
from . import catalog, payloads
from .client import ERRCODE_NOT_EDITABLE, ERRCODE_SPU_EXISTS, ERRCODE_SPU_MISSING, ROOT_CATEGORY_ID, MiniShopClient
from .orders import MiniShopOrders, parse_order
from .payloads import EditStatus, ProductStatus, RemoteSpu

# The common WeChat daily-quota code (reference §1.3), shown when the client-side quota holds work back.
QUOTA_ERRCODE = 45009
# While the platform audits a draft, nothing can change it (9401023): look again after this long.
AUDIT_WAIT_SECONDS = 20
# cats[] has three levels (seed 001): level-3 categories are the leaves.
CATEGORY_LEVELS = 3

# The same words as the Channels adapter, so the admin's labels apply.
STATUS_WORDS = {
    ProductStatus.INITIAL: "initial",
    ProductStatus.LISTED: "listed",
    ProductStatus.DELISTED_BY_MERCHANT: "delisted",
    ProductStatus.DELISTED_FOR_VIOLATION: "violation",
}
EDIT_STATUS_WORDS = {
    EditStatus.INITIAL: "",
    EditStatus.EDITING: "editing",
    EditStatus.UNDER_AUDIT: "auditing",
    EditStatus.AUDIT_FAILED: "rejected",
    EditStatus.AUDIT_PASSED: "approved",
}


class MiniShopAdapter(WeChatAdapter):
    platform = "minishop"
    capabilities = frozenset(
        {Capability.DRAFT, Capability.IMAGES, Capability.FREIGHT_TEMPLATES_IMPORTED, Capability.ORDERS}
    )
    # Templates are only listed by the API: a product's template must have been bound by an import.
    client_class = MiniShopClient
    product_write_quota = ProductWriteQuota(
        "minishop_product_write",
        per_hour_setting="MINISHOP_PRODUCT_WRITES_PER_HOUR",
        per_day_setting="MINISHOP_PRODUCT_WRITES_PER_DAY",
        errcode=QUOTA_ERRCODE,
    )

    # Images: uploaded as bytes, answered by a link (``WeChatAdapter.upload_image``).

    # Products ----------------------------------------------------------------------------------------------

    def build_payload(self, inputs: PayloadInputs) -> ProductPayload:
        body = payloads.product_payload(
            inputs.snapshot, image_urls=inputs.image_urls, freight_template_remote_id=inputs.freight_template_remote_id
        )
        warnings = ()
        if inputs.snapshot.brand_remote_id:
            warnings = (
                _("The mini-shop does not share the Channels brand library: the product is sent without a brand."),
            )
        hash_basis = body_without_stock(body)
        if inputs.binding is None:
            return ProductPayload(body=body, warnings=warnings, hash_basis=hash_basis)
        draft = (
            _spu(inputs.remote.draft)
            if inputs.remote is not None and inputs.remote.exists and inputs.remote.draft
            else None
        )
        if draft is not None and draft.under_audit:
            raise _audit_pending(delay_seconds=30)
        update = payloads.product_update_payload(
            inputs.binding.remote_id,
            inputs.snapshot,
            image_urls=inputs.image_urls,
            freight_template_remote_id=inputs.freight_template_remote_id,
            remote_stock_by_out_sku_id=_stock_by_out_sku_id(draft) if draft is not None else None,
        )
        return ProductPayload(body=update, warnings=warnings, hash_basis=hash_basis)

    def product_needs_remote_for_update(self, binding: BindingState) -> bool:
        # The shop's stock (sales happen there) and whether an audit is running.
        return True

    def remote_sku_keys(self, *, snapshot: ProductSnapshot, remote: RemoteProductState | None) -> dict[int, str]:
        if remote is None or not remote.exists or not remote.draft:
            return {}
        by_out_id = _spu(remote.draft).sku_ids_by_out_sku_id()
        return sku_keys_by_out_sku_id(snapshot, by_out_id)

    def product_create(self, *, payload: ProductPayload, snapshot: ProductSnapshot) -> str:
        """spu/add. A 9401001 "already exists" answer is an earlier add of the same out_product_id (a retry after
        a lost answer): the product is looked up by it (spu/get with out_product_id), brought up to date with this
        body, keeping the shop's stock of the SKUs it has (sales may have happened there since), and its id
        returned, so the add is never doubled."""
        self.write_quota.acquire()
        try:
            product_id, _created = self.client.spu_add(payload.body)
        except RejectedError as error:
            if error.errcode != ERRCODE_SPU_EXISTS:
                raise
            try:
                draft_answer = self.client.spu_get(out_product_id=snapshot.out_product_id.strip(), need_edit_spu=True)
            except RejectedError as lookup:
                if lookup.errcode == ERRCODE_SPU_MISSING:
                    raise error from lookup
                raise
            draft = _spu(draft_answer)
            body = payloads.with_remote_stock(payload.body, _stock_by_out_sku_id(draft))
            self._update(draft.product_id, {"product_id": int(draft.product_id), **body}, draft_answer)
            return draft.product_id
        return product_id

    def product_update(self, *, remote_id: str, payload: ProductPayload) -> None:
        """spu/update writes the draft; a listed product's draft is then submitted again (listing), since only an
        audited draft reaches the online copy."""
        self._update(remote_id, payload.body, self.client.spu_get(product_id=remote_id, need_edit_spu=True))

    def _update(self, remote_id: str, body: Mapping, draft_answer: Mapping) -> None:
        """spu/update of ``body`` over the draft ``draft_answer`` (spu/get, need_edit_spu 1) just read."""
        before = _spu(draft_answer)
        if before.under_audit:
            raise _audit_pending(delay_seconds=30)
        # §4: price/stock-only changes on listed items do not count towards the add+update quota.
        if not (before.listed and payloads.changes_only_prices_or_stock(body, draft_answer)):
            self.write_quota.acquire()
        try:
            self.client.spu_update(body)
            if before.listed:
                self.client.spu_listing(remote_id)
        except RejectedError as error:
            self._raise_pending_if_not_editable(error)
            raise

    def product_find(self, *, payload: ProductPayload, snapshot: ProductSnapshot) -> str | None:
        """A lost add is found by its out_product_id (spu/get takes it instead of product_id, seed 001)."""
        try:
            spu = _spu(self.client.spu_get(out_product_id=snapshot.out_product_id.strip(), need_edit_spu=True))
        except RejectedError as error:
            if error.errcode == ERRCODE_SPU_MISSING:
                return None
            raise
        return spu.product_id

    def product_get(self, *, remote_id: str) -> RemoteProductState:
        """The draft (need_edit_spu 1) and, once the product was listed, the online copy (need_edit_spu 0)."""
        try:
            draft_answer = self.client.spu_get(product_id=remote_id, need_edit_spu=True)
        except RejectedError as error:
            if error.errcode == ERRCODE_SPU_MISSING:
                return RemoteProductState(
                    remote_id=remote_id, exists=False, missing_errcode=error.errcode, missing_errmsg=error.errmsg
                )
            raise
        draft = _spu(draft_answer)
        online_answer = None
        if draft.ever_listed:
            try:
                online_answer = self.client.spu_get(product_id=remote_id, need_edit_spu=False)
            except RejectedError as error:
                if error.errcode != ERRCODE_SPU_MISSING:
                    raise
        return RemoteProductState(
            remote_id=remote_id,
            exists=True,
            listed=draft.listed,
            status=STATUS_WORDS.get(draft.status, str(draft.status or "")),
            edit_status=EDIT_STATUS_WORDS.get(draft.edit_status, str(draft.edit_status or "")),
            reason=draft.reject_reason,
            stock_by_sku_key=draft.stock_by_sku_id(),
            raw={"edit_spu": draft_answer, "spu": online_answer},
            draft=draft_answer,
            online=online_answer,
        )

    def product_delete(self, *, remote_id: str) -> None:
        if self._draft(remote_id).under_audit:
            raise _audit_pending()
        try:
            self.client.spu_delete(remote_id)
        except RejectedError as error:
            self._raise_pending_if_not_editable(error)
            raise

    def product_set_listed(self, *, remote_id: str, listed: bool) -> None:
        """Listing submits the draft for audit; the platform lists it when the audit passes. A draft already under
        audit is on its way (only listing submits one), an approved draft already online needs nothing, and a
        draft the audit rejected is refused with its reason until the product is edited."""
        spu = self._draft(remote_id)
        if not listed:
            if spu.under_audit:
                raise _audit_pending()
            if spu.listed:
                self.client.spu_delisting(remote_id)
            return
        if spu.under_audit or (spu.listed and spu.edit_status == EditStatus.AUDIT_PASSED):
            return
        if spu.edit_status == EditStatus.AUDIT_FAILED:
            raise RejectedError(
                None,
                _("The shop's audit rejected the product: %(reason)s") % {"reason": spu.reject_reason or "-"},
                endpoint="/product/spu/listing",
            )
        self.client.spu_listing(remote_id)

    def _draft(self, remote_id: str) -> RemoteSpu:
        return _spu(self.client.spu_get(product_id=remote_id, need_edit_spu=True))

    @staticmethod
    def _raise_pending_if_not_editable(error: RejectedError) -> None:
        if error.errcode == ERRCODE_NOT_EDITABLE:
            raise _audit_pending() from error

    # Stock ---------------------------------------------------------------------------------------------------

    def stock_read_all(self, *, remote_id: str) -> Mapping[str, int]:
        """Every SKU's live stock in one sku/get_list call (need_real_stock 1), from the draft's SKUs."""
        return payloads.parse_sku_list(self.client.sku_get_list(remote_id, need_edit_sku=True, need_real_stock=True))

    def stock_read(self, *, remote_id: str, sku_key: str) -> int:
        stock = self.stock_read_all(remote_id=remote_id)
        if sku_key not in stock:
            raise RejectedError(
                None,
                _("SKU %(sku)s is not in the shop's product %(product)s.") % {"sku": sku_key, "product": remote_id},
                endpoint="/product/sku/get_list",
            )
        return stock[sku_key]

    def stock_change(self, *, remote_id: str, sku_key: str, delta: int) -> None:
        body = payloads.stock_update_payload(remote_id, sku_key, delta)
        self.client.stock_update(str(body["product_id"]), str(body["sku_id"]), body["type"], body["stock_num"])

    # Freight templates -----------------------------------------------------------------------------------------

    def freight_create(self, *, snapshot: FreightTemplateSnapshot) -> str:
        """The API cannot create templates: the shop's template of the same name is bound instead, if it has one."""
        for template in self.client.freight_templates():
            if template["name"] == snapshot.name.strip():
                return template["template_id"]
        raise RejectedError(
            None,
            _(
                "The mini-shop API cannot create freight templates: create “%(name)s” in the mini-shop's own "
                "admin, then run Shops › Import freight templates, which binds templates by name."
            )
            % {"name": snapshot.name},
            endpoint="/product/delivery/get_freight_template",
        )

    def freight_update(self, *, remote_id: str, snapshot: FreightTemplateSnapshot) -> None:
        raise RejectedError(
            None,
            _(
                "The mini-shop API cannot change freight templates: change “%(name)s” in the mini-shop's own admin "
                "(Shops › Import freight templates binds it by name)."
            )
            % {"name": snapshot.name},
            endpoint="/product/delivery/get_freight_template",
        )

    def freight_delete(self, *, remote_id: str) -> None:
        raise RejectedError(
            None,
            _("The mini-shop API cannot delete freight templates: delete it in the mini-shop's own admin."),
            endpoint="/product/delivery/get_freight_template",
        )

    def freight_list(self) -> list[dict]:
        return [
            {
                "remote_id": template["template_id"],
                "name": template["name"],
                "template": {"name": template["name"]},
            }
            for template in self.client.freight_templates()
        ]

    # Categories ----------------------------------------------------------------------------------------------------

    def catalog_page(self, *, cursor: str) -> RemoteCatalogPage:
        """get_list by page number, drafts included (§4)."""
        return catalog.read_catalog_page(self.client, cursor)

    def categories_import(self) -> CategoryImport:
        """The tree from the roots (category/get with f_cat_id 0) down to level 3, whose categories are leaves."""
        categories: list[CategoryNode] = []
        frontier = [(None, child, 1) for child in self.client.category_get(ROOT_CATEGORY_ID)]
        while frontier:
            parent_id, node, level = frontier.pop(0)
            children = self.client.category_get(node["cat_id"]) if level < CATEGORY_LEVELS else []
            categories.append(
                CategoryNode(
                    remote_id=node["cat_id"],
                    parent_remote_id=parent_id,
                    name=node["name"],
                    level=level,
                    is_leaf=not children,
                )
            )
            frontier += [(node["cat_id"], child, level + 1) for child in children]
        return CategoryImport(categories=tuple(categories), attributes=())

    # Orders (orders.py; the mini-shop documents no after-sale calls of its own) ----------------------------

    def orders_pull(self, *, since: datetime, until: datetime) -> list[RemoteOrder]:
        return [parse_order(order) for order in MiniShopOrders(self.client).updated_orders(since, until)]

    def order_get(self, *, remote_order_id: str) -> RemoteOrder:
        return parse_order(MiniShopOrders(self.client).order_get(remote_order_id))

    def delivery_companies(self) -> list[DeliveryCompany]:
        return MiniShopOrders(self.client).delivery_companies()

    def order_ship(self, *, remote_order_id: str, parcels: tuple[RemoteParcel, ...]) -> None:
        MiniShopOrders(self.client).delivery_send(remote_order_id, parcels)

    def order_set_delivery(
        self, *, remote_order_id: str, need_delivery: bool, company: str, track_no: str, is_others: bool
    ) -> None:
        """The whole order in one parcel (``is_all_product``); the mini-shop ships by express only."""
        if not need_delivery:
            raise NotSupported("order_set_delivery", _("The mini-shop ships by express only."))
        self.order_ship(remote_order_id=remote_order_id, parcels=(RemoteParcel(company, track_no, ()),))


def _audit_pending(*, delay_seconds: int = AUDIT_WAIT_SECONDS) -> DependencyPending:
    """The wait of a write the shop's running audit holds back (nothing can change a draft under audit)."""
    return DependencyPending(_("Waiting for the shop to finish auditing the product."), delay_seconds=delay_seconds)


def _spu(answer: Mapping) -> RemoteSpu:
    return payloads.parse_spu(answer)


def _stock_by_out_sku_id(draft: RemoteSpu) -> dict[str, int]:
    return {sku.out_sku_id: sku.stock_num for sku in draft.skus if sku.out_sku_id and sku.stock_num is not None}
