"""What Tencent Ads keeps per OAuth client: its sales infos and quota counters, and the access tokens it issued.

Everything here is stored in the state file: a field renamed or added is a change of its format.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class AdsAccessToken:
    client_id: str
    expires_at: float
    nonces: set[str] = field(default_factory=set)


@dataclass
class StoredSalesInfo:
    account_id: int
    data_warehouse_id: int
    item: dict[str, Any]
    updated_at: float
    writes: int = 1

    def as_json(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "data_warehouse_id": self.data_warehouse_id,
            **self.item,
            "updated_at": self.updated_at,
            "writes": self.writes,
        }


@dataclass
class ClientState:
    sales: dict[tuple[int, int, str, str], StoredSalesInfo] = field(default_factory=dict)
    minute_calls: deque[float] = field(default_factory=deque)
    day: str = ""
    day_calls: int = 0
