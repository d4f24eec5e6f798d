"""The sync engine's admin, one module per concern: shops, jobs (the outbox, bindings, pushes), stock, orders,
and the sync side of the catalog's admins (``catalog``: panels contributed through ``products.extensions``, not
admins registered again)."""

from . import batches, catalog, jobs, orders, shops, stock

__all__ = ["batches", "catalog", "jobs", "orders", "shops", "stock"]
