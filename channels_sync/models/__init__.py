"""The sync engine's records, one module per concern, re-exported here (``from channels_sync.models import Shop``).

- ``shops``: the remote accounts;
- ``bindings``: what a local object is in one shop, and the images uploaded there;
- ``jobs``: the outbox of jobs and their attempts (design §4);
- ``stock``: local stock movements and what each shop holds;
- ``orders``: orders pulled from the shops;
- ``pushes``: platform event pushes as received;
and the records of a single platform, from their platform's package (``platforms/<platform>/models.py``).
"""

# The single-platform records live in their platform's package; imported here so that they load with the app.
from ..platforms.channels.models import ThirdPartySourceDeclaration
from ..platforms.open_platform.models import OpenPlatformOptions, OpenPlatformProductOptions
from .adoption import CatalogImport, CatalogImportRow
from .bindings import REMOTE_STATUS_MISSING, RemoteBinding, RemoteImage, payload_hash
from .jobs import SyncAttempt, SyncJob
from .orders import AfterSale, Order, OrderItem, awaiting_shipment
from .pushes import PushEvent
from .shops import ACCOUNT_FIELDS, WECHAT_API_BASE_URL, Shop
from .stock import RemoteSkuStock, StockMovement

__all__ = [
    "AfterSale",
    "awaiting_shipment",
    "ACCOUNT_FIELDS",
    "REMOTE_STATUS_MISSING",
    "WECHAT_API_BASE_URL",
    "CatalogImport",
    "CatalogImportRow",
    "OpenPlatformOptions",
    "OpenPlatformProductOptions",
    "Order",
    "OrderItem",
    "PushEvent",
    "RemoteBinding",
    "RemoteImage",
    "RemoteSkuStock",
    "Shop",
    "StockMovement",
    "SyncAttempt",
    "SyncJob",
    "ThirdPartySourceDeclaration",
    "payload_hash",
]
