"""What each kind of job does: platform-neutral flows over the adapter interface.

Each handler reads the catalog through snapshots, calls the adapter outside any transaction, and records what
the platform answered in short transactions right after each call, so a crash later in the flow never loses a
remote id that was already created. A job marked ``outcome_unknown`` first reads remote state: a lost create is
found again (by out_product_id or fingerprint), a lost stock delta is checked against the remote quantity.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from products.models import FreightTemplate, ImageAsset, Product, ProductGroup, Shelf, Sku
from products.selectors import (
    freight_template_snapshot,
    group_snapshot,
    product_snapshot,
    shelf_snapshot,
)
from products.services import category_cache_import

from .models import (
    REMOTE_STATUS_MISSING,
    OpenPlatformProductOptions,
    Order,
    OrderItem,
    RemoteBinding,
    RemoteImage,
    RemoteSkuStock,
    StockMovement,
    SyncJob,
    payload_hash,
)
from .platforms.adapter import BindingState, FreightTemplates, ProductPayload, RemoteOrder
from .platforms.errors import ImageRefusedError, RejectedError, RemoteMissingError
from .services import JobContext, JobFailed, stock_push_enqueue

logger = logging.getLogger("channels_sync.jobs")

# How far back the first order pull of a shop reaches, and how much each pull overlaps the previous one
# (orders created during a pull must not fall between two windows).
ORDERS_FIRST_PULL_DAYS = 30
ORDERS_PULL_OVERLAP = timedelta(minutes=10)

_Sent = TypeVar("_Sent")


# --- Bindings -----------------------------------------------------------------------------------------


def binding_for(shop, target) -> RemoteBinding:
    content_type = ContentType.objects.get_for_model(target)
    binding, _ = RemoteBinding.objects.get_or_create(shop=shop, content_type=content_type, object_id=target.pk)
    return binding


def binding_get(shop, model, object_id: int) -> RemoteBinding | None:
    content_type = ContentType.objects.get_for_model(model)
    return RemoteBinding.objects.filter(shop=shop, content_type=content_type, object_id=object_id).first()


def remote_ids(shop, model, object_ids) -> dict[int, str]:
    """Local id -> remote id of the objects of ``model`` bound in ``shop``."""
    content_type = ContentType.objects.get_for_model(model)
    rows = RemoteBinding.objects.filter(
        shop=shop, content_type=content_type, object_id__in=list(object_ids), is_deleted=False
    ).exclude(remote_id="")
    return {row.object_id: row.remote_id for row in rows}


def binding_record_success(binding: RemoteBinding, **fields) -> None:
    fields.setdefault("last_synced_at", timezone.now())
    fields.update(last_errcode=None, last_errmsg="", last_error_at=None)
    RemoteBinding.objects.filter(pk=binding.pk).update(**fields)
    for name, value in fields.items():
        setattr(binding, name, value)


class ProductMissingInShop(JobFailed):
    """The bound product no longer exists in the shop (deleted there, or lost by it). The binding shows it as
    missing; only the merchant's "re-create in this shop" makes a new one (never a silent re-create)."""

    def __init__(self, binding: RemoteBinding, errcode: int | None = None, answer: str = "") -> None:
        self.errcode = errcode
        self.errmsg = _(
            "The product no longer exists in this shop (remote id %(remote_id)s)%(answer)s. To publish it there "
            "again, use “Re-create in this shop” on the product page."
        ) % {"remote_id": binding.remote_id, "answer": f": {answer}" if answer else ""}
        super().__init__(self.errmsg)


def product_missing_in_shop(
    binding: RemoteBinding, errcode: int | None = None, errmsg: str = ""
) -> ProductMissingInShop:
    """Mark the binding as missing remotely (its remote id kept, to show which product was lost) and return the
    failure to raise, with the shop's errcode and errmsg. Statuses read from the lost product no longer apply;
    stock baselines stay until it is re-created."""
    binding_record_success(
        binding,
        remote_status=REMOTE_STATUS_MISSING,
        remote_edit_status="",
        remote_reason="",
        remote_read_at=timezone.now(),
    )
    logger.info("sync.product.missing_remotely", extra={"shop_id": binding.shop_id, "binding_id": binding.pk})
    return ProductMissingInShop(binding, errcode, errmsg)


def detects_missing_product(handler: Callable[..., dict]) -> Callable[..., dict]:
    """A product job whose call the shop answers "this product does not exist" marks the product's binding as
    missing and fails with a clear message, whichever call of the flow it was (update, listing, stock, reads).

    Only an answer about the bound product counts: a missing freight template, group or other product, or a
    product not bound yet, fails the job as the rejection it is.
    """

    @functools.wraps(handler)
    def wrapped(ctx: JobContext, **options) -> dict:
        try:
            return handler(ctx, **options)
        except RemoteMissingError as error:
            binding = binding_get(ctx.shop, Product, ctx.job.target_id)
            if (
                error.kind != "product"
                or binding is None
                or not binding.is_bound
                or (error.remote_id and error.remote_id != binding.remote_id)
            ):
                raise
            raise product_missing_in_shop(binding, error.errcode, error.errmsg) from error

    return wrapped


def record_job_failure_on_target(job: SyncJob, errcode: int | None, errmsg: str) -> None:
    """Show a terminal failure on the object it concerns (the product, template, group or shelf)."""
    if job.target_type_id is None or job.target_id is None:
        return
    RemoteBinding.objects.update_or_create(
        shop_id=job.shop_id,
        content_type_id=job.target_type_id,
        object_id=job.target_id,
        defaults={"last_errcode": errcode, "last_errmsg": errmsg[:2000], "last_error_at": timezone.now()},
    )


# --- Images -------------------------------------------------------------------------------------------


def ensure_images(ctx: JobContext, asset_ids) -> dict[int, str]:
    """Platform URL of each image, uploading those the shop does not have yet (each image once)."""
    asset_ids = list(dict.fromkeys(asset_ids))
    urls = dict(RemoteImage.objects.filter(shop=ctx.shop, asset_id__in=asset_ids).values_list("asset_id", "remote_url"))
    for asset in ImageAsset.objects.filter(pk__in=[i for i in asset_ids if i not in urls]):
        with asset.image.open("rb") as handle:
            data = handle.read()
        filename = f"{asset.sha256[:16]}.{asset.image.name.rsplit('.', 1)[-1].lower()}"
        url = ctx.adapter.upload_image(filename=filename, data=data, width=asset.width, height=asset.height)
        remote_image, created = RemoteImage.objects.get_or_create(
            shop=ctx.shop, asset=asset, defaults={"remote_url": url}
        )
        # Another job may have uploaded the same image meanwhile: both links work, the stored one is used.
        urls[asset.pk] = url if created else remote_image.remote_url
    return urls


class PayloadImages:
    """The images one payload refers to and their platform URLs (``urls``), uploaded once per shop.

    A shop can lose an upload (a platform that purged it, an emulator restarted without its state), and then
    refuses the URL that the engine keeps reusing: :func:`send_with_image_healing` forgets the refused uploads,
    uploads those images again and sends once more.
    """

    def __init__(self, ctx: JobContext, asset_ids) -> None:
        self.ctx = ctx
        self.asset_ids = list(dict.fromkeys(asset_ids))
        self.urls: dict[int, str] = ensure_images(ctx, self.asset_ids) if self.asset_ids else {}

    def upload_again(self, refusal: ImageRefusedError) -> int:
        """Forget the uploads the shop refused and upload those images again; returns how many were uploaded.

        The refused images are the ones whose URL the errmsg names, when it names any of this payload's; otherwise
        the shop did not say which, and every image of the payload is uploaded again. Only rows that still hold
        the refused URL are dropped: a row another job has just renewed stays.
        """
        named = set(refusal.urls)
        refused = {asset_id: url for asset_id, url in self.urls.items() if url in named} or dict(self.urls)
        for asset_id, url in refused.items():
            RemoteImage.objects.filter(shop=self.ctx.shop, asset_id=asset_id, remote_url=url).delete()
        self.urls.update(ensure_images(self.ctx, list(refused)))
        logger.info(
            "sync.images.uploaded_again",
            extra={"shop_id": self.ctx.shop.pk, "job_id": self.ctx.job.pk, "images": len(refused)},
        )
        return len(refused)


def send_with_image_healing(images: PayloadImages, send: Callable[[], _Sent]) -> _Sent:
    """Call ``send``, which builds its payload from ``images.urls``. When the shop refuses one of the images as not
    its own, upload the refused images again and call ``send`` once more; a second refusal fails the job with the
    platform's errcode and errmsg, as any rejection does (the images were not the cause, or cannot be healed)."""
    try:
        return send()
    except ImageRefusedError as refusal:
        if not images.urls:
            raise
        images.upload_again(refusal)
    return send()


# --- Products -----------------------------------------------------------------------------------------


def product_options_for(shop, product: Product) -> dict:
    """The product's own settings for the shop's platform (open platform overrides), as plain values."""
    if shop.platform == "open_platform":
        options = OpenPlatformProductOptions.objects.filter(product=product).first()
        return options.as_options() if options is not None else {}
    return {}


def _product(ctx: JobContext) -> Product | None:
    return Product.objects.filter(pk=ctx.job.target_id).first()


@detects_missing_product
def handle_product_publish(ctx: JobContext) -> dict:
    """Create the product in the shop, or update it when bound; an unchanged payload is not sent."""
    product = _product(ctx)
    if product is None:
        return {"skipped": "product deleted"}
    snapshot = product_snapshot(product_id=product.pk)
    binding = binding_for(ctx.shop, product)
    template_remote_id = None
    if (
        snapshot.freight_template_id
        and snapshot.delivery_type == Product.DeliveryType.TEMPLATE
        and ctx.adapter.freight_templates != FreightTemplates.NONE
    ):
        template_remote_id = _require_freight_template(ctx, snapshot.freight_template_id)
    images = PayloadImages(ctx, snapshot.all_image_asset_ids() if ctx.adapter.uses_images else ())
    product_options = product_options_for(ctx.shop, product)

    def build(remote=None):
        return ctx.adapter.product_payload(
            snapshot=snapshot,
            image_urls=images.urls,
            freight_template_remote_id=template_remote_id,
            binding=binding_state(binding) if binding.is_bound else None,
            remote=remote,
            product_options=product_options,
        )

    payload = build()
    if binding.is_bound:
        if binding.last_pushed_hash == payload_hash(payload.hash_basis) and not ctx.job.outcome_unknown:
            return {"remote_id": binding.remote_id, "unchanged": True}
        remote = None
        if ctx.adapter.product_needs_remote_for_update(binding_state(binding)):
            remote = ctx.adapter.product_get(remote_id=binding.remote_id)
            if not remote.exists:
                raise product_missing_in_shop(binding, remote.missing_errcode, remote.missing_errmsg)

        def update():
            sent = build(remote)
            ctx.adapter.product_update(remote_id=binding.remote_id, payload=sent)
            return sent

        payload = send_with_image_healing(images, update)
        fields = {"last_pushed_hash": payload_hash(payload.hash_basis), "last_pushed_payload": payload.body}
        if binding.remote_status == REMOTE_STATUS_MISSING:
            # The shop holds the product again (it came back, or was wrongly reported gone).
            fields["remote_status"] = _status_found_again(ctx, binding, remote)
        binding_record_success(binding, **fields)
        _after_product_write(ctx, product, snapshot, binding)
        return {"remote_id": binding.remote_id, "updated": True, "warnings": list(payload.warnings)}

    remote_id = None
    if ctx.job.outcome_unknown or binding.last_pushed_hash:
        # An earlier create may have been applied without our seeing the answer: look before creating again.
        remote_id = ctx.adapter.product_find(payload=payload, snapshot=snapshot)
    created = remote_id is None
    if created:

        def create():
            sent = build()
            # Mark the attempt before sending: a crash after this point is an unknown outcome, never a blind retry.
            RemoteBinding.objects.filter(pk=binding.pk).update(last_pushed_hash=payload_hash(sent.hash_basis))
            return sent, ctx.adapter.product_create(payload=sent, snapshot=snapshot)

        payload, remote_id = send_with_image_healing(images, create)
    binding_record_success(
        binding,
        remote_id=remote_id,
        is_deleted=False,
        last_pushed_hash=payload_hash(payload.hash_basis),
        last_pushed_payload=payload.body,
        remote_status=binding.remote_status or ctx.adapter.created_status,
    )
    found = None
    if not created:
        # Found the earlier create: bring it up to date with what was meant to be sent.
        found = ctx.adapter.product_get(remote_id=remote_id)

        def bring_up_to_date():
            sent = build(found)
            ctx.adapter.product_update(remote_id=remote_id, payload=sent)
            return sent

        payload = send_with_image_healing(images, bring_up_to_date)
        binding_record_success(
            binding, last_pushed_hash=payload_hash(payload.hash_basis), last_pushed_payload=payload.body
        )
    _after_product_write(ctx, product, snapshot, binding, remote=found)
    for group in ProductGroup.objects.filter(products=product):
        if binding_get(ctx.shop, ProductGroup, group.pk) is not None:
            ctx.enqueue(kind=SyncJob.Kind.GROUP_PUSH, target=group)
    return {"remote_id": remote_id, "created": created, "warnings": list(payload.warnings)}


def handle_product_recreate(ctx: JobContext) -> dict:
    """The merchant's "re-create in this shop" of a product the shop no longer has: the lost remote product is
    forgotten (its id, payload hash, read copies and stock baselines) and the product published as a new one, so
    the new remote product starts at the local stock and stock edits go out as deltas from there.

    It runs as a job of the product, so no other job of it (a stock push) runs meanwhile. The shop is asked first:
    a product that exists again (or was wrongly reported gone) is brought up to date instead of doubled.
    """
    product = _product(ctx)
    if product is None:
        return {"skipped": "product deleted"}
    binding = binding_get(ctx.shop, Product, product.pk)
    if binding is not None and binding.is_bound and binding.remote_status == REMOTE_STATUS_MISSING:
        lost_remote_id = binding.remote_id
        remote = ctx.adapter.product_get(remote_id=lost_remote_id)
        if remote.exists:
            binding_store_remote(binding, remote)
            binding_record_success(binding, remote_status=_status_found_again(ctx, binding, remote))
        else:
            binding_forget_remote(binding)
            logger.info(
                "sync.product.recreating",
                extra={"shop_id": ctx.shop.pk, "binding_id": binding.pk, "job_id": ctx.job.pk},
            )
            result = handle_product_publish(ctx)
            return {**result, "replaces": lost_remote_id}
    return handle_product_publish(ctx)


def _status_found_again(ctx: JobContext, binding: RemoteBinding, remote) -> str:
    """The status of a product the shop holds again after it was reported missing: what the shop says. Where its
    answer has no status (V1.17's get), a product never listed is as created; one listed before is unknown ("")
    until the next listing or read, rather than guessed."""
    status = _remote_status(remote) if remote is not None else ""
    if status and status != REMOTE_STATUS_MISSING:
        return status
    return "" if binding.listed_once else ctx.adapter.created_status


def binding_forget_remote(binding: RemoteBinding) -> None:
    """Unbind a product from a remote product that is gone: no remote id, hash, read copies or listing, and no
    stock baselines of its SKUs in the shop (the next create sets them to what it sends)."""
    with transaction.atomic():
        RemoteSkuStock.objects.filter(shop_id=binding.shop_id, sku__product_id=binding.object_id).delete()
        RemoteBinding.objects.filter(pk=binding.pk).update(
            remote_id="",
            remote_status="",
            remote_edit_status="",
            remote_reason="",
            remote_draft=None,
            remote_online=None,
            remote_read_at=None,
            listed_once=False,
            last_pushed_hash="",
            last_pushed_payload=None,
            is_deleted=False,
            updated_at=timezone.now(),
        )
    binding.refresh_from_db()


def _after_product_write(ctx: JobContext, product: Product, snapshot, binding: RemoteBinding, remote=None) -> None:
    """Read back a drafted product's state, then set the stock baselines of SKUs new to the shop.

    ``remote`` is what a read just before the write said, if there was one (the write kept its quantities).
    """
    if ctx.adapter.has_draft:
        remote = ctx.adapter.product_get(remote_id=binding.remote_id)
        binding_store_remote(binding, remote)
    _stock_after_publish(ctx, product, snapshot, remote)


def binding_store_remote(binding: RemoteBinding, remote) -> None:
    """Keep what the shop said of the product: statuses, audit reason, draft and online copies. A shop that says
    the product does not exist makes it missing (:func:`product_missing_in_shop`), and the job fails."""
    if not remote.exists:
        raise product_missing_in_shop(binding, remote.missing_errcode, remote.missing_errmsg)
    fields = {
        "remote_status": _remote_status(remote),
        "remote_edit_status": remote.edit_status,
        "remote_reason": remote.reason,
        "remote_draft": dict(remote.draft) if remote.draft is not None else None,
        "remote_online": dict(remote.online) if remote.online is not None else None,
        "remote_read_at": timezone.now(),
    }
    if remote.listed:
        fields["listed_once"] = True
    binding_record_success(binding, **fields)


def binding_state(binding: RemoteBinding) -> BindingState:
    return BindingState(
        remote_id=binding.remote_id,
        listed_once=binding.listed_once,
        last_pushed_payload=binding.last_pushed_payload,
        remote_status=binding.remote_status,
        first_published_at=binding.created_at,
    )


def _stock_after_publish(ctx: JobContext, product: Product, snapshot, remote) -> None:
    """SKUs new to the shop hold the stock they were sent with; any later edit goes out as a delta.

    Payloads carry the remote quantity for SKUs the shop already has (never a blind "set" while sales run),
    so their baselines stand; only the shop's key of each SKU is refreshed. A new baseline is the quantity the
    shop holds when ``remote`` tells it: a create found again after its answer was lost holds the stock of the
    first attempt, and edits made since then go out as a delta. Where the body carries the stock itself
    (``stock_in_payload``), what was just sent is the new baseline, and no stock push follows.
    """
    keys = ctx.adapter.remote_sku_keys(snapshot=snapshot, remote=remote)
    held = {}
    if remote is not None and remote.exists and not ctx.adapter.stock_in_payload:
        held = remote.stock_by_sku_key
    for sku in snapshot.skus:
        key = keys.get(sku.id, sku.spec_key)
        baseline = held.get(key, sku.stock)
        state, created = RemoteSkuStock.objects.get_or_create(
            shop=ctx.shop,
            sku_id=sku.id,
            defaults={
                "remote_sku_key": key,
                "synced_stock": baseline,
                "remote_stock": baseline,
                "remote_stock_read_at": timezone.now(),
            },
        )
        if not created and ctx.adapter.stock_in_payload:
            # The body just sent carried the stock itself.
            if state.synced_stock != sku.stock:
                RemoteSkuStock.objects.filter(pk=state.pk).update(synced_stock=sku.stock)
        elif not created and keys.get(sku.id) and state.remote_sku_key != keys[sku.id]:
            RemoteSkuStock.objects.filter(pk=state.pk).update(remote_sku_key=keys[sku.id])
    if not ctx.adapter.stock_in_payload:
        stock_push_enqueue(product=product, only_shop=ctx.shop)


def _require_freight_template(ctx: JobContext, template_id: int) -> str:
    binding = binding_get(ctx.shop, FreightTemplate, template_id)
    if binding is not None and binding.is_bound:
        return binding.remote_id
    template = FreightTemplate.objects.get(pk=template_id)
    if ctx.adapter.freight_templates == FreightTemplates.IMPORTED:
        raise JobFailed(
            _(
                "The freight template “%(name)s” is not bound in this shop, which cannot create templates: run "
                "“Import freight templates” on the shop (it binds templates of the same name), then publish again."
            )
            % {"name": template.name}
        )
    raise ctx.wait_for(
        _("Waiting for the freight template “%(name)s” to be pushed.") % {"name": template.name},
        kind=SyncJob.Kind.FREIGHT_PUSH,
        target=template,
    )


def _require_bound_product(ctx: JobContext, product: Product) -> RemoteBinding:
    binding = binding_get(ctx.shop, Product, product.pk)
    if binding is not None and binding.is_bound:
        return binding
    raise ctx.wait_for(
        _("Waiting for the product to be published first."), kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product
    )


@detects_missing_product
def handle_product_list(ctx: JobContext, *, listed: bool = True) -> dict:
    product = _product(ctx)
    if product is None:
        return {"skipped": "product deleted"}
    binding = _require_bound_product(ctx, product)
    extra = {}
    if ctx.adapter.listing_in_payload:
        # The listing is a field of the product body there: the adapter rebuilds the body in the new state.
        extra = {"binding": binding_state(binding), "snapshot": product_snapshot(product_id=product.pk)}
    sent = ctx.adapter.product_set_listed(remote_id=binding.remote_id, listed=listed, **extra)
    fields = {"remote_status": "listed" if listed else "delisted"}
    if listed:
        fields["listed_once"] = True
    if isinstance(sent, ProductPayload):
        # The next publish compares with what the shop now holds, so an unchanged product is not sent again.
        fields.update(last_pushed_hash=payload_hash(sent.hash_basis), last_pushed_payload=sent.body)
    binding_record_success(binding, **fields)
    if ctx.adapter.has_draft:
        binding_store_remote(binding, ctx.adapter.product_get(remote_id=binding.remote_id))
    if listed:
        stock_push_enqueue(product=product, only_shop=ctx.shop)
    return {"remote_id": binding.remote_id, "listed": listed}


@detects_missing_product
def handle_product_refresh(ctx: JobContext) -> dict:
    """Read the product's state in the shop (audit result, listing) — the poll behind the push events."""
    binding = binding_get(ctx.shop, Product, ctx.job.target_id)
    if binding is None or not binding.is_bound:
        return {"skipped": "not published"}
    remote = ctx.adapter.product_get(remote_id=binding.remote_id)
    binding_store_remote(binding, remote)
    return {"remote_id": binding.remote_id, "status": binding.remote_status, "edit_status": remote.edit_status}


@detects_missing_product
def handle_product_audit_cancel(ctx: JobContext) -> dict:
    binding = binding_get(ctx.shop, Product, ctx.job.target_id)
    if binding is None or not binding.is_bound:
        return {"skipped": "not published"}
    ctx.adapter.product_audit_cancel(remote_id=binding.remote_id)
    binding_store_remote(binding, ctx.adapter.product_get(remote_id=binding.remote_id))
    return {"remote_id": binding.remote_id, "edit_status": binding.remote_edit_status}


def handle_third_party_declare(ctx: JobContext) -> dict:
    """Declare where a product comes from (addproductthirdpartysource, seed 000)."""
    from .models import ThirdPartySourceDeclaration

    declaration = ThirdPartySourceDeclaration.objects.filter(pk=ctx.job.target_id).first()
    if declaration is None:
        return {"skipped": "declaration deleted"}
    snapshot = product_snapshot(product_id=declaration.product_id)
    images = PayloadImages(ctx, snapshot.all_image_asset_ids())
    source_id = send_with_image_healing(
        images,
        lambda: ctx.adapter.declare_third_party_source(
            snapshot=snapshot, declaration=declaration.as_payload_fields(), image_urls=images.urls
        ),
    )
    binding = binding_for(ctx.shop, declaration)
    binding_record_success(binding, remote_id=str(source_id), is_deleted=False)
    return {"third_party_source_id": str(source_id)}


def handle_product_delist(ctx: JobContext) -> dict:
    return handle_product_list(ctx, listed=False)


def handle_product_delete(ctx: JobContext) -> dict:
    binding = binding_get(ctx.shop, Product, ctx.job.target_id)
    if binding is None or not binding.is_bound:
        return {"skipped": "not published"}
    extra = {"binding": binding_state(binding)} if ctx.adapter.listing_in_payload else {}
    try:
        ctx.adapter.product_delete(remote_id=binding.remote_id, **extra)
    except RemoteMissingError as error:
        # Nothing left to delete: the shop had lost or deleted it already, which is what was asked.
        if error.kind != "product" or (error.remote_id and error.remote_id != binding.remote_id):
            raise
    except RejectedError:
        # A repeat of a delete whose answer was lost finds nothing to delete: confirm by reading.
        if ctx.job.outcome_unknown and not ctx.adapter.product_get(remote_id=binding.remote_id).exists:
            pass
        else:
            raise
    binding_record_success(binding, is_deleted=True, remote_status="deleted", last_pushed_hash="")
    RemoteSkuStock.objects.filter(shop=ctx.shop, sku__product_id=ctx.job.target_id).delete()
    return {"remote_id": binding.remote_id, "deleted": True}


# --- Stock --------------------------------------------------------------------------------------------


@detects_missing_product
def handle_stock_push(ctx: JobContext) -> dict:
    """Bring each SKU's remote quantity in line with the local stock, one delta per SKU (design §4 "Stock").

    The delta is the local stock minus the stock last synced, so every movement since the last push is sent
    as one call; SKUs go one at a time. Before a delta is sent the remote quantity is read and the delta is
    recorded as in flight, so a lost answer is settled by reading again instead of sending twice.
    """
    product = _product(ctx)
    if product is None:
        return {"skipped": "product deleted"}
    binding = _require_bound_product(ctx, product)
    if ctx.adapter.stock_in_payload:
        # The product body carries the stock there (see PlatformAdapter.stock_in_payload).
        return handle_product_publish(ctx)
    if ctx.adapter.has_draft and not binding.listed_once:
        # A drafted platform takes stock updates only once the product has been listed; listing queues this again.
        return {"remote_id": binding.remote_id, "skipped": "never listed"}
    sent = {}
    quantities = _RemoteQuantities(ctx, binding.remote_id)
    for sku in product.skus.order_by("position", "pk"):
        state, _ = RemoteSkuStock.objects.get_or_create(
            shop=ctx.shop, sku=sku, defaults={"remote_sku_key": sku.spec_key, "synced_stock": sku.stock}
        )
        key = state.remote_sku_key or sku.spec_key
        if state.in_flight_delta is not None:
            _settle_in_flight_delta(ctx, state, quantities.get(key))
        delta = Sku.objects.values_list("stock", flat=True).get(pk=sku.pk) - state.synced_stock
        if delta == 0:
            continue
        remote_before = quantities.get(key)
        if delta < 0 and remote_before + delta < 0:
            raise JobFailed(
                _(
                    "The shop holds %(remote)d of %(sku)s, fewer than the %(count)d to take off: reconcile the "
                    "stock first."
                )
                % {"remote": remote_before, "sku": sku.spec_label or key or _("the SKU"), "count": -delta}
            )
        RemoteSkuStock.objects.filter(pk=state.pk).update(
            in_flight_delta=delta, in_flight_remote_before=remote_before, remote_stock=remote_before
        )
        ctx.adapter.stock_change(remote_id=binding.remote_id, sku_key=key, delta=delta)
        RemoteSkuStock.objects.filter(pk=state.pk).update(
            synced_stock=F("synced_stock") + delta,
            remote_stock=remote_before + delta,
            remote_stock_read_at=timezone.now(),
            in_flight_delta=None,
            in_flight_remote_before=None,
        )
        sent[key or "-"] = delta
    return {"remote_id": binding.remote_id, "deltas": sent}


class _RemoteQuantities:
    """Each SKU's remote quantity, read once per job: in one call where the platform reads a whole product."""

    def __init__(self, ctx: JobContext, remote_id: str):
        self.ctx = ctx
        self.remote_id = remote_id
        self._all = None
        self._read_all = False

    def get(self, key: str) -> int:
        if not self._read_all:
            self._all = self.ctx.adapter.stock_read_all(remote_id=self.remote_id)
            self._read_all = True
        if self._all is not None and key in self._all:
            return self._all[key]
        return self.ctx.adapter.stock_read(remote_id=self.remote_id, sku_key=key)


def _settle_in_flight_delta(ctx: JobContext, state: RemoteSkuStock, remote_now: int) -> None:
    """A delta was sent but its answer never came: the remote quantity tells whether it was applied."""
    applied = remote_now - state.in_flight_remote_before == state.in_flight_delta
    fields = {
        "in_flight_delta": None,
        "in_flight_remote_before": None,
        "remote_stock": remote_now,
        "remote_stock_read_at": timezone.now(),
    }
    if applied:
        fields["synced_stock"] = F("synced_stock") + state.in_flight_delta
    RemoteSkuStock.objects.filter(pk=state.pk).update(**fields)
    logger.info(
        "sync.stock.in_flight_settled",
        extra={"shop_id": ctx.shop.pk, "sku_id": state.sku_id, "applied": applied, "delta": state.in_flight_delta},
    )
    state.refresh_from_db()


@detects_missing_product
def handle_stock_reconcile(ctx: JobContext) -> dict:
    """Read the remote quantity of every SKU of a product and record the drift (nothing is changed)."""
    product = _product(ctx)
    if product is None:
        return {"skipped": "product deleted"}
    binding = _require_bound_product(ctx, product)
    remote = ctx.adapter.product_get(remote_id=binding.remote_id)
    if not remote.exists:
        raise product_missing_in_shop(binding, remote.missing_errcode, remote.missing_errmsg)
    drift = {}
    for sku in product.skus.all():
        state, _ = RemoteSkuStock.objects.get_or_create(
            shop=ctx.shop, sku=sku, defaults={"remote_sku_key": sku.spec_key, "synced_stock": sku.stock}
        )
        quantity = remote.stock_by_sku_key.get(state.remote_sku_key or sku.spec_key)
        RemoteSkuStock.objects.filter(pk=state.pk).update(remote_stock=quantity, remote_stock_read_at=timezone.now())
        drift[sku.spec_key or "-"] = None if quantity is None else sku.stock - quantity
    binding_record_success(binding, remote_status=_remote_status(remote))
    return {"drift": drift}


def _remote_status(remote) -> str:
    """The adapter's own status word when it gives one, else listed/delisted."""
    if not remote.exists:
        return REMOTE_STATUS_MISSING
    if remote.status or remote.listed is None:
        return remote.status
    return "listed" if remote.listed else "delisted"


# --- Freight templates, groups, shelves -----------------------------------------------------------------


def handle_freight_push(ctx: JobContext) -> dict:
    template = FreightTemplate.objects.filter(pk=ctx.job.target_id).first()
    if template is None:
        return {"skipped": "template deleted"}
    snapshot = freight_template_snapshot(template_id=template.pk)
    binding = binding_for(ctx.shop, template)
    digest = payload_hash({"snapshot": repr(snapshot)})
    if binding.is_bound:
        if binding.last_pushed_hash == digest:
            return {"remote_id": binding.remote_id, "unchanged": True}
        ctx.adapter.freight_update(remote_id=binding.remote_id, snapshot=snapshot)
        binding_record_success(binding, last_pushed_hash=digest)
        return {"remote_id": binding.remote_id, "updated": True}
    remote_id = None
    if ctx.job.outcome_unknown:
        remote_id = _find_by_name(ctx.adapter.freight_list(), snapshot.name)
    if remote_id is None:
        remote_id = ctx.adapter.freight_create(snapshot=snapshot)
    binding_record_success(binding, remote_id=str(remote_id), is_deleted=False, last_pushed_hash=digest)
    return {"remote_id": str(remote_id), "created": True}


def _find_by_name(items: list[dict], name: str) -> str | None:
    for item in items:
        if item.get("name") == name:
            return str(item["remote_id"])
    return None


def _handle_delete(ctx: JobContext, model, delete) -> dict:
    binding = binding_get(ctx.shop, model, ctx.job.target_id)
    if binding is None or not binding.is_bound:
        return {"skipped": "not pushed"}
    try:
        delete(remote_id=binding.remote_id)
    except RejectedError:
        if not ctx.job.outcome_unknown:
            raise
    binding_record_success(binding, is_deleted=True, last_pushed_hash="")
    return {"remote_id": binding.remote_id, "deleted": True}


def handle_freight_delete(ctx: JobContext) -> dict:
    return _handle_delete(ctx, FreightTemplate, ctx.adapter.freight_delete)


def handle_group_push(ctx: JobContext) -> dict:
    group = ProductGroup.objects.filter(pk=ctx.job.target_id).first()
    if group is None:
        return {"skipped": "group deleted"}
    snapshot = group_snapshot(group_id=group.pk)
    product_remote_ids = remote_ids(ctx.shop, Product, snapshot.product_ids)
    binding = binding_for(ctx.shop, group)
    digest = payload_hash({"name": snapshot.name, "products": sorted(product_remote_ids.values())})
    if binding.is_bound:
        if binding.last_pushed_hash == digest:
            return {"remote_id": binding.remote_id, "unchanged": True}
        ctx.adapter.group_update(remote_id=binding.remote_id, snapshot=snapshot, product_remote_ids=product_remote_ids)
        binding_record_success(binding, last_pushed_hash=digest)
        return {"remote_id": binding.remote_id, "updated": True}
    remote_id = _find_by_name(ctx.adapter.group_list(), snapshot.name) if ctx.job.outcome_unknown else None
    if remote_id is None:
        remote_id = ctx.adapter.group_create(snapshot=snapshot, product_remote_ids=product_remote_ids)
    else:
        ctx.adapter.group_update(remote_id=remote_id, snapshot=snapshot, product_remote_ids=product_remote_ids)
    binding_record_success(binding, remote_id=str(remote_id), is_deleted=False, last_pushed_hash=digest)
    return {"remote_id": str(remote_id), "created": True, "products": len(product_remote_ids)}


def handle_group_delete(ctx: JobContext) -> dict:
    return _handle_delete(ctx, ProductGroup, ctx.adapter.group_delete)


def handle_shelf_push(ctx: JobContext) -> dict:
    shelf = Shelf.objects.filter(pk=ctx.job.target_id).first()
    if shelf is None:
        return {"skipped": "shelf deleted"}
    snapshot = shelf_snapshot(shelf_id=shelf.pk)
    group_remote_ids = remote_ids(ctx.shop, ProductGroup, snapshot.group_ids())
    missing = [g for g in snapshot.group_ids() if g not in group_remote_ids]
    if missing:
        # Every missing group is queued at once (they run side by side); the shelf waits for the last, and when
        # it runs again waits for any still missing.
        groups = list(ProductGroup.objects.filter(pk__in=missing).order_by("pk"))
        if not groups:
            raise JobFailed(_("The shelf's groups changed while it was being pushed: push it again."))
        for group in groups[:-1]:
            ctx.enqueue(kind=SyncJob.Kind.GROUP_PUSH, target=group)
        raise ctx.wait_for(
            _("Waiting for the shelf's groups to be pushed."), kind=SyncJob.Kind.GROUP_PUSH, target=groups[-1]
        )
    images = PayloadImages(ctx, snapshot.all_image_asset_ids())
    binding = binding_for(ctx.shop, shelf)
    digest = payload_hash({"snapshot": repr(snapshot), "groups": group_remote_ids})

    def kwargs():
        # Read at each send: an image the shop refused is uploaded again before the second one.
        return {"snapshot": snapshot, "group_remote_ids": group_remote_ids, "image_urls": images.urls}

    if binding.is_bound:
        if binding.last_pushed_hash == digest:
            return {"remote_id": binding.remote_id, "unchanged": True}
        send_with_image_healing(images, lambda: ctx.adapter.shelf_update(remote_id=binding.remote_id, **kwargs()))
        binding_record_success(binding, last_pushed_hash=digest)
        return {"remote_id": binding.remote_id, "updated": True}
    remote_id = _find_by_name(ctx.adapter.shelf_list(), snapshot.name) if ctx.job.outcome_unknown else None
    if remote_id is None:
        remote_id = send_with_image_healing(images, lambda: ctx.adapter.shelf_create(**kwargs()))
    else:
        found = remote_id
        send_with_image_healing(images, lambda: ctx.adapter.shelf_update(remote_id=found, **kwargs()))
    binding_record_success(binding, remote_id=str(remote_id), is_deleted=False, last_pushed_hash=digest)
    return {"remote_id": str(remote_id), "created": True}


def handle_shelf_delete(ctx: JobContext) -> dict:
    return _handle_delete(ctx, Shelf, ctx.adapter.shelf_delete)


# --- Imports ------------------------------------------------------------------------------------------


def handle_categories_import(ctx: JobContext) -> dict:
    imported = ctx.adapter.categories_import()
    return category_cache_import(platform=ctx.shop.platform, imported=imported)


def handle_freight_import(ctx: JobContext) -> dict:
    """Bind remote freight templates to local ones of the same name; create the missing local ones."""
    from products.services import freight_template_import

    bound = 0
    for item in ctx.adapter.freight_list():
        template = freight_template_import(item["template"])
        bound += _bind_imported(ctx, template, item["remote_id"])
    return {"bound": bound}


def _bind_imported(ctx: JobContext, local, remote_id) -> int:
    """Bind a local object to the remote one read by an import, unless it is bound already. 1 if bound now."""
    binding = binding_for(ctx.shop, local)
    if binding.is_bound:
        return 0
    binding_record_success(binding, remote_id=str(remote_id), is_deleted=False)
    return 1


def handle_groups_import(ctx: JobContext) -> dict:
    bound = 0
    for item in ctx.adapter.group_list():
        group, _ = ProductGroup.objects.get_or_create(name=item["name"])
        local_products = remote_product_map(ctx.shop, item.get("product_remote_ids", ())).values()
        if local_products:
            group.products.add(*local_products)
        bound += _bind_imported(ctx, group, item["remote_id"])
    return {"bound": bound}


def handle_shelves_import(ctx: JobContext) -> dict:
    bound = 0
    for item in ctx.adapter.shelf_list():
        shelf = Shelf.objects.filter(name=item["name"]).first()
        if shelf is None:
            continue  # a remote shelf's modules need local groups and images; only same-named shelves are bound
        bound += _bind_imported(ctx, shelf, item["remote_id"])
    return {"bound": bound}


# --- Orders -------------------------------------------------------------------------------------------


def handle_orders_pull(ctx: JobContext) -> dict:
    until = timezone.now()
    since = ctx.shop.orders_pulled_until
    since = (since - ORDERS_PULL_OVERLAP) if since else until - timedelta(days=ORDERS_FIRST_PULL_DAYS)
    orders = ctx.adapter.orders_pull(since=since, until=until)
    created = sum(order_store(shop=ctx.shop, remote=order) for order in orders)
    type(ctx.shop).objects.filter(pk=ctx.shop.pk).update(orders_pulled_until=until)
    return {"orders": len(orders), "new": created, "since": since.isoformat(), "until": until.isoformat()}


def handle_order_pull_one(ctx: JobContext) -> dict:
    remote = ctx.adapter.order_get(remote_order_id=ctx.job.params["remote_order_id"])
    created = order_store(shop=ctx.shop, remote=remote)
    return {"order": remote.remote_order_id, "new": created}


def order_store(*, shop, remote: RemoteOrder) -> bool:
    """Insert or refresh one order; a new paid order takes its items off the local stock once."""
    fields = {
        "status": remote.status,
        "total_price": remote.total_price,
        "express_price": remote.express_price,
        "remote_created_at": remote.created_at,
        "buyer_openid": remote.buyer_openid,
        "buyer_nick": remote.buyer_nick,
        "receiver_name": remote.receiver_name,
        "receiver_province": remote.receiver_province,
        "receiver_city": remote.receiver_city,
        "receiver_zone": remote.receiver_zone,
        "receiver_address": remote.receiver_address,
        "receiver_mobile": remote.receiver_mobile,
        "receiver_phone": remote.receiver_phone,
        "delivery_company": remote.delivery_company,
        "delivery_track_no": remote.delivery_track_no,
        "trans_id": remote.trans_id,
        "raw": dict(remote.raw),
        "pulled_at": timezone.now(),
    }
    with transaction.atomic():
        order, created = Order.objects.select_for_update().update_or_create(
            shop=shop, remote_order_id=remote.remote_order_id, defaults=fields
        )
        if created:
            product_ids = remote_product_map(shop, {i.remote_product_id for i in remote.items})
            for item in remote.items:
                OrderItem.objects.create(
                    order=order,
                    remote_product_id=item.remote_product_id,
                    remote_sku_key=item.remote_sku_key,
                    product_name=item.product_name,
                    price=item.price,
                    count=item.count,
                    image_url=item.image_url,
                    sku=_local_sku(product_ids.get(item.remote_product_id), item.remote_sku_key),
                )
        if not order.stock_applied:
            _apply_order_stock(shop, order)
    return created


def remote_product_map(shop, remote_product_ids) -> dict[str, int]:
    content_type = ContentType.objects.get_for_model(Product)
    rows = RemoteBinding.objects.filter(shop=shop, content_type=content_type, remote_id__in=list(remote_product_ids))
    return {row.remote_id: row.object_id for row in rows}


def _local_sku(product_id: int | None, sku_key: str) -> Sku | None:
    if product_id is None:
        return None
    return Sku.objects.filter(product_id=product_id, spec_key=sku_key).first()


def _apply_order_stock(shop, order: Order) -> None:
    """The platform took the sold quantity off its stock already: do the same locally, without pushing it back.

    Both the local stock and the shop's synced baseline drop by the same amount, so the next stock push for
    this shop sends nothing for the sale; other shops get the lower stock as a delta.
    """
    for item in order.items.filter(sku__isnull=False).select_related("sku__product"):
        sku = item.sku
        # The SKU queryset's update() keeps the product's total stock in the same transaction.
        Sku.objects.filter(pk=sku.pk).update(stock=Greatest(F("stock") - item.count, Value(0)))
        sku.refresh_from_db(fields=["stock"])
        StockMovement.objects.create(
            sku=sku,
            delta=-item.count,
            stock_after=sku.stock,
            reason=StockMovement.Reason.ORDER,
            note=order.remote_order_id,
        )
        RemoteSkuStock.objects.filter(shop=shop, sku=sku).update(synced_stock=F("synced_stock") - item.count)
        stock_push_enqueue(product=sku.product, exclude_shop=shop)
    Order.objects.filter(pk=order.pk).update(stock_applied=True)


def handle_order_set_delivery(ctx: JobContext) -> dict:
    params = ctx.job.params
    order = Order.objects.get(pk=ctx.job.target_id)
    if ctx.job.outcome_unknown:
        current = ctx.adapter.order_get(remote_order_id=order.remote_order_id)
        if current.status != Order.Status.AWAITING_SHIPMENT:
            order_store(shop=ctx.shop, remote=current)
            return {"order": order.remote_order_id, "already_applied": True}
    ctx.adapter.order_set_delivery(
        remote_order_id=order.remote_order_id,
        need_delivery=params["need_delivery"],
        company=params.get("company", ""),
        track_no=params.get("track_no", ""),
        is_others=params.get("is_others", False),
    )
    order_store(shop=ctx.shop, remote=ctx.adapter.order_get(remote_order_id=order.remote_order_id))
    return {"order": order.remote_order_id}


def handle_order_close(ctx: JobContext) -> dict:
    order = Order.objects.get(pk=ctx.job.target_id)
    try:
        ctx.adapter.order_close(remote_order_id=order.remote_order_id)
    except RejectedError:
        if not ctx.job.outcome_unknown:
            raise
    order_store(shop=ctx.shop, remote=ctx.adapter.order_get(remote_order_id=order.remote_order_id))
    return {"order": order.remote_order_id}


HANDLERS = {
    SyncJob.Kind.PRODUCT_PUBLISH: handle_product_publish,
    SyncJob.Kind.PRODUCT_RECREATE: handle_product_recreate,
    SyncJob.Kind.PRODUCT_LIST: handle_product_list,
    SyncJob.Kind.PRODUCT_DELIST: handle_product_delist,
    SyncJob.Kind.PRODUCT_DELETE: handle_product_delete,
    SyncJob.Kind.PRODUCT_REFRESH: handle_product_refresh,
    SyncJob.Kind.PRODUCT_AUDIT_CANCEL: handle_product_audit_cancel,
    SyncJob.Kind.THIRD_PARTY_DECLARE: handle_third_party_declare,
    SyncJob.Kind.STOCK_PUSH: handle_stock_push,
    SyncJob.Kind.STOCK_RECONCILE: handle_stock_reconcile,
    SyncJob.Kind.FREIGHT_PUSH: handle_freight_push,
    SyncJob.Kind.FREIGHT_DELETE: handle_freight_delete,
    SyncJob.Kind.GROUP_PUSH: handle_group_push,
    SyncJob.Kind.GROUP_DELETE: handle_group_delete,
    SyncJob.Kind.SHELF_PUSH: handle_shelf_push,
    SyncJob.Kind.SHELF_DELETE: handle_shelf_delete,
    SyncJob.Kind.CATEGORIES_IMPORT: handle_categories_import,
    SyncJob.Kind.FREIGHT_IMPORT: handle_freight_import,
    SyncJob.Kind.GROUPS_IMPORT: handle_groups_import,
    SyncJob.Kind.SHELVES_IMPORT: handle_shelves_import,
    SyncJob.Kind.ORDERS_PULL: handle_orders_pull,
    SyncJob.Kind.ORDER_PULL_ONE: handle_order_pull_one,
    SyncJob.Kind.ORDER_SET_DELIVERY: handle_order_set_delivery,
    SyncJob.Kind.ORDER_CLOSE: handle_order_close,
}
