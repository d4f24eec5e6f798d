"""The third-party source declaration (reference §3.7, seed 000): addproductthirdpartysource."""

from __future__ import annotations

from typing import Any

from sandbox.channels.shop import Endpoint
from sandbox.channels.source_rules import validate_third_party_source
from sandbox.channels.state import ShopState
from sandbox.core.app_states import AppStates
from sandbox.core.base import Request


class ThirdPartySources:
    def __init__(self, shops: AppStates[ShopState]) -> None:
        self._shops = shops

    def endpoints(self) -> list[Endpoint]:
        return [Endpoint("/product/addproductthirdpartysource", self.third_party_source_add)]

    def third_party_source_add(self, request: Request) -> dict[str, Any]:
        """§3.7 addproductthirdpartysource: answers a numeric ``third_party_source_id``; ``errmsg`` is empty on
        success, as in the seed's example."""
        state = self._shops.of_caller(request)
        declaration = validate_third_party_source(request.json())
        source_id = state.next_source_id
        state.next_source_id += 1
        state.third_party_sources.append({"third_party_source_id": source_id, "declaration": declaration})
        source = declaration["product_source_info"]
        self._shops.record(
            request,
            third_party_source_id=source_id,
            scene_value=declaration["scene_value"],
            source_product_id=source["product_id"],
            sku_count=len(source["sku_list"]),
        )
        return {"third_party_source_id": source_id, "errcode": 0, "errmsg": ""}
