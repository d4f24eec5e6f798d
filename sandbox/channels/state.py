"""What the Channels store keeps per app (reference §3.1): its products, each a draft and an online copy with the
stock of their SKUs and the stage it is in (uploading, under audit), and the shop's images, media, qualification
files, freight templates, third-party sources, stock flow, quota windows and the events it sent.

Everything here is stored in the state file: a field renamed or added is a change of its format.
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sandbox.core.push import PushResult

# §3.1 edit_status (draft) and status (online copy).
EDIT_EDITING = 1
EDIT_UNDER_AUDIT = 2
EDIT_REJECTED = 3
EDIT_APPROVED = 4
EDIT_UPLOADING = 7
STATUS_INITIAL = 0
STATUS_LISTED = 5
STATUS_RECYCLED = 6
STATUS_DELETED = 9
STATUS_DELISTED = 11
FIRST_THIRD_PARTY_SOURCE_ID = 100001


@dataclass
class PushRecord:
    """One event the shop emitted and, once the push queue has sent it, the receiver's answer."""

    time: int
    event: str
    body: dict[str, Any]
    url: str | None
    delivered: bool = False
    http_status: int | None = None
    answer: str = ""
    error: str | None = None

    def set_result(self, result: PushResult) -> None:
        # Runs on the delivery thread: plain attribute writes, read by snapshots under the lock.
        self.http_status, self.answer, self.error = result.status, result.answer, result.error
        self.delivered = True

    def as_json(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "event": self.event,
            "body": copy.deepcopy(self.body),
            "url": self.url,
            "delivered": self.delivered,
            "http_status": self.http_status,
            "answer": self.answer,
            "error": self.error,
        }


@dataclass
class ChannelsProduct:
    product_id: str
    seq: int
    out_product_id: str
    create_time: float
    # The draft and the online copy: SPU fields plus "skus" (each with its sku_id), without stock.
    draft: dict[str, Any]
    online: dict[str, Any] | None = None
    edit_status: int = EDIT_UNDER_AUDIT
    status: int = STATUS_INITIAL
    ever_listed: bool = False
    # Stock is one number per SKU, shared by both copies.
    stock: dict[str, int] = field(default_factory=dict)
    edit_time: float = 0.0
    update_time: float = 0.0
    submit_time: float | None = None
    audit_time: float | None = None
    reject_reason: str = ""
    # The pending stage ("upload" for edit_status 7, "audit" for 2) and when it finishes; ``ticket`` tells a
    # current heap entry from a stale one.
    stage: str | None = None
    due_at: float | None = None
    ticket: int = 0
    # Set by listing (or add with listing: 1) on a draft not yet approved: list it when the audit passes.
    list_on_pass: bool = False

    def sku_ids(self) -> list[str]:
        """Every SKU of either copy, draft order first."""
        ids = [sku["sku_id"] for sku in self.draft["skus"]]
        if self.online is not None:
            ids += [sku["sku_id"] for sku in self.online["skus"] if sku["sku_id"] not in ids]
        return ids

    def sku_by_out_id(self, out_sku_id: str) -> str | None:
        for copy_ in (self.draft, self.online or {"skus": []}):
            for sku in copy_["skus"]:
                if sku.get("out_sku_id") == out_sku_id:
                    return sku["sku_id"]
        return None

    def audit_info(self) -> dict[str, Any]:
        return {
            "submit_time": int(self.submit_time or 0),
            "audit_time": int(self.audit_time or 0),
            "reject_reason": self.reject_reason,
        }


@dataclass
class ShopState:
    """One app's Channels shop."""

    products: dict[str, ChannelsProduct] = field(default_factory=dict)
    sku_ids: set[str] = field(default_factory=set)
    next_seq: int = 1
    images: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    qualification_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    third_party_sources: list[dict[str, Any]] = field(default_factory=list)
    next_source_id: int = FIRST_THIRD_PARTY_SOURCE_ID
    stock_flow: list[dict[str, Any]] = field(default_factory=list)
    # Sandbox times of the submissions that count towards the add+update quota (§3.3).
    submissions: deque[float] = field(default_factory=deque)
    # Sandbox times of the recent stock/update calls per (product_id, sku_id).
    stock_updates: dict[tuple[str, str], deque[float]] = field(default_factory=dict)
    pushes: list[PushRecord] = field(default_factory=list)
