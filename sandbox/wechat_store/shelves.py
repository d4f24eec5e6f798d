"""Shelves (reference §2.1 rows 5.1 to 5.5, controls §2.5)."""

from __future__ import annotations

from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.base import Request, RouteTable
from sandbox.core.validation import invalid_args, read_int
from sandbox.wechat_store.rules import validate_shelf
from sandbox.wechat_store.state import Shelf, StoreState, success


class Shelves:
    def __init__(self, stores: AppStates[StoreState]) -> None:
        self._stores = stores

    def routes(self) -> RouteTable:
        return {
            ("POST", "/merchant/shelf/add"): self.shelf_add,
            ("POST", "/merchant/shelf/del"): self.shelf_delete,
            ("POST", "/merchant/shelf/mod"): self.shelf_modify,
            ("GET", "/merchant/shelf/getall"): self.shelf_list,
            ("POST", "/merchant/shelf/getbyid"): self.shelf_get,
        }

    @staticmethod
    def _shelf(state: StoreState, body: dict[str, Any]) -> Shelf:
        shelf_id = read_int(body, "shelf_id")
        shelf = state.shelves.get(shelf_id)
        if shelf is None:
            raise invalid_args(f"shelf_id {shelf_id} does not exist")
        return shelf

    def shelf_add(self, request: Request) -> dict[str, Any]:
        """§2.1 row 5.1, controls §2.5; answers an integer ``shelf_id``."""
        state = self._stores.of_caller(request)
        draft = validate_shelf(request.json(), group_ids=state.groups, images=state.images)
        shelf = Shelf(state.next_shelf_id, draft.shelf_data, draft.shelf_banner, draft.shelf_name, draft.group_ids)
        state.next_shelf_id += 1
        state.shelves[shelf.shelf_id] = shelf
        self._stores.record(request, shelf_id=shelf.shelf_id, shelf_name=shelf.shelf_name)
        return success(shelf_id=shelf.shelf_id)

    def shelf_delete(self, request: Request) -> dict[str, Any]:
        """§2.1 row 5.2."""
        state = self._stores.of_caller(request)
        shelf = self._shelf(state, request.json())
        del state.shelves[shelf.shelf_id]
        self._stores.record(request, shelf_id=shelf.shelf_id)
        return success()

    def shelf_modify(self, request: Request) -> dict[str, Any]:
        """§2.1 row 5.3: ``shelf_id`` plus a whole new shelf (same rules as add)."""
        state = self._stores.of_caller(request)
        body = request.json()
        shelf = self._shelf(state, body)
        draft = validate_shelf(body, group_ids=state.groups, images=state.images)
        shelf.shelf_data, shelf.shelf_banner = draft.shelf_data, draft.shelf_banner
        shelf.shelf_name, shelf.group_ids = draft.shelf_name, draft.group_ids
        self._stores.record(request, shelf_id=shelf.shelf_id, shelf_name=shelf.shelf_name)
        return success()

    def shelf_list(self, request: Request) -> dict[str, Any]:
        """§2.1 row 5.4 (GET)."""
        state = self._stores.of_caller(request)
        return success(shelves=[shelf.as_json() for shelf in state.shelves.values()])

    def shelf_get(self, request: Request) -> dict[str, Any]:
        """§2.1 row 5.5: the shelf's fields at the top level."""
        return success(**self._shelf(self._stores.of_caller(request), request.json()).as_json())
