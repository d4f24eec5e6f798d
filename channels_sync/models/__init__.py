"""The sync engine's records, one module per concern, re-exported here (``from channels_sync.models import Shop``).

- ``shops``: the remote accounts;
- ``bindings``: what a local object is in one shop, and the images uploaded there;
- ``jobs``: the outbox of jobs and their attempts (design §4);
- ``batches``: a bulk action's rows (object × shop) and the jobs carrying them;
- ``stock``: local stock movements and what each shop holds;
- ``orders``: orders pulled from the shops;
- ``pushes``: platform event pushes as received;
The records of a single platform live in their platform's package (``platforms/<platform>/models.py``, the same
app label) and are imported from there; ``ChannelsSyncConfig.import_models`` loads them with the app's own.
"""

from .adoption import CatalogImport, CatalogImportRow
from .batches import SyncBatch, SyncBatchItem
from .bindings import REMOTE_STATUS_MISSING, BindingStatusChange, RemoteBinding, RemoteImage, payload_hash
from .jobs import SyncAttempt, SyncJob
from .orders import AfterSale, Order, OrderItem, awaiting_shipment
from .pushes import PushEvent
from .shops import ACCOUNT_FIELDS, WECHAT_API_BASE_URL, Shop
from .stock import RemoteSkuStock, StockMovement

__all__ = [
    "AfterSale",
    "BindingStatusChange",
    "awaiting_shipment",
    "ACCOUNT_FIELDS",
    "REMOTE_STATUS_MISSING",
    "WECHAT_API_BASE_URL",
    "CatalogImport",
    "CatalogImportRow",
    "Order",
    "OrderItem",
    "PushEvent",
    "RemoteBinding",
    "RemoteImage",
    "RemoteSkuStock",
    "Shop",
    "StockMovement",
    "SyncAttempt",
    "SyncBatch",
    "SyncBatchItem",
    "SyncJob",
    "payload_hash",
]
