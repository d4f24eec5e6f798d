"""What each kind of job does, one module per domain: platform-neutral flows over the adapter interface.

Each handler reads the catalog through snapshots, calls the adapter outside any transaction, and records what
the platform answered in short transactions right after each call, so a crash later in the flow never loses a
remote id that was already created. A job marked ``outcome_unknown`` first reads remote state: a lost create is
found again (by out_product_id or fingerprint), a lost stock delta is checked against the remote quantity.

Each module registers its kinds with ``@handles``; ``ChannelsSyncConfig.ready()`` imports them (``MODULES``).
"""

# The handler modules, imported once by the app's ready(): importing one registers its job kinds.
MODULES = (
    "channels_sync.engine.handlers.products",
    "channels_sync.engine.handlers.stock",
    "channels_sync.engine.handlers.catalog_objects",
    "channels_sync.engine.handlers.imports",
    "channels_sync.engine.handlers.orders",
)
