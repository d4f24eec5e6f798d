"""Listing (reference §3.2): listing puts an approved draft online (or submits the draft and lists it when its audit
passes), delisting takes a listed product off, and audit/cancel withdraws a draft from its audit."""

from __future__ import annotations

from typing import Any

from sandbox.channels.audits import Audits
from sandbox.channels.codes import ERR_NO_SKUS, ERR_NOT_LISTED, ERR_NOT_UNDER_AUDIT, fail
from sandbox.channels.events import AUDIT_CANCELLED, EVENT_AUDIT, EVENT_LISTING, Events
from sandbox.channels.shop import Endpoint, SubmissionQuota, find_product, require_idle, require_not_recycled
from sandbox.channels.state import (
    EDIT_APPROVED,
    EDIT_EDITING,
    EDIT_UNDER_AUDIT,
    STATUS_DELISTED,
    STATUS_LISTED,
    ShopState,
)
from sandbox.core.app_states import AppStates, caller
from sandbox.core.base import Request, ok


class Listing:
    def __init__(self, shops: AppStates[ShopState], quota: SubmissionQuota, audits: Audits, events: Events) -> None:
        self._shops = shops
        self._quota = quota
        self._audits = audits
        self._events = events

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("/product/listing", self.product_listing),
            Endpoint("/product/delisting", self.product_delisting),
            Endpoint("/product/audit/cancel", self.product_audit_cancel),
        ]

    def product_listing(self, request: Request) -> dict[str, Any]:
        """§3.2 listing. An approved draft (edit_status 4) goes online at once (status 5). A draft being edited (1)
        or rejected (3) is submitted again and listed when its audit passes. 10020049 under audit, 10020067 while
        uploading, 10020038 without SKUs."""
        state = self._shops.of_caller(request)
        product = find_product(state, request.json())
        require_not_recycled(product)
        require_idle(product)
        if not product.draft["skus"]:
            raise fail(ERR_NO_SKUS, f"product {product.product_id} has no SKU to list")
        appid = caller(request)
        if product.edit_status == EDIT_APPROVED:
            if product.status == STATUS_LISTED and product.online == product.draft:
                return ok()  # already online as it is: nothing changes
            self._audits.put_online(appid, product)
        else:
            self._audits.submit(appid, product, list_on_pass=True)
        self._shops.record(
            request,
            product_id=product.product_id,
            status=product.status,
            edit_status=product.edit_status,
            list_on_pass=product.list_on_pass,
        )
        return ok()

    def product_delisting(self, request: Request) -> dict[str, Any]:
        """§3.2 delisting: a listed product (5) is delisted by the merchant (11); 10020065 when it is not listed."""
        state = self._shops.of_caller(request)
        product = find_product(state, request.json())
        if product.status != STATUS_LISTED:
            raise fail(ERR_NOT_LISTED, f"product {product.product_id} is not listed (status {product.status})")
        product.status = STATUS_DELISTED
        self._shops.record(request, product_id=product.product_id, status=product.status)
        self._events.emit(
            caller(request),
            EVENT_LISTING,
            {"product_id": product.product_id, "status": STATUS_DELISTED, "reason": ""},
        )
        return ok()

    def product_audit_cancel(self, request: Request) -> dict[str, Any]:
        """§3.2 audit/cancel: only under audit (edit_status 2, else 10020044); the draft goes back to editing (1).
        A withdrawal counts towards the submission quota (§3.3)."""
        state = self._shops.of_caller(request)
        product = find_product(state, request.json())
        if product.edit_status != EDIT_UNDER_AUDIT:
            raise fail(
                ERR_NOT_UNDER_AUDIT,
                f"product {product.product_id} is not under audit (edit_status {product.edit_status})",
            )
        self._quota.check(state)
        self._audits.unschedule(product)
        product.edit_status, product.list_on_pass = EDIT_EDITING, False
        self._quota.count(state.submissions)
        self._shops.record(request, product_id=product.product_id, edit_status=product.edit_status)
        self._events.emit(
            caller(request),
            EVENT_AUDIT,
            {"product_id": product.product_id, "status": AUDIT_CANCELLED, "reason": ""},
        )
        return ok()
