"""The Tencent Ads sales-information adapter (API reference §5, seed 003).

The platform holds no product, only sales information per (store, SKU), written by one upsert call,
``product_salesinfos/add``. So:

* create and update are the same upsert; the binding's remote id is ``"{external_store_id}:{out_product_id}"``;
* a lost answer needs no lookup: the upsert is idempotent, so :meth:`product_find` answers None and the engine
  sends the body again (a new call, with a fresh timestamp and nonce);
* list, delist and delete are upserts too (:meth:`set_listing`, :meth:`delete`): list sends ON_SALE for the SKUs in
  stock, delist OFF_SALE, delete STOP (and OFF_SALE) for the SKUs last pushed;
* stock travels in the body as ON_SALE/OFF_SALE only (``Capability.STOCK_IN_PAYLOAD``): a stock change republishes the
  product, and the payload hash (which holds the status, never the quantity) decides whether anything is sent;
* the body holds every SKU; the client sends it in calls of at most 50;
* NEW lasts ``new_sku_days`` from the binding's creation (the first publish to the shop); the switch to NORMAL is
  part of the body, so it is sent with the next publish after the window (nothing is sent on a timer);
* the platform has no read call: "Reconcile stock" and "Read status" are not supported there, and a product's
  images are never uploaded (:meth:`upload_image` records a marker without any call).

Everything comes from :class:`ShopConfig`: the app id and secret are the OAuth client id and secret, the
decrypted refresh token is ``extra_secret``, the account, warehouse, store and landing page are ``options``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime

from django.utils.translation import gettext as _

from products.selectors import ProductSnapshot

from ...quotas import Quota, Window
from ..adapter import (
    BindingState,
    Capability,
    ListingOutcome,
    ListingRequest,
    ListingServices,
    PayloadInputs,
    PlatformAdapter,
    ProductPayload,
    RemoteProductState,
    ShopConfig,
)
from ..errors import AuthError
from ..http import Timeouts
from . import payloads
from .client import OAUTH_TOKEN_PATH, TENCENT_ADS_API_HOSTS, TencentAdsClient
from .tokens import ads_token_provider_for

TIMEOUTS = Timeouts(connect=5.0, read=20.0)
# §5 "Default quotas": 10,000 a day per write API and 1,000 a minute, counted here per shop before each call so
# that work beyond them waits for the window instead of being refused (design §4 "Quotas").
WRITES_PER_MINUTE = 1000
WRITES_PER_DAY = 10000
# The quota's fixed windows start at multiples of their length on the Unix clock, so its day would run from 08:00
# Beijing time; the platform's day is the Beijing day (the client's 11018 waits for Beijing midnight). Counting on
# a clock 8 h ahead puts the window's day on the Beijing day (minutes are unaffected).
BEIJING_UTC_OFFSET_SECONDS = 8 * 3600


class TencentAdsAdapter(PlatformAdapter):
    platform = "tencent_ads"
    capabilities = frozenset({Capability.STOCK_IN_PAYLOAD})
    api_hosts = TENCENT_ADS_API_HOSTS
    # Sales information carries no image: nothing is uploaded for it.

    def __init__(self, shop: ShopConfig, *, on_call=None, cache=None, clock=None):
        super().__init__(shop, on_call=on_call, cache=cache)
        self._clock = clock or (lambda: datetime.now(tz=UTC))
        self._client: TencentAdsClient | None = None
        self._quota: Quota | None = None

    @property
    def client(self) -> TencentAdsClient:
        """Built on first use, so a payload preview needs neither the refresh token nor the cache."""
        if self._client is None:
            if not self.shop.extra_secret:
                raise AuthError(
                    _("The shop has no Tencent Ads refresh token: enter it in the shop's Tencent Ads settings."),
                    endpoint=OAUTH_TOKEN_PATH,
                    config_error=True,
                    outcome_unknown=False,
                )
            cache = self.shared_cache()
            tokens = ads_token_provider_for(
                base_url=self.shop.base_url,
                client_id=self.shop.app_id,
                client_secret=self.shop.app_secret,
                refresh_token=self.shop.extra_secret,
                cache=cache,
                timeouts=TIMEOUTS,
                host_policy=self.host_policy,
            )
            self._client = TencentAdsClient(
                self.shop.base_url, tokens=tokens, timeouts=TIMEOUTS, on_call=self.on_call, host_policy=self.host_policy
            )
        return self._client

    @property
    def write_quota(self) -> Quota:
        if self._quota is None:
            self._quota = Quota(
                cache=self.shared_cache(),
                shop_key=str(self.shop.shop_id),
                name="tencent_ads_salesinfo_write",
                windows=(Window(60, WRITES_PER_MINUTE), Window(86400, WRITES_PER_DAY)),
            )
        return self._quota

    @property
    def settings(self) -> payloads.SalesInfoSettings:
        return payloads.settings_from_options(self.shop.options)

    # Products ----------------------------------------------------------------------------------------------

    def build_payload(self, inputs: PayloadInputs) -> ProductPayload:
        listed = inputs.binding is not None and inputs.binding.remote_status == "listed"
        return self._payload(inputs.snapshot, inputs.binding, listed=listed)

    def _payload(self, snapshot: ProductSnapshot, binding: BindingState | None, *, listed: bool) -> ProductPayload:
        settings = self.settings
        new = payloads.is_new(
            new_sku_days=settings.new_sku_days,
            first_published_at=binding.first_published_at if binding is not None else None,
            now=self._clock(),
        )
        body = payloads.sales_info_payload(
            snapshot, settings, listed=listed, sku_status=payloads.NEW if new else payloads.NORMAL
        )
        warnings = ()
        if listed and not any(
            item["stock"]["sku_stock_status"] == payloads.ON_SALE for item in body["sku_sales_infos"]
        ):
            warnings = (_("No SKU has stock: every SKU is reported as off sale."),)
        # The body holds no quantity, only ON_SALE/OFF_SALE: it is its own hash basis.
        return ProductPayload(body=body, warnings=warnings)

    def remote_sku_keys(self, *, snapshot: ProductSnapshot, remote: RemoteProductState | None) -> dict[int, str]:
        return {sku.id: payloads.external_sku_id_for(snapshot.id, sku) for sku in snapshot.skus}

    def product_create(self, *, payload: ProductPayload, snapshot: ProductSnapshot) -> str:
        self._send(payload.body)
        return payloads.remote_id_for(self.settings.external_store_id, snapshot.out_product_id)

    def product_update(self, *, remote_id: str, payload: ProductPayload) -> None:
        self._send(payload.body)

    def product_find(self, *, payload: ProductPayload, snapshot: ProductSnapshot) -> str | None:
        """None: the platform has no read call, and sending the upsert again is the safe way to settle it."""
        return None

    def set_listing(self, request: ListingRequest, services: ListingServices) -> ListingOutcome:
        """ON_SALE for the SKUs in stock, or OFF_SALE for all: the product's body in its new state, which becomes the
        last pushed one. There is no read call: nothing is read back."""
        payload = self._payload(services.snapshot(), request.binding, listed=request.listed)
        self._send(payload.body)
        services.changed(payload)
        return ListingOutcome()

    def delete(self, binding: BindingState) -> None:
        """STOP (and OFF_SALE) for every SKU last pushed: the platform keeps sales info, it deletes none."""
        last = binding.last_pushed_payload
        if not last or not last.get("sku_sales_infos"):
            # Nothing was ever accepted for the product: nothing to stop.
            return
        self._send(payloads.with_statuses(last, sku_status=payloads.STOP, stock_status=payloads.OFF_SALE))

    def _send(self, body: Mapping) -> None:
        payloads.validate_body(body)
        for batch in payloads.batches(body):
            # A batch refused by the quota leaves the earlier ones sent: the retry sends them again, harmlessly.
            self.write_quota.acquire(now=time.time() + BEIJING_UTC_OFFSET_SECONDS)
            self.client.salesinfos_add(batch)
