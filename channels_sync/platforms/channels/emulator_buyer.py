"""The emulator's buyer, for demonstrations: a Channels shop whose base URL is a local emulator origin (never the
platform) can be sent a buyer's order through the emulator's control route ``/__sandbox__/channels/orders/generate``
(sandbox README, "Channels orders"). The order then arrives like any other: by its event, or the poll.

Refused for any base URL that is not an emulator origin the installation enables (``SANDBOX_ORIGINS``): nothing
here can reach the real platform, and the app secret is never sent (the control routes take none).
"""

from __future__ import annotations

import requests

from channels_sync.platforms.hosts import HostPolicy, destination_of

CONTROL_PATH = "/__sandbox__/channels/orders/generate"
TIMEOUT_SECONDS = (3.05, 10)


class NotAnEmulator(Exception):
    """The shop's base URL is not an emulator origin."""


class EmulatorRefused(Exception):
    """The emulator refused the order (its errmsg, e.g. a product not listed or not enough stock)."""


def is_emulator_shop(base_url: str, policy: HostPolicy) -> bool:
    destination = destination_of(base_url)
    return destination is not None and policy.is_emulator(destination)


def buyer_order(*, base_url: str, app_id: str, policy: HostPolicy, product_id: str, sku_id: str, count: int) -> str:
    """Place and pay an order of ``count`` pieces; its order id."""
    if not is_emulator_shop(base_url, policy):
        raise NotAnEmulator
    session = requests.Session()
    # The emulator is local: an environment proxy must not carry the call elsewhere.
    session.trust_env = False
    body = {"appid": app_id, "product_id": product_id, "sku_id": sku_id, "count": count}
    response = session.post(base_url.rstrip("/") + CONTROL_PATH, json=body, timeout=TIMEOUT_SECONDS)
    answer = response.json() if response.headers.get("Content-Type", "").startswith("application/json") else {}
    if response.status_code != 200 or "order" not in answer:
        raise EmulatorRefused(str(answer.get("errmsg") or f"HTTP {response.status_code}"))
    return str(answer["order"]["order_id"])
