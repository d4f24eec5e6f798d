"""Product groups (reference §2.1 rows 4.1 to 4.6)."""

from __future__ import annotations

from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.base import Request, RouteTable
from sandbox.core.validation import invalid_args, read_dict, read_int, read_list, read_str
from sandbox.wechat_store.state import Group, StoreState, success


class Groups:
    def __init__(self, stores: AppStates[StoreState]) -> None:
        self._stores = stores

    def routes(self) -> RouteTable:
        return {
            ("POST", "/merchant/group/add"): self.group_add,
            ("POST", "/merchant/group/del"): self.group_delete,
            ("POST", "/merchant/group/propertymod"): self.group_rename,
            ("POST", "/merchant/group/productmod"): self.group_change_products,
            ("GET", "/merchant/group/getall"): self.group_list,
            ("POST", "/merchant/group/getbyid"): self.group_get,
        }

    @staticmethod
    def _group(state: StoreState, body: dict[str, Any]) -> Group:
        group_id = read_int(body, "group_id")
        group = state.groups.get(group_id)
        if group is None:
            raise invalid_args(f"group_id {group_id} does not exist")
        return group

    @staticmethod
    def _existing_products(state: StoreState, product_ids: list[Any], path: str) -> list[str]:
        found: list[str] = []
        for index, product_id in enumerate(product_ids):
            if not isinstance(product_id, str) or product_id not in state.products:
                raise invalid_args(f"{path}[{index}] {product_id} is not an existing product")
            if product_id not in found:
                found.append(product_id)
        return found

    def group_add(self, request: Request) -> dict[str, Any]:
        """§2.1 row 4.1: ``group_detail`` {group_name, product_list}; answers an integer ``group_id``."""
        state = self._stores.of_caller(request)
        detail = read_dict(request.json(), "group_detail")
        name = read_str(detail, "group_name", prefix="group_detail")
        products = self._existing_products(
            state,
            read_list(detail, "product_list", prefix="group_detail", required=False, allow_empty=True),
            "group_detail.product_list",
        )
        group = Group(state.next_group_id, name, products)
        state.next_group_id += 1
        state.groups[group.group_id] = group
        self._stores.record(request, group_id=group.group_id, group_name=name, product_list=list(products))
        return success(group_id=group.group_id)

    def group_delete(self, request: Request) -> dict[str, Any]:
        """§2.1 row 4.2. A group that a shelf shows cannot go: the shelf would point at nothing."""
        state = self._stores.of_caller(request)
        group = self._group(state, request.json())
        shelves = sorted(shelf.shelf_id for shelf in state.shelves.values() if group.group_id in shelf.group_ids)
        if shelves:
            raise invalid_args(f"group_id {group.group_id} is used by shelf {shelves[0]}")
        del state.groups[group.group_id]
        self._stores.record(request, group_id=group.group_id)
        return success()

    def group_rename(self, request: Request) -> dict[str, Any]:
        """§2.1 row 4.3: ``group_id`` and the new ``group_name``."""
        state = self._stores.of_caller(request)
        body = request.json()
        group = self._group(state, body)
        group.group_name = read_str(body, "group_name")
        self._stores.record(request, group_id=group.group_id, group_name=group.group_name)
        return success()

    def group_change_products(self, request: Request) -> dict[str, Any]:
        """§2.1 row 4.4: ``product[]`` of {product_id, mod_action 0 remove / 1 add}; all checked before any
        change. Adding a member or removing a non-member changes nothing."""
        state = self._stores.of_caller(request)
        body = request.json()
        group = self._group(state, body)
        changes: list[tuple[str, int]] = []
        for index, item in enumerate(read_list(body, "product")):
            path = f"product[{index}]"
            if not isinstance(item, dict):
                raise invalid_args(f"{path} must be an object")
            product_id = read_str(item, "product_id", prefix=path)
            if product_id not in state.products:
                raise invalid_args(f"{path}.product_id {product_id} is not an existing product")
            changes.append((product_id, read_int(item, "mod_action", prefix=path, choices=(0, 1))))
        for product_id, action in changes:
            if action == 1 and product_id not in group.product_list:
                group.product_list.append(product_id)
            elif action == 0 and product_id in group.product_list:
                group.product_list.remove(product_id)
        self._stores.record(
            request,
            group_id=group.group_id,
            product=[{"product_id": product_id, "mod_action": action} for product_id, action in changes],
        )
        return success()

    def group_list(self, request: Request) -> dict[str, Any]:
        """§2.1 row 4.5 (GET)."""
        state = self._stores.of_caller(request)
        return success(
            groups_detail=[{"group_id": g.group_id, "group_name": g.group_name} for g in state.groups.values()]
        )

    def group_get(self, request: Request) -> dict[str, Any]:
        """§2.1 row 4.6."""
        group = self._group(self._stores.of_caller(request), request.json())
        return success(
            group_detail={
                "group_id": group.group_id,
                "group_name": group.group_name,
                "product_list": list(group.product_list),
            }
        )
