"""Postage templates (reference §2.1 rows 3.1 to 3.5, body §2.4)."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.base import Request, RouteTable
from sandbox.core.validation import invalid_args, read_int
from sandbox.wechat_store.rules import validate_delivery_template
from sandbox.wechat_store.state import StoreState, success


class Express:
    def __init__(self, stores: AppStates[StoreState]) -> None:
        self._stores = stores

    def routes(self) -> RouteTable:
        return {
            ("POST", "/merchant/express/add"): self.express_add,
            ("POST", "/merchant/express/del"): self.express_delete,
            ("POST", "/merchant/express/update"): self.express_update,
            ("POST", "/merchant/express/getbyid"): self.express_get,
            ("GET", "/merchant/express/getall"): self.express_list,
        }

    @staticmethod
    def _template_id(state: StoreState, body: dict[str, Any]) -> int:
        template_id = read_int(body, "template_id")
        if template_id not in state.templates:
            raise invalid_args(f"template_id {template_id} does not exist")
        return template_id

    def express_add(self, request: Request) -> dict[str, Any]:
        """§2.4; answers an integer ``template_id``."""
        state = self._stores.of_caller(request)
        template = validate_delivery_template(request.json())
        template_id = state.next_template_id
        state.next_template_id += 1
        state.templates[template_id] = template
        self._stores.record(request, template_id=template_id, name=template["Name"])
        return success(template_id=template_id)

    def express_delete(self, request: Request) -> dict[str, Any]:
        """§2.1 row 3.2."""
        state = self._stores.of_caller(request)
        template_id = self._template_id(state, request.json())
        del state.templates[template_id]
        self._stores.record(request, template_id=template_id)
        return success()

    def express_update(self, request: Request) -> dict[str, Any]:
        """§2.1 row 3.3: ``template_id`` and a whole new ``delivery_template``."""
        state = self._stores.of_caller(request)
        body = request.json()
        template_id = self._template_id(state, body)
        state.templates[template_id] = validate_delivery_template(body)
        self._stores.record(request, template_id=template_id, name=state.templates[template_id]["Name"])
        return success()

    def express_get(self, request: Request) -> dict[str, Any]:
        """§2.1 row 3.4: the template with ``Id`` added."""
        state = self._stores.of_caller(request)
        template_id = self._template_id(state, request.json())
        return success(template_info={"Id": template_id, **copy.deepcopy(state.templates[template_id])})

    def express_list(self, request: Request) -> dict[str, Any]:
        """§2.1 row 3.5 (GET): ``templates_info``, each with ``Id``."""
        state = self._stores.of_caller(request)
        return success(
            templates_info=[{"Id": template_id, **copy.deepcopy(t)} for template_id, t in state.templates.items()]
        )
