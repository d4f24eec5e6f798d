"""Product audits as the WeChat shop emulators (the Channels store, the mini-shop) configure and finish them.

Each of those platforms owns one config key of ``POST /__sandbox__/config`` (``channels_audit``,
``minishop_audit``) whose value says how long an audit takes and how it ends; :class:`AuditSettings` parses and
dumps it, and a platform subclasses it for its own key and stages. An audit is not made by a call, so its result is
filed in the applied-effects log under an endpoint of its own (:func:`record_audit`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, Self

from sandbox.core.app_states import AppStates
from sandbox.core.validation import invalid_args

DEFAULT_AUDIT_DELAY_SECONDS = 5.0
DEFAULT_REJECT_REASON = "商品信息不符合平台规范"


@dataclass(frozen=True)
class AuditOutcome:
    passed: bool
    reject_reason: str = ""

    @property
    def name(self) -> str:
        """``"pass"`` or ``"reject"``, as the config and the applied-effects log spell it."""
        return "pass" if self.passed else "reject"

    def as_json(self) -> dict[str, Any]:
        return {"outcome": self.name, "reject_reason": self.reject_reason}


def parse_outcome(value: Any, path: str, default_reason: str) -> AuditOutcome:
    """``"pass"``, ``"reject"`` or ``{"outcome": "pass"|"reject", "reject_reason": "…"}``."""
    reason = default_reason
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"outcome", "reject_reason"})
        if unknown:
            raise invalid_args(f"{path} has unknown key(s): {', '.join(unknown)}")
        reason = value.get("reject_reason", default_reason)
        if not isinstance(reason, str) or not reason:
            raise invalid_args(f"{path}.reject_reason must be a non-empty string")
        value = value.get("outcome")
    if value not in ("pass", "reject"):
        raise invalid_args(f"{path} must be 'pass', 'reject' or {{outcome, reject_reason}}")
    return AuditOutcome(True) if value == "pass" else AuditOutcome(False, reason)


def parse_seconds(value: Any, path: str) -> float:
    """A duration in seconds: a JSON number >= 0 (true/false is not one)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise invalid_args(f"{path} must be a number >= 0")
    return float(value)


@dataclass
class AuditSettings:
    """How long an audit takes and how it ends. Per product (by product_id or out_product_id) first, then the
    ``next`` queue (one outcome per audit that finishes), then the default ``outcome``.

    A subclass names its config key (:attr:`config_key`); one with more stages than the audit itself adds their
    keys to :attr:`KEYS` and extends :meth:`merge_delays` and :meth:`as_json`.
    """

    config_key: ClassVar[str] = "audit"
    KEYS: ClassVar[frozenset[str]] = frozenset({"delay_seconds", "outcome", "reject_reason", "next", "products"})

    delay_seconds: float = DEFAULT_AUDIT_DELAY_SECONDS
    outcome: AuditOutcome = field(default_factory=lambda: AuditOutcome(True))
    reject_reason: str = DEFAULT_REJECT_REASON
    next: list[AuditOutcome] = field(default_factory=list)
    products: dict[str, AuditOutcome] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "delay_seconds": self.delay_seconds,
            "outcome": self.outcome.name,
            "reject_reason": self.reject_reason,
            "next": [outcome.as_json() for outcome in self.next],
            "products": {key: outcome.as_json() for key, outcome in self.products.items()},
        }

    def merged(self, data: Any) -> Self:
        """A copy with the keys of ``data`` changed (the others keep their values); 40097 for a bad value."""
        path = self.config_key
        if not isinstance(data, dict):
            raise invalid_args(f"{path} must be an object")
        unknown = sorted(set(data) - self.KEYS)
        if unknown:
            raise invalid_args(f"{path} has unknown key(s): {', '.join(unknown)}")
        settings = copy.deepcopy(self)
        settings.merge_delays(data, path)
        settings.merge_outcomes(data, path)
        return settings

    def merge_delays(self, data: dict[str, Any], path: str) -> None:
        """Set the durations that ``data`` gives (in place): ``delay_seconds``."""
        if "delay_seconds" in data:
            self.delay_seconds = parse_seconds(data["delay_seconds"], f"{path}.delay_seconds")

    def merge_outcomes(self, data: dict[str, Any], path: str) -> None:
        """Set the outcomes that ``data`` gives (in place): ``reject_reason`` first, the default reason of the
        rejections given as a bare ``"reject"``, then ``outcome``, ``next`` and ``products``."""
        if "reject_reason" in data:
            if not isinstance(data["reject_reason"], str) or not data["reject_reason"]:
                raise invalid_args(f"{path}.reject_reason must be a non-empty string")
            self.reject_reason = data["reject_reason"]
        if "outcome" in data:
            self.outcome = parse_outcome(data["outcome"], f"{path}.outcome", self.reject_reason)
        elif not self.outcome.passed:
            # A default outcome that rejects takes the new reject_reason.
            self.outcome = AuditOutcome(False, self.reject_reason)
        if "next" in data:
            if not isinstance(data["next"], list):
                raise invalid_args(f"{path}.next must be a list")
            self.next = [
                parse_outcome(item, f"{path}.next[{index}]", self.reject_reason)
                for index, item in enumerate(data["next"])
            ]
        if "products" in data:
            if not isinstance(data["products"], dict):
                raise invalid_args(f"{path}.products must map product ids (or out_product_ids) to outcomes")
            self.products = {
                str(key): parse_outcome(item, f"{path}.products.{key}", self.reject_reason)
                for key, item in data["products"].items()
            }

    def outcome_for(self, *keys: str) -> AuditOutcome:
        """The outcome of an audit that finishes now, of the product known by ``keys`` (its product_id and
        out_product_id; an empty key is skipped): its own outcome, else the head of the ``next`` queue, which it
        takes off, else the default ``outcome``."""
        for key in keys:
            if key and key in self.products:
                return self.products[key]
        if self.next:
            return self.next.pop(0)
        return self.outcome


class AuditedProduct(Protocol):
    """What :func:`record_audit` reads of a platform's product."""

    @property
    def product_id(self) -> int | str: ...

    @property
    def reject_reason(self) -> str: ...

    @property
    def edit_status(self) -> int: ...

    @property
    def status(self) -> int: ...


def record_audit(
    shops: AppStates[Any], *, endpoint: str, appid: str, product: AuditedProduct, outcome: AuditOutcome
) -> None:
    """File a finished audit of one of ``shops``' products in the applied-effects log, with its states after it."""
    shops.ctx.applied.record(
        platform=shops.platform,
        endpoint=endpoint,
        appid=appid,
        product_id=product.product_id,
        outcome=outcome.name,
        reject_reason=product.reject_reason,
        edit_status=product.edit_status,
        status=product.status,
    )
