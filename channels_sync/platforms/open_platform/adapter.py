"""The open platform adapter (publishProduct, API reference §6, seed 004).

§6 documents one product endpoint, so the adapter makes these choices (README of the sandbox, "Open platform"):

* **Create and update are the same call.** publishProduct is keyed by ``supplierSpu`` (the out_product_id): the
  emulator treats a known ``supplierSpu`` as an update, and the remote id is the ``supplierSpu`` itself (the
  answer carries no id). After a lost answer a resend is therefore safe: :meth:`product_find` finds nothing to
  look up and the engine sends the same form again, which lands on the same product.
* **No read endpoint.** :meth:`product_get` reports what the last successful publish implies: the product exists
  under its ``supplierSpu``, "published" (the platform has no listing; shown as "Published"), with no
  quantities (a stock reconcile shows them as unknown).
* **No list, delist or delete endpoint.** Those jobs fail at once with a clear, translated reason on the product.
* **Stock travels in the body** (``quantity`` of each SKU, part of the payload hash): a stock change republishes.
* **Images are URLs** (``spuImage``, ``mediaList``, ``skuImage``) and there is no upload endpoint: an image's URL
  is the admin's own public media URL, ``OPEN_PLATFORM_MEDIA_BASE_URL`` (e.g. ``https://admin.example.com/media/``)
  plus the stored file's name. :meth:`upload_image` sends nothing; the engine keeps the URL per shop (a changed
  base URL applies to images not sent to the shop yet). Without the setting, development (DEBUG) uses the
  ``make run`` admin, ``http://127.0.0.1:$PORT/media/``, and production refuses to publish.
* **No freight templates** (no freight template capability): delivery is the ``deliveryWay`` and ``deliveryTimeliness``
  options; a product's freight template is not pushed.
* **Token:** the shop's app secret is the platform's access token (the ``token`` form field); the app id is only
  the merchant's label. The base URL is the shop's.
"""

from __future__ import annotations

import hashlib
import os

from django.conf import settings
from django.utils.translation import gettext as _

from products.selectors import ProductSnapshot

from ..adapter import (
    Capability,
    NotSupported,
    PayloadInputs,
    PlatformAdapter,
    ProductPayload,
    RemoteProductState,
    ShopConfig,
)
from ..errors import PayloadError
from ..http import Timeouts
from . import payloads
from .client import OpenPlatformClient

TIMEOUTS = Timeouts(connect=5.0, read=30.0)
# What product_get reports: the state after a publish (the platform has no read endpoint, and no listing).
PUBLISHED_STATUS = "published"


class OperationNotDocumented(NotSupported):
    """A product operation §6 does not document (list, delist, delete, read stock): refused before any call, with
    the reason and what to do instead."""


def media_base_url() -> str:
    """The public URL of MEDIA_ROOT as the platform must fetch it, ending with ``/``."""
    base = settings.OPEN_PLATFORM_MEDIA_BASE_URL.strip()
    if not base:
        if not settings.DEBUG:
            raise PayloadError(
                "spuImage",
                _(
                    "spuImage: the open platform takes image URLs; set OPEN_PLATFORM_MEDIA_BASE_URL to the public "
                    "address of the admin's media files."
                ),
            )
        base = development_media_base_url()
    return base if base.endswith("/") else base + "/"


def development_media_base_url() -> str:
    """The development web admin's media URL: ``make run`` serves it on 127.0.0.1:$PORT (8000 by default)."""
    return f"http://127.0.0.1:{os.environ.get('PORT') or 8000}/{settings.MEDIA_URL.strip('/')}/"


def stored_image_name(*, filename: str, data: bytes) -> str:
    """The media path of an image asset, as ``products.models.ImageAsset`` stores it: ``images/<2>/<sha256>.<ext>``
    (the engine hands the bytes and ``<sha256[:16]>.<ext>``, not the asset)."""
    digest = hashlib.sha256(data).hexdigest()
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"images/{digest[:2]}/{digest}.{extension}"


class OpenPlatformAdapter(PlatformAdapter):
    platform = "open_platform"
    capabilities = frozenset({Capability.STOCK_IN_PAYLOAD, Capability.IMAGES})
    # The platform is unknown (§6): its address is the operator's, listed in the environment.
    api_hosts_setting = "OPEN_PLATFORM_ALLOWED_HOSTS"
    # §6 has no freight template: delivery is the deliveryWay/deliveryTimeliness options.
    created_status = PUBLISHED_STATUS

    def __init__(self, shop: ShopConfig, *, on_call=None, cache=None):
        super().__init__(shop, on_call=on_call, cache=cache)
        self.client = OpenPlatformClient(
            shop.base_url, token=shop.app_secret, timeouts=TIMEOUTS, on_call=on_call, host_policy=self.host_policy
        )

    # Images ------------------------------------------------------------------------------------------------

    def upload_image(self, *, filename: str, data: bytes, width: int, height: int) -> str:
        """No upload endpoint: the image's public URL in the admin's media (no HTTP call)."""
        return media_base_url() + stored_image_name(filename=filename, data=data)

    # Products ----------------------------------------------------------------------------------------------

    def build_payload(self, inputs: PayloadInputs) -> ProductPayload:
        options = payloads.merged_options(self.shop.options, inputs.product_options)
        form = payloads.product_form(inputs.snapshot, image_urls=inputs.image_urls, options=options)
        return ProductPayload(body=form)

    def product_create(self, *, payload: ProductPayload, snapshot: ProductSnapshot) -> str:
        self.client.publish_product(payload.body)
        return payload.body["supplierSpu"]

    def product_update(self, *, remote_id: str, payload: ProductPayload) -> None:
        if payload.body["supplierSpu"] != remote_id:
            # The platform knows the product by supplierSpu: a changed code would publish a second product.
            raise PayloadError(
                "supplierSpu",
                _("supplierSpu: the product was published as “%(old)s”; its code cannot change.") % {"old": remote_id},
            )
        self.client.publish_product(payload.body)

    def product_find(self, *, payload: ProductPayload, snapshot: ProductSnapshot) -> str | None:
        """Nothing to look up (no read endpoint), and nothing to fear: the resent publish is keyed by supplierSpu,
        so it updates the product a lost answer may have created."""
        return None

    def product_get(self, *, remote_id: str) -> RemoteProductState:
        """No read endpoint: the state the last successful publish implies (see the module docstring)."""
        return RemoteProductState(remote_id=remote_id, exists=True, listed=None, status=PUBLISHED_STATUS)

    def product_set_listed(self, *, remote_id: str, listed: bool) -> None:
        raise OperationNotDocumented(
            "product_set_listed",
            _("The open platform has no listing or delisting call (publishProduct only); change it on the platform."),
        )

    def product_delete(self, *, remote_id: str) -> None:
        raise OperationNotDocumented(
            "product_delete",
            _("The open platform has no delete call (publishProduct only); delete the product on the platform."),
        )

    # Stock ---------------------------------------------------------------------------------------------------

    def stock_read(self, *, remote_id: str, sku_key: str) -> int:
        raise OperationNotDocumented(
            "stock_read",
            _("The open platform has no call to read stock; the stock is sent with every publish."),
        )
