"""Products: publish (create or update, an unchanged payload not sent), re-create, list, delist, delete, read
back, audit cancel and third-party source declarations."""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from products.models import FreightTemplate, Product, ProductGroup, Sku
from products.selectors import product_for_snapshot, product_snapshot, snapshot_of

from ...models import (
    REMOTE_STATUS_MISSING,
    RemoteBinding,
    RemoteSkuStock,
    SyncJob,
    payload_hash,
)
from ...platforms.adapter import (
    FREIGHT_TEMPLATE_CAPABILITIES,
    BindingState,
    Capability,
    ListingRequest,
    ProductPayload,
    PublishAction,
    PublishRequest,
    PublishWrite,
    send_with_image_healing,
)
from ...platforms.channels.models import ThirdPartySourceDeclaration
from ...platforms.errors import RejectedError, RemoteMissingError
from ...selectors import product_options_for
from ..bindings import (
    binding_for,
    binding_forget_remote,
    binding_get,
    binding_record_success,
    binding_state,
    binding_store_remote,
    bindings_get,
    detects_missing_product,
    remote_status_word,
)
from ..context import JobContext, JobFailed
from ..fanout import stock_push_enqueue
from ..images import PayloadImages
from ..registry import handles

logger = logging.getLogger("channels_sync.jobs")


def job_product(ctx: JobContext) -> Product | None:
    return Product.objects.filter(pk=ctx.job.target_id).first()


@handles(SyncJob.Kind.PRODUCT_PUBLISH)
@detects_missing_product
def handle_product_publish(ctx: JobContext) -> dict:
    """Create the product in the shop, or update it when bound; an unchanged payload is not sent."""
    product = product_for_snapshot(product_id=ctx.job.target_id)
    if product is None:
        return {"skipped": "product deleted"}
    snapshot = snapshot_of(product)
    template_id = None
    if (
        snapshot.freight_template_id
        and snapshot.delivery_type == Product.DeliveryType.TEMPLATE
        and ctx.adapter.capabilities & FREIGHT_TEMPLATE_CAPABILITIES
    ):
        template_id = snapshot.freight_template_id
    # The product's binding and its freight template's, in one read.
    found = bindings_get(ctx.shop, [(Product, product.pk)] + ([(FreightTemplate, template_id)] if template_id else []))
    binding = found.get((Product, product.pk)) or binding_for(ctx.shop, product)
    template_remote_id = None
    if template_id:
        template_remote_id = _require_freight_template(ctx, template_id, found.get((FreightTemplate, template_id)))
    images = PayloadImages(ctx, snapshot.all_image_asset_ids() if Capability.IMAGES in ctx.adapter.capabilities else ())
    request = PublishRequest(
        snapshot=snapshot,
        binding=binding_state(binding) if binding.is_bound else None,
        last_pushed_hash=binding.last_pushed_hash,
        outcome_unknown=ctx.job.outcome_unknown,
        freight_template_remote_id=template_remote_id,
        product_options=product_options_for(ctx.shop, product),
    )
    outcome = ctx.adapter.publish(request, _PublishBookkeeping(ctx, binding, images))
    if outcome.action == PublishAction.UNCHANGED:
        return {"remote_id": outcome.remote_id, "unchanged": True}
    if outcome.remote_read is not None:
        binding_store_remote(binding, outcome.remote_read)
    _stock_after_publish(ctx, product, snapshot, outcome.sku_keys, outcome.stock_remote)
    if outcome.action == PublishAction.UPDATED:
        return {"remote_id": outcome.remote_id, "updated": True, "warnings": list(outcome.payload.warnings)}
    for group in ProductGroup.objects.filter(products=product):
        if binding_get(ctx.shop, ProductGroup, group.pk) is not None:
            ctx.enqueue(kind=SyncJob.Kind.GROUP_PUSH, target=group)
    created = outcome.action == PublishAction.CREATED
    return {"remote_id": outcome.remote_id, "created": created, "warnings": list(outcome.payload.warnings)}


class _PublishBookkeeping:
    """The engine's side of a publish (``adapter.PublishServices``): the images' URLs, and each write the shop took
    recorded on the binding at once."""

    def __init__(self, ctx: JobContext, binding: RemoteBinding, images: PayloadImages) -> None:
        self.ctx = ctx
        self.binding = binding
        self.images = images

    @property
    def image_urls(self) -> dict[int, str]:
        return self.images.urls

    def images_refused(self, refusal) -> None:
        self.images.images_refused(refusal)

    def create_sending(self, payload: ProductPayload) -> None:
        # Marked before sending: a crash after this point is an unknown outcome, never a blind retry.
        RemoteBinding.objects.filter(pk=self.binding.pk).update(last_pushed_hash=payload_hash(payload.hash_basis))

    def written(self, write: PublishWrite) -> BindingState:
        binding = self.binding
        fields = {"last_pushed_hash": payload_hash(write.payload.hash_basis), "last_pushed_payload": write.payload.body}
        if write.action == PublishAction.UPDATED:
            if binding.remote_status == REMOTE_STATUS_MISSING:
                # The shop holds the product again (it came back, or was wrongly reported gone).
                fields["remote_status"] = _status_found_again(self.ctx, binding, write.remote_before)
        else:
            fields.update(
                remote_id=write.remote_id,
                is_deleted=False,
                remote_status=binding.remote_status or self.ctx.adapter.created_status,
            )
        binding_record_success(binding, **fields)
        return binding_state(binding)


@handles(SyncJob.Kind.PRODUCT_RECREATE)
def handle_product_recreate(ctx: JobContext) -> dict:
    """The merchant's "re-create in this shop" of a product the shop no longer has: the lost remote product is
    forgotten (its id, payload hash, read copies and stock baselines) and the product published as a new one, so
    the new remote product starts at the local stock and stock edits go out as deltas from there.

    It runs as a job of the product, so no other job of it (a stock push) runs meanwhile. The shop is asked first:
    a product that exists again (or was wrongly reported gone) is brought up to date instead of doubled.
    """
    product = job_product(ctx)
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
    status = remote_status_word(remote) if remote is not None else ""
    if status and status != REMOTE_STATUS_MISSING:
        return status
    return "" if binding.listed_once else ctx.adapter.created_status


def _stock_after_publish(ctx: JobContext, product: Product, snapshot, keys, remote) -> None:
    """SKUs new to the shop hold the stock they were sent with; any later edit goes out as a delta. ``keys`` are
    the shop's keys of the SKUs, ``remote`` what the shop holds where a read said it (the publish's outcome).

    Payloads carry the remote quantity for SKUs the shop already has (never a blind "set" while sales run),
    so their baselines stand; only the shop's key of each SKU is refreshed. A new baseline is the quantity the
    shop holds when ``remote`` tells it: a create found again after its answer was lost holds the stock of the
    first attempt, and edits made since then go out as a delta. Where the body carries the stock itself
    (``Capability.STOCK_IN_PAYLOAD``), what was just sent is the new baseline, and no stock push follows.
    """
    stock_in_payload = Capability.STOCK_IN_PAYLOAD in ctx.adapter.capabilities
    held = {}
    if remote is not None and remote.exists and not stock_in_payload:
        held = remote.stock_by_sku_key
    # One read of the SKUs' baselines and one insert of the new ones, instead of a get_or_create per SKU.
    states = {
        state.sku_id: state
        for state in RemoteSkuStock.objects.filter(shop=ctx.shop, sku_id__in=[sku.id for sku in snapshot.skus])
    }
    now = timezone.now()
    new_states = []
    synced = {}
    for sku in snapshot.skus:
        key = keys.get(sku.id, sku.spec_key)
        state = states.get(sku.id)
        if state is None:
            baseline = held.get(key, sku.stock)
            new_states.append(
                RemoteSkuStock(
                    shop=ctx.shop,
                    sku_id=sku.id,
                    remote_sku_key=key,
                    synced_stock=baseline,
                    remote_stock=baseline,
                    remote_stock_read_at=now,
                )
            )
            synced[sku.id] = baseline
            continue
        synced[sku.id] = state.synced_stock
        if stock_in_payload:
            # The body just sent carried the stock itself.
            if state.synced_stock != sku.stock:
                RemoteSkuStock.objects.filter(pk=state.pk).update(synced_stock=sku.stock)
        elif keys.get(sku.id) and state.remote_sku_key != keys[sku.id]:
            RemoteSkuStock.objects.filter(pk=state.pk).update(remote_sku_key=keys[sku.id])
    # A baseline created meanwhile by another writer stands, as get_or_create kept it (the stock jobs of this
    # product are in this job's queue and cannot run beside it).
    RemoteSkuStock.objects.bulk_create(new_states, ignore_conflicts=True)
    if stock_in_payload:
        return
    # The product is bound in this shop now: a stock push is due where any SKU's stock, read again now (an edit
    # may have come during the publish), differs from its baseline. What stock_push_enqueue would read of the
    # binding and the baselines is known here already.
    current = Sku.objects.filter(product_id=snapshot.id).values_list("pk", "stock")
    if any(synced.get(sku_id, stock) != stock for sku_id, stock in current):
        ctx.enqueue(kind=SyncJob.Kind.STOCK_PUSH, target=product)


def _require_freight_template(ctx: JobContext, template_id: int, binding: RemoteBinding | None) -> str:
    """The template's remote id, from its ``binding`` in the shop (None: it has none)."""
    if binding is not None and binding.is_bound:
        return binding.remote_id
    template = FreightTemplate.objects.get(pk=template_id)
    if Capability.FREIGHT_TEMPLATES_IMPORTED in ctx.adapter.capabilities:
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


def require_bound_product(ctx: JobContext, product: Product) -> RemoteBinding:
    binding = binding_get(ctx.shop, Product, product.pk)
    if binding is not None and binding.is_bound:
        return binding
    raise ctx.wait_for(
        _("Waiting for the product to be published first."), kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product
    )


@handles(SyncJob.Kind.PRODUCT_LIST)
@detects_missing_product
def handle_product_list(ctx: JobContext, *, listed: bool = True) -> dict:
    product = job_product(ctx)
    if product is None:
        return {"skipped": "product deleted"}
    binding = require_bound_product(ctx, product)
    outcome = ctx.adapter.set_listing(
        ListingRequest(binding=binding_state(binding), listed=listed), _ListingBookkeeping(binding, product, listed)
    )
    if outcome.remote_read is not None:
        binding_store_remote(binding, outcome.remote_read)
    if listed:
        stock_push_enqueue(product=product, only_shop=ctx.shop)
    return {"remote_id": binding.remote_id, "listed": listed}


class _ListingBookkeeping:
    """The engine's side of a listing (``adapter.ListingServices``): the product's snapshot where the body carries
    the listing, and the change recorded on the binding as soon as the shop took it."""

    def __init__(self, binding: RemoteBinding, product: Product, listed: bool) -> None:
        self.binding = binding
        self.product = product
        self.listed = listed

    def snapshot(self):
        return product_snapshot(product_id=self.product.pk)

    def changed(self, payload: ProductPayload | None) -> None:
        fields = {"remote_status": "listed" if self.listed else "delisted"}
        if self.listed:
            fields["listed_once"] = True
        if payload is not None:
            # The next publish compares with what the shop now holds, so an unchanged product is not sent again.
            fields.update(last_pushed_hash=payload_hash(payload.hash_basis), last_pushed_payload=payload.body)
        binding_record_success(self.binding, **fields)


@handles(SyncJob.Kind.PRODUCT_REFRESH)
@detects_missing_product
def handle_product_refresh(ctx: JobContext) -> dict:
    """Read the product's state in the shop (audit result, listing) — the poll behind the push events."""
    binding = binding_get(ctx.shop, Product, ctx.job.target_id)
    if binding is None or not binding.is_bound:
        return {"skipped": "not published"}
    remote = ctx.adapter.product_get(remote_id=binding.remote_id)
    binding_store_remote(binding, remote)
    return {"remote_id": binding.remote_id, "status": binding.remote_status, "edit_status": remote.edit_status}


@handles(SyncJob.Kind.PRODUCT_AUDIT_CANCEL)
@detects_missing_product
def handle_product_audit_cancel(ctx: JobContext) -> dict:
    binding = binding_get(ctx.shop, Product, ctx.job.target_id)
    if binding is None or not binding.is_bound:
        return {"skipped": "not published"}
    ctx.adapter.product_audit_cancel(remote_id=binding.remote_id)
    binding_store_remote(binding, ctx.adapter.product_get(remote_id=binding.remote_id))
    return {"remote_id": binding.remote_id, "edit_status": binding.remote_edit_status}


@handles(SyncJob.Kind.THIRD_PARTY_DECLARE)
def handle_third_party_declare(ctx: JobContext) -> dict:
    """Declare where a product comes from (addproductthirdpartysource, seed 000)."""
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


@handles(SyncJob.Kind.PRODUCT_DELIST)
def handle_product_delist(ctx: JobContext) -> dict:
    return handle_product_list(ctx, listed=False)


@handles(SyncJob.Kind.PRODUCT_DELETE)
def handle_product_delete(ctx: JobContext) -> dict:
    binding = binding_get(ctx.shop, Product, ctx.job.target_id)
    if binding is None or not binding.is_bound:
        return {"skipped": "not published"}
    try:
        ctx.adapter.delete(binding_state(binding))
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
