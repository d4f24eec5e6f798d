"""Listing (reference §4): spu/listing submits the draft for the platform's audit, spu/delisting takes a listed
product off; :class:`Audits` finishes the audits by the sandbox clock, with the outcomes ``minishop_audit`` sets."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.audits import AuditSettings, record_audit
from sandbox.core.base import Request, RouteTable, ok
from sandbox.core.context import SandboxContext
from sandbox.minishop.rules import param
from sandbox.minishop.shop import find_product, require_editable
from sandbox.minishop.state import (
    EDIT_APPROVED,
    EDIT_REJECTED,
    EDIT_UNDER_AUDIT,
    STATUS_DELISTED,
    STATUS_LISTED,
    MiniShopProduct,
    ShopState,
)

# Audit results are not made by a call; the applied log files them under this endpoint.
AUDIT_ENDPOINT = "minishop/audit"


class MiniShopAuditSettings(AuditSettings):
    """``minishop_audit``: how long an audit takes and how it ends."""

    config_key = "minishop_audit"


class Audits:
    """The audits of every shop: a submitted draft is audited ``delay_seconds`` of sandbox time later. They finish
    at the start of every mini-shop call and on the server's timer (``Emulator.tick``)."""

    def __init__(self, ctx: SandboxContext, shops: AppStates[ShopState]) -> None:
        self._ctx = ctx
        self._shops = shops
        self.settings = MiniShopAuditSettings()

    def submit(self, product: MiniShopProduct) -> None:
        now = self._ctx.now()
        product.edit_status, product.submit_time, product.audit_time, product.reject_reason = (
            EDIT_UNDER_AUDIT,
            now,
            None,
            "",
        )
        product.due_at = now + self.settings.delay_seconds

    def advance(self) -> None:
        """Finish every audit that is due by the sandbox clock, earliest first."""
        now = self._ctx.now()
        due = sorted(
            (
                (product.due_at, product.seq, appid, product)
                for appid, state in self._shops.items()
                for product in state.products.values()
                if product.due_at is not None and product.due_at <= now
            ),
            key=lambda item: (item[0], item[1]),
        )
        for due_at, _seq, appid, product in due:
            self._finish(appid, product, due_at)

    def _finish(self, appid: str, product: MiniShopProduct, due_at: float) -> None:
        outcome = self.settings.outcome_for(str(product.product_id), product.out_product_id)
        product.due_at, product.audit_time = None, due_at
        if outcome.passed:
            product.edit_status = EDIT_APPROVED
            product.online = copy.deepcopy(product.draft)
            product.status, product.update_time = STATUS_LISTED, due_at
        else:
            product.edit_status, product.reject_reason = EDIT_REJECTED, outcome.reject_reason
        record_audit(self._shops, endpoint=AUDIT_ENDPOINT, appid=appid, product=product, outcome=outcome)


class Listing:
    def __init__(self, ctx: SandboxContext, shops: AppStates[ShopState], audits: Audits) -> None:
        self._ctx = ctx
        self._shops = shops
        self._audits = audits

    def routes(self) -> RouteTable:
        return {
            ("POST", "/product/spu/listing"): self.spu_listing,
            ("POST", "/product/spu/delisting"): self.spu_delisting,
        }

    def spu_listing(self, request: Request) -> dict[str, Any]:
        """§4 listing (上架): the draft goes to audit and is listed when it passes. An approved draft that is the
        online copy goes back online at once (a delisted product). 9401023 under audit; 9401020 without SKUs."""
        state = self._shops.of_caller(request)
        product = find_product(state, request.json())
        require_editable(product)
        if not product.draft["skus"]:
            raise param(f"SPU {product.product_id} has no SKU to list")
        if product.edit_status == EDIT_APPROVED and product.online == product.draft:
            if product.status == STATUS_LISTED:
                return ok()  # online as it is: nothing changes
            if product.status == STATUS_DELISTED:
                product.status, product.update_time = STATUS_LISTED, self._ctx.now()
                self._shops.record(request, product_id=product.product_id, status=product.status, audit=False)
                return ok()
        self._audits.submit(product)
        self._shops.record(
            request, product_id=product.product_id, status=product.status, edit_status=product.edit_status, audit=True
        )
        return ok()

    def spu_delisting(self, request: Request) -> dict[str, Any]:
        """§4 delisting (下架): a listed product (5) is delisted by the merchant (11); 9401020 when not listed."""
        state = self._shops.of_caller(request)
        product = find_product(state, request.json())
        if product.status != STATUS_LISTED:
            raise param(f"SPU {product.product_id} is not listed (status {product.status})")
        product.status, product.update_time = STATUS_DELISTED, self._ctx.now()
        self._shops.record(request, product_id=product.product_id, status=product.status)
        return ok()
