"""The product's payload as it would be sent to a shop, for the admin (nothing is uploaded or sent)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from products.models import FreightTemplate, Product
from products.selectors import product_snapshot

from .engine.bindings import binding_get, binding_state
from .engine.context import shop_config
from .models import RemoteImage, Shop
from .platforms.adapter import FREIGHT_TEMPLATE_CAPABILITIES, Capability, PlatformAdapter
from .platforms.preflight import sku_label
from .platforms.registry import PLATFORMS, adapter_class, get_adapter
from .selectors import product_options_for

# The remote id a preview puts for a freight template not pushed to the shop yet (it is pushed before the product):
# a number, as the platforms' builders want, never sent.
PREVIEW_TEMPLATE_REMOTE_ID = "0"


@dataclass(frozen=True)
class PayloadPreview:
    body: dict | None
    problems: tuple[str, ...]
    warnings: tuple[str, ...]
    pending_images: int
    # The image URLs (or placeholders) of the body, by the catalog's image asset id they stand for.
    image_assets: dict[str, int] = field(default_factory=dict)
    # Each SKU as the merchant reads it ("颜色：白色 / 尺码：S"), by its spec key.
    sku_labels: dict[str, str] = field(default_factory=dict)


def product_payload_preview(*, product: Product, shop: Shop) -> PayloadPreview:
    """Build the payload with the shop's image URLs; images not uploaded yet get a readable placeholder."""
    snapshot = product_snapshot(product_id=product.pk)
    # What the publish job would resolve before building (engine/handlers/products.py); an unknown platform is
    # reported by get_adapter below.
    platform = adapter_class(shop.platform) if shop.platform in PLATFORMS else PlatformAdapter
    asset_ids = snapshot.all_image_asset_ids() if Capability.IMAGES in platform.capabilities else []
    urls = dict(RemoteImage.objects.filter(shop=shop, asset_id__in=asset_ids).values_list("asset_id", "remote_url"))
    pending = [i for i in asset_ids if i not in urls]
    for asset_id in pending:
        urls[asset_id] = platform.preview_image_url(asset_id)
    template_remote_id = None
    if (
        snapshot.freight_template_id
        and snapshot.delivery_type == Product.DeliveryType.TEMPLATE
        and platform.capabilities & FREIGHT_TEMPLATE_CAPABILITIES
    ):
        template_binding = binding_get(shop, FreightTemplate, snapshot.freight_template_id)
        template_remote_id = (
            template_binding.remote_id
            if template_binding is not None and template_binding.is_bound
            else PREVIEW_TEMPLATE_REMOTE_ID
            if Capability.FREIGHT_TEMPLATES_PUSHED in platform.capabilities
            else None  # bound by an import only: the builder says so
        )
    binding = binding_get(shop, Product, product.pk)
    try:
        adapter = get_adapter(shop_config(shop))
        payload = adapter.product_payload(
            snapshot=snapshot,
            image_urls=urls,
            freight_template_remote_id=template_remote_id,
            binding=binding_state(binding) if binding is not None and binding.is_bound else None,
            remote=None,
            product_options=product_options_for(shop, product),
        )
    except ValueError as error:
        return PayloadPreview(body=None, problems=(str(error),), warnings=(), pending_images=len(pending))
    except Exception as error:  # an unsupported platform or a decryption problem: say so, never a 500
        return PayloadPreview(
            body=None, problems=(_("No preview: %(error)s") % {"error": error},), warnings=(), pending_images=0
        )
    return PayloadPreview(
        body=payload.body,
        problems=(),
        warnings=payload.warnings,
        pending_images=len(pending),
        image_assets={url: asset_id for asset_id, url in urls.items()},
        sku_labels={sku.spec_key: sku_label(sku) for sku in snapshot.skus if sku.spec_key},
    )
