"""Local emulator ("sandbox") of the remote platform APIs the sync engine calls (design §6).

Pure Python: no Django models, no database. Run it with ``python manage.py runsandbox``; see README.md.
"""

from channels_sync.sandbox.server import DEFAULT_PORT, Sandbox, SandboxServer

__all__ = ["DEFAULT_PORT", "Sandbox", "SandboxServer"]
