"""The one interface the sync engine calls, whatever the platform (design §2, §4).

An adapter turns catalog snapshots into a platform's calls and its answers into the neutral dataclasses
below. It never touches the ORM: the engine hands it snapshots and plain values and records what comes back.
Each platform package provides ``adapter.py`` with a subclass, registered in ``platforms/registry.py``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar

from products.selectors import FreightTemplateSnapshot, GroupSnapshot, ProductSnapshot, ShelfSnapshot

from .errors import ImageRefusedError, RejectedError, RemoteMissingError
from .hashing import payload_hash
from .hosts import HostPolicy
from .http import CallRecord, Timeouts
from .order_types import DeliveryCompany, RejectReason, RemoteAfterSale, RemoteOrder, RemoteParcel
from .remote_catalog import RemoteCatalogPage
from .remote_images import download_remote_image

_Sent = TypeVar("_Sent")

# A product picture is at most 10 MB (§3.6): a minute to fetch one.
IMAGE_DOWNLOAD_TIMEOUTS = Timeouts(connect=5.0, read=60.0)


@dataclass(frozen=True)
class ShopConfig:
    """What an adapter needs of a shop: plain values, the secret already decrypted."""

    platform: str
    app_id: str
    app_secret: str = field(repr=False)
    base_url: str
    shop_id: int
    # The platform's own per-shop settings as plain values, as its settings schema hands them over
    # (``SettingsSchema.adapter_options``: Tencent Ads account and store, open-platform defaults); empty where the
    # platform has none or the shop has not set them.
    options: Mapping = field(default_factory=dict, repr=False)
    # A second credential some platforms need (Tencent Ads: the OAuth refresh token), already decrypted: the
    # schema's ``adapter_secret``.
    extra_secret: str = field(default="", repr=False)

    def __repr__(self) -> str:
        return f"ShopConfig(platform={self.platform!r}, app_id={self.app_id!r}, base_url={self.base_url!r})"


@dataclass(frozen=True)
class BindingState:
    """What the engine knows of a product in a shop."""

    remote_id: str
    listed_once: bool
    last_pushed_payload: dict | None
    # The status the engine last recorded ("listed", "delisted", …) and when the product was first sent to the
    # shop: what a platform whose body carries the listing (Tencent Ads) needs to rebuild it.
    remote_status: str = ""
    first_published_at: datetime | None = None


@dataclass(frozen=True)
class RemoteProductState:
    """A product as the shop holds it. Platforms with a draft fill ``draft``/``online`` and ``edit_status``; one
    without a draft whose read gives the product (V1.17) fills ``online`` with it."""

    remote_id: str
    exists: bool
    listed: bool | None = None
    status: str = ""
    edit_status: str = ""
    reason: str = ""
    stock_by_sku_key: Mapping[str, int] = field(default_factory=dict)
    raw: Mapping = field(default_factory=dict)
    draft: Mapping | None = None
    online: Mapping | None = None
    # Local SKU id -> the shop's SKU id, where the shop numbers SKUs itself (Channels: out_sku_id -> sku_id).
    sku_keys: Mapping[int, str] = field(default_factory=dict)
    # When ``exists`` is False because the shop said so: its errcode and errmsg, shown to the merchant.
    missing_errcode: int | None = None
    missing_errmsg: str = ""


@dataclass(frozen=True)
class PayloadInputs:
    """What a product's body is built from: the snapshot, the shop's URL of each image, the freight template's
    remote id, the binding (None for a create), the shop's copy where an update needs it, the product's options."""

    snapshot: ProductSnapshot
    image_urls: Mapping[int, str]
    freight_template_remote_id: str | None
    binding: BindingState | None
    remote: RemoteProductState | None
    product_options: Mapping | None = None


@dataclass(frozen=True)
class ProductPayload:
    """A product body ready to send, and anything the merchant should know about it.

    ``hash_basis`` is what decides whether the product changed since the last push: the body without values
    that follow the remote copy (e.g. V1.17 quantities), so a sale on the platform does not cause an update.
    """

    body: dict
    warnings: tuple[str, ...] = ()
    hash_basis: dict | None = None

    def __post_init__(self):
        if self.hash_basis is None:
            object.__setattr__(self, "hash_basis", self.body)


class PublishAction:
    """What a publish did: nothing (the body unchanged since its last push), an update of the bound product, a
    create, or a lost create found again in the shop and brought up to date."""

    UNCHANGED = "unchanged"
    UPDATED = "updated"
    CREATED = "created"
    FOUND = "found"


@dataclass(frozen=True)
class PublishRequest:
    """Everything one publish needs, handed to :meth:`PlatformAdapter.publish` up front by the engine."""

    snapshot: ProductSnapshot
    # The product in the shop where it is bound (has a remote id); None before its first create.
    binding: BindingState | None
    # The hash of the last body sent ("" for none). Set while unbound, it marks a create sent whose answer may
    # have been lost: the shop is asked before creating again.
    last_pushed_hash: str
    # The previous attempt ended without an answer: send even an unchanged body, look for a lost create.
    outcome_unknown: bool
    freight_template_remote_id: str | None
    product_options: Mapping | None = None


@dataclass(frozen=True)
class PublishWrite:
    """A write the shop has taken, told to the engine at once (:meth:`PublishServices.written`)."""

    action: str  # PublishAction.CREATED, FOUND (the lost create found, before it is brought up to date), UPDATED
    remote_id: str
    payload: ProductPayload
    # What a read just before an update said (where the update needs it), else None.
    remote_before: RemoteProductState | None = None


class PublishServices(Protocol):
    """What the engine does for a publish while it runs, the adapter never touching the ORM: the images' platform
    URLs (uploaded before the publish), uploading refused ones again, and the lost-answer bookkeeping."""

    image_urls: Mapping[int, str]

    def images_refused(self, refusal: ImageRefusedError) -> None:
        """Upload again the images the shop refused as not its own; ``image_urls`` then holds the new URLs."""

    def create_sending(self, payload: ProductPayload) -> None:
        """A create is about to be sent: recorded first, so that a lost answer is never followed by a blind create."""

    def written(self, write: PublishWrite) -> BindingState:
        """Record what the shop has just taken; returns the binding as it now stands."""


@dataclass(frozen=True)
class PublishOutcome:
    """What a publish ended with, for the engine to keep."""

    action: str  # PublishAction
    remote_id: str
    # The last body sent (None when unchanged).
    payload: ProductPayload | None = None
    # The product read back after the write (``Capability.DRAFT``): its statuses, draft and online copies.
    remote_read: RemoteProductState | None = None
    # What the shop holds, where a read said it (the read after the write, or the lost create found): new stock
    # baselines take its quantities.
    stock_remote: RemoteProductState | None = None
    # The shop's key of each local SKU, for its stock calls.
    sku_keys: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ListingRequest:
    """A listing or delisting of a bound product, handed to :meth:`PlatformAdapter.set_listing` by the engine."""

    binding: BindingState
    listed: bool


class ListingServices(Protocol):
    """What the engine does for a listing while it runs, the adapter never touching the ORM."""

    def snapshot(self) -> ProductSnapshot:
        """The product as it stands now: read only by a platform whose body carries the listing (Tencent Ads:
        ON_SALE / OFF_SALE), which rebuilds the body from it."""

    def changed(self, payload: ProductPayload | None) -> None:
        """The shop has taken the change: recorded at once, before any read back, so that a failed read does not
        send the listing again. ``payload`` is the body sent where the listing travels in it (the new last pushed
        one, so that the next publish of an unchanged product sends nothing), else None."""


@dataclass(frozen=True)
class ListingOutcome:
    """What a listing ended with, for the engine to keep."""

    # The product read back after the change (``Capability.DRAFT``): its statuses, draft and online copies.
    remote_read: RemoteProductState | None = None


@dataclass(frozen=True)
class CategoryNode:
    remote_id: str
    parent_remote_id: str | None
    name: str
    level: int
    is_leaf: bool


@dataclass(frozen=True)
class AttributeNode:
    category_remote_id: str
    kind: str  # "property" or "spec"
    remote_id: str
    name: str
    is_required: bool
    values: tuple[tuple[str, str], ...]  # (remote id, name)


@dataclass(frozen=True)
class BrandNode:
    remote_id: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class CategoryImport:
    categories: tuple[CategoryNode, ...]
    attributes: tuple[AttributeNode, ...]
    brands: tuple[BrandNode, ...] = ()


class DependencyPending(Exception):
    """Not yet: the job needs something else first, and waits without using up an attempt.

    The engine raises it for another job (a freight template bound before the product using it); adapters
    raise it for the remote state (a draft still under audit, a product never listed yet).
    """

    def __init__(self, reason: str, *, delay_seconds: int = 5):
        super().__init__(reason)
        self.reason = reason
        self.delay_seconds = delay_seconds


class NotSupported(RejectedError):
    """The platform has no such operation (e.g. shelves outside V1.17). ``reason``, when given, is the message
    instead of the generic one: why, and what to do instead."""

    def __init__(self, operation: str, reason: str = ""):
        super().__init__(errcode=0, errmsg=reason or f"not supported by this platform: {operation}", endpoint="")


class Capability(enum.Enum):
    """What a platform does beyond the base protocol; each adapter declares its set in ``capabilities``."""

    # Writes go to a draft that the platform audits before it can go online (the Channels store, the mini-shop):
    # the engine reads the product back after each write to show the draft, the online copy and the audit state.
    DRAFT = "draft"
    # The platform takes no stock deltas: stock (or only whether a SKU is on sale) travels in the product body
    # (Tencent Ads, the open platform). A stock change then republishes the product, and the payload hash
    # decides whether anything is sent.
    STOCK_IN_PAYLOAD = "stock_in_payload"
    # Product bodies carry images the engine uploads first (``upload_image``); Tencent Ads sales info has none.
    IMAGES = "images"
    # Products name a freight template, which the engine pushes before the first product using it (V1.17,
    # Channels) ...
    FREIGHT_TEMPLATES_PUSHED = "freight_templates_pushed"
    # ... or which the platform's API only lists (the mini-shop): templates are bound by "Import freight
    # templates". With neither, products carry no freight template (Tencent Ads, the open platform).
    FREIGHT_TEMPLATES_IMPORTED = "freight_templates_imported"
    # The shop has orders the engine pulls (by the beat, and one by one when an event names them) and ships
    # (V1.17, Channels, the mini-shop).
    ORDERS = "orders"
    # Orders have after-sales the merchant accepts or rejects through the API (Channels).
    AFTERSALES = "aftersales"
    # An order ships in several parcels, each naming its lines and pieces (``order_ship``; Channels
    # delivery/send): the admin offers the parcel form, which ships part of an order and the rest later.
    PARCELS = "parcels"


# Either of these: products name a freight template (pushed by the engine, or bound by an import).
FREIGHT_TEMPLATE_CAPABILITIES = frozenset({Capability.FREIGHT_TEMPLATES_PUSHED, Capability.FREIGHT_TEMPLATES_IMPORTED})


class PlatformAdapter:
    """Base adapter: every operation the engine may ask for. A platform overrides what it supports."""

    platform: str = ""
    # What the platform does beyond the base protocol (see ``Capability``): the one declaration the engine reads.
    capabilities: frozenset[Capability] = frozenset({Capability.IMAGES, Capability.FREIGHT_TEMPLATES_PUSHED})
    # What a product is once created, before any listing: "draft" where listing is a step of its own, or
    # "published" where the platform has no listing (the open platform).
    created_status: str = "draft"
    # The platform's production API hosts, called over HTTPS: with the emulator origins the installation enables,
    # the only base URLs its shops may have (``configured_host_policy``).
    api_hosts: tuple[str, ...] = ()
    # The setting that lists the API hosts instead, where the operator chooses them (the open platform).
    api_hosts_setting: str = ""

    @classmethod
    def preview_image_url(cls, asset_id: int) -> str:
        """What a payload preview puts for an image not uploaded to the shop yet: a stand-in the payload builder
        accepts (a platform that checks its image links overrides it), mapped back to the image by the page."""
        return f"(image #{asset_id}: uploaded when published)"

    def __init__(self, shop: ShopConfig, *, on_call: Callable[[CallRecord], None] | None = None, cache=None):
        self.shop = shop
        self.on_call = on_call
        self.cache = cache
        # Every client and token provider of the adapter calls under this policy.
        self.host_policy = self.configured_host_policy()

    @classmethod
    def configured_host_policy(cls) -> HostPolicy:
        """The base URLs this platform's shops may call: its API hosts and the emulator origins enabled by
        ``SANDBOX_ORIGINS``. The one place that reads these settings, when a shop is validated or an adapter is
        built (never at import), so the clients below get plain values."""
        from django.conf import settings

        hosts = getattr(settings, cls.api_hosts_setting) if cls.api_hosts_setting else cls.api_hosts
        return HostPolicy.build(
            hosts=hosts, emulator_origins=settings.SANDBOX_ORIGINS, hosts_setting=cls.api_hosts_setting
        )

    def shared_cache(self):
        """The cache the adapter was given, else Django's default cache: where access tokens and quota counts
        live, shared by every worker."""
        if self.cache is not None:
            return self.cache
        from django.core.cache import cache

        return cache

    # Images ----------------------------------------------------------------------------------------
    def upload_image(self, *, filename: str, data: bytes, width: int, height: int) -> str:
        raise NotSupported("upload_image")

    # Products --------------------------------------------------------------------------------------
    def product_payload(
        self,
        *,
        snapshot: ProductSnapshot,
        image_urls: Mapping[int, str],
        freight_template_remote_id: str | None,
        binding: BindingState | None,
        remote: RemoteProductState | None,
        product_options: Mapping | None = None,
    ) -> ProductPayload:
        """The body that would create (``binding`` None) or update the product: what the publish sends, the
        previews and the dry run show. A platform writes :meth:`build_payload`, which takes these as one value."""
        return self.build_payload(
            PayloadInputs(snapshot, image_urls, freight_template_remote_id, binding, remote, product_options)
        )

    def build_payload(self, inputs: PayloadInputs) -> ProductPayload:
        raise NotSupported("product_payload")

    def publish(self, request: PublishRequest, services: PublishServices) -> PublishOutcome:
        """Create the product in the shop, or update it where bound; an unchanged body is not sent.

        The one call the engine makes per publish. Each write the shop takes is told to ``services`` at once
        (``written``), and a create is announced before it is sent (``create_sending``): an answer lost after that
        point makes the next attempt look for the product (``product_find``) instead of creating it twice. A body
        whose image the shop refuses as not its own is sent once more after ``services`` uploaded those again.
        """
        snapshot = request.snapshot

        def build(binding: BindingState | None, remote: RemoteProductState | None = None) -> ProductPayload:
            return self.product_payload(
                snapshot=snapshot,
                image_urls=services.image_urls,
                freight_template_remote_id=request.freight_template_remote_id,
                binding=binding,
                remote=remote,
                product_options=request.product_options,
            )

        binding = request.binding
        payload = build(binding)
        if binding is not None:
            if request.last_pushed_hash == payload_hash(payload.hash_basis) and not request.outcome_unknown:
                return PublishOutcome(action=PublishAction.UNCHANGED, remote_id=binding.remote_id)
            before = None
            if self.product_needs_remote_for_update(binding):
                before = self.product_get(remote_id=binding.remote_id)
                if not before.exists:
                    raise RemoteMissingError(
                        before.missing_errcode, before.missing_errmsg, kind="product", remote_id=binding.remote_id
                    )
            payload = self._update_healing(services, binding, lambda: build(binding, before))
            services.written(PublishWrite(PublishAction.UPDATED, binding.remote_id, payload, remote_before=before))
            return self._written_outcome(PublishAction.UPDATED, binding.remote_id, payload, snapshot)

        remote_id = None
        if request.outcome_unknown or request.last_pushed_hash:
            # An earlier create may have been applied without our seeing the answer: look before creating again.
            remote_id = self.product_find(payload=payload, snapshot=snapshot)
        if remote_id is None:

            def create() -> tuple[ProductPayload, str]:
                sent = build(None)
                services.create_sending(sent)
                return sent, self.product_create(payload=sent, snapshot=snapshot)

            payload, remote_id = send_with_image_healing(services, create)
            services.written(PublishWrite(PublishAction.CREATED, remote_id, payload))
            return self._written_outcome(PublishAction.CREATED, remote_id, payload, snapshot)
        # Found the earlier create: bring it up to date with what was meant to be sent.
        bound = services.written(PublishWrite(PublishAction.FOUND, remote_id, payload))
        found = self.product_get(remote_id=remote_id)
        payload = self._update_healing(services, bound, lambda: build(bound, found))
        services.written(PublishWrite(PublishAction.UPDATED, remote_id, payload))
        return self._written_outcome(PublishAction.FOUND, remote_id, payload, snapshot, found=found)

    def _update_healing(self, services: PublishServices, binding: BindingState, build) -> ProductPayload:
        def update() -> ProductPayload:
            sent = build()
            self.product_update(remote_id=binding.remote_id, payload=sent)
            return sent

        return send_with_image_healing(services, update)

    def _written_outcome(
        self, action: str, remote_id: str, payload: ProductPayload, snapshot: ProductSnapshot, found=None
    ) -> PublishOutcome:
        """The outcome of a write: a drafted product read back, and the shop's keys of the SKUs."""
        read = self._read_back(remote_id)
        stock_remote = read if read is not None else found
        return PublishOutcome(
            action=action,
            remote_id=remote_id,
            payload=payload,
            remote_read=read,
            stock_remote=stock_remote,
            sku_keys=self.remote_sku_keys(snapshot=snapshot, remote=stock_remote),
        )

    def _read_back(self, remote_id: str) -> RemoteProductState | None:
        """The product as the shop holds it after a write, where the platform drafts and audits writes."""
        return self.product_get(remote_id=remote_id) if Capability.DRAFT in self.capabilities else None

    def set_listing(self, request: ListingRequest, services: ListingServices) -> ListingOutcome:
        """List or delist the product: the one call the engine makes for it. By default the platform's own call
        (``product_set_listed``), then a drafted product read back; a platform whose body carries the listing
        overrides this and sends the body in its new state instead."""
        remote_id = request.binding.remote_id
        self.product_set_listed(remote_id=remote_id, listed=request.listed)
        services.changed(None)
        return ListingOutcome(remote_read=self._read_back(remote_id))

    def delete(self, binding: BindingState) -> None:
        """Delete the product in the shop: the one call the engine makes for it. By default the platform's own
        call (``product_delete``); a platform whose body carries the listing overrides this (Tencent Ads: STOP
        for the SKUs last pushed)."""
        self.product_delete(remote_id=binding.remote_id)

    def remote_sku_keys(self, *, snapshot: ProductSnapshot, remote: RemoteProductState | None) -> dict[int, str]:
        """The shop's key of each local SKU (for stock calls): by default the spec key, V1.17's sku_id."""
        return {sku.id: sku.spec_key for sku in snapshot.skus}

    def product_needs_remote_for_update(self, binding: BindingState) -> bool:
        """Whether building an update payload needs the remote copy (V1.17: frozen fields after listing)."""
        return False

    def product_create(self, *, payload: ProductPayload, snapshot: ProductSnapshot) -> str:
        raise NotSupported("product_create")

    def product_update(self, *, remote_id: str, payload: ProductPayload) -> None:
        raise NotSupported("product_update")

    def product_find(self, *, payload: ProductPayload, snapshot: ProductSnapshot) -> str | None:
        """The remote id of a product created earlier whose answer was lost, or None."""
        raise NotSupported("product_find")

    def product_get(self, *, remote_id: str) -> RemoteProductState:
        raise NotSupported("product_get")

    def product_delete(self, *, remote_id: str) -> None:
        raise NotSupported("product_delete")

    def product_set_listed(self, *, remote_id: str, listed: bool) -> None:
        raise NotSupported("product_set_listed")

    def product_audit_cancel(self, *, remote_id: str) -> None:
        raise NotSupported("product_audit_cancel")

    def declare_third_party_source(
        self, *, snapshot: ProductSnapshot, declaration: Mapping, image_urls: Mapping[int, str]
    ) -> str:
        raise NotSupported("declare_third_party_source")

    # Stock -----------------------------------------------------------------------------------------
    def stock_read(self, *, remote_id: str, sku_key: str) -> int:
        raise NotSupported("stock_read")

    def stock_read_all(self, *, remote_id: str) -> Mapping[str, int] | None:
        """Every SKU's quantity in one call, where the platform has one (None: read SKU by SKU)."""
        return None

    def stock_change(self, *, remote_id: str, sku_key: str, delta: int) -> None:
        raise NotSupported("stock_change")

    # Freight templates, groups, shelves ---------------------------------------------------------------
    def freight_create(self, *, snapshot: FreightTemplateSnapshot) -> str:
        raise NotSupported("freight_create")

    def freight_update(self, *, remote_id: str, snapshot: FreightTemplateSnapshot) -> None:
        raise NotSupported("freight_update")

    def freight_delete(self, *, remote_id: str) -> None:
        raise NotSupported("freight_delete")

    def freight_list(self) -> list[dict]:
        raise NotSupported("freight_list")

    def group_create(self, *, snapshot: GroupSnapshot, product_remote_ids: Mapping[int, str]) -> str:
        raise NotSupported("group_create")

    def group_update(self, *, remote_id: str, snapshot: GroupSnapshot, product_remote_ids: Mapping[int, str]) -> None:
        raise NotSupported("group_update")

    def group_delete(self, *, remote_id: str) -> None:
        raise NotSupported("group_delete")

    def group_list(self) -> list[dict]:
        raise NotSupported("group_list")

    def shelf_create(
        self, *, snapshot: ShelfSnapshot, group_remote_ids: Mapping[int, str], image_urls: Mapping[int, str]
    ) -> str:
        raise NotSupported("shelf_create")

    def shelf_update(
        self,
        *,
        remote_id: str,
        snapshot: ShelfSnapshot,
        group_remote_ids: Mapping[int, str],
        image_urls: Mapping[int, str],
    ) -> None:
        raise NotSupported("shelf_update")

    def shelf_delete(self, *, remote_id: str) -> None:
        raise NotSupported("shelf_delete")

    def shelf_list(self) -> list[dict]:
        raise NotSupported("shelf_list")

    # Categories --------------------------------------------------------------------------------------
    def categories_import(self) -> CategoryImport:
        raise NotSupported("categories_import")

    # Adopting the shop's catalog ----------------------------------------------------------------------
    def catalog_page(self, *, cursor: str) -> RemoteCatalogPage:
        """One page of the products the shop already has (``cursor`` ``""`` for the first page; the answer's
        ``next_cursor`` reads the next, ``None`` after the last), as remote catalog products."""
        raise NotSupported("catalog_page")

    def image_download(self, *, url: str) -> bytes:
        """The picture behind an image link the shop answered (``remote_images.download_remote_image``)."""
        return download_remote_image(
            url, shop_base_url=self.shop.base_url, shop_policy=self.host_policy, timeouts=IMAGE_DOWNLOAD_TIMEOUTS
        )

    # Orders --------------------------------------------------------------------------------------------
    def orders_pull(self, *, since: datetime, until: datetime) -> list[RemoteOrder]:
        raise NotSupported("orders_pull")

    def order_get(self, *, remote_order_id: str) -> RemoteOrder:
        raise NotSupported("order_get")

    def order_set_delivery(
        self, *, remote_order_id: str, need_delivery: bool, company: str, track_no: str, is_others: bool
    ) -> None:
        raise NotSupported("order_set_delivery")

    def order_close(self, *, remote_order_id: str) -> None:
        raise NotSupported("order_close")

    def delivery_companies(self) -> list[DeliveryCompany]:
        """The companies ``order_ship`` accepts (Channels, mini-shop)."""
        raise NotSupported("delivery_companies")

    def order_ship(self, *, remote_order_id: str, parcels: tuple[RemoteParcel, ...]) -> None:
        """Ship parcels of an order, each naming its pieces (partial delivery); a parcel without items ships what
        is left of the order."""
        raise NotSupported("order_ship")

    # After-sales ---------------------------------------------------------------------------------------
    def aftersales_pull(self, *, since: datetime, until: datetime) -> list[RemoteAfterSale]:
        raise NotSupported("aftersales_pull")

    def aftersale_get(self, *, remote_aftersale_id: str) -> RemoteAfterSale:
        raise NotSupported("aftersale_get")

    def aftersale_accept(self, *, remote_aftersale_id: str) -> None:
        raise NotSupported("aftersale_accept")

    def aftersale_reject(self, *, remote_aftersale_id: str, reason_type: int, reason: str) -> None:
        raise NotSupported("aftersale_reject")

    def aftersale_reject_reasons(self) -> list[RejectReason]:
        """The reasons ``aftersale_reject`` accepts, as the platform lists them (Channels)."""
        raise NotSupported("aftersale_reject_reasons")


def send_with_image_healing(images, send: Callable[[], _Sent]) -> _Sent:
    """Call ``send``, which builds its body from ``images.image_urls``. When the shop refuses one of the images as
    not its own, ``images.images_refused`` uploads the refused images again and ``send`` is called once more; a
    second refusal is the rejection it is (the images were not the cause, or cannot be healed). ``images`` is a
    :class:`PublishServices`, or the engine's ``PayloadImages``."""
    try:
        return send()
    except ImageRefusedError as refusal:
        if not images.image_urls:
            raise
        images.images_refused(refusal)
    return send()
