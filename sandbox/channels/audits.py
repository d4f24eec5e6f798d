"""The Channels store's audits (reference §3.1): a submitted draft uploads for ``upload_seconds`` (edit_status 7),
is audited for ``delay_seconds`` (2) and passes (4) or is rejected (3) as ``channels_audit`` says; a product
listed, or asked to be listed, goes online when its audit passes. Stages fall due by the sandbox clock, at the
start of every Channels call and on the server's timer (``Emulator.tick``)."""

from __future__ import annotations

import copy
import heapq
from dataclasses import dataclass
from typing import Any

from sandbox.channels.events import AUDIT_PASSED, AUDIT_REJECTED, EVENT_AUDIT, EVENT_LISTING, Events
from sandbox.channels.state import (
    EDIT_APPROVED,
    EDIT_REJECTED,
    EDIT_UNDER_AUDIT,
    EDIT_UPLOADING,
    STATUS_LISTED,
    ChannelsProduct,
    ShopState,
)
from sandbox.core.app_states import AppStates
from sandbox.core.audits import AuditSettings, parse_seconds, record_audit
from sandbox.core.context import SandboxContext

# Audit results are not made by a call; the applied log files them under this endpoint.
AUDIT_ENDPOINT = "audit"


@dataclass
class ChannelsAuditSettings(AuditSettings):
    """``channels_audit``: how long an audit takes and how it ends; ``upload_seconds`` is the stage before it in
    which the submitted draft is still uploading (edit_status 7)."""

    config_key = "channels_audit"
    KEYS = AuditSettings.KEYS | {"upload_seconds"}

    upload_seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        # upload_seconds right after delay_seconds, where GET /__sandbox__/config has always shown it.
        return {"delay_seconds": self.delay_seconds, "upload_seconds": self.upload_seconds, **super().as_json()}

    def merge_delays(self, data: dict[str, Any], path: str) -> None:
        super().merge_delays(data, path)
        if "upload_seconds" in data:
            self.upload_seconds = parse_seconds(data["upload_seconds"], f"{path}.upload_seconds")


class Audits:
    def __init__(self, ctx: SandboxContext, shops: AppStates[ShopState], events: Events) -> None:
        self._ctx = ctx
        self._shops = shops
        self._events = events
        self.settings = ChannelsAuditSettings()
        # (due_at, ticket, appid, product_id) of pending upload/audit stages; ``ticket`` tells a current entry from
        # a stale one.
        self._due: list[tuple[float, int, str, str]] = []
        self.tickets = 0

    def restore(self, tickets: int) -> None:
        """Rebuild the pending stages from the shops' products (the heap is an index of them) after the shops were
        read back from the state file, with the ticket counter stored beside them."""
        due = [
            (product.due_at, product.ticket, appid, product.product_id)
            for appid, shop in self._shops.items()
            for product in shop.products.values()
            if product.stage is not None and product.due_at is not None
        ]
        heapq.heapify(due)
        self._due = due
        self.tickets = max([tickets, *(entry[1] for entry in due)])

    def submit(self, appid: str, product: ChannelsProduct, *, list_on_pass: bool) -> None:
        """Submit the draft: edit_status 7 for ``upload_seconds`` (when set), then 2 for ``delay_seconds``."""
        now = self._ctx.now()
        product.submit_time, product.audit_time, product.reject_reason = now, None, ""
        product.list_on_pass = list_on_pass
        if self.settings.upload_seconds > 0:
            self._schedule(appid, product, "upload", now + self.settings.upload_seconds)
        else:
            self._schedule(appid, product, "audit", now + self.settings.delay_seconds)

    def _schedule(self, appid: str, product: ChannelsProduct, stage: str, due_at: float) -> None:
        self.tickets += 1
        product.stage, product.due_at, product.ticket = stage, due_at, self.tickets
        product.edit_status = EDIT_UPLOADING if stage == "upload" else EDIT_UNDER_AUDIT
        heapq.heappush(self._due, (due_at, self.tickets, appid, product.product_id))

    @staticmethod
    def unschedule(product: ChannelsProduct) -> None:
        product.stage, product.due_at = None, None

    def advance(self) -> None:
        """Finish every upload/audit stage that is due by the sandbox clock, earliest first."""
        now = self._ctx.now()
        while self._due and self._due[0][0] <= now:
            due_at, ticket, appid, product_id = heapq.heappop(self._due)
            state = self._shops.get(appid)
            product = state.products.get(product_id) if state is not None else None
            if product is None or product.ticket != ticket or product.due_at is None:
                continue  # reset, cancelled, deleted or resubmitted since
            if product.stage == "upload":
                self._schedule(appid, product, "audit", due_at + self.settings.delay_seconds)
            else:
                self._finish(appid, product, due_at)

    def _finish(self, appid: str, product: ChannelsProduct, due_at: float) -> None:
        outcome = self.settings.outcome_for(product.product_id, product.out_product_id)
        self.unschedule(product)
        product.audit_time = due_at
        list_now = outcome.passed and (product.status == STATUS_LISTED or product.list_on_pass)
        product.list_on_pass = False
        if outcome.passed:
            product.edit_status = EDIT_APPROVED
            self._events.emit(
                appid, EVENT_AUDIT, {"product_id": product.product_id, "status": AUDIT_PASSED, "reason": ""}
            )
        else:
            product.edit_status, product.reject_reason = EDIT_REJECTED, outcome.reject_reason
            self._events.emit(
                appid,
                EVENT_AUDIT,
                {"product_id": product.product_id, "status": AUDIT_REJECTED, "reason": outcome.reject_reason},
            )
        if list_now:
            self.put_online(appid, product)
        record_audit(self._shops, endpoint=AUDIT_ENDPOINT, appid=appid, product=product, outcome=outcome)

    def put_online(self, appid: str, product: ChannelsProduct) -> None:
        """The approved draft becomes the online copy and the product is listed (status 5)."""
        was_listed = product.status == STATUS_LISTED
        product.online = copy.deepcopy(product.draft)
        product.status, product.ever_listed, product.update_time = STATUS_LISTED, True, self._ctx.now()
        if not was_listed:
            self._events.emit(
                appid, EVENT_LISTING, {"product_id": product.product_id, "status": STATUS_LISTED, "reason": ""}
            )
