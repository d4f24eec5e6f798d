"""Local emulator ("sandbox") of the remote platform APIs the sync engine calls (design §6).

Standard library only, and never imported by the project's production code: ``python -m sandbox`` runs it as a
process of its own; tests serve it in-process. ``core/`` holds what every platform shares, one sub-package per
platform its routes, rules and seed data, and ``emulator.py`` puts them together. See README.md.
"""

from sandbox.core.server import DEFAULT_PORT, SandboxServer
from sandbox.emulator import Sandbox

__all__ = ["DEFAULT_PORT", "Sandbox", "SandboxServer"]
