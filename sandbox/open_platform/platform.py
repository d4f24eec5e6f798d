"""The open platform's publishProduct of API reference §6 (seed 004): ``POST /api/open/product/publishProduct``.

The real platform's name, base URL, authentication flow and error codes are unknown (§6 "Uncertain", §8); the
choices made here are documented in the sandbox README ("Open platform (publishProduct)"):

* The body must be ``application/x-www-form-urlencoded`` (a JSON body is refused, HTTP 400). The access token is
  the ``token`` field; it names a merchant of :data:`DEFAULT_TOKENS` (or of ``open_platform_tokens`` in the
  config), whose state is kept apart from every other merchant's.
* Answers are ``{"success", "code", "message"}`` with HTTP-like codes: 200 ok, 400 a parameter error naming the
  field, 401 token missing or invalid, 429 too frequent, 500 system error (the faults' errcode -1).
* A ``supplierSpu`` the merchant published before is an update of that product (its SKUs are replaced).
* Requiredness follows seed 004's tables (``rules``).

``rules`` holds the form's rules, ``state`` what is kept per merchant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.base import ERR_REQUIRE_POST, ERR_SYSTEM, ApiError, Platform, Request, RouteTable
from sandbox.core.services import Services
from sandbox.open_platform.rules import (
    CODE_METHOD_NOT_ALLOWED,
    CODE_OK,
    CODE_SYSTEM_ERROR,
    CODE_TOKEN_INVALID,
    parse_form,
    validate,
)
from sandbox.open_platform.state import MerchantState, StoredProduct, plain

PUBLISH_PATH = "/api/open/product/publishProduct"
OK_MESSAGE = "操作成功"


@dataclass(frozen=True)
class Merchant:
    merchant_id: str
    # Joint-operation (联营) merchants must send checkPriceMsgList with every SKU (§6).
    joint_operation: bool = False


# token -> merchant. "your_access_token" is the token of seed 004's example request, so it is accepted as it is.
DEFAULT_TOKENS: dict[str, Merchant] = {
    "demo-open-token": Merchant("open_demo_merchant"),
    "test-open-token": Merchant("open_test_merchant", joint_operation=True),
    "your_access_token": Merchant("open_example_merchant"),
}


class OpenPlatform(Platform):
    """publishProduct with per-merchant state; the merchant is the one the form's ``token`` names."""

    name = "open_platform"
    config_keys = frozenset({"open_platform_tokens"})

    def __init__(self, services: Services) -> None:
        self.ctx = services.ctx
        self._tokens: dict[str, Merchant] = dict(DEFAULT_TOKENS)
        self._states = AppStates(self.ctx, self.name, MerchantState, MerchantState)

    # --- Platform interface -------------------------------------------------------------------------------------

    def routes(self) -> RouteTable:
        return {("POST", PUBLISH_PATH): self.publish_product}

    def authenticate(self, request: Request) -> str:
        token = parse_form(request).get("token", "")
        if not token:
            raise ApiError(CODE_TOKEN_INVALID, "token 不能为空 (token is required)")
        merchant = self._tokens.get(token)
        if merchant is None:
            raise ApiError(CODE_TOKEN_INVALID, "token 无效 (token invalid)")
        return merchant.merchant_id

    def error_body(self, error: ApiError) -> dict[str, Any]:
        code = error.errcode
        if code == ERR_SYSTEM:
            return {"success": False, "code": CODE_SYSTEM_ERROR, "message": "系统错误 (system error)"}
        if code == ERR_REQUIRE_POST:
            return {"success": False, "code": CODE_METHOD_NOT_ALLOWED, "message": "请求方法错误 (require POST)"}
        return {"success": False, "code": code, "message": error.errmsg}

    def reset(self, appid: str | None) -> None:
        self._states.forget(appid)

    def export_state(self) -> dict[str, MerchantState]:
        return self._states.export()

    def import_state(self, state: Any) -> None:
        self._states.load(state)

    def merchants(self) -> list[str]:
        return sorted({merchant.merchant_id for merchant in self._tokens.values()})

    def snapshot(self, appid: str) -> dict[str, Any] | None:
        """One merchant's products. The control API's ``state`` only names WeChat app ids, so it shows this for a
        merchant id only when that id is also a sandbox app; tests read it in-process, or the applied log."""
        if appid not in self.merchants():
            return None
        state = self._states.get(appid) or MerchantState()
        return {"products": [product.as_json() for product in state.products.values()]}

    def prepare_config(self, body: dict[str, Any]) -> Callable[[], None]:
        """``open_platform_tokens``: {token: merchant id} or {token: {"merchant", "joint_operation"}} to add."""
        tokens = body.get("open_platform_tokens")
        if tokens is None:
            return lambda: None
        if not isinstance(tokens, dict):
            raise ApiError(40097, "invalid args: open_platform_tokens must map tokens to merchants")
        added = {}
        for token, spec in tokens.items():
            if isinstance(spec, str):
                spec = {"merchant": spec}
            if (
                not isinstance(token, str)
                or not token
                or not isinstance(spec, dict)
                or not isinstance(spec.get("merchant"), str)
                or not spec["merchant"]
                or not isinstance(spec.get("joint_operation", False), bool)
            ):
                raise ApiError(40097, "invalid args: open_platform_tokens items need a merchant id")
            added[token] = Merchant(spec["merchant"], spec.get("joint_operation", False))

        def apply() -> None:
            self._tokens.update(added)

        return apply

    # --- the endpoint -------------------------------------------------------------------------------------------

    def publish_product(self, request: Request) -> dict[str, Any]:
        """§6: create the product, or replace the one published under the same ``supplierSpu``."""
        form = parse_form(request)
        merchant = self._tokens[form["token"]]
        product = validate(
            {key: value for key, value in form.items() if key != "token"}, joint_operation=merchant.joint_operation
        )
        state = self._states.of_caller(request)
        now = self.ctx.now()
        supplier_spu = product["supplierSpu"]
        stored = state.products.get(supplier_spu)
        created = stored is None
        if stored is None:
            stored = StoredProduct(supplier_spu=supplier_spu, product=product, created_at=now, updated_at=now)
            state.products[supplier_spu] = stored
        else:
            stored.product = product
            stored.updated_at = now
            stored.publishes += 1
        self._states.record(
            request,
            supplierSpu=supplier_spu,
            spuName=product["spuName"],
            created=created,
            skus=[
                {
                    "supplierSku": sku["supplierSku"],
                    "quantity": plain(sku.get("quantity")),
                    "agreementPrice": plain(sku["agreementPrice"]),
                }
                for sku in product["skuList"]
            ],
        )
        return {"success": True, "code": CODE_OK, "message": OK_MESSAGE}
