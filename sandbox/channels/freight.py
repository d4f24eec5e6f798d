"""Freight templates (reference §3.5): add, update, read one and list them; a name is unique in the shop, and one
template may be the default."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.channels.codes import ERR_TEMPLATE_NAME_EXISTS, ERR_TEMPLATE_NOT_FOUND, fail, read_product_id
from sandbox.channels.freight_rules import validate_freight_template
from sandbox.channels.shop import Endpoint, new_id
from sandbox.channels.state import ShopState
from sandbox.core.app_states import AppStates
from sandbox.core.base import Request, ok
from sandbox.core.context import SandboxContext
from sandbox.core.validation import read_dict, read_int, read_page_size

TEMPLATE_LIMIT_DEFAULT, TEMPLATE_LIMIT_MAX = 10, 200


class FreightTemplates:
    def __init__(self, ctx: SandboxContext, shops: AppStates[ShopState]) -> None:
        self._ctx = ctx
        self._shops = shops

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("/merchant/addfreighttemplate", self.freight_add),
            Endpoint("/merchant/updatefreighttemplate", self.freight_update),
            Endpoint("/merchant/getfreighttemplatedetail", self.freight_get),
            Endpoint("/merchant/getfreighttemplatelist", self.freight_list),
        ]

    @staticmethod
    def _template(state: ShopState, body: dict[str, Any], path: str = "template_id") -> dict[str, Any]:
        template_id = read_product_id(body, "template_id")
        template = state.templates.get(template_id)
        if template is None:
            raise fail(ERR_TEMPLATE_NOT_FOUND, f"{path} {template_id} does not exist")
        return template

    @staticmethod
    def _unique_name(state: ShopState, name: str, template_id: str | None) -> None:
        for other in state.templates.values():
            if other["name"] == name and other["template_id"] != template_id:
                raise fail(ERR_TEMPLATE_NAME_EXISTS, f"a freight template named {name!r} already exists")

    def _store_template(self, state: ShopState, template_id: str, template: dict[str, Any], created: int) -> None:
        template.pop("template_id", None)
        stored = {"template_id": template_id, **template, "create_time": created, "update_time": int(self._ctx.now())}
        if stored["is_default"]:
            for other in state.templates.values():
                other["is_default"] = False
        state.templates[template_id] = stored

    def freight_add(self, request: Request) -> dict[str, Any]:
        """§3.5 addfreighttemplate: answers a string ``template_id``."""
        state = self._shops.of_caller(request)
        template = validate_freight_template(request.json())
        self._unique_name(state, template["name"], None)
        template_id = new_id(self._ctx.ids, state.templates, 11)
        self._store_template(state, template_id, template, int(self._ctx.now()))
        self._shops.record(request, template_id=template_id, name=template["name"])
        return ok(template_id=template_id)

    def freight_update(self, request: Request) -> dict[str, Any]:
        """§3.5 updatefreighttemplate: ``freight_template`` with its ``template_id`` replaces the template."""
        state = self._shops.of_caller(request)
        body = request.json()
        existing = self._template(state, read_dict(body, "freight_template"), "freight_template.template_id")
        template = validate_freight_template(body)
        self._unique_name(state, template["name"], existing["template_id"])
        self._store_template(state, existing["template_id"], template, existing["create_time"])
        self._shops.record(request, template_id=existing["template_id"], name=template["name"])
        return ok()

    def freight_get(self, request: Request) -> dict[str, Any]:
        """§3.5 getfreighttemplatedetail; 10020005 for an unknown id."""
        state = self._shops.of_caller(request)
        return ok(freight_template=copy.deepcopy(self._template(state, request.json())))

    def freight_list(self, request: Request) -> dict[str, Any]:
        """§3.5 getfreighttemplatelist: ``offset`` (default 0) and ``limit`` (default 10, at most 200)."""
        state = self._shops.of_caller(request)
        body = request.optional_json()
        offset = read_int(body, "offset", default=0, minimum=0)
        limit = read_page_size(body, "limit", default=TEMPLATE_LIMIT_DEFAULT, maximum=TEMPLATE_LIMIT_MAX)
        return ok(template_id_list=list(state.templates)[offset : offset + limit])
