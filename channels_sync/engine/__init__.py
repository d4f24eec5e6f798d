"""The sync engine (design §4): the outbox of ``SyncJob`` rows and the handlers that carry each kind of job out.

Layers, from the top: ``handlers/`` (one module per domain, each registering its job kinds with ``registry``),
``fanout`` (the catalog's calls that turn edits into jobs), ``outbox`` (enqueue, claim, execute, finish, waits,
re-drive), and under them ``context``, ``bindings``, ``images`` and ``registry``. The outbox never imports a
handler module: the app's ``ready()`` imports them, and each fills the registry.
"""
