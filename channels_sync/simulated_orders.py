"""A buyer's order in an emulator shop, for a merchant trying the admin on ``make run``: the first listed product
of the shop with local stock, two pieces (``platforms/channels/emulator_buyer.py``). Only Channels shops whose base
URL is a local emulator origin; the order then arrives by its event like a real one."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from products.models import Product

from .models import RemoteBinding, RemoteSkuStock, Shop
from .platforms.channels.emulator_buyer import EmulatorRefused, buyer_order, is_emulator_shop
from .platforms.registry import adapter_class

SIMULATED_PLATFORMS = frozenset({"channels"})
# Two pieces: enough for the merchant to try shipping in two parcels.
SIMULATED_PIECES = 2


class CannotSimulate(Exception):
    """Why no order can be simulated in this shop, in the merchant's words."""


def can_simulate(shop: Shop) -> bool:
    return shop.platform in SIMULATED_PLATFORMS and is_emulator_shop(
        shop.base_url, adapter_class(shop.platform).configured_host_policy()
    )


def simulate_buyer_order(shop: Shop) -> str:
    """The id of the order placed (two pieces, paid). Raises :class:`CannotSimulate`."""
    if not can_simulate(shop):
        raise CannotSimulate(_("Only a Channels shop on the local emulator can simulate orders."))
    # The catalog's first product first (whatever order the bindings were made in): the same product each time.
    listed = RemoteBinding.objects.filter(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), remote_status="listed"
    ).order_by("object_id", "pk")
    for binding in listed:
        stock = (
            RemoteSkuStock.objects.filter(shop=shop, sku__product_id=binding.object_id, sku__stock__gt=0)
            .exclude(remote_sku_key="")
            .order_by("sku__position", "pk")
            .first()
        )
        if stock is not None:
            break
    else:
        raise CannotSimulate(_("The shop has no listed product with stock: publish and list one first."))
    try:
        return buyer_order(
            base_url=shop.base_url,
            app_id=shop.app_id,
            policy=adapter_class(shop.platform).configured_host_policy(),
            product_id=binding.remote_id,
            sku_id=stock.remote_sku_key,
            count=SIMULATED_PIECES,
        )
    except EmulatorRefused as refused:
        raise CannotSimulate(_("The emulator refused the order: %(reason)s") % {"reason": refused}) from None
